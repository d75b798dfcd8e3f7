"""HTTP routes of webhook endpoints and their delivery log (the organization's admin)."""

import uuid

from fastapi import APIRouter, Request, Response, status

from app.auth.deps import AdminDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Page, PageDep
from app.webhooks import service
from app.webhooks.dependencies import WebhookDep
from app.webhooks.schemas import (
    DeliveryPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
    WebhookUpdate,
)

router = APIRouter(
    prefix="/api/v1/webhooks", tags=["webhooks"], responses=problem_responses(400, 401, 413, 422)
)


def _allow_private(request: Request) -> bool:
    return request.app.state.settings.webhooks_allow_private


@router.get(
    "", response_model=Page[WebhookPublic], name="list_webhooks", responses=problem_responses(403)
)
def list_webhooks(session: SessionDep, actor: AdminDep, page: PageDep):
    items, total = service.list_(session, actor, page)
    return Page(items=[service.public(w) for w in items], total=total)


@router.post(
    "",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    name="create_webhook",
    responses=problem_responses(403),
)
def create_webhook(
    data: WebhookCreate, session: SessionDep, actor: AdminDep, request: Request, response: Response
):
    """Register an endpoint; the answer carries its signing secret, shown only this once."""
    webhook, secret = service.create(session, actor, data, allow_private=_allow_private(request))
    response.headers["Location"] = f"{router.prefix}/{webhook.id}"
    return service.created(webhook, secret)


@router.get(
    "/{webhook_id}",
    response_model=WebhookPublic,
    name="get_webhook",
    responses=problem_responses(403, 404),
)
def get_webhook(webhook: WebhookDep):
    return service.public(webhook)


@router.patch(
    "/{webhook_id}",
    response_model=WebhookPublic,
    name="update_webhook",
    responses=problem_responses(403, 404),
)
def update_webhook(webhook: WebhookDep, data: WebhookUpdate, session: SessionDep, request: Request):
    """Change its URL or events; `active: false` pauses it, `true` turns it back on."""
    updated = service.update(session, webhook, data, allow_private=_allow_private(request))
    return service.public(updated)


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    name="delete_webhook",
    responses=problem_responses(403, 404),
)
def delete_webhook(webhook: WebhookDep, session: SessionDep) -> None:
    service.delete(session, webhook)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=Page[DeliveryPublic],
    name="list_webhook_deliveries",
    responses=problem_responses(403, 404),
)
def list_webhook_deliveries(webhook: WebhookDep, session: SessionDep, page: PageDep):
    """The endpoint's deliveries, newest first: status and the last attempt's outcome."""
    items, total = service.deliveries(session, webhook, page)
    return Page(items=[service.public_delivery(d) for d in items], total=total)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryPublic,
    status_code=status.HTTP_202_ACCEPTED,
    name="redeliver_webhook_delivery",
    responses=problem_responses(403, 404, 409),
)
def redeliver_webhook_delivery(webhook: WebhookDep, delivery_id: uuid.UUID, session: SessionDep):
    """Send the event to the endpoint again (now, then retried as a new delivery would be)."""
    return service.public_delivery(service.redeliver(session, webhook, delivery_id))
