"""The change-control log ("control de cambios"): who changed what in a plan, when and why."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from app.core.models import TableBase, fk, utcnow


class ChangeRecord(TableBase, table=True):
    __tablename__ = "change_records"
    __table_args__ = (sa.Index("ix_change_records_plan_at", "plan_id", "at"),)

    plan_id: uuid.UUID = fk("plans.id", index=False)
    actor_id: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
    actor_username: str = Field(max_length=80)
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    entity: str = Field(max_length=40)
    entity_id: uuid.UUID = Field(sa_type=sa.Uuid)
    entity_code: str | None = Field(default=None, max_length=40)
    operation: str = Field(max_length=20)
    before: dict | None = Field(default=None, sa_type=JSONB)
    after: dict | None = Field(default=None, sa_type=JSONB)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    plan_version: int
