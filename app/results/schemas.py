"""JSON answers of the results, trend, alerts and budget: exact numbers and their shown values."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from app.core.schemas import Number, OutputModel

Measure = Literal["planned", "executed"]
AlertKind = Literal["overdue_action", "missing_report", "lagging", "followup_without_evidence"]


class StatusOut(OutputModel):
    code: str = Field(description="on_track, lagging, over_executed or not_due")
    label: str = Field(description='"En cumplimiento", "Rezago 46.27%", …')


class ResultBand(OutputModel):
    code: str
    label: str
    color: str


class ExecutionStateOut(OutputModel):
    code: str = Field(description="not_started, in_progress, completed or not_due")
    label: str


class UnitRef(OutputModel):
    unit_id: uuid.UUID
    code: str
    name: str


class CutRef(OutputModel):
    cut_id: uuid.UUID
    plan_id: uuid.UUID
    code: str
    cut_date: date
    label: str
    status: str


class ForecastOut(OutputModel):
    """Where the indicator ends the year if the pace of its latest programmed period holds
    (the README's "Financial execution and year-end forecast")."""

    value: Number | None = Field(description="Projected value on 31 Dec; null: no projection")
    advance_pct: Number | None = Field(description="Projected advance against P_year")
    advance_pct_shown: Number | None
    band: ResultBand | None
    at_risk: bool = Field(
        description="The projection falls below the plan's lowest non-red band while the "
        "advance at the cut does not"
    )


# --- ?explain=true: what each figure was computed from, exact (decimal strings) -----------

Exact = str  # a decimal written out in full ("53.73022…"), never a binary float


class DatedValueOut(OutputModel):
    period_end: date
    value: Exact


class StartValueOut(OutputModel):
    symbol: Literal["B"] = "B"
    value: Exact
    source: Literal["baseline", "measurement"] = Field(
        description="The indicator's baseline, or the last measurement before 1 Jan of the year"
    )
    period_end: date | None = Field(description="That measurement's period end")


class TermOut(OutputModel):
    """One term of the formula and the dated values it was made of (summed for the adding
    types, the latest level for the others)."""

    symbol: Literal["P_cut", "P_year", "E_cut"]
    value: Exact | None = Field(description="Null: nothing planned in the window")
    values: list[DatedValueOut]


class ExecutedTermOut(TermOut):
    nothing_measured: bool = Field(
        description="Nothing measured in the window: E_cut counts as nothing done "
        "(0 for sum/cumulative, B for the levels)"
    )


class IndicatorExplain(OutputModel):
    accumulation: str
    accumulation_dnp: str = Field(description="The DNP guide's name of the type")
    year: int = Field(description="Y, the cut's year")
    window_start: date | None = Field(
        description="P_cut, P_year and E_cut take values with period end from this date up to "
        "the cut (31 Dec for P_year); null: from the plan's beginning (cumulative)"
    )
    baseline: Exact
    start: StartValueOut
    planned_to_date: TermOut
    planned_year: TermOut
    executed_to_date: ExecutedTermOut
    formula: str = Field(description="In DOMAIN.md's notation; advance_pct = 100 × formula")
    year_formula: str
    advance_pct: Exact | None = Field(description="Unrounded; null when not due")
    year_advance_pct: Exact | None


class ContributorOut(OutputModel):
    kind: Literal["indicator", "node"]
    id: uuid.UUID
    code: str
    weight: Exact = Field(description="Its raw weight in the cut's year")
    renormalised_weight: Exact | None = Field(
        description="weight / weight_sum over the parts that counted; null when left out"
    )
    advance_pct: Exact | None = Field(description="Its unrounded advance; null: not due")
    advance_used: Exact | None = Field(
        description="The advance it counted with (cut at 100 when the plan caps)"
    )
    counted: bool
    left_out: Literal["not_due", "zero_weight"] | None
    left_out_reason: str | None


class NodeExplain(OutputModel):
    formula: str = Field(description="Σ(weight × advance_used) / Σ(weight) over what counted")
    cap_at_100: bool
    weighted_sum: Exact
    weight_sum: Exact
    advance_pct: Exact | None = Field(description="Unrounded; null when nothing counted")
    contributors: list[ContributorOut] = Field(
        description="Its indicators, then its child nodes (for the plan: its root nodes)"
    )


class IndicatorResult(OutputModel):
    indicator_id: uuid.UUID
    code: str
    name: str
    accumulation: str
    accumulation_dnp: str | None = Field(
        default=None,
        description="The DNP guide's name of the type (flujo, stock, acumulado, capacidad, "
        "reduccion, reduccion_anual)",
    )
    unit_of_measure: str
    programmed_year: Number | None = Field(description="The annual programming of the cut's year")
    programmed_to_date: Number | None
    executed_to_date: Number | None = Field(
        description="What was done up to the cut (nothing measured counts as nothing done)"
    )
    advance_pct: Number | None = Field(description="Exact; null when not due")
    advance_pct_shown: Number | None = Field(description="Rounded half up to 2 decimals")
    year_advance_pct: Number | None
    year_advance_pct_shown: Number | None
    plan_advance_pct: Number | None = Field(description="Against the plan target")
    plan_advance_pct_shown: Number | None
    not_due: bool = Field(description="Nothing was planned up to the cut: left out of rollups")
    missing_report: bool = Field(description="Something was due and nothing was measured")
    last_measured_on: date | None
    status: StatusOut
    band: ResultBand | None
    unit_id: uuid.UUID | None = Field(
        description="Its own responsible unit, else its action's (the first one)"
    )
    unit_ids: list[uuid.UUID] = Field(description="Every unit it answers to")
    action_id: uuid.UUID | None
    node_id: uuid.UUID | None = Field(description="The node it hangs from, or its action's node")
    forecast: ForecastOut = Field(
        default_factory=lambda: ForecastOut(
            value=None, advance_pct=None, advance_pct_shown=None, band=None, at_risk=False
        ),
        description="Year-end forecast from this cut",
    )
    explain: IndicatorExplain | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="Only with ?explain=true: what the figures were computed from",
    )


