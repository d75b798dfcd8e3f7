"""Queries on cuts."""

from __future__ import annotations

import uuid

from sqlalchemy import extract, select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.core.db import flush_or_conflict
from app.cuts.models import Cut
from app.plans.models import Plan

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
