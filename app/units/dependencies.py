"""What unit routes load and check before acting."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from app.auth.deps import ActorDep
from app.core.db import SessionDep
from app.units import service
from app.units.models import Unit


def valid_unit(unit_id: uuid.UUID, session: SessionDep, actor: ActorDep) -> Unit:
    """A unit of the caller's organization; another organization's answers 404."""
    unit = service.get(session, unit_id)
    actor.check_sees(unit.organization_id, "unit", unit_id)
    return unit


UnitDep = Annotated[Unit, Depends(valid_unit)]
