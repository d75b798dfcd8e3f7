"""Queries on cuts."""

from __future__ import annotations

import uuid

from sqlalchemy import extract, func, select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.core.db import flush_or_conflict
from app.cuts.models import Cut, LockException
from app.plans.models import Plan
from app.units.models import Unit

CONFLICTS = {"uq_cuts_plan_id_code": "A cut with this code already exists in the plan."}


def with_plan(session: Session, cut_id: uuid.UUID) -> tuple[Cut, Plan] | None:
    """A cut and its plan in one statement."""
    row = session.execute(
        select(Cut, Plan).join(Plan, col(Plan.id) == col(Cut.plan_id)).where(col(Cut.id) == cut_id)
    ).first()
    return (row[0], row[1]) if row else None


def list_stmt(plan_id: uuid.UUID, *, status: str | None, year: int | None) -> Select:
    stmt = select(Cut).where(col(Cut.plan_id) == plan_id).order_by(col(Cut.cut_date), col(Cut.code))
    if status is not None:
        stmt = stmt.where(col(Cut.status) == status)
    if year is not None:
        stmt = stmt.where(extract("year", col(Cut.cut_date)) == year)
    return stmt


def frozen_of(session: Session, plan_id: uuid.UUID) -> list[Cut]:
    """The plan's cuts that are not open (closed or published)."""
    return list(
        session.execute(
            select(Cut).where(col(Cut.plan_id) == plan_id, col(Cut.status) != "open")
        ).scalars()
    )


def save(session: Session, cut: Cut) -> Cut:
    session.add(cut)
    flush_or_conflict(session, CONFLICTS)
    return cut


# --- lock exceptions ---------------------------------------------------------------------


def unit_of(
    session: Session, organization_id: uuid.UUID, unit_id: uuid.UUID | None, code: str | None
) -> Unit | None:
    """A unit of the organization, by id or by code (letter case as typed)."""
    stmt = select(Unit).where(col(Unit.organization_id) == organization_id)
    stmt = (
        stmt.where(col(Unit.id) == unit_id)
        if unit_id is not None
        else stmt.where(col(Unit.code) == code)
    )
    return session.execute(stmt).scalars().first()


def add_exception(session: Session, row: LockException) -> LockException:
    session.add(row)
    session.flush()
    return row


def exception_with_unit(
    session: Session, exception_id: uuid.UUID
) -> tuple[LockException, str] | None:
    row = session.execute(
        select(LockException, col(Unit.code))
        .join(Unit, col(Unit.id) == col(LockException.unit_id))
        .where(col(LockException.id) == exception_id)
    ).first()
    return (row[0], row[1]) if row else None


def exceptions_stmt(cut_id: uuid.UUID, unit_id: uuid.UUID | None) -> Select:
    stmt = (
        select(LockException, col(Unit.code))
        .join(Unit, col(Unit.id) == col(LockException.unit_id))
        .where(col(LockException.cut_id) == cut_id)
        .order_by(col(LockException.created_at), col(LockException.id))
    )
    if unit_id is not None:
        stmt = stmt.where(col(LockException.unit_id) == unit_id)
    return stmt


def page_of_exceptions(
    session: Session, cut_id: uuid.UUID, unit_id: uuid.UUID | None, limit: int, offset: int
) -> tuple[list[tuple[LockException, str]], int]:
    stmt = exceptions_stmt(cut_id, unit_id)
    total = session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    rows = session.execute(stmt.limit(limit).offset(offset)).all()
    return [(r[0], r[1]) for r in rows], int(total)


def unrevoked_exceptions(
    session: Session, *, plan_id: uuid.UUID | None = None, cut_id: uuid.UUID | None = None
) -> list[LockException]:
    """The exceptions not revoked (expired ones included) of a plan's frozen cuts, or of a cut."""
    stmt = select(LockException).where(col(LockException.revoked_at).is_(None))
    if cut_id is not None:
        stmt = stmt.where(col(LockException.cut_id) == cut_id)
    if plan_id is not None:
        stmt = stmt.join(Cut, col(Cut.id) == col(LockException.cut_id)).where(
            col(Cut.plan_id) == plan_id, col(Cut.status) != "open"
        )
    return list(session.execute(stmt).scalars())
