"""Webhook endpoints of an organization, and `emit`: what a feature calls when something happens.

    from app.webhooks import service as webhooks

    webhooks.emit(session, plan.organization_id, "cut.published", f"/api/v1/cuts/{cut.id}",
                  {"cut_id": str(cut.id), "plan_id": str(plan.id)})

`emit` writes one delivery per subscribed endpoint and queues its first attempt, all in the
caller's transaction: a change that rolls back sends nothing, and the request never waits for
an endpoint.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any, get_args

from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.models import utcnow
from app.core.pagination import PageParams
from app.plans.models import Indicator, Plan
from app.webhooks import delivery as sender
from app.webhooks import repository
from app.webhooks.models import Webhook, WebhookDelivery
from app.webhooks.schemas import (
    DeliveryPublic,
    EventType,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
    WebhookUpdate,
)

EVENTS: tuple[str, ...] = get_args(EventType)


def _check_url(url: str, allow_private: bool) -> None:
    try:
        sender.check_url(url, allow_private=allow_private)
    except sender.UnsafeUrl as exc:
        raise Invalid(["body", "url"], str(exc)) from None


def get_visible(session: Session, actor: Actor, webhook_id: uuid.UUID) -> Webhook:
    """An endpoint of the actor's organization; any other answers 404 like a missing one."""
    webhook = repository.get(session, webhook_id)
    if webhook is None or not actor.sees(webhook.organization_id):
        raise NotFound("webhook", webhook_id)
    return webhook


def list_(session: Session, actor: Actor, page: PageParams) -> tuple[list[Webhook], int]:
    scope = None if actor.is_platform_admin else actor.organization_id
    return repository.list_(session, scope, page)


def create(
    session: Session, actor: Actor, data: WebhookCreate, *, allow_private: bool
) -> tuple[Webhook, str]:
    if actor.organization_id is None:
        raise Forbidden("Webhooks belong to an organization: register them as its admin.")
    _check_url(data.url, allow_private)
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook = Webhook(
        organization_id=actor.organization_id,
        url=data.url,
        events=list(dict.fromkeys(data.events)),
        description=data.description,
        secret=secret,
        created_by=actor.user_id,
    )
    repository.save(session, webhook)
    return webhook, secret


def update(
    session: Session, webhook: Webhook, data: WebhookUpdate, *, allow_private: bool
) -> Webhook:
    values = data.model_dump(exclude_unset=True)
    if "url" in values:
        _check_url(values["url"], allow_private)
    if "events" in values:
        values["events"] = list(dict.fromkeys(values["events"]))
    if values.get("active") is True and not webhook.active:
        # Turned back on: the failures that disabled it are forgiven.
        webhook.disabled_reason = webhook.disabled_at = webhook.failing_since = None
    webhook.sqlmodel_update(values)
    repository.save(session, webhook)
    return webhook


def delete(session: Session, webhook: Webhook) -> None:
    repository.delete(session, webhook)


def deliveries(
    session: Session, webhook: Webhook, page: PageParams
) -> tuple[list[WebhookDelivery], int]:
    return repository.deliveries(session, webhook.id, page)


