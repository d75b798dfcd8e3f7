"""JSON bodies of cuts."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.core.schemas import LINE_PATTERN, Code, InputModel, Name, Resource, UpdateModel

PeriodKind = Literal["monthly", "quarterly", "semiannual", "annual"]
CutStatus = Literal["open", "closed", "published"]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=2000, pattern=LINE_PATTERN),
]


class CutCreate(InputModel):
    code: Code
    cut_date: date
    label: Name
    period_kind: PeriodKind = "quarterly"


class CutUpdate(UpdateModel):
    code: Code | None = None
    cut_date: date | None = None
    label: Name | None = None
    period_kind: PeriodKind | None = None


class CutReopen(InputModel):
    reason: Reason = Field(description="Why the closed cut opens again (control de cambios)")


class CutPublic(Resource):
    plan_id: uuid.UUID
    code: str
    cut_date: date
    label: str
    period_kind: str
    status: str
    closed_at: datetime | None
    published_at: datetime | None
