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


class IndicatorResult(OutputModel):
    indicator_id: uuid.UUID
    code: str
    name: str
    accumulation: str
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


class BudgetColumn(OutputModel):
    node_id: uuid.UUID | None = Field(description="Null only for money not under any root node")
    code: str
    name: str
    total: Number
    share_pct: Number | None = Field(description="Of the grand total; null when it is 0")
    share_pct_shown: Number | None


class BudgetRow(OutputModel):
    unit_id: uuid.UUID
    code: str
    name: str
    cells: dict[str, Number] = Field(description="Amount by root node code")
    total: Number
    share_pct: Number | None
    share_pct_shown: Number | None


class BudgetMatrixOut(OutputModel):
    plan_id: uuid.UUID
    measure: Measure
    year: int | None
    columns: list[BudgetColumn]
    rows: list[BudgetRow]
    total: Number


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