class NodeResult(OutputModel):
    node_id: uuid.UUID
    code: str
    name: str
    level: int
    level_name: str | None
    parent_id: uuid.UUID | None
    advance_pct: Number | None = Field(description="Null where nothing counted (all not due)")
    advance_pct_shown: Number | None
    status: StatusOut
    band: ResultBand | None
    counted: int = Field(description="Distinct indicators that took part in the mean")
    explain: NodeExplain | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="Only with ?explain=true: the weighted mean, part by part",
    )


class PlanResult(OutputModel):
    """The plan's own figure, with the fields of a node (those of a node's place are null)."""

    plan_id: uuid.UUID
    node_id: None = None
    code: str
    name: str
    level: None = None
    level_name: None = None
    parent_id: None = None
    advance_pct: Number | None = Field(description="Weighted mean of the root nodes'")
    advance_pct_shown: Number | None
    status: StatusOut
    band: ResultBand | None
    counted: int = Field(description="Distinct indicators that took part in the mean")
    explain: NodeExplain | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="Only with ?explain=true: the weighted mean, part by part",
    )


class ActionResult(OutputModel):
    action_id: uuid.UUID
    code: str
    description: str
    node_id: uuid.UUID | None
    unit_ids: list[uuid.UUID]
    start_date: date | None
    due_date: date | None
    advance_pct: Number | None = Field(description="Weighted mean of its indicators'")
    advance_pct_shown: Number | None
    status: StatusOut
    band: ResultBand | None
    execution_state: ExecutionStateOut
    counted: int = Field(description="Its indicators that took part in the mean")
    overdue: bool = Field(description="Due on or before the cut date and not completed")


class CutResults(OutputModel):
    cut: CutRef
    plan: PlanResult
    nodes: list[NodeResult] = Field(description="In tree order: each node before its children")
    actions: list[ActionResult]
    indicators: list[IndicatorResult]


class GroupItem(OutputModel):
    key: str | None = Field(description="The unit id or axis value code; null for the rest")
    code: str | None
    label: str
    advance_pct: Number | None
    advance_pct_shown: Number | None
    band: ResultBand | None
    count: int = Field(description="Indicators in the group")
    counted: int = Field(description="Those that took part in the mean (due at the cut)")
    by_band: dict[str, int]
    by_status: dict[str, int]
    action_count: int = Field(description="Actions in the group")
    by_execution_state: dict[str, int] = Field(description="Its actions by execution state")


class GroupedResults(OutputModel):
    cut: CutRef
    axis: str | None = Field(default=None, description="The axis grouped by (by-axis only)")
    items: list[GroupItem]


class IndicatorBrief(OutputModel):
    indicator_id: uuid.UUID
    code: str
    name: str
    unit: UnitRef | None = Field(description="Its own unit, else its action's (the first)")
    units: list[UnitRef] = Field(description="Every unit it answers to")
    advance_pct: Number | None
    advance_pct_shown: Number | None
    status: StatusOut
    band: ResultBand | None


class IndicatorList(OutputModel):
    key: str | None = Field(description="The band or status code; null: not due (no band)")
    label: str
    color: str | None = None
    count: int
    indicators: list[IndicatorBrief]


class ListedResults(OutputModel):
    cut: CutRef
    items: list[IndicatorList]


