"""What follow-up routes (and those of their evidence) load and check before acting."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from app.core.db import SessionDep
from app.cuts.dependencies import CutDep
from app.cuts.models import Cut
from app.followups import service
from app.followups.models import FollowUp
from app.plans.models import Indicator, Plan


def cut_indicator(
    found: CutDep, indicator_id: uuid.UUID, session: SessionDep
) -> tuple[Cut, Plan, Indicator]:
    """A visible cut, its plan, and an indicator of that plan (404 otherwise)."""
    cut, plan = found
    return cut, plan, service.indicator_of(session, plan, indicator_id)


CutIndicatorDep = Annotated[tuple[Cut, Plan, Indicator], Depends(cut_indicator)]


def followup_of(found: CutIndicatorDep, session: SessionDep) -> FollowUp:
    """The follow-up of the cut and indicator in the path; 404 while none was written."""
    cut, _, indicator = found
    return service.get(session, cut, indicator)


FollowUpDep = Annotated[FollowUp, Depends(followup_of)]
