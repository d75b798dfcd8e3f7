"""Follow-ups ("seguimiento"): per cut and indicator, what was done and why it lags."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import TableBase, fk


class FollowUp(TableBase, table=True):
    __tablename__ = "followups"
    __table_args__ = (
        sa.UniqueConstraint("cut_id", "indicator_id"),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'returned')", name="status"
        ),
    )

    cut_id: uuid.UUID = fk("cuts.id", ondelete="CASCADE", index=False)
    indicator_id: uuid.UUID = fk("indicators.id", ondelete="CASCADE")
    narrative: str | None = Field(default=None, sa_type=sa.Text)
    observations: str | None = Field(default=None, sa_type=sa.Text)
    lag_justification: str | None = Field(default=None, sa_type=sa.Text)
    status: str = Field(default="draft", max_length=20)
    return_comment: str | None = Field(default=None, sa_type=sa.Text)
    updated_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
    submitted_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
    submitted_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    reviewed_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
    reviewed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class FollowUpEvent(TableBase, table=True):
    """Every transition of a follow-up: who, when, from what to what, with what comment."""

    __tablename__ = "followup_events"

    followup_id: uuid.UUID = fk("followups.id", ondelete="CASCADE")
    actor_id: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
    actor_username: str = Field(max_length=80)
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    comment: str | None = Field(default=None, sa_type=sa.Text)
