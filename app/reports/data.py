"""What a follow-up report shows, as plain data: every figure comes from the results service.

The PDF and XLSX renderers take a `ReportData` and only lay it out; nothing here or there
computes a figure.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from app.results.schemas import Alerts, BudgetMatrixOut, CutResults, GroupedResults, PlanTrend


@dataclass(frozen=True)
class BandInfo:
    """One band of the plan's own traffic light: from `min_pct` up."""

    code: str
    label: str
    color: str
    min_pct: float


@dataclass(frozen=True)
class AxisInfo:
    code: str
    name: str


@dataclass(frozen=True)
class UnitInfo:
    unit_id: uuid.UUID
    code: str
    name: str


@dataclass(frozen=True)
class FollowUpEntry:
    """A follow-up of the cut as officials wrote it (narrative, lag justification...)."""

    indicator_id: uuid.UUID
    indicator_code: str
    status: str
    narrative: str | None
    observations: str | None
    lag_justification: str | None


@dataclass(frozen=True)
class EvidenceEntry:
    indicator_id: uuid.UUID
    indicator_code: str
    kind: str
    title: str
    evidence_date: date | None
    url: str | None = None
    file_name: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class ReportData:
    organization_name: str
    plan_code: str
    plan_name: str
    plan_kind: str
    first_year: int
    last_year: int
    levels: list[str]
    bands: list[BandInfo]
    axes: list[AxisInfo]
    units: list[UnitInfo]
    generated_at: datetime
    results: CutResults
    by_unit: GroupedResults
    by_axis: dict[str, GroupedResults]
    trend: PlanTrend
    alerts: Alerts
    budget: BudgetMatrixOut | None = None
    followups: list[FollowUpEntry] = field(default_factory=list)
    evidence: list[EvidenceEntry] = field(default_factory=list)

    @property
    def cut_date(self) -> date:
        return self.results.cut.cut_date
