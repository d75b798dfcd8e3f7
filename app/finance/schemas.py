"""JSON bodies of financial execution: the batch of money committed and paid, its summary,
the stored rows, and the financial advance of each action."""

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.core.schemas import LONG_TEXT_PATTERN, Code, InputModel, Number, OutputModel, Resource
from app.core.schemas import decimal_input as _decimal_input

MAX_BATCH = 10_000

if TYPE_CHECKING:  # mypy cannot read a type a call builds; it is an exact Decimal
    Money = Decimal
else:
    Money = _decimal_input(ge=0)


class FinancialItem(BaseModel):
    """Money executed by a unit on an action in the period ending on `period_end`.

    The action by `action_code` or `action_id`, the unit by `unit_code` or `unit_id`.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action_code: Code | None = None
    action_id: uuid.UUID | None = None
    unit_code: Code | None = None
    unit_id: uuid.UUID | None = None
    period_end: date
    committed: Money = Field(description='Committed in the period ("compromisos")')
    paid: Money = Field(description='Paid in the period ("obligaciones")')
    note: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=1000, pattern=LONG_TEXT_PATTERN),
        ]
        | None
    ) = None

    @model_validator(mode="after")
    def _one_reference_each(self):
        if (self.action_code is None) == (self.action_id is None):
            raise ValueError("give action_code or action_id (exactly one)")
        if (self.unit_code is None) == (self.unit_id is None):
            raise ValueError("give unit_code or unit_id (exactly one)")
        return self


class FinancialBatch(InputModel):
    items: Annotated[
        list[Any],
        Field(
            description=f"Up to {MAX_BATCH} items, each `{{action_code | action_id, unit_code | "
            "unit_id, period_end, committed, paid, note?}}`: the money of one period (not "
            "accumulated). Each item is checked on its own: an invalid one is reported by "
            "index, not fatal (unless atomic=true)"
        ),
    ]


class ValidFinancialBatch(BaseModel):
    """A batch whose items are all well formed: read straight from the body's bytes."""

    model_config = ConfigDict(extra="forbid")

    items: list[FinancialItem]


class RejectedFinancialItem(OutputModel):
    index: int
    reason: str
    action_code: str | None = None
    unit_code: str | None = None
    period_end: str | None = None


class FinancialSummary(OutputModel):
    received: int
    created: int
    updated: int
    unchanged: int
    rejected: list[RejectedFinancialItem]
    dry_run: bool
    atomic: bool
    written: bool = Field(description="Whether anything was written")


class FinancialExecutionPublic(Resource):
    plan_id: uuid.UUID
    action_id: uuid.UUID
    unit_id: uuid.UUID
    period_end: date
    committed: Number
    paid: Number
    note: str | None


class GapOut(OutputModel):
    gap_points: Number = Field(
        description="Financial minus physical advance (shown values): > 0 money ahead of work"
    )
    message: str = Field(description='"80 % ejecutado financieramente, 20 % de avance físico"')


class ActionFinance(OutputModel):
    action_id: uuid.UUID
    code: str
    description: str
    unit_ids: list[uuid.UUID]
    planned_year: Number | None = Field(description="Money planned for the year of `as_of`")
    committed_year: Number = Field(description="Committed from 1 Jan to `as_of`")
    paid_year: Number
    committed_year_pct: Number | None = Field(description="Null when nothing was planned")
    committed_year_pct_shown: Number | None
    paid_year_pct: Number | None
    paid_year_pct_shown: Number | None
    planned_to_date: Number | None = Field(
        description="Money planned for the years up to `as_of`'s and for the whole plan"
    )
    committed_to_date: Number = Field(description="Committed in every period up to `as_of`")
    paid_to_date: Number
    committed_to_date_pct: Number | None
    committed_to_date_pct_shown: Number | None
    paid_to_date_pct: Number | None
    paid_to_date_pct_shown: Number | None
    physical_year_pct: Number | None = Field(
        description="Weighted mean of its indicators' advance for the year at `as_of`"
    )
    physical_year_pct_shown: Number | None
    gap: GapOut | None = Field(
        description="Set when committed and physical advance for the year differ by more "
        "than the plan's threshold"
    )


class FinancialAdvanceOut(OutputModel):
    plan_id: uuid.UUID
    as_of: date
    basis: Literal["committed"] = Field(
        description="The financial figure compared with the physical advance"
    )
    threshold_pct: Number = Field(description="The plan's financial_gap_threshold_pct")
    actions: list[ActionFinance]
