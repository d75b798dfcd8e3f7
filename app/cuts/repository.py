"""Queries on cuts."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlmodel import Session

from app.cuts.models import Cut


def has_published(session: Session, plan_id: uuid.UUID) -> bool:
    """Whether the plan has a published cut (what makes it visible without a token)."""
    return (
        session.execute(
            select(Cut.id).where(Cut.plan_id == plan_id, Cut.status == "published").limit(1)
        ).first()
        is not None
    )
