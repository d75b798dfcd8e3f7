"""Every statement on webhooks and their deliveries."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlmodel import Session, col

from app.core.pagination import PageParams, paginate
from app.plans.models import Plan
from app.webhooks.models import Webhook, WebhookDelivery


def get(session: Session, webhook_id: uuid.UUID) -> Webhook | None:
    return session.get(Webhook, webhook_id)


def save(session: Session, obj: Webhook | WebhookDelivery) -> None:
    session.add(obj)
    session.flush()


def delete(session: Session, webhook: Webhook) -> None:
    session.delete(webhook)
    session.flush()


def list_(
    session: Session, organization_id: uuid.UUID | None, page: PageParams
) -> tuple[list[Webhook], int]:
    stmt = select(Webhook).order_by(col(Webhook.created_at), col(Webhook.id))
    if organization_id is not None:
        stmt = stmt.where(col(Webhook.organization_id) == organization_id)
    return paginate(session, stmt, page)


def subscribed(session: Session, organization_id: uuid.UUID, event_type: str) -> list[Webhook]:
    """The organization's active endpoints that asked for `event_type`."""
    stmt = select(Webhook).where(
        col(Webhook.organization_id) == organization_id,
        col(Webhook.active).is_(True),
        col(Webhook.events).contains([event_type]),
    )
    return list(session.execute(stmt).scalars())


def get_delivery(session: Session, delivery_id: uuid.UUID) -> WebhookDelivery | None:
    return session.get(WebhookDelivery, delivery_id)


def deliveries(
    session: Session, webhook_id: uuid.UUID, page: PageParams
) -> tuple[list[WebhookDelivery], int]:
    stmt = (
        select(WebhookDelivery)
        .where(col(WebhookDelivery.webhook_id) == webhook_id)
        .order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc())
    )
    return paginate(session, stmt, page)


def lock(session: Session, delivery_id: uuid.UUID) -> tuple[WebhookDelivery, Webhook] | None:
    """A delivery, locked for its attempt (one at a time), and its endpoint (not locked: the
    attempt may take seconds, and the admin's edits need not wait for it)."""
    row = session.execute(
        select(WebhookDelivery, Webhook)
        .join(Webhook, col(Webhook.id) == col(WebhookDelivery.webhook_id))
        .where(col(WebhookDelivery.id) == delivery_id)
        .with_for_update(of=WebhookDelivery)
    ).first()
    return None if row is None else (row[0], row[1])


def plan(session: Session, plan_id: uuid.UUID) -> Plan | None:
    return session.get(Plan, plan_id)
