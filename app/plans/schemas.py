"""JSON bodies of plans and their elements (nodes, actions, indicators, programming, budget).

Each element's fields are declared once for the API, in its create body (what a client may
send, with its checks); its update body (all optional) is derived from that, and its public
shape from its table (`app.core.families`), so neither repeats a field.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from app.compute.status import DEFAULT_BANDS, Band, validate_bands
from app.compute.typology import DNP_TO_ACCUMULATION, DnpAccumulation, resolve, typed_name
from app.core.families import public_of, update_of
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
from app.plans.models import Action, BudgetAllocation, ChangeRecord, Indicator, Node, Plan

PlanKind = Literal["pet", "pei", "digital_government", "action_plan", "development_plan", "other"]
PlanStatus = Literal["draft", "approved", "in_execution", "closed"]
Source = Literal["sectoral", "investment_project", "management", "other"]
UnitOfMeasure = Literal["number", "percentage", "currency", "other"]
AccumulationType = Literal["sum", "constant", "increasing", "decreasing", "cumulative"]
DnpAccumulationType = Literal[
    "flujo", "stock", "acumulado", "capacidad", "reduccion", "reduccion_anual"
]
# Either vocabulary as input, typed as people type it ("Reducción anual" is reduccion_anual).
AccumulationName = Annotated[AccumulationType | DnpAccumulationType, BeforeValidator(typed_name)]
DnpAccumulationName = Annotated[DnpAccumulationType, BeforeValidator(typed_name)]
# The same values as app.plans.models.REPORTING_FREQUENCIES; a Literal lists them in a 422.
ReportingFrequency = Literal["monthly", "bimonthly", "quarterly", "semiannual", "annual"]
EvidenceScope = Literal["on_track", "any_reported"]
EvidenceMode = Literal["warn", "block"]
GraceDays = Annotated[
    int, Field(ge=0, le=366, description="Days after a period's end to report it")
]
EvidenceCount = Annotated[int, Field(ge=0, le=50)]

Year = Annotated[int, Field(ge=1900, le=2200)]
if TYPE_CHECKING:  # mypy cannot read a type a call builds; each is an exact Decimal
    Amount = Decimal
    Value = Decimal
    Weight = Decimal
    BandBound = Decimal
    Tolerance = Decimal
else:
    Amount = decimal_input(ge=0)
    Value = decimal_input()
    Weight = decimal_input(ge=0, le=1_000_000)
    BandBound = decimal_input(ge=0, le=1000)
    Tolerance = decimal_input(ge=0, le=100)
WeightsByYear = Annotated[dict[Year, Weight], Field(max_length=100)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000, pattern=LONG_TEXT_PATTERN)
]
Order = Annotated[int, Field(ge=0, le=1_000_000)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
AxisValues = Annotated[dict[Code, Code], Field(max_length=20)]
# left_to_right: a UUID string is an id (a code could match it too, smart mode took it as one)
UnitRef = Annotated[uuid.UUID | Code, Field(union_mode="left_to_right")]
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
    lower_bound: BandBound
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
    reporting_frequency: ReportingFrequency = Field(
        default="quarterly", description="Default reporting frequency of the plan's indicators"
    )
    reporting_grace_days: GraceDays = 10
    evidence_min_count: EvidenceCount = Field(
        default=0, description="Evidence rule: pieces a follow-up needs (0: no rule)"
    )
    evidence_scope: EvidenceScope = Field(
        default="on_track",
        description="on_track: follow-ups of indicators on track or over-executed; "
        "any_reported: also any indicator with a value reported in the cut's year",
    )
    evidence_mode: EvidenceMode = Field(
        default="warn", description="warn: alert only; block: submitting without it is 409"
    )
    financial_gap_threshold_pct: Tolerance = Field(
        default=Decimal(30),
        description="Points by which an action's physical and financial advance may differ "
        "before an alert",
    )

    _bands = _BANDS_VALID
    _axes = _AXES_VALID

    @model_validator(mode="after")
    def _years(self):
        if self.last_year < self.first_year:
            raise ValueError("last_year must not be before first_year")
        if self.last_year - self.first_year > 50:
            raise ValueError("a plan spans at most 50 years")
        return self


if TYPE_CHECKING:

    class PlanUpdate(UpdateModel):
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
        reporting_frequency: ReportingFrequency | None = None
        reporting_grace_days: GraceDays | None = None
        evidence_min_count: EvidenceCount | None = None
        evidence_scope: EvidenceScope | None = None
        evidence_mode: EvidenceMode | None = None
        financial_gap_threshold_pct: Tolerance | None = None
else:
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


if TYPE_CHECKING:

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
        tolerance_pct: Decimal
        cap_at_100: bool
        reporting_frequency: str
        reporting_grace_days: int
        evidence_min_count: int
        evidence_scope: str
        evidence_mode: str
        financial_gap_threshold_pct: Decimal
else:
    PlanPublic = public_of(
        Plan,
        name="PlanPublic",
        # Internal: the results cache's key, raised by database triggers.
        exclude=("data_version",),
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


if TYPE_CHECKING:

    class NodeUpdate(UpdateModel):
        code: Code | None = None
        name: LongName | None = None
        description: Text | None = None
        parent_id: uuid.UUID | None = None
        parent_code: Code | None = None
        order: Order | None = None
        weight: Weight | None = None
        weights_by_year: WeightsByYear | None = None
        retired: bool | None = None
else:
    NodeUpdate = update_of(
        NodeCreate,
        name="NodeUpdate",
        nullable={"description", "parent_id", "parent_code"},
        extra={"retired": bool},
    )

if TYPE_CHECKING:

    class NodePublic(Resource):
        plan_id: uuid.UUID
        parent_id: uuid.UUID | None
        level: int
        level_name: str | None = None
        code: str
        name: str
        description: str | None
        order: int
        weight: Decimal
        weights_by_year: dict[int, Decimal]
        retired_at: datetime | None
else:
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


if TYPE_CHECKING:

    class ActionUpdate(UpdateModel):
        code: Code | None = None
        description: ActionDescription | None = None
        node_id: uuid.UUID | None = None
        node_code: Code | None = None
        unit_ids: list[UnitRef] | None = None
        start_date: date | None = None
        due_date: date | None = None
        planned_cost: Amount | None = None
        axis_values: AxisValues | None = None
        order: Order | None = None
        weight: Weight | None = None
        retired: bool | None = None
else:
    ActionUpdate = update_of(
        ActionCreate,
        name="ActionUpdate",
        nullable={"start_date", "due_date", "planned_cost"},
        extra={"retired": bool},
    )

if TYPE_CHECKING:

    class ActionPublic(Resource):
        plan_id: uuid.UUID
        node_id: uuid.UUID | None
        code: str
        description: str
        unit_ids: list[uuid.UUID]
        start_date: date | None
        due_date: date | None
        planned_cost: Decimal | None
        axis_values: dict[str, str]
        order: int
        weight: Decimal
        retired_at: datetime | None
else:
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


def _resolve_accumulation(body: Any) -> Any:
    """`accumulation` given in either vocabulary, or `accumulation_dnp` alone: the formula's
    type in `accumulation`, the DNP name in `accumulation_dnp` (README, "DNP typology")."""
    given = body.accumulation if "accumulation" in body.model_fields_set else None
    dnp = body.accumulation_dnp
    if given is None and dnp is None:
        if body.accumulation is not None:  # a new indicator with the default type
            body.accumulation_dnp = resolve(body.accumulation)[1].value
        return body
    if given is None:
        body.accumulation = DNP_TO_ACCUMULATION[DnpAccumulation(dnp)].value
        return body
    kind, usual = resolve(given)
    if dnp is not None and DNP_TO_ACCUMULATION[DnpAccumulation(dnp)] is not kind:
        raise ValueError(
            f"accumulation_dnp {dnp!r} is computed as "
            f"{DNP_TO_ACCUMULATION[DnpAccumulation(dnp)].value!r}, not {kind.value!r}: "
            "give one of the two, or two that agree"
        )
    body.accumulation = kind.value
    body.accumulation_dnp = dnp if dnp is not None else usual.value
    return body


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
    accumulation: AccumulationName = Field(
        default="sum",
        description="How its values add up: sum, constant, increasing, decreasing, cumulative, "
        "or the DNP guide's name (flujo, stock, acumulado, capacidad, reducción, reducción "
        "anual), which is stored as the type it is computed with",
    )
    accumulation_dnp: DnpAccumulationName | None = Field(
        default=None,
        description="The DNP guide's type; default: the one `accumulation` names, else its "
        "usual DNP name",
    )
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
    reporting_frequency: ReportingFrequency | None = Field(
        default=None, description="Default: the plan's"
    )
    reporting_grace_days: GraceDays | None = Field(default=None, description="Default: the plan's")

    _accumulation = model_validator(mode="after")(_resolve_accumulation)


class ContributionOut(OutputModel):
    node_id: uuid.UUID
    weight: Number
    weights_by_year: dict[int, Number]


class AnnualProgramming(OutputModel):
    year: int
    programmed: Number


if TYPE_CHECKING:

    class IndicatorUpdate(UpdateModel):
        code: Code | None = None
        name: LongName | None = None
        source: Source | None = None
        source_reference: ShortText | None = None
        unit_of_measure: UnitOfMeasure | None = None
        unit_label: UnitLabel | None = None
        baseline_value: Value | None = None
        baseline_year: Year | None = None
        target_value: Value | None = None
        accumulation: AccumulationName | None = None
        accumulation_dnp: DnpAccumulationName | None = None
        min_value: Value | None = None
        max_value: Value | None = None
        unit_id: uuid.UUID | None = None
        unit_code: Code | None = None
        axis_values: AxisValues | None = None
        order: Order | None = None
        weight: Weight | None = None
        contributions: list[ContributionIn] | None = None
        reporting_frequency: ReportingFrequency | None = None
        reporting_grace_days: GraceDays | None = None
        retired: bool | None = None
else:
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
            "reporting_frequency",
            "reporting_grace_days",
        },
        extra={"retired": bool},
        validators={"_accumulation": model_validator(mode="after")(_resolve_accumulation)},
    )

if TYPE_CHECKING:

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
        baseline_value: Decimal | None
        baseline_year: int | None
        target_value: Decimal | None
        accumulation: str
        accumulation_dnp: str | None
        min_value: Decimal | None
        max_value: Decimal | None
        unit_id: uuid.UUID | None
        axis_values: dict[str, str]
        order: int
        weight: Decimal
        retired_at: datetime | None
        reporting_frequency: str | None
        reporting_grace_days: int | None
        contributions: list[ContributionOut]
        annual_programming: list[AnnualProgramming]
else:
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


if TYPE_CHECKING:

    class BudgetAllocationUpdate(UpdateModel):
        year: Year | None = None
        planned: Amount | None = None
        executed: Amount | None = None
        note: ShortText | None = None
else:
    BudgetAllocationUpdate = update_of(
        BudgetAllocationCreate,
        name="BudgetAllocationUpdate",
        exclude={"unit_id", "unit_code", "action_id", "action_code", "node_id", "node_code"},
        nullable={"year", "executed", "note"},
    )

if TYPE_CHECKING:

    class BudgetAllocationPublic(Resource):
        plan_id: uuid.UUID
        unit_id: uuid.UUID
        action_id: uuid.UUID | None
        node_id: uuid.UUID | None
        year: int | None
        planned: Decimal
        executed: Decimal | None
        note: str | None
else:
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


if TYPE_CHECKING:

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
        before: dict[str, Any] | None
        after: dict[str, Any] | None
        reason: str | None
        plan_version: int
else:
    ChangePublic = public_of(
        ChangeRecord, name="ChangePublic", base=OutputModel, exclude={"created_at", "updated_at"}
    )
