"""JSON bodies of plans and their elements (nodes, actions, indicators, programming, budget)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from app.compute.status import DEFAULT_BANDS, Band, validate_bands
from app.core.schemas import (
    LONG_NAME_PATTERN,
    LONG_TEXT_PATTERN,
    Code,
    InputModel,
    Name,
    Number,
    OutputModel,
    Resource,
    ShortText,
    UpdateModel,
    decimal_input,
)

PlanKind = Literal["pet", "pei", "digital_government", "action_plan", "development_plan", "other"]
PlanStatus = Literal["draft", "approved", "in_execution", "closed"]
Source = Literal["sectoral", "investment_project", "management", "other"]
UnitOfMeasure = Literal["number", "percentage", "currency", "other"]
AccumulationType = Literal["sum", "constant", "increasing", "decreasing"]

Year = Annotated[int, Field(ge=1900, le=2200)]
Amount = decimal_input(ge=0)
Value = decimal_input()
Weight = decimal_input(ge=0, le=1_000_000)
WeightsByYear = Annotated[dict[Year, Weight], Field(max_length=100)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000, pattern=LONG_TEXT_PATTERN)
]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
AxisValues = Annotated[dict[Code, Code], Field(max_length=20)]
UnitRef = uuid.UUID | Code
LongName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=2000, pattern=LONG_NAME_PATTERN
    ),
]


class AxisValueIn(InputModel):
    code: Code
    label: Name


class AxisIn(InputModel):
    code: Code
    name: Name
    values: Annotated[list[AxisValueIn], Field(min_length=1, max_length=200)]

    @field_validator("values")
    @classmethod
    def _unique_values(cls, values: list[AxisValueIn]) -> list[AxisValueIn]:
        codes = [v.code for v in values]
        if len(codes) != len(set(codes)):
            raise ValueError("axis value codes must be unique")
        return values


class BandIn(InputModel):
    lower_bound: decimal_input(ge=0, le=1000)
    code: Code
    label: Name
    color: Color


DEFAULT_BAND_BODIES = [
    {"lower_bound": str(b.lower_bound), "code": b.code, "label": b.label, "color": b.color}
    for b in DEFAULT_BANDS
]


def _check_bands(bands: list[BandIn] | None) -> list[BandIn] | None:
    if bands is None:
        return None
    problems = validate_bands([Band(b.lower_bound, b.code, b.label, b.color) for b in bands])
    if problems:
        raise ValueError("; ".join(problems))
    return bands


def _check_axes(axes: list[AxisIn] | None) -> list[AxisIn] | None:
    if axes is not None and len({a.code for a in axes}) != len(axes):
        raise ValueError("axis codes must be unique")
    return axes


Levels = Annotated[list[Name], Field(max_length=10)]
Axes = Annotated[list[AxisIn], Field(max_length=20)]
Bands = Annotated[list[BandIn], Field(min_length=1, max_length=20)]
Tolerance = decimal_input(ge=0, le=100)


class PlanCreate(InputModel):
    organization_id: uuid.UUID | None = Field(
        default=None, description="Only a platform administrator names another organization."
    )
    kind: PlanKind
    code: Code
    name: Name
    description: Text | None = None
    first_year: Year
    last_year: Year
    approval_reference: ShortText | None = None
    levels: Levels = []
    axes: Axes = []
    bands: Bands | None = Field(default=None, description="Default: red 0, yellow 50, green 100")
    tolerance_pct: Tolerance = Decimal(0)
    cap_at_100: bool = False

    _bands = field_validator("bands")(classmethod(lambda cls, v: _check_bands(v)))
    _axes = field_validator("axes")(classmethod(lambda cls, v: _check_axes(v)))

    @model_validator(mode="after")
    def _years(self):
        if self.last_year < self.first_year:
            raise ValueError("last_year must not be before first_year")
        if self.last_year - self.first_year > 50:
            raise ValueError("a plan spans at most 50 years")
        return self


class PlanUpdate(UpdateModel):
    nullable_fields = frozenset({"description", "approval_reference"})

    kind: PlanKind | None = None
    code: Code | None = None
    name: Name | None = None
    description: Text | None = None
    first_year: Year | None = None
    last_year: Year | None = None
    status: PlanStatus | None = None
    approval_reference: ShortText | None = None
    levels: Levels | None = None
    axes: Axes | None = None
    bands: Bands | None = None
    tolerance_pct: Tolerance | None = None
    cap_at_100: bool | None = None

    _bands = field_validator("bands")(classmethod(lambda cls, v: _check_bands(v)))
    _axes = field_validator("axes")(classmethod(lambda cls, v: _check_axes(v)))


class AxisValueOut(OutputModel):
    code: str
    label: str


class AxisOut(OutputModel):
    code: str
    name: str
    values: list[AxisValueOut]


class BandOut(OutputModel):
    lower_bound: Number
    code: str
    label: str
    color: str


class PlanPublic(Resource):
    organization_id: uuid.UUID
    kind: str
    code: str
    name: str
    description: str | None
    first_year: int
    last_year: int
    status: str
    approval_reference: str | None
    version: int
    levels: list[str]
    axes: list[AxisOut]
    bands: list[BandOut]
    tolerance_pct: Number
    cap_at_100: bool


# --- nodes -------------------------------------------------------------------------------


class NodeCreate(InputModel):
    code: Code
    name: LongName
    description: Text | None = None
    parent_id: uuid.UUID | None = None
    parent_code: Code | None = None
    order: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    weight: Weight = Decimal(1)
    weights_by_year: WeightsByYear = {}

    @model_validator(mode="after")
    def _one_parent_ref(self):
        if self.parent_id is not None and self.parent_code is not None:
            raise ValueError("give parent_id or parent_code, not both")
        return self


class NodeUpdate(UpdateModel):
    nullable_fields = frozenset({"description", "parent_id", "parent_code"})

    code: Code | None = None
    name: LongName | None = None
    description: Text | None = None
    parent_id: uuid.UUID | None = None
    parent_code: Code | None = None
    order: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    weight: Weight | None = None
    weights_by_year: WeightsByYear | None = None
    retired: bool | None = None


class NodePublic(Resource):
    plan_id: uuid.UUID
    parent_id: uuid.UUID | None
    level: int
    level_name: str | None = None
    code: str
    name: str
    description: str | None
    order: int
    weight: Number
    weights_by_year: dict[int, Number]
    retired_at: datetime | None


# --- actions -----------------------------------------------------------------------------


class ActionCreate(InputModel):
    code: Code
    description: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=5000, pattern=LONG_NAME_PATTERN
        ),
    ]
    node_id: uuid.UUID | None = None
    node_code: Code | None = None
    unit_ids: Annotated[
        list[UnitRef], Field(max_length=20, description="Responsible units: ids or codes")
    ] = []
    start_date: date | None = None
    due_date: date | None = None
    planned_cost: Amount | None = None
    axis_values: AxisValues = {}
    order: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    weight: Weight = Decimal(1)


class ActionUpdate(UpdateModel):
    nullable_fields = frozenset({"start_date", "due_date", "planned_cost"})

    code: Code | None = None
    description: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=1, max_length=5000, pattern=LONG_NAME_PATTERN
            ),
        ]
        | None
    ) = None
    node_id: uuid.UUID | None = None
    node_code: Code | None = None
    unit_ids: Annotated[list[UnitRef], Field(max_length=20)] | None = None
    start_date: date | None = None
    due_date: date | None = None
    planned_cost: Amount | None = None
    axis_values: AxisValues | None = None
    order: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    weight: Weight | None = None
    retired: bool | None = None


class ActionPublic(Resource):
    plan_id: uuid.UUID
    node_id: uuid.UUID | None
    code: str
    description: str
    unit_ids: list[uuid.UUID]
    start_date: date | None
    due_date: date | None
    planned_cost: Number | None
    axis_values: dict[str, str]
    order: int
    weight: Number
    retired_at: datetime | None


# --- indicators --------------------------------------------------------------------------


class ContributionIn(InputModel):
    node_id: uuid.UUID | None = None
    node_code: Code | None = None
    weight: Weight = Decimal(1)
    weights_by_year: WeightsByYear = {}


class IndicatorCreate(InputModel):
    code: Code
    name: LongName
    action_id: uuid.UUID | None = None
    action_code: Code | None = None
    node_id: uuid.UUID | None = None
    node_code: Code | None = None
    source: Source = "other"
    source_reference: ShortText | None = None
    unit_of_measure: UnitOfMeasure = "number"
    unit_label: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=80, pattern=r"^[^\x00-\x1f\x7f]*$"),
        ]
        | None
    ) = None
    baseline_value: Value | None = None
    baseline_year: Year | None = None
    target_value: Value | None = None
    accumulation: AccumulationType = "sum"
    min_value: Value | None = Field(default=None, description="Default 0 (no negative values)")
    max_value: Value | None = Field(default=None, description="Default 100 for percentages")
    unit_id: uuid.UUID | None = None
    unit_code: Code | None = None
    axis_values: AxisValues = {}
    order: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    weight: Weight = Decimal(1)
    contributions: Annotated[list[ContributionIn], Field(max_length=50)] | None = Field(
        default=None,
        description="Nodes it feeds; default: the node it hangs from (or its action's), weight 1",
    )


class IndicatorUpdate(UpdateModel):
    nullable_fields = frozenset(
        {
            "source_reference",
            "unit_label",
            "baseline_value",
            "baseline_year",
            "target_value",
            "min_value",
            "max_value",
            "unit_id",
            "unit_code",
            "contributions",
        }
    )

    code: Code | None = None
    name: LongName | None = None
    source: Source | None = None
    source_reference: ShortText | None = None
    unit_of_measure: UnitOfMeasure | None = None
    unit_label: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=80, pattern=r"^[^\x00-\x1f\x7f]*$"),
        ]
        | None
    ) = None
    baseline_value: Value | None = None
    baseline_year: Year | None = None
    target_value: Value | None = None
    accumulation: AccumulationType | None = None
    min_value: Value | None = None
    max_value: Value | None = None
    unit_id: uuid.UUID | None = None
    unit_code: Code | None = None
    axis_values: AxisValues | None = None
    order: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    weight: Weight | None = None
    contributions: Annotated[list[ContributionIn], Field(max_length=50)] | None = None
    retired: bool | None = None


class ContributionOut(OutputModel):
    node_id: uuid.UUID
    weight: Number
    weights_by_year: dict[int, Number]


class AnnualProgramming(OutputModel):
    year: int
    programmed: Number


class IndicatorPublic(Resource):
    plan_id: uuid.UUID
    action_id: uuid.UUID | None
    node_id: uuid.UUID | None
    code: str
    name: str
    source: str
    source_reference: str | None
    unit_of_measure: str
    unit_label: str | None
    baseline_value: Number | None
    baseline_year: int | None
    target_value: Number | None
    accumulation: str
    min_value: Number | None
    max_value: Number | None
    unit_id: uuid.UUID | None
    axis_values: dict[str, str]
    order: int
    weight: Number
    retired_at: datetime | None
    contributions: list[ContributionOut]
    annual_programming: list[AnnualProgramming]


class ProgrammingItem(InputModel):
    period_end: date
    value: Value


class ProgrammingOut(OutputModel):
    period_end: date
    value: Number


class ProgrammingPublic(OutputModel):
    indicator_id: uuid.UUID
    items: list[ProgrammingOut]
    annual: list[AnnualProgramming]


# --- budget ------------------------------------------------------------------------------


class BudgetAllocationCreate(InputModel):
    unit_id: uuid.UUID | None = None
    unit_code: Code | None = None
    action_id: uuid.UUID | None = None
    action_code: Code | None = None
    node_id: uuid.UUID | None = None
    node_code: Code | None = None
    year: Year | None = None
    planned: Amount
    executed: Amount | None = None
    note: ShortText | None = None


class BudgetAllocationUpdate(UpdateModel):
    nullable_fields = frozenset({"year", "executed", "note"})

    year: Year | None = None
    planned: Amount | None = None
    executed: Amount | None = None
    note: ShortText | None = None


class BudgetAllocationPublic(Resource):
    plan_id: uuid.UUID
    unit_id: uuid.UUID
    action_id: uuid.UUID | None
    node_id: uuid.UUID | None
    year: int | None
    planned: Number
    executed: Number | None
    note: str | None


# --- tree, deletion, changes -------------------------------------------------------------


class TreeIndicator(IndicatorPublic):
    pass


class TreeAction(ActionPublic):
    indicators: list[TreeIndicator]


class TreeNode(NodePublic):
    children: list[TreeNode]
    actions: list[TreeAction]
    indicators: list[TreeIndicator]


class PlanTree(OutputModel):
    plan: PlanPublic
    nodes: list[TreeNode]
    actions: list[TreeAction] = Field(description="Actions hanging directly from the plan")


class DeletionSummary(OutputModel):
    deleted: dict[str, int] = Field(description="How many rows of each kind were deleted")


class ChangePublic(OutputModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    actor_username: str
    entity: str
    entity_id: uuid.UUID
    entity_code: str | None
    operation: str
    before: dict | None
    after: dict | None
    reason: str | None
    plan_version: int
