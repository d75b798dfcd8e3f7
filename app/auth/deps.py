"""Who is calling: the bearer token resolved to an actor, and the checks routes make with it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, update
from sqlmodel import Session

from app.core.db import SessionDep
from app.core.errors import Forbidden, NotFound, Unauthorized
from app.core.models import utcnow
from app.core.security import token_digest
from app.users.models import ApiToken, User, UserUnit

_bearer = HTTPBearer(auto_error=False, description="A login token or an API token")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
# Recording every use would turn each read into a write; once in a while is enough.
_LAST_USED_GRANULARITY = timedelta(minutes=5)


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
            organization_id is not None and organization_id == self.organization_id)

    def check_sees(self, organization_id: uuid.UUID | None, what: str, key: object) -> None:
        """Another organization's object is answered as if it did not exist."""
        if not self.sees(organization_id):
            raise NotFound(what, key)

    def require(self, *roles: str) -> None:
        if self.is_platform_admin or self.role in roles:
            return
        raise Forbidden(f"This needs the role {' or '.join(roles)}; you are {self.role}.")

    def may_write_for(self, unit_ids: set[uuid.UUID] | frozenset[uuid.UUID]) -> bool:
        """Coordinators and admins write for any unit; a reporter only for one of theirs."""
        if self.is_platform_admin or self.role in ("admin", "coordinator"):
            return True
        return self.role == "reporter" and bool(self.unit_ids & set(unit_ids))


def resolve_token(session: Session, token: str) -> Actor | None:
    now = utcnow()
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_digest(token))
    ).first()
    if row is None:
        return None
    api_token, user = row
    if api_token.revoked_at is not None or api_token.expires_at <= now or not user.active:
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at > _LAST_USED_GRANULARITY:
        session.execute(update(ApiToken).where(ApiToken.id == api_token.id)
                        .values(last_used_at=now))
    unit_ids = frozenset(session.execute(
        select(UserUnit.unit_id).where(UserUnit.user_id == user.id)).scalars())
    return Actor(user_id=user.id, username=user.username, organization_id=user.organization_id,
                 role=user.role, is_platform_admin=user.is_platform_admin, unit_ids=unit_ids,
                 token_id=api_token.id)


def optional_actor(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor | None:
    """The caller, or None when anonymous; a token that is sent must be valid."""
    if credentials is None:
        if "authorization" in request.headers:
            raise Unauthorized("The Authorization header must be `Bearer <token>`.",
                               headers=_CHALLENGE)
        return None
    actor = resolve_token(session, credentials.credentials)
    if actor is None:
        raise Unauthorized("The token is invalid, expired or revoked.", headers=_CHALLENGE)
    return actor


def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise Unauthorized("Log in and send `Authorization: Bearer <token>`.",
                           headers=_CHALLENGE)
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]
OptionalActorDep = Annotated[Actor | None, Depends(optional_actor)]


def requires(*roles: str):
    """A dependency that lets through the given roles (and platform administrators) only.

    As a dependency it runs before the body is validated: a caller without the role learns
    nothing about what the body should hold.
    """

    def check(actor: ActorDep) -> Actor:
        actor.require(*roles)
        return actor

    return check


def platform_admin(actor: ActorDep) -> Actor:
    if not actor.is_platform_admin:
        raise Forbidden("Only a platform administrator may do this.")
    return actor


AdminDep = Annotated[Actor, Depends(requires("admin"))]
PlatformAdminDep = Annotated[Actor, Depends(platform_admin)]
