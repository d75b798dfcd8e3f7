"""What webhook routes take and answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from app.core.schemas import InputModel, OutputModel, Resource, ShortText, UpdateModel

# Every event an endpoint may subscribe to (see README "Webhooks" for where each is sent).
EventType = Literal[
    "cut.closed",
    "cut.published",
    "followup.submitted",
    "followup.returned",
    "followup.approved",
    "import.finished",
    "report.ready",
    "alert.raised",
]
DeliveryStatus = Literal["queued", "retrying", "succeeded", "failed"]

_URL_DESCRIPTION = "https URL that receives the events"
_EVENTS_DESCRIPTION = "The events sent to it"


class WebhookCreate(InputModel):
    url: str = Field(min_length=8, max_length=2000, description=_URL_DESCRIPTION)
    events: list[EventType] = Field(min_length=1, max_length=8, description=_EVENTS_DESCRIPTION)
    description: ShortText | None = None


class WebhookUpdate(UpdateModel):
    nullable_fields: ClassVar[frozenset[str]] = frozenset({"description"})

    url: str | None = Field(
        default=None, min_length=8, max_length=2000, description=_URL_DESCRIPTION
    )
    events: list[EventType] | None = Field(
        default=None, min_length=1, max_length=8, description=_EVENTS_DESCRIPTION
    )
    description: ShortText | None = None
    active: bool | None = Field(
        default=None, description="false pauses it; true turns a disabled endpoint back on"
    )


class WebhookPublic(Resource):
    organization_id: uuid.UUID
    url: str
    events: list[EventType]
    description: str | None
    active: bool
    disabled_reason: str | None = Field(description="Why the service turned it off, if it did")
    disabled_at: datetime | None
    failing_since: datetime | None = Field(description="First failure since its last success")
    links: dict[str, str]


class WebhookCreated(WebhookPublic):
    secret: str = Field(
        description="The key that signs every delivery: shown only now, keep it safe"
    )


class DeliveryPublic(OutputModel):
    id: uuid.UUID
    webhook_id: uuid.UUID
    event_id: uuid.UUID
    event_type: EventType
    status: DeliveryStatus
    attempts: int = Field(description="Attempts made so far")
    response_code: int | None = Field(description="HTTP status of the last attempt's answer")
    duration_ms: int | None = Field(description="How long the last attempt took")
    error: str | None = Field(description="Why the last attempt failed")
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When it is tried again, if it is")
    delivered_at: datetime | None
    links: dict[str, str]
