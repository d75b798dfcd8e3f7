"""Cuts ("cortes"): the reporting dates of a plan, open -> closed -> published."""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import TableBase, fk


class Cut(TableBase, table=True):
    __tablename__ = "cuts"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "code"),
        sa.CheckConstraint("status IN ('open', 'closed', 'published')", name="status"),
        sa.CheckConstraint(
            "period_kind IN ('monthly', 'quarterly', 'semiannual', 'annual')", name="period_kind"
        ),
    )

    plan_id: uuid.UUID = fk("plans.id", ondelete="CASCADE")
    code: str = Field(max_length=40)
    cut_date: date
    label: str = Field(max_length=300)
    period_kind: str = Field(max_length=20)
    status: str = Field(default="open", max_length=20)
    closed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    published_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
