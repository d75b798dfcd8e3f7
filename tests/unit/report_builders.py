"""Small builders of ReportData by hand (no database), for the renderers' tests and benchmarks.

The figures are whatever the caller passes: the renderers must print them as given.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from app.reports.data import AxisInfo, BandInfo, EvidenceEntry, FollowUpEntry, ReportData, UnitInfo
from app.results.schemas import (
    ActionResult,
    Alert,
    Alerts,
    BudgetColumn,
    BudgetMatrixOut,
    BudgetRow,
    CutRef,
    CutResults,
    ExecutionStateOut,
    GroupedResults,
    GroupItem,
    IndicatorResult,
    NodeResult,
    NodeTrend,
    PlanResult,
    PlanTrend,
    ResultBand,
    StatusOut,
    TrendPoint,
    UnitRef,
)

BANDS = [
    BandInfo("red", "0-49%", "#c62828", 0),
    BandInfo("yellow", "50-99%", "#f9a825", 50),
    BandInfo("green", "100%", "#2e7d32", 100),
]
NOT_DUE = StatusOut(code="not_due", label="Sin programación al corte")
ON_TRACK = StatusOut(code="on_track", label="En cumplimiento")


def band_of(shown: Decimal | None) -> ResultBand | None:
    if shown is None:
        return None
    chosen = BANDS[0]
    for band in BANDS[1:]:
        if shown >= Decimal(str(band.min_pct)):
            chosen = band
    return ResultBand(code=chosen.code, label=chosen.label, color=chosen.color)


def status_of(shown: Decimal | None) -> StatusOut:
    if shown is None:
        return NOT_DUE
    if shown < 100:
        return StatusOut(code="lagging", label=f"Rezago {100 - shown:.2f}%")
    if shown > 100:
        return StatusOut(code="over_executed", label=f"Sobre ejecución {shown - 100:.2f}%")
    return ON_TRACK


def state_of(shown: Decimal | None) -> ExecutionStateOut:
    if shown is None:
        return ExecutionStateOut(code="not_due", label="Sin programación al corte")
    if shown == 0:
        return ExecutionStateOut(code="not_started", label="Sin iniciar")
    if shown >= 100:
        return ExecutionStateOut(code="completed", label="Finalizada")
    return ExecutionStateOut(code="in_progress", label="En ejecución")


def uid() -> uuid.UUID:
    return uuid.uuid4()


@dataclass
class ReportBuilder:
    """Collects nodes, actions and indicators, then builds a consistent-looking ReportData."""

    organization: str = "Gobernación del Cauca"
    plan_code: str = "PET-2023-2024"
    plan_name: str = "Plan Estadístico Territorial"
    cut_date: date = date(2023, 9, 30)
    levels: list[str] = field(default_factory=lambda: ["Objetivo específico", "Estrategia"])
    plan_id: uuid.UUID = field(default_factory=uid)
    cut_id: uuid.UUID = field(default_factory=uid)
    plan_advance: Decimal | None = Decimal("99.13")
    units: list[UnitInfo] = field(default_factory=list)
    nodes: list[NodeResult] = field(default_factory=list)
    actions: list[ActionResult] = field(default_factory=list)
    indicators: list[IndicatorResult] = field(default_factory=list)
    axes: list[AxisInfo] = field(default_factory=list)
    by_axis: dict[str, GroupedResults] = field(default_factory=dict)
    followups: list[FollowUpEntry] = field(default_factory=list)
    evidence: list[EvidenceEntry] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    budget: BudgetMatrixOut | None = None
    trend_dates: list[date] = field(default_factory=list)

    @property
    def cut(self) -> CutRef:
        return CutRef(
            cut_id=self.cut_id,
            plan_id=self.plan_id,
            code="C-2023-09",
            cut_date=self.cut_date,
            label="Corte 30 sep 2023",
            status="published",
        )

    def unit(self, name: str, code: str | None = None) -> UnitInfo:
        unit = UnitInfo(uid(), code or f"U{len(self.units) + 1}", name)
        self.units.append(unit)
        return unit

    def node(
        self, code: str, name: str, advance: str | None, parent: NodeResult | None = None
    ) -> NodeResult:
        shown = Decimal(advance) if advance is not None else None
        node = NodeResult(
            node_id=uid(),
            code=code,
            name=name,
            level=1 if parent is None else parent.level + 1,
            level_name=self.levels[0] if parent is None else self.levels[-1],
            parent_id=parent.node_id if parent else None,
            advance_pct=shown,
            advance_pct_shown=shown,
            status=status_of(shown),
            band=band_of(shown),
            counted=1,
        )
        self.nodes.append(node)
        return node

    def action(
        self,
        code: str,
        description: str,
        node: NodeResult | None,
        advance: str | None,
        units: list[UnitInfo] = (),
        due: date | None = None,
    ) -> ActionResult:
        shown = Decimal(advance) if advance is not None else None
        action = ActionResult(
            action_id=uid(),
            code=code,
            description=description,
            node_id=node.node_id if node else None,
            unit_ids=[u.unit_id for u in units],
            start_date=date(2023, 1, 1),
            due_date=due,
            advance_pct=shown,
            advance_pct_shown=shown,
            status=status_of(shown),
            band=band_of(shown),
            execution_state=state_of(shown),
            counted=0 if shown is None else 1,
            overdue=False,
        )
        self.actions.append(action)
        return action

    def indicator(
        self,
        code: str,
        name: str,
        *,
        node: NodeResult | None = None,
        action: ActionResult | None = None,
        programmed: str | None = None,
        executed: str | None = None,
        advance: str | None = None,
        status_label: str | None = None,
        units: list[UnitInfo] = (),
        measure: str = "Número",
        missing_report: bool = False,
    ) -> IndicatorResult:
        shown = Decimal(advance) if advance is not None else None
        status = status_of(shown)
        if status_label is not None:
            status = StatusOut(code=status.code, label=status_label)
        node_id = node.node_id if node else (action.node_id if action else None)
        ind = IndicatorResult(
            indicator_id=uid(),
            code=code,
            name=name,
            accumulation="sum",
            unit_of_measure=measure,
            programmed_year=None,
            programmed_to_date=Decimal(programmed) if programmed is not None else None,
            executed_to_date=Decimal(executed) if executed is not None else None,
            advance_pct=shown,
            advance_pct_shown=shown,
            year_advance_pct=None,
            year_advance_pct_shown=None,
            plan_advance_pct=None,
            plan_advance_pct_shown=None,
            not_due=shown is None,
            missing_report=missing_report,
            last_measured_on=None,
            status=status,
            band=band_of(shown),
            unit_id=units[0].unit_id if units else None,
            unit_ids=[u.unit_id for u in units],
            action_id=action.action_id if action else None,
            node_id=node_id,
        )
        self.indicators.append(ind)
        return ind

    def followup(
        self,
        ind: IndicatorResult,
        narrative: str | None = None,
        observations: str | None = None,
        lag: str | None = None,
    ) -> None:
        self.followups.append(
            FollowUpEntry(ind.indicator_id, ind.code, "approved", narrative, observations, lag)
        )

    def group_item(
        self, key: str | None, code: str | None, label: str, advance: str | None, count: int
    ) -> GroupItem:
        shown = Decimal(advance) if advance is not None else None
        return GroupItem(
            key=key,
            code=code,
            label=label,
            advance_pct=shown,
            advance_pct_shown=shown,
            band=band_of(shown),
            count=count,
            counted=count if shown is not None else 0,
            by_band={},
            by_status={},
            action_count=count,
            by_execution_state={"completed": count // 2, "in_progress": count - count // 2},
        )

    def axis(self, code: str, name: str, values: list[tuple[str, str, str | None]]) -> None:
        self.axes.append(AxisInfo(code, name))
        self.by_axis[code] = GroupedResults(
            cut=self.cut,
            axis=code,
            items=[self.group_item(c, c, label, adv, 2) for c, label, adv in values],
        )

    def trend(self) -> PlanTrend:
        cuts = [
            CutRef(
                cut_id=uid(),
                plan_id=self.plan_id,
                code=f"C{i}",
                cut_date=d,
                label=f"Corte {d:%d/%m/%Y}",
                status="published",
            )
            for i, d in enumerate(self.trend_dates)
        ]

        def points(final: Decimal | None) -> list[TrendPoint]:
            out = []
            for i, cut in enumerate(cuts):
                value = (
                    None
                    if final is None
                    else (final * (i + 1) / len(cuts)).quantize(Decimal("0.01"))
                )
                out.append(
                    TrendPoint(
                        cut_id=cut.cut_id,
                        cut_date=cut.cut_date,
                        advance_pct=value,
                        advance_pct_shown=value,
                        band=band_of(value),
                    )
                )
            return out

        return PlanTrend(
            plan_id=self.plan_id,
            cuts=cuts,
            plan=points(self.plan_advance),
            nodes=[
                NodeTrend(
                    node_id=n.node_id,
                    code=n.code,
                    name=n.name,
                    level=n.level,
                    parent_id=n.parent_id,
                    points=points(n.advance_pct_shown),
                )
                for n in self.nodes
            ],
            indicators=[],
        )

    def build(self) -> ReportData:
        shown = self.plan_advance
        plan = PlanResult(
            plan_id=self.plan_id,
            code=self.plan_code,
            name=self.plan_name,
            advance_pct=shown,
            advance_pct_shown=shown,
            status=status_of(shown),
            band=band_of(shown),
            counted=sum(1 for i in self.indicators if not i.not_due),
        )
        results = CutResults(
            cut=self.cut,
            plan=plan,
            nodes=self.nodes,
            actions=self.actions,
            indicators=self.indicators,
        )
        by_unit = GroupedResults(
            cut=self.cut,
            items=[self.group_item(str(u.unit_id), u.code, u.name, "75.50", 3) for u in self.units],
        )
        alerts = Alerts(
            cut=self.cut,
            lag_threshold_pct=Decimal(10),
            counts={"lagging": len(self.alerts)} if self.alerts else {},
            items=self.alerts,
        )
        return ReportData(
            organization_name=self.organization,
            plan_code=self.plan_code,
            plan_name=self.plan_name,
            plan_kind="PET",
            first_year=2023,
            last_year=2024,
            levels=self.levels,
            bands=BANDS,
            axes=self.axes,
            units=self.units,
            generated_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
            results=results,
            by_unit=by_unit,
            by_axis=self.by_axis,
            trend=self.trend(),
            alerts=alerts,
            budget=self.budget,
            followups=self.followups,
            evidence=self.evidence,
        )

    def lag_alert(self, ind: IndicatorResult, unit: UnitInfo | None) -> None:
        ref = [UnitRef(unit_id=unit.unit_id, code=unit.code, name=unit.name)] if unit else []
        self.alerts.append(
            Alert(
                kind="lagging",
                element="indicator",
                id=ind.indicator_id,
                code=ind.code,
                name=ind.name,
                unit=ref[0] if ref else None,
                units=ref,
                detail=ind.status.label,
                advance_pct=ind.advance_pct_shown,
                advance_pct_shown=ind.advance_pct_shown,
            )
        )

    def budget_matrix(
        self, columns: list[tuple[str, str, str]], rows: list[tuple[UnitInfo, dict[str, str], str]]
    ) -> None:
        """columns: (code, name, total); rows: (unit, cells by code, total)."""
        grand = sum(Decimal(t) for _, _, t in columns)
        self.budget = BudgetMatrixOut(
            plan_id=self.plan_id,
            measure="planned",
            year=None,
            columns=[
                BudgetColumn(
                    node_id=uid(),
                    code=code,
                    name=name,
                    total=Decimal(total),
                    share_pct=None,
                    share_pct_shown=(Decimal(total) * 100 / grand).quantize(Decimal("0.01")),
                )
                for code, name, total in columns
            ],
            rows=[
                BudgetRow(
                    unit_id=unit.unit_id,
                    code=unit.code,
                    name=unit.name,
                    cells={k: Decimal(v) for k, v in cells.items()},
                    total=Decimal(total),
                    share_pct=None,
                    share_pct_shown=(Decimal(total) * 100 / grand).quantize(Decimal("0.01")),
                )
                for unit, cells, total in rows
            ],
            total=grand,
        )


def sample_report() -> ReportData:
    """A small plan in the shape of the seeds: two objectives, actions, indicators, budget."""
    b = ReportBuilder(trend_dates=[date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30)])
    plan = b.unit("Departamento Administrativo de Planeación", "DAP")
    tic = b.unit("Departamento Administrativo de Tecnologías de la Información", "DATIC")
    obj1 = b.node("OE1", "Consolidar las capacidades institucionales", "100.00")
    est1 = b.node("E1", "Desarrollar capacidades institucionales", "100.00", obj1)
    act = b.action("A1", "Incluir en el SIG procedimientos estadísticos", est1, "100.00", [plan])
    ind = b.indicator(
        "I1",
        "1 PET formulado, aprobado y divulgado",
        action=act,
        programmed="1",
        executed="1",
        advance="100.00",
        units=[plan],
    )
    b.followup(ind, narrative="1 PET aprobado y divulgado (100%)", observations="Acta 002")
    b.evidence.append(
        EvidenceEntry(ind.indicator_id, "I1", "link", "Tángara", None, url="https://tangara.gov.co")
    )
    obj5 = b.node("OBJ5", "Fortalecer la prestación del servicio a la ciudadanía", "99.13")
    lag = b.indicator(
        "IS-545",
        "Número de orientaciones y solicitudes recibidas a través de la línea 195",
        node=obj5,
        programmed="2743434",
        executed="1474056",
        advance="53.73",
        units=[tic],
    )
    b.followup(lag, narrative="Se atendieron 1.474.056", lag="Preferencia por otros canales")
    b.lag_alert(lag, tic)
    over = b.indicator(
        "IS-546",
        "Número de PQRS recibidas por otros canales",
        node=obj5,
        programmed="104220",
        executed="150623",
        advance="144.52",
        units=[tic],
    )
    b.followup(over, lag="Depende de la ciudadanía")
    b.indicator("I-ND", "Inicia en octubre de 2023", node=obj5, units=[plan])
    b.axis(
        "component",
        "Componente",
        [("TE", "TIC para el Estado", "59.00"), ("TS", "TIC para la Sociedad", None)],
    )
    b.budget_matrix(
        [("C1", "Componente 1", "1931975000"), ("C2", "Componente 2", "1607000000")],
        [
            (plan, {"C1": "1115975000", "C2": "1019500000"}, "2135475000"),
            (tic, {"C1": "816000000", "C2": "587500000"}, "1403500000"),
        ],
    )
    return b.build()
