"""What webhook routes load and check before acting."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from app.auth.deps import AdminDep
from app.core.db import SessionDep
from app.webhooks import service
from app.webhooks.models import Webhook


def visible_webhook(webhook_id: uuid.UUID, session: SessionDep, actor: AdminDep) -> Webhook:
    """An endpoint of the admin's organization; others answer 404."""
    return service.get_visible(session, actor, webhook_id)


WebhookDep = Annotated[Webhook, Depends(visible_webhook)]
