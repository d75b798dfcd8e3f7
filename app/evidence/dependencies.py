"""What evidence routes load and check before acting."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request

from app.auth.deps import ActorDep
from app.core.db import SessionDep
from app.evidence import service
from app.evidence.storage import Storage


def visible_evidence(
    evidence_id: uuid.UUID, session: SessionDep, actor: ActorDep
) -> service.Located:
    """Evidence with its follow-up, cut, plan and indicator; another organization's is 404."""
    return service.get_visible(session, actor, evidence_id)


EvidenceDep = Annotated[service.Located, Depends(visible_evidence)]


def storage(request: Request) -> Storage:
    """Where the application keeps evidence files (set up by app.main.create_app)."""
    return request.app.state.storage


StorageDep = Annotated[Storage, Depends(storage)]
