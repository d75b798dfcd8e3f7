"""JSON bodies of plans and their elements (nodes, actions, indicators, programming, budget).

Each element's fields are declared once for the API, in its create body (what a client may
send, with its checks); its update body (all optional) is derived from that, and its public
shape from its table (`app.core.families`), so neither repeats a field.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from app.compute.status import DEFAULT_BANDS, Band, validate_bands
from app.core.families import public_of, update_of
from app.core.schemas import (
    LONG_NAME_PATTERN,
    LONG_TEXT_PATTERN,
    Code,
    InputModel,
    Name,
    Number,
    OutputModel,
    ShortText,
    decimal_input,
)
from app.plans.models import Action, BudgetAllocation, ChangeRecord, Indicator, Node, Plan

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
Order = Annotated[int, Field(ge=0, le=1_000_000)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
AxisValues = Annotated[dict[Code, Code], Field(max_length=20)]
UnitRef = uuid.UUID | Code
ActionDescription = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=5000, pattern=LONG_NAME_PATTERN
    ),
]
UnitLabel = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=80, pattern=r"^[^\x00-\x1f\x7f]*$")
]
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


_BANDS_VALID = field_validator("bands")(classmethod(lambda cls, v: _check_bands(v)))
_AXES_VALID = field_validator("axes")(classmethod(lambda cls, v: _check_axes(v)))

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

    _bands = _BANDS_VALID
    _axes = _AXES_VALID

    @model_validator(mode="after")
    def _years(self):
        if self.last_year < self.first_year:
            raise ValueError("last_year must not be before first_year")
        if self.last_year - self.first_year > 50:
            raise ValueError("a plan spans at most 50 years")
        return self


PlanUpdate = update_of(
    PlanCreate,
    name="PlanUpdate",
    exclude={"organization_id"},
    nullable={"description", "approval_reference"},
    extra={"status": PlanStatus},
    after={"status": "last_year"},
    validators={"_bands": _BANDS_VALID, "_axes": _AXES_VALID},
)


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


PlanPublic = public_of(
    Plan,
    name="PlanPublic",
    shown_as={"levels": list[str], "axes": list[AxisOut], "bands": list[BandOut]},
)


# --- nodes -------------------------------------------------------------------------------


class NodeCreate(InputModel):
    code: Code
    name: LongName
    description: Text | None = None
    parent_id: uuid.UUID | None = None
    parent_code: Code | None = None
    order: Order = 0
    weight: Weight = Decimal(1)
    weights_by_year: WeightsByYear = {}

    @model_validator(mode="after")
    def _one_parent_ref(self):
        if self.parent_id is not None and self.parent_code is not None:
            raise ValueError("give parent_id or parent_code, not both")
        return self


NodeUpdate = update_of(
    NodeCreate,
    name="NodeUpdate",
    nullable={"description", "parent_id", "parent_code"},
    extra={"retired": bool},
)

NodePublic = public_of(
    Node,
    name="NodePublic",
    shown_as={"weights_by_year": dict[int, Number]},
    extra={"level_name": (str | None, None)},
    after={"level_name": "level"},
)


# --- actions -----------------------------------------------------------------------------


class ActionCreate(InputModel):
    code: Code
    description: ActionDescription
    node_id: uuid.UUID | None = None
    node_code: Code | None = None
    unit_ids: Annotated[
        list[UnitRef], Field(max_length=20, description="Responsible units: ids or codes")
    ] = []
    start_date: date | None = None
    due_date: date | None = None
    planned_cost: Amount | None = None
    axis_values: AxisValues = {}
    order: Order = 0
    weight: Weight = Decimal(1)


ActionUpdate = update_of(
    ActionCreate,
    name="ActionUpdate",
    nullable={"start_date", "due_date", "planned_cost"},
    extra={"retired": bool},
)

ActionPublic = public_of(
    Action,
    name="ActionPublic",
    shown_as={"axis_values": dict[str, str]},
    extra={"unit_ids": (list[uuid.UUID], ...)},
    after={"unit_ids": "description"},
)


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
    unit_label: UnitLabel | None = None
    baseline_value: Value | None = None
    baseline_year: Year | None = None
    target_value: Value | None = None
    accumulation: AccumulationType = "sum"
    min_value: Value | None = Field(default=None, description="Default 0 (no negative values)")
    max_value: Value | None = Field(default=None, description="Default 100 for percentages")
    unit_id: uuid.UUID | None = None
    unit_code: Code | None = None
    axis_values: AxisValues = {}
    order: Order = 0
    weight: Weight = Decimal(1)
    contributions: Annotated[list[ContributionIn], Field(max_length=50)] | None = Field(
        default=None,
        description="Nodes it feeds; default: the node it hangs from (or its action's), weight 1",
    )


class ContributionOut(OutputModel):
    node_id: uuid.UUID
    weight: Number
    weights_by_year: dict[int, Number]


class AnnualProgramming(OutputModel):
    year: int
    programmed: Number


IndicatorUpdate = update_of(
    IndicatorCreate,
    name="IndicatorUpdate",
    exclude={"action_id", "action_code", "node_id", "node_code"},
    nullable={
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
    },
    extra={"retired": bool},
)

IndicatorPublic = public_of(
    Indicator,
    name="IndicatorPublic",
    shown_as={"axis_values": dict[str, str]},
    extra={
        "contributions": (list[ContributionOut], ...),
        "annual_programming": (list[AnnualProgramming], ...),
    },
)


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


BudgetAllocationUpdate = update_of(
    BudgetAllocationCreate,
    name="BudgetAllocationUpdate",
    exclude={"unit_id", "unit_code", "action_id", "action_code", "node_id", "node_code"},
    nullable={"year", "executed", "note"},
)

BudgetAllocationPublic = public_of(BudgetAllocation, name="BudgetAllocationPublic")


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


ChangePublic = public_of(
    ChangeRecord, name="ChangePublic", base=OutputModel, exclude={"created_at", "updated_at"}
)