def redeliver(session: Session, webhook: Webhook, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Send a delivery again now (a new series of attempts with the same event id)."""
    found = repository.get_delivery(session, delivery_id)
    if found is None or found.webhook_id != webhook.id:
        raise NotFound("delivery", delivery_id)
    if not webhook.active:
        raise Conflict("The endpoint is disabled: turn it back on (active: true) first.")
    if found.status in ("queued", "retrying"):
        raise Conflict(f"The delivery is already {found.status}; wait for its attempt.")
    found.status, found.attempts, found.next_attempt_at = "queued", 0, None
    repository.save(session, found)
    sender.schedule_attempt(session, webhook, found)
    return found


def emit(
    session: Session,
    organization_id: uuid.UUID,
    event_type: str,
    link: str,
    data: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Record an event for every active endpoint of the organization subscribed to it.

    Each gets a delivery row and its first attempt queued, in the caller's transaction. The
    event's id (the `Webhook-Id` header) is the same for every endpoint and every attempt.
    """
    if event_type not in EVENTS:
        raise ValueError(f"unknown webhook event {event_type!r}")
    event_id = uuid.uuid4()
    hooks = repository.subscribed(session, organization_id, event_type)
    if not hooks:
        return event_id
    body = {
        "id": str(event_id),
        "type": event_type,
        "created_at": utcnow().isoformat(),
        "organization_id": str(organization_id),
        "data": {"link": link, **(data or {})},
    }
    for webhook in hooks:
        row = WebhookDelivery(
            webhook_id=webhook.id, event_id=event_id, event_type=event_type, body=body
        )
        repository.save(session, row)
        sender.schedule_attempt(session, webhook, row)
    return event_id


# --- the events features emit (one call each from where it happens) -----------------------
# Cuts, follow-ups, reports and imports call these: their objects are read, not imported (a
# cycle otherwise), so they are typed loosely.


def cut_event(session: Session, plan: Plan, cut: Any, event_type: str) -> None:
    """cut.closed, cut.published."""
    emit(
        session,
        plan.organization_id,
        event_type,
        f"/api/v1/cuts/{cut.id}",
        {
            "cut_id": str(cut.id),
            "cut_code": cut.code,
            "plan_id": str(plan.id),
            "plan_code": plan.code,
            "status": cut.status,
        },
    )


def followup_event(
    session: Session, cut: Any, indicator: Indicator, followup: Any, event_type: str
) -> None:
    """followup.submitted, followup.returned, followup.approved."""
    plan = repository.plan(session, cut.plan_id)
    if plan is None:  # a cut always has its plan (foreign key); nothing to say otherwise
        return
    emit(
        session,
        plan.organization_id,
        event_type,
        f"/api/v1/cuts/{cut.id}/followups/{indicator.id}",
        {
            "followup_id": str(followup.id),
            "cut_id": str(cut.id),
            "cut_code": cut.code,
            "indicator_id": str(indicator.id),
            "indicator_code": indicator.code,
            "plan_id": str(plan.id),
            "plan_code": plan.code,
            "status": followup.status,
        },
    )


def import_event(session: Session, plan: Plan, summary: Any) -> None:
    """import.finished: a batch of measurements was written."""
    emit(
        session,
        plan.organization_id,
        "import.finished",
        f"/api/v1/plans/{plan.id}",
        {
            "plan_id": str(plan.id),
            "plan_code": plan.code,
            "kind": "measurements",
            "received": summary.received,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "rejected": len(summary.rejected),
        },
    )


def report_event(session: Session, plan: Plan, report: Any) -> None:
    """report.ready: a report's document is rendered."""
    emit(
        session,
        plan.organization_id,
        "report.ready",
        f"/api/v1/reports/{report.id}",
        {
            "report_id": str(report.id),
            "cut_id": str(report.cut_id),
            "plan_id": str(plan.id),
            "plan_code": plan.code,
            "format": report.format,
            "content": f"/api/v1/reports/{report.id}/content",
        },
    )


def public(webhook: Webhook) -> WebhookPublic:
    return WebhookPublic.model_validate(
        {
            **webhook.model_dump(exclude={"secret"}),
            "links": {
                "self": f"/api/v1/webhooks/{webhook.id}",
                "deliveries": f"/api/v1/webhooks/{webhook.id}/deliveries",
            },
        }
    )


def created(webhook: Webhook, secret: str) -> WebhookCreated:
    return WebhookCreated.model_validate({**public(webhook).model_dump(), "secret": secret})


def public_delivery(row: WebhookDelivery) -> DeliveryPublic:
    base = f"/api/v1/webhooks/{row.webhook_id}/deliveries/{row.id}"
    return DeliveryPublic.model_validate(
        {**row.model_dump(), "links": {"redeliver": f"{base}/redeliver"}}
    )