class TrendPoint(OutputModel):
    cut_id: uuid.UUID
    cut_date: date
    advance_pct: Number | None
    advance_pct_shown: Number | None
    band: ResultBand | None


class IndicatorTrendPoint(TrendPoint):
    status: StatusOut
    not_due: bool
    missing_report: bool


class NodeTrend(OutputModel):
    node_id: uuid.UUID
    code: str
    name: str
    level: int
    parent_id: uuid.UUID | None
    points: list[TrendPoint]


class IndicatorTrend(OutputModel):
    indicator_id: uuid.UUID
    code: str
    name: str
    points: list[IndicatorTrendPoint]


class PlanTrend(OutputModel):
    plan_id: uuid.UUID
    cuts: list[CutRef] = Field(description="Ordered by date; points[i] is at cuts[i]")
    plan: list[TrendPoint]
    nodes: list[NodeTrend]
    indicators: list[IndicatorTrend]


class Alert(OutputModel):
    kind: AlertKind
    element: Literal["action", "indicator"]
    id: uuid.UUID = Field(description="The action's or indicator's id")
    code: str
    name: str
    unit: UnitRef | None = Field(description="The first of `units`")
    units: list[UnitRef] = Field(description="Every unit it answers to")
    detail: str
    due_date: date | None = None
    advance_pct: Number | None = None
    advance_pct_shown: Number | None = None
    followup_id: uuid.UUID | None = None
    followup_status: str | None = None


class Alerts(OutputModel):
    cut: CutRef
    lag_threshold_pct: Number
    counts: dict[str, int]
    items: list[Alert]


class ExecutionFigures(OutputModel):
    """Planned money beside the money executed (financial execution) and their ratio."""

    planned: Number
    committed: Number = Field(description='Committed ("compromisos")')
    paid: Number = Field(description='Paid ("obligaciones")')
    committed_pct: Number | None = Field(description="Committed / planned; null when 0 planned")
    committed_pct_shown: Number | None
    paid_pct: Number | None = Field(description="Paid / planned; null when 0 planned")
    paid_pct_shown: Number | None


class BudgetColumn(OutputModel):
    node_id: uuid.UUID | None = Field(description="Null only for money not under any root node")
    code: str
    name: str
    total: Number
    share_pct: Number | None = Field(description="Of the grand total; null when it is 0")
    share_pct_shown: Number | None
    execution: ExecutionFigures | None = Field(
        default=None, description="Planned vs executed money of the column"
    )


class BudgetRow(OutputModel):
    unit_id: uuid.UUID
    code: str
    name: str
    cells: dict[str, Number] = Field(description="Amount by root node code")
    total: Number
    share_pct: Number | None
    share_pct_shown: Number | None
    execution: ExecutionFigures | None = Field(
        default=None, description="Planned vs executed money of the row"
    )
    execution_cells: dict[str, ExecutionFigures] = Field(
        default_factory=dict, description="Planned vs executed money by root node code"
    )


class BudgetMatrixOut(OutputModel):
    plan_id: uuid.UUID
    measure: Measure
    year: int | None
    columns: list[BudgetColumn]
    rows: list[BudgetRow]
    total: Number
    execution: ExecutionFigures | None = Field(
        default=None,
        description="Planned vs executed money of the whole matrix (financial execution "
        "posted to /plans/{id}/financial-execution; with `year`, periods ending in it)",
    )


# --- disaggregation: results by territory and by any dimension ---------------------------


class BreakdownIndicator(OutputModel):
    """One indicator's figures on the series of one dimension value (app.compute.dimensions)."""

    indicator_id: uuid.UUID
    code: str
    name: str
    accumulation: str
    total_mode: str
    programmed_year: Number | None
    programmed_to_date: Number | None
    executed_to_date: Number | None
    advance_pct: Number | None
    advance_pct_shown: Number | None
    year_advance_pct: Number | None
    year_advance_pct_shown: Number | None
    not_due: bool
    missing_report: bool
    last_measured_on: date | None
    status: StatusOut
    band: ResultBand | None


class DimensionValueResults(OutputModel):
    code: str = Field(description='The value: a DIVIPOLA code ("19001") or a declared code')
    label: str = Field(description='Its name: "Popayán", "Mujer"…')
    advance_pct: Number | None = Field(
        description="Weighted mean of its indicators' advances (those due at the cut)"
    )
    advance_pct_shown: Number | None
    band: ResultBand | None
    count: int = Field(description="Indicators with values for it")
    counted: int = Field(description="Those that took part in the mean (due at the cut)")
    by_band: dict[str, int]
    by_status: dict[str, int]
    indicators: list[BreakdownIndicator]


class DimensionResults(OutputModel):
    cut: CutRef
    dimension: str
    label: str
    items: list[DimensionValueResults]
