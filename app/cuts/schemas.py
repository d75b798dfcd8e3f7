"""JSON bodies of cuts."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

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


class LockExceptionCreate(InputModel):
    """One unit may post or correct the values of the closed cut's periods until `until`."""

    unit_id: uuid.UUID | None = None
    unit_code: Code | None = None
    until: AwareDatetime = Field(description="When the exception ends (with its time zone)")
    reason: Reason = Field(description="Why the closed cut is opened to this unit")

    @model_validator(mode="after")
    def _one_unit_ref(self):
        if (self.unit_id is None) == (self.unit_code is None):
            raise ValueError("give unit_id or unit_code (one of them)")
        return self


class LockExceptionPublic(Resource):
    cut_id: uuid.UUID
    unit_id: uuid.UUID
    unit_code: str
    until: datetime
    reason: str
    granted_by_username: str
    revoked_at: datetime | None
    revoked_by_username: str | None
    active: bool = Field(description="Not revoked and `until` not reached")
