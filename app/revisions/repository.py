"""Queries on publication revisions (their frozen entries are in the results cache)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.plans.models import ChangeRecord
from app.revisions.models import CutRevision


def last_number(session: Session, cut_id: uuid.UUID) -> int:
    found = session.execute(
        select(func.max(col(CutRevision.number))).where(col(CutRevision.cut_id) == cut_id)
    ).scalar_one()
    return int(found or 0)


def last_reopen_reason(session: Session, cut_id: uuid.UUID) -> str | None:
    """The reason given when the cut was last reopened (change log)."""
    return session.execute(
        select(col(ChangeRecord.reason))
        .where(
            col(ChangeRecord.entity) == "cut",
            col(ChangeRecord.entity_id) == cut_id,
            col(ChangeRecord.operation) == "reopen",
        )
        .order_by(col(ChangeRecord.created_at).desc())
        .limit(1)
    ).scalar_one_or_none()


def list_stmt(cut_id: uuid.UUID) -> Select:
    return (
        select(CutRevision)
        .where(col(CutRevision.cut_id) == cut_id)
        .order_by(col(CutRevision.number))
    )


def by_numbers(session: Session, cut_id: uuid.UUID, numbers: list[int]) -> dict[int, CutRevision]:
    rows = session.execute(
        select(CutRevision).where(
            col(CutRevision.cut_id) == cut_id, col(CutRevision.number).in_(numbers)
        )
    ).scalars()
    return {r.number: r for r in rows}


def save(session: Session, revision: CutRevision) -> CutRevision:
    session.add(revision)
    session.flush()
    return revision
