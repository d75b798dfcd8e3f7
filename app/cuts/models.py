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


class LockException(TableBase, table=True):
    """A closed cut's time-limited permission for one unit to post or correct the values of
    the cut's periods ("excepción de bloqueo"); revoked ones are kept, with who revoked them."""

    __tablename__ = "lock_exceptions"
    __table_args__ = (sa.Index("ix_lock_exceptions_cut_unit", "cut_id", "unit_id"),)

    cut_id: uuid.UUID = fk("cuts.id", ondelete="CASCADE", index=False)
    unit_id: uuid.UUID = fk("units.id")
    until: datetime = Field(sa_type=sa.DateTime(timezone=True))
    reason: str = Field(sa_type=sa.Text)
    granted_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
    granted_by_username: str = Field(max_length=80)
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    revoked_by_username: str | None = Field(default=None, max_length=80)

    def active_at(self, instant: datetime) -> bool:
        return self.revoked_at is None and instant < self.until
