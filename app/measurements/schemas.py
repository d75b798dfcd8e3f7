"""JSON bodies of measurements and of the batch import summary."""

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.core.schemas import (
    LONG_TEXT_PATTERN,
    Code,
    InputModel,
    Number,
    OutputModel,
    Resource,
    decimal_input,
)

MAX_BATCH = 10_000

if TYPE_CHECKING:  # mypy cannot read a type a call builds; it is an exact Decimal
    Value = Decimal
else:
    Value = decimal_input()


class MeasurementItem(BaseModel):
    """One executed value: by `indicator_code` (or `indicator_id`) and period end.

    Not an InputModel: its patterns already refuse control characters, and skipping the
    per-field Python check (and Python regexes) matters at 10,000 items a request.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    indicator_code: Code | None = None
    indicator_id: uuid.UUID | None = None
    period_end: date
    value: Value
    dims: Annotated[
        dict[Code, Code],
        Field(
            max_length=10,
            description="Dimension values (territory: a DIVIPOLA code; others as the plan "
            "declares them); omitted or {}: the total",
        ),
    ] = {}
    note: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=1000, pattern=LONG_TEXT_PATTERN),
        ]
        | None
    ) = None

    @model_validator(mode="after")
    def _one_reference(self):
        if (self.indicator_code is None) == (self.indicator_id is None):
            raise ValueError("give indicator_code or indicator_id (exactly one)")
        return self


class MeasurementBatch(InputModel):
    items: Annotated[
        list[Any],
        Field(
            description=f"Up to {MAX_BATCH} measurements, each `{{indicator_code | indicator_id, "
            "period_end, value, dims?, note?}}`. Each item is checked on its own: an invalid "
            "one is reported by index, not fatal (unless atomic=true)"
        ),
    ]


class ValidBatch(BaseModel):
    """A batch whose items are all well formed: read straight from the body's bytes."""

    model_config = ConfigDict(extra="forbid")

    items: list[MeasurementItem]


class RejectedItem(OutputModel):
    index: int
    reason: str
    indicator_code: str | None = None
    period_end: str | None = None


class ImportSummary(OutputModel):
    received: int
    created: int
    updated: int
    unchanged: int
    rejected: list[RejectedItem]
    dry_run: bool
    atomic: bool
    written: bool = Field(description="Whether anything was written")


class MeasurementPublic(Resource):
    indicator_id: uuid.UUID
    period_end: date
    value: Number
    dims: dict[str, str]
    note: str | None


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The CSV and XLSX forms of a batch (read by app/spreadsheets), as the OpenAPI shows them.
FILE_BODY_CONTENT = {
    "text/csv": {
        "schema": {
            "type": "string",
            "description": "A header row (indicator_code, period_end, value, note) and one "
            "row per measurement; `,` or `;` separated; UTF-8 (Windows-1252 is read with a "
            "warning); Spanish numbers and day-first dates accepted",
        }
    },
    XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
}
