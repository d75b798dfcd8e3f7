"""Webhook endpoints an organization registers, and each event's delivery to one of them."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from app.core.models import TableBase, fk

DELIVERY_STATUSES = ("queued", "retrying", "succeeded", "failed")


class Webhook(TableBase, table=True):
    __tablename__ = "webhooks"

    organization_id: uuid.UUID = fk("organizations.id", ondelete="CASCADE")
    url: str = Field(max_length=2000)
    events: list[str] = Field(default_factory=list, sa_type=JSONB)
    description: str | None = Field(default=None, max_length=500)
    # The signing key, shown once at creation; never answered again.
    secret: str = Field(max_length=100)
    active: bool = Field(default=True)
    # Why the service turned it off (an endpoint failing for a day), for its admin.
    disabled_reason: str | None = Field(default=None, max_length=500)
    disabled_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The first failed attempt since its last success.
    failing_since: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)


class WebhookDelivery(TableBase, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('queued', 'retrying', 'succeeded', 'failed')", name="status"
        ),
        sa.Index("ix_webhook_deliveries_webhook_created", "webhook_id", "created_at"),
    )

    webhook_id: uuid.UUID = fk("webhooks.id", ondelete="CASCADE", index=False)
    event_id: uuid.UUID = Field(sa_type=sa.Uuid)
    event_type: str = Field(max_length=60)
    # The event as sent (the JSON body), the same at every attempt.
    body: dict = Field(default_factory=dict, sa_type=JSONB)
    status: str = Field(default="queued", max_length=20)
    attempts: int = Field(default=0)
    response_code: int | None = Field(default=None)
    duration_ms: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=1000)
    last_attempt_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    next_attempt_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    delivered_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
