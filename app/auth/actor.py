"""Who is calling, as plain data: what services receive instead of anything from the web layer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.core.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    username: str
    organization_id: uuid.UUID | None
    role: str
    is_platform_admin: bool
    unit_ids: frozenset[uuid.UUID]
    token_id: uuid.UUID

    def sees(self, organization_id: uuid.UUID | None) -> bool:
        return self.is_platform_admin or (
            organization_id is not None and organization_id == self.organization_id
        )

    def check_sees(self, organization_id: uuid.UUID | None, what: str, key: object) -> None:
        """Another organization's object is answered as if it did not exist."""
        if not self.sees(organization_id):
            raise NotFound(what, key)

    def require(self, *roles: str) -> None:
        if self.is_platform_admin or self.role in roles:
            return
        raise Forbidden(f"This needs the role {' or '.join(roles)}; you are {self.role}.")

    @property
    def writes_for_every_unit(self) -> bool:
        """Whether `may_write_for` is true whatever the units (no need to load them)."""
        return self.is_platform_admin or self.role in ("admin", "coordinator")

    def may_write_for(self, unit_ids: set[uuid.UUID] | frozenset[uuid.UUID]) -> bool:
        """Coordinators and admins write for any unit; a reporter only for one of theirs.

        The one home of "a reporter writes only for its own units": measurements and
        follow-ups (and so evidence) ask it with the units answering for an indicator.
        """
        if self.writes_for_every_unit:
            return True
        return self.role == "reporter" and bool(self.unit_ids & set(unit_ids))
