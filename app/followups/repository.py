"""Queries on follow-ups and their events."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.followups.models import FollowUp, FollowUpEvent
from app.measurements.models import Measurement
from app.plans.models import Indicator, Programming

# Evidence hangs from follow-ups (app.evidence imports app.followups); its count is read
# through the bare table so that the arrow between the two packages stays one-way.
_evidence = sa.table("evidence", sa.column("followup_id", sa.Uuid))


def indicator(session: Session, indicator_id: uuid.UUID) -> Indicator | None:
    return session.get(Indicator, indicator_id)


def find(session: Session, cut_id: uuid.UUID, indicator_id: uuid.UUID) -> FollowUp | None:
    return session.execute(
        select(FollowUp).where(
            col(FollowUp.cut_id) == cut_id, col(FollowUp.indicator_id) == indicator_id
        )
    ).scalar_one_or_none()


def list_stmt(cut_id: uuid.UUID, status: str | None) -> Select:
    stmt = select(FollowUp).where(col(FollowUp.cut_id) == cut_id)
    if status is not None:
        stmt = stmt.where(col(FollowUp.status) == status)
    return stmt.order_by(col(FollowUp.created_at), col(FollowUp.id))


def indicator_codes(session: Session, indicator_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return dict(
        session.execute(
            select(col(Indicator.id), col(Indicator.code)).where(
                col(Indicator.id).in_(indicator_ids)
            )
        ).all()
    )


def evidence_counts(session: Session, followup_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many evidence rows each follow-up has (absent: none)."""
    return dict(
        session.execute(
            select(_evidence.c.followup_id, func.count())
            .where(_evidence.c.followup_id.in_(followup_ids))
            .group_by(_evidence.c.followup_id)
        ).all()
    )


def dated_values(
    session: Session, indicator_id: uuid.UUID, up_to: date
) -> tuple[list[tuple[str, date, Decimal]], list[tuple[str, date, Decimal]]]:
    """The indicator's programming, and its measurements for periods ending by `up_to`, as
    (dims_key, period_end, value): totals ('') and disaggregated values."""
    programming = session.execute(
        select(
            col(Programming.dims_key), col(Programming.period_end), col(Programming.value)
        ).where(col(Programming.indicator_id) == indicator_id)
    ).all()
    measured = session.execute(
        select(
            col(Measurement.dims_key), col(Measurement.period_end), col(Measurement.value)
        ).where(col(Measurement.indicator_id) == indicator_id, col(Measurement.period_end) <= up_to)
    ).all()
    return [(k, d, v) for k, d, v in programming], [(k, d, v) for k, d, v in measured]


def events_of(session: Session, followup_ids: list[uuid.UUID]) -> list[FollowUpEvent]:
    return list(
        session.execute(
            select(FollowUpEvent)
            .where(col(FollowUpEvent.followup_id).in_(followup_ids))
            .order_by(col(FollowUpEvent.created_at))
        ).scalars()
    )


def add(session: Session, obj: FollowUp | FollowUpEvent) -> None:
    session.add(obj)


def save(session: Session, followup: FollowUp) -> FollowUp:
    session.add(followup)
    session.flush()
    return followup
