"""Queries on evidence."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.cuts.models import Cut
from app.evidence.models import Evidence
from app.followups.models import FollowUp
from app.plans.models import Indicator, Plan


def with_context(
    session: Session, evidence_id: uuid.UUID
) -> tuple[Evidence, FollowUp, Cut, Plan, Indicator] | None:
    """An evidence row with its follow-up, cut, plan and indicator, in one statement."""
    row = session.execute(
        select(Evidence, FollowUp, Cut, Plan, Indicator)
        .join(FollowUp, col(FollowUp.id) == col(Evidence.followup_id))
        .join(Cut, col(Cut.id) == col(FollowUp.cut_id))
        .join(Plan, col(Plan.id) == col(Cut.plan_id))
        .join(Indicator, col(Indicator.id) == col(FollowUp.indicator_id))
        .where(col(Evidence.id) == evidence_id)
    ).first()
    return (row[0], row[1], row[2], row[3], row[4]) if row else None


def list_stmt(followup_id: uuid.UUID) -> Select:
    return (
        select(Evidence)
        .where(col(Evidence.followup_id) == followup_id)
        .order_by(col(Evidence.created_at), col(Evidence.id))
    )


def sha256_in_use(session: Session, sha256: str) -> bool:
    """Whether some evidence row holds a file with this content."""
    found = session.execute(select(col(Evidence.id)).where(col(Evidence.sha256) == sha256).limit(1))
    return found.first() is not None


def hashes_in_use(session: Session, hashes: list[str]) -> set[str]:
    """Which of these content hashes some evidence row holds (in batches of 10,000)."""
    found: set[str] = set()
    for start in range(0, len(hashes), 10_000):
        batch = hashes[start : start + 10_000]
        stmt = select(col(Evidence.sha256)).distinct().where(col(Evidence.sha256).in_(batch))
        found.update(h for h in session.execute(stmt).scalars() if h)
    return found


def save(session: Session, row: Evidence) -> Evidence:
    session.add(row)
    session.flush()
    return row


def delete(session: Session, row: Evidence) -> None:
    session.delete(row)
    session.flush()
