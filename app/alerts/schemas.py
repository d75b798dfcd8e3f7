"""JSON answers of the alerts, the reporting status, evidence completeness and unit digest."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from app.core.schemas import Number, OutputModel
from app.results.schemas import CutRef, UnitRef

SeverityCode = Literal["critical", "warning", "info"]
FigureOut = Number | bool | str | None


class AlertOut(OutputModel):
    kind: str = Field(description="One of the kinds in `kinds` (GET …/alerts lists them)")
    severity: SeverityCode
    element: Literal["action", "indicator"] = Field(description="The element's type")
    id: uuid.UUID = Field(description="The action's or indicator's id")
    code: str
    name: str
    plan_id: uuid.UUID
    unit: UnitRef | None = Field(description="The first of `units`")
    units: list[UnitRef] = Field(description="Every unit it answers to")
    message: str = Field(description="What an official reads, in Spanish")
    detail: str = Field(description="The same as `message` (the first version's name)")
    figures: dict[str, FigureOut] = Field(
        description="The figures behind the alert: exact numbers, ISO dates, counts"
    )
    due_date: date | None = None
    advance_pct: Number | None = None
    advance_pct_shown: Number | None = None
    followup_id: uuid.UUID | None = None
    followup_status: str | None = None


class AlertKindOut(OutputModel):
    code: str
    label: str
    in_digest: bool


class Alerts(OutputModel):
    """Alerts at a cut (`cut` set) or at a date (`cut` null)."""

    plan_id: uuid.UUID
    as_of: date
    cut: CutRef | None = None
    lag_threshold_pct: Number
    kinds: list[AlertKindOut] = Field(description="Every kind of alert, in the order listed")
    counts: dict[str, int] = Field(description="Alerts per kind, after the filters")
    by_severity: dict[str, int]
    total: int
    items: list[AlertOut] = Field(description="Critical first, then warnings, then the rest")


# --- reporting status --------------------------------------------------------------------


class IndicatorReporting(OutputModel):
    indicator_id: uuid.UUID
    code: str
    name: str
    unit: UnitRef | None
    units: list[UnitRef]
    frequency: str
    grace_days: int
    period_start: date | None
    period_end: date | None = Field(
        description="The last period end due by as_of (period end + grace <= as_of)"
    )
    due_date: date | None
    expected: bool = Field(
        description="A period is due and something was programmed by its end (else not due)"
    )
    reported: bool = Field(description="A measurement for that period was recorded by as_of")
    reported_on: date | None = Field(description="When its first measurement was recorded")
    on_time: bool | None = Field(description="Recorded on or before the due date")
    overdue: bool
    days_overdue: int | None = Field(description="as_of minus the due date, when not reported")


class OverdueReport(OutputModel):
    indicator_id: uuid.UUID
    code: str
    name: str
    period_end: date
    due_date: date
    days_overdue: int


class UnitReporting(OutputModel):
    unit_id: uuid.UUID | None = Field(description="Null for the indicators nobody answers for")
    code: str | None
    name: str
    expected: int
    reported: int
    reported_on_time: int
    on_time_pct: Number | None = Field(description="reported_on_time / expected; null if none")
    on_time_pct_shown: Number | None
    overdue: list[OverdueReport]


class ReportingTotals(OutputModel):
    expected: int
    reported: int
    reported_on_time: int
    overdue: int
    on_time_pct: Number | None
    on_time_pct_shown: Number | None


class ReportingStatus(OutputModel):
    plan_id: uuid.UUID
    as_of: date
    default_frequency: str
    default_grace_days: int
    totals: ReportingTotals
    units: list[UnitReporting]
    indicators: list[IndicatorReporting]


# --- evidence completeness ---------------------------------------------------------------


class EvidenceRuleOut(OutputModel):
    min_count: int
    scope: str
    mode: str
    description: str = Field(description="The rule in Spanish")


class UnitCompleteness(OutputModel):
    unit_id: uuid.UUID | None
    code: str | None
    name: str
    needing: int = Field(description="Follow-ups the rule applies to")
    complete: int = Field(description="Of those, the ones with enough evidence")
    completeness_pct: Number | None
    completeness_pct_shown: Number | None


class EvidenceCompleteness(OutputModel):
    cut: CutRef
    rule: EvidenceRuleOut
    totals: UnitCompleteness
    units: list[UnitCompleteness]


# --- unit digest -------------------------------------------------------------------------


class PlanRef(OutputModel):
    plan_id: uuid.UUID
    code: str
    name: str


class UnitDigest(OutputModel):
    unit: UnitRef
    as_of: date
    plans: list[PlanRef] = Field(description="The plans looked at")
    kinds: list[AlertKindOut] = Field(description="The kinds a digest holds")
    counts: dict[str, int]
    total: int
    items: list[AlertOut]
