"""What cut routes (and the routes of what hangs from cuts) load and check before acting."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from app.auth.deps import ActorDep, OptionalActorDep
from app.core.db import SessionDep
from app.cuts import service
from app.cuts.models import Cut
from app.plans.models import Plan


def visible_cut(cut_id: uuid.UUID, session: SessionDep, actor: ActorDep) -> tuple[Cut, Plan]:
    """A cut and its plan; another organization's answers 404 like a missing one."""
    return service.get_visible(session, actor, cut_id)


def public_cut(cut_id: uuid.UUID, session: SessionDep, actor: OptionalActorDep) -> tuple[Cut, Plan]:
    """As `visible_cut`, and anonymously a published cut (what portals show)."""
    return service.get_visible(session, actor, cut_id, public_ok=True)


CutDep = Annotated[tuple[Cut, Plan], Depends(visible_cut)]
PublicCutDep = Annotated[tuple[Cut, Plan], Depends(public_cut)]
