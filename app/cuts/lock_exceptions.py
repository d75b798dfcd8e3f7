"""Lock exceptions: a closed (or published) cut lets one unit post or correct the values of
its periods until a date, with a reason, as DHIS2's lock exceptions do. Everyone else still
meets the lock (409); an expired exception is a 409 on use; each use is in the change log.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import Conflict, Invalid, NotFound
from app.core.models import utcnow
from app.core.pagination import PageParams
from app.cuts import repository
from app.cuts.models import Cut, LockException
from app.cuts.schemas import LockExceptionCreate, LockExceptionPublic
from app.plans import changes
from app.plans.models import Plan


def public(row: LockException, unit_code: str, now: datetime | None = None) -> LockExceptionPublic:
    return LockExceptionPublic(
        id=row.id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        cut_id=row.cut_id,
        unit_id=row.unit_id,
        unit_code=unit_code,
        until=row.until,
        reason=row.reason,
        granted_by_username=row.granted_by_username,
        revoked_at=row.revoked_at,
        revoked_by_username=row.revoked_by_username,
        active=row.active_at(now or utcnow()),
    )


def grant(
    session: Session, actor: Actor, plan: Plan, cut: Cut, data: LockExceptionCreate
) -> tuple[LockException, str]:
    unit = repository.unit_of(session, plan.organization_id, data.unit_id, data.unit_code)
    if unit is None:
        # A unit of another organization is as unknown as one that does not exist.
        raise NotFound("unit", data.unit_id or data.unit_code)
    if cut.status == "open":
        raise Conflict("The cut is open: its values can be written without an exception.")
    if data.until <= utcnow():
        raise Invalid(["body", "until"], "until must be in the future")
    row = repository.add_exception(
        session,
        LockException(
            cut_id=cut.id,
            unit_id=unit.id,
            until=data.until,
            reason=data.reason,
            granted_by=actor.user_id,
            granted_by_username=actor.username,
        ),
    )
    _log(session, actor, plan, row, "grant", {"cut_code": cut.code, "unit_code": unit.code})
    return row, unit.code


def list_(
    session: Session, cut: Cut, page: PageParams, unit_id: uuid.UUID | None
) -> tuple[list[LockExceptionPublic], int]:
    rows, total = repository.page_of_exceptions(session, cut.id, unit_id, page.limit, page.offset)
    now = utcnow()
    return [public(r, code, now) for r, code in rows], total


def get(session: Session, cut: Cut, exception_id: uuid.UUID) -> tuple[LockException, str]:
    found = repository.exception_with_unit(session, exception_id)
    if found is None or found[0].cut_id != cut.id:
        raise NotFound("lock exception", exception_id)
    return found


def revoke(session: Session, actor: Actor, plan: Plan, cut: Cut, exception_id: uuid.UUID) -> None:
    row, unit_code = get(session, cut, exception_id)
    if row.revoked_at is not None:
        return
    row.revoked_at, row.revoked_by_username = utcnow(), actor.username
    repository.add_exception(session, row)
    _log(session, actor, plan, row, "revoke", {"cut_code": cut.code, "unit_code": unit_code})


def _log(
    session: Session,
    actor: Actor,
    plan: Plan,
    row: LockException,
    operation: str,
    extra: dict,
    reason: str | None = None,
) -> None:
    changes.record(
        session,
        actor,
        plan,
        entity="lock_exception",
        entity_id=row.id,
        entity_code=extra.get("cut_code"),
        operation=operation,
        before=None,
        after={
            **extra,
            "unit_id": str(row.unit_id),
            "until": row.until.isoformat(),
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
        },
        reason=reason or row.reason,
        bump=False,
    )


# --- using an exception --------------------------------------------------------------------


class ExpiredException(Conflict):
    """The unit had an exception for this cut, and it has run out."""


@dataclass
class Unlocks:
    """The unrevoked exceptions of some frozen cuts, judged at one instant."""

    exceptions: list[LockException]
    at: datetime = field(default_factory=utcnow)

    def __bool__(self) -> bool:
        return bool(self.exceptions)

    def find(self, cut: Cut, unit_ids: Collection[uuid.UUID]) -> LockException | None:
        """The active exception of one of `unit_ids` on `cut`; 409 when theirs expired."""
        expired = None
        for e in self.exceptions:
            if e.cut_id != cut.id or e.unit_id not in unit_ids:
                continue
            if e.active_at(self.at):
                return e
            expired = e
        if expired is not None:
            raise ExpiredException(
                f"The lock exception of cut {cut.code} for this unit expired at "
                f"{expired.until.isoformat()}: the cut is {cut.status} and nothing was written. "
                "Ask the planning office for a new one."
            )
        return None


def unlocks_of_plan(session: Session, plan: Plan) -> Unlocks:
    """The exceptions of the plan's frozen cuts: one statement."""
    return Unlocks(repository.unrevoked_exceptions(session, plan_id=plan.id))


def unlocks_of_cut(session: Session, cut: Cut) -> Unlocks:
    if cut.status == "open":
        return Unlocks([])
    return Unlocks(repository.unrevoked_exceptions(session, cut_id=cut.id))


def record_uses(
    session: Session,
    actor: Actor,
    plan: Plan,
    cuts: dict[uuid.UUID, Cut],
    uses: Iterable[tuple[LockException, dict]],
    what: str,
) -> None:
    """One change-log entry per exception used, listing what was written through it."""
    grouped: dict[uuid.UUID, tuple[LockException, list[dict]]] = {}
    for exception, item in uses:
        grouped.setdefault(exception.id, (exception, []))[1].append(item)
    for exception, items in grouped.values():
        cut = cuts[exception.cut_id]
        _log(
            session,
            actor,
            plan,
            exception,
            "use",
            {"cut_code": cut.code, "cut_status": cut.status, "what": what, "items": items},
        )
