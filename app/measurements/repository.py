"""Queries on measurements."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import func, select
from sqlmodel import Session

from app.measurements.models import Measurement


def count_by_indicators(session: Session, indicator_ids: Collection[uuid.UUID]) -> int:
    """How many measurements the indicators have (what deleting them would take along)."""
    if not indicator_ids:
        return 0
    return session.execute(
        select(func.count())
        .select_from(Measurement)
        .where(Measurement.indicator_id.in_(indicator_ids))
    ).scalar_one()
