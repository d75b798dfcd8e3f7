"""Results of a plan at its cuts: load with a fixed number of statements, compute, shape.

Every figure comes from `app.compute`; `structure` loads the plan's visible elements and
evaluates them at a cut; this module shapes the answers (results, groupings, alerts, trend).
The budget matrix is in `budget`.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Row
from sqlmodel import Session

from app.compute import (
    EXECUTION_STATE_LABELS,
    ExecutionState,
    GroupResult,
    IndicatorAdvance,
    RatedItem,
    StatusCode,
    band_for,
    execution_state,
    group_rollup,
    is_lagging,
    is_overdue,
    status_for,
)
from app.compute.forecast import YearEndForecast, is_at_risk
from app.compute.status import NOT_DUE_LABEL, ON_TRACK_LABEL, Status
from app.compute.types import shown_pct
from app.compute.typology import dnp_name
from app.core.errors import DomainError
from app.cuts.models import Cut
from app.plans.models import Plan
from app.results import repository
from app.results.budget import budget
from app.results.explain import explain as explained
from app.results.original import ProgrammingChoice
from app.results.schemas import (
    ActionResult,
    Alert,
    Alerts,
    CutRef,
    CutResults,
    ExecutionStateOut,
    ForecastOut,
    GroupedResults,
    GroupItem,
    IndicatorBrief,
    IndicatorList,
    IndicatorResult,
    IndicatorTrend,
    IndicatorTrendPoint,
    ListedResults,
    NodeResult,
    NodeTrend,
    PlanResult,
    PlanTrend,
    ResultBand,
    StatusOut,
    TrendPoint,
)
from app.results.structure import (
    Evaluation,
    Structure,
    at_cut,
    dated_values,
    evaluate,
    load_structure,
)

# Kept importable from here: the reports and spreadsheets call them through this module.
__all__ = [
    "alerts",
    "at_cut",
    "budget",
    "by_axis",
    "by_band",
    "by_status",
    "by_unit",
    "cut_ref",
    "load_structure",
    "results",
    "trend",
]

# A plan's figures at a cut, loaded once and shared by several views (the report's).
At = tuple[Structure, Evaluation]

NO_UNIT_LABEL = "Sin responsable"
UNCLASSIFIED_LABEL = "Sin clasificar"
STATUS_GROUP_LABELS = {
    StatusCode.ON_TRACK: ON_TRACK_LABEL,
    StatusCode.LAGGING: "Rezago",
    StatusCode.OVER_EXECUTED: "Sobre ejecución",
    StatusCode.NOT_DUE: NOT_DUE_LABEL,
}


class UnknownAxis(DomainError):
    status = 404


# --- shaping -----------------------------------------------------------------------------


class _Shaper:
    """Status and band of advances in the plan's terms, output objects reused per code."""

    def __init__(self, structure: Structure) -> None:
        self.bands = structure.bands
        self.tolerance = structure.tolerance_pct
        self._band_out = {
            b.code: ResultBand(code=b.code, label=b.label, color=b.color) for b in self.bands
        }
        self._status_out: dict[tuple[str, str], StatusOut] = {}

    def status(self, advance: Decimal | None) -> StatusOut:
        return self.status_out(status_for(advance, self.tolerance))

    def status_out(self, status: Status) -> StatusOut:
        key = (status.code.value, status.label)
        out = self._status_out.get(key)
        if out is None:
            out = self._status_out[key] = StatusOut(code=key[0], label=key[1])
        return out

    def band(self, advance: Decimal | None) -> ResultBand | None:
        band = band_for(advance, self.bands)
        return None if band is None else self._band_out[band.code]


def cut_ref(cut: Cut) -> CutRef:
    return CutRef(
        cut_id=cut.id,
        plan_id=cut.plan_id,
        code=cut.code,
        cut_date=cut.cut_date,
        label=cut.label,
        status=cut.status,
    )


def _level_name(plan: Plan, level: int) -> str | None:
    return plan.levels[level] if level < len(plan.levels) else None


def _indicator_result(
    structure: Structure, shaper: _Shaper, ind: Row, adv: IndicatorAdvance, fc: YearEndForecast
) -> IndicatorResult:
    unit_ids = structure.indicator_units[ind.id]
    return IndicatorResult(
        indicator_id=ind.id,
        code=ind.code,
        name=ind.name,
        accumulation=ind.accumulation,
        accumulation_dnp=dnp_name(ind.accumulation, ind.accumulation_dnp).value,
        unit_of_measure=ind.unit_of_measure,
        programmed_year=adv.programmed_year,
        programmed_to_date=adv.programmed_to_date,
        executed_to_date=adv.executed_to_date,
        advance_pct=adv.advance_pct,
        advance_pct_shown=adv.advance_pct_shown,
        year_advance_pct=adv.year_advance_pct,
        year_advance_pct_shown=adv.year_advance_pct_shown,
        plan_advance_pct=adv.plan_advance_pct,
        plan_advance_pct_shown=adv.plan_advance_pct_shown,
        not_due=adv.not_due,
        missing_report=adv.missing_report,
        last_measured_on=adv.last_measured_on,
        status=shaper.status(adv.advance_pct),
        band=shaper.band(adv.advance_pct),
        unit_id=unit_ids[0] if unit_ids else None,
        unit_ids=unit_ids,
        action_id=ind.action_id,
        node_id=structure.indicator_node[ind.id],
        forecast=ForecastOut(
            value=fc.value,
            advance_pct=fc.advance_pct,
            advance_pct_shown=fc.advance_pct_shown,
            band=shaper.band(fc.advance_pct),
            at_risk=is_at_risk(adv.advance_pct, fc.advance_pct, structure.bands),
        ),
    )


def shape_results(structure: Structure, evaluation: Evaluation, cut: Cut) -> CutResults:
    plan = structure.plan
    shaper = _Shaper(structure)
    node_figures = evaluation.rollup.nodes
    nodes = []
    for n in structure.nodes:
        figure = node_figures[n.id]
        nodes.append(
            NodeResult(
                node_id=n.id,
                code=n.code,
                name=n.name,
                level=n.level,
                level_name=_level_name(plan, n.level),
                parent_id=n.parent_id,
                advance_pct=figure.advance_pct,
                advance_pct_shown=figure.advance_pct_shown,
                status=shaper.status(figure.advance_pct),
                band=shaper.band(figure.advance_pct),
                counted=figure.counted,
            )
        )
    whole = evaluation.rollup.plan
    plan_result = PlanResult(
        plan_id=plan.id,
        code=plan.code,
        name=plan.name,
        advance_pct=whole.advance_pct,
        advance_pct_shown=whole.advance_pct_shown,
        status=shaper.status(whole.advance_pct),
        band=shaper.band(whole.advance_pct),
        counted=whole.counted,
    )

    actions = []
    for a in structure.actions:
        advance, counted = evaluation.action_advance[a.id]
        state = execution_state(advance)
        actions.append(
            ActionResult(
                action_id=a.id,
                code=a.code,
                description=a.description,
                node_id=a.node_id,
                unit_ids=structure.action_units.get(a.id, []),
                start_date=a.start_date,
                due_date=a.due_date,
                advance_pct=advance,
                advance_pct_shown=shown_pct(advance),
                status=shaper.status(advance),
                band=shaper.band(advance),
                execution_state=ExecutionStateOut(
                    code=state.value, label=EXECUTION_STATE_LABELS[state]
                ),
                counted=counted,
                overdue=is_overdue(a.due_date, state, evaluation.cut_date),
            )
        )

    indicators = [
        _indicator_result(
            structure, shaper, ind, evaluation.advances[ind.id], evaluation.forecast(ind.id)
        )
        for ind in structure.indicators
    ]
    return CutResults(
        cut=cut_ref(cut), plan=plan_result, nodes=nodes, actions=actions, indicators=indicators
    )


def results(
    session: Session,
    cut: Cut,
    plan: Plan,
    explain: bool = False,
    against: ProgrammingChoice = "current",
    at: At | None = None,
) -> CutResults:
    """The figures at the cut against the current or the original programming; with
    `explain`, what each was computed from (`explain.py`); `at`: the plan already evaluated
    at the cut (the report's one evaluation)."""
    structure, evaluation = at or at_cut(session, cut, plan, against, trace=explain)
    shaped = shape_results(structure, evaluation, cut)
    return explained(shaped, structure, evaluation) if explain else shaped


# --- groupings: by unit, by axis value, by band, by status -------------------------------


def _groups(
    structure: Structure,
    evaluation: Evaluation,
    indicator_keys: Mapping[uuid.UUID, Sequence[Hashable]],
    action_keys: Mapping[uuid.UUID, Sequence[Hashable]],
    labels: Mapping[Hashable, tuple[str | None, str]],
    fixed: list[Hashable] | None = None,
) -> list[GroupItem]:
    """Weighted mean of the indicators per key, with counts by band, status and (for actions)
    execution state. `fixed` keys come first and always appear; the others in order of
    first appearance."""
    shaper = _Shaper(structure)

    def rollup(items: list[RatedItem[tuple[Hashable, uuid.UUID]]]) -> dict[Hashable, GroupResult]:
        groups = group_rollup(
            items,
            lambda r: r.id[0],
            bands=structure.bands,
            tolerance_pct=structure.tolerance_pct,
            cap_at_100=structure.plan.cap_at_100,
        )
        return {g.key: g for g in groups}

    indicator_items = [
        RatedItem((key, ind.id), evaluation.advances[ind.id].advance_pct, ind.weight)
        for ind in structure.indicators
        for key in indicator_keys[ind.id]
    ]
    by_indicators = rollup(indicator_items)
    action_items = [
        RatedItem((key, a.id), evaluation.action_advance[a.id][0], a.weight)
        for a in structure.actions
        for key in action_keys[a.id]
    ]
    by_actions = rollup(action_items)

    empty_bands = {b.code: 0 for b in structure.bands}
    empty_status = {code.value: 0 for code in StatusCode}
    empty_states = {state.value: 0 for state in ExecutionState}
    keys = list(fixed or [])
    for key in [*by_indicators, *by_actions]:
        if key not in keys:
            keys.append(key)
    items = []
    for key in keys:
        group, actions = by_indicators.get(key), by_actions.get(key)
        advance = group.advance_pct if group else None
        code, label = labels[key]
        items.append(
            GroupItem(
                key=None if key is None else str(key),
                code=code,
                label=label,
                advance_pct=advance,
                advance_pct_shown=shown_pct(advance),
                band=shaper.band(advance),
                count=group.count if group else 0,
                counted=group.counted if group else 0,
                by_band=dict(group.by_band) if group else dict(empty_bands),
                by_status=dict(group.by_status) if group else dict(empty_status),
                action_count=actions.count if actions else 0,
                by_execution_state=(
                    dict(actions.by_execution_state) if actions else dict(empty_states)
                ),
            )
        )
    return items


def by_unit(
    session: Session,
    cut: Cut,
    plan: Plan,
    against: ProgrammingChoice = "current",
    at: At | None = None,
) -> GroupedResults:
    """An indicator counts for its own unit, else for each of its action's units."""
    structure, evaluation = at or at_cut(session, cut, plan, against)
    indicator_keys: dict[uuid.UUID, Sequence[uuid.UUID | None]] = {
        i: (units or [None]) for i, units in structure.indicator_units.items()
    }
    action_keys: dict[uuid.UUID, Sequence[uuid.UUID | None]] = {
        a.id: (structure.action_units.get(a.id) or [None]) for a in structure.actions
    }
    labels: dict[Hashable, tuple[str | None, str]] = {
        u.id: (u.code, u.name) for u in structure.units.values()
    }
    labels[None] = (None, NO_UNIT_LABEL)
    items = _groups(structure, evaluation, indicator_keys, action_keys, labels)
    # Units in code order, the indicators nobody answers for last.
    items.sort(key=lambda g: (g.code is None, g.code or ""))
    return GroupedResults(cut=cut_ref(cut), items=items)


def by_axis(
    session: Session,
    cut: Cut,
    plan: Plan,
    axis: str,
    against: ProgrammingChoice = "current",
    at: At | None = None,
) -> GroupedResults:
    """An indicator takes its action's value on the axis unless it has its own."""
    definition = next((a for a in plan.axes if a["code"] == axis), None)
    if definition is None:
        have = ", ".join(a["code"] for a in plan.axes)
        raise UnknownAxis(
            f"axis {axis!r} not found; the plan's axes are: {have}"
            if have
            else f"axis {axis!r} not found; the plan has no axes"
        )
    structure, evaluation = at or at_cut(session, cut, plan, against)
    values = [v["code"] for v in definition["values"]]
    labels: dict[Hashable, tuple[str | None, str]] = {
        v["code"]: (v["code"], v["label"]) for v in definition["values"]
    }
    labels[None] = (None, UNCLASSIFIED_LABEL)

    def known(value: str | None) -> str | None:
        return value if value in labels else None

    indicator_keys = {i.id: [known(structure.axis_value(i, axis))] for i in structure.indicators}
    action_keys = {a.id: [known((a.axis_values or {}).get(axis))] for a in structure.actions}
    items = _groups(structure, evaluation, indicator_keys, action_keys, labels, fixed=values)
    return GroupedResults(cut=cut_ref(cut), axis=axis, items=items)


def _brief(
    structure: Structure, shaper: _Shaper, ind: Row, adv: IndicatorAdvance
) -> IndicatorBrief:
    return IndicatorBrief(
        indicator_id=ind.id,
        code=ind.code,
        name=ind.name,
        **structure.unit_refs(structure.indicator_units[ind.id]),
        advance_pct=adv.advance_pct,
        advance_pct_shown=adv.advance_pct_shown,
        status=shaper.status(adv.advance_pct),
        band=shaper.band(adv.advance_pct),
    )


def by_band(
    session: Session, cut: Cut, plan: Plan, against: ProgrammingChoice = "current"
) -> ListedResults:
    """The indicators in each of the plan's bands, in band order; the not-due ones last."""
    structure, evaluation = at_cut(session, cut, plan, against)
    shaper = _Shaper(structure)
    lists: dict[str | None, list[IndicatorBrief]] = {b.code: [] for b in structure.bands}
    lists[None] = []
    for ind in structure.indicators:
        brief = _brief(structure, shaper, ind, evaluation.advances[ind.id])
        lists[brief.band.code if brief.band else None].append(brief)
    items = [
        IndicatorList(
            key=b.code,
            label=b.label,
            color=b.color,
            count=len(lists[b.code]),
            indicators=lists[b.code],
        )
        for b in structure.bands
    ]
    items.append(
        IndicatorList(key=None, label=NOT_DUE_LABEL, count=len(lists[None]), indicators=lists[None])
    )
    return ListedResults(cut=cut_ref(cut), items=items)


def by_status(
    session: Session, cut: Cut, plan: Plan, against: ProgrammingChoice = "current"
) -> ListedResults:
    structure, evaluation = at_cut(session, cut, plan, against)
    shaper = _Shaper(structure)
    lists: dict[str, list[IndicatorBrief]] = {code.value: [] for code in StatusCode}
    for ind in structure.indicators:
        brief = _brief(structure, shaper, ind, evaluation.advances[ind.id])
        lists[brief.status.code].append(brief)
    items = [
        IndicatorList(
            key=code.value,
            label=STATUS_GROUP_LABELS[code],
            count=len(lists[code.value]),
            indicators=lists[code.value],
        )
        for code in StatusCode
    ]
    return ListedResults(cut=cut_ref(cut), items=items)


# --- alerts ------------------------------------------------------------------------------


def alerts(
    session: Session, cut: Cut, plan: Plan, lag_threshold_pct: Decimal, at: At | None = None
) -> Alerts:
    """Overdue actions, missing reports, lags beyond the threshold, follow-ups without evidence.

    A missing report is not listed again as a lag: its advance only says nothing was reported.
    """
    structure, evaluation = at or at_cut(session, cut, plan)
    shaper = _Shaper(structure)
    items: list[Alert] = []

    for a in structure.actions:
        advance, _ = evaluation.action_advance[a.id]
        state = execution_state(advance)
        if is_overdue(a.due_date, state, cut.cut_date):
            items.append(
                Alert(
                    kind="overdue_action",
                    element="action",
                    id=a.id,
                    code=a.code,
                    name=a.description,
                    **structure.unit_refs(structure.action_units.get(a.id, [])),
                    detail=f"Vencida el {a.due_date.isoformat()}: "
                    f"{EXECUTION_STATE_LABELS[state].lower()}",
                    due_date=a.due_date,
                    advance_pct=advance,
                    advance_pct_shown=shown_pct(advance),
                )
            )

    indicators = {i.id: i for i in structure.indicators}
    for ind in structure.indicators:
        adv = evaluation.advances[ind.id]
        common = {
            "element": "indicator",
            "id": ind.id,
            "code": ind.code,
            "name": ind.name,
            **structure.unit_refs(structure.indicator_units[ind.id]),
            "advance_pct": adv.advance_pct,
            "advance_pct_shown": adv.advance_pct_shown,
        }
        if adv.missing_report:
            items.append(Alert(kind="missing_report", detail="Sin reporte al corte", **common))
        elif is_lagging(adv.advance_pct_shown, lag_threshold_pct):
            items.append(
                Alert(kind="lagging", detail=shaper.status(adv.advance_pct).label, **common)
            )

    for followup_id, indicator_id, status, evidence_count in repository.followups_evidence(
        session, cut.id
    ):
        reported = indicators.get(indicator_id)
        if evidence_count or reported is None:
            continue
        adv = evaluation.advances[reported.id]
        items.append(
            Alert(
                kind="followup_without_evidence",
                element="indicator",
                id=reported.id,
                code=reported.code,
                name=reported.name,
                **structure.unit_refs(structure.indicator_units[reported.id]),
                detail="Seguimiento sin evidencias",
                advance_pct=adv.advance_pct,
                advance_pct_shown=adv.advance_pct_shown,
                followup_id=followup_id,
                followup_status=status,
            )
        )

    counts = {
        kind: 0
        for kind in ("overdue_action", "missing_report", "lagging", "followup_without_evidence")
    }
    for item in items:
        counts[item.kind] += 1
    return Alerts(cut=cut_ref(cut), lag_threshold_pct=lag_threshold_pct, counts=counts, items=items)


# --- trend -------------------------------------------------------------------------------


def trend(
    session: Session,
    plan: Plan,
    against: ProgrammingChoice = "current",
    at: At | None = None,
    *,
    indicators: bool = True,
) -> PlanTrend:
    """The plan, each node and each indicator at every cut, from one load of the measurements.

    The structure is today's (weights, bands, retirements); only the measurements and the cut
    date change from one cut to the next. `at`: the structure already loaded and one cut's
    evaluation (not done again); `indicators=False` leaves the indicators' points out.
    """
    cuts = repository.cuts_of(session, plan.id)
    structure = at[0] if at else load_structure(session, plan, against)
    last = max((c.cut_date for c in cuts), default=date.min)
    measured = dated_values(repository.measurements(session, plan.id, last))
    shaper = _Shaper(structure)

    plan_points: list[TrendPoint] = []
    node_points: dict[Hashable, list[TrendPoint]] = {n.id: [] for n in structure.nodes}
    indicator_points: dict[uuid.UUID, list[IndicatorTrendPoint]] = {
        i.id: [] for i in structure.indicators
    }
    for cut in cuts:
        if at is not None and at[1].cut_date == cut.cut_date:
            evaluation = at[1]
        else:
            evaluation = evaluate(structure, measured, cut.cut_date)
        whole = evaluation.rollup.plan
        plan_points.append(
            TrendPoint(
                cut_id=cut.id,
                cut_date=cut.cut_date,
                advance_pct=whole.advance_pct,
                advance_pct_shown=whole.advance_pct_shown,
                band=shaper.band(whole.advance_pct),
            )
        )
        for node_id, figure in evaluation.rollup.nodes.items():
            node_points[node_id].append(
                TrendPoint(
                    cut_id=cut.id,
                    cut_date=cut.cut_date,
                    advance_pct=figure.advance_pct,
                    advance_pct_shown=figure.advance_pct_shown,
                    band=shaper.band(figure.advance_pct),
                )
            )
        for indicator_id, adv in evaluation.advances.items() if indicators else ():
            indicator_points[indicator_id].append(
                IndicatorTrendPoint(
                    cut_id=cut.id,
                    cut_date=cut.cut_date,
                    advance_pct=adv.advance_pct,
                    advance_pct_shown=adv.advance_pct_shown,
                    band=shaper.band(adv.advance_pct),
                    status=shaper.status(adv.advance_pct),
                    not_due=adv.not_due,
                    missing_report=adv.missing_report,
                )
            )

    return PlanTrend(
        plan_id=plan.id,
        cuts=[cut_ref(c) for c in cuts],
        plan=plan_points,
        nodes=[
            NodeTrend(
                node_id=n.id,
                code=n.code,
                name=n.name,
                level=n.level,
                parent_id=n.parent_id,
                points=node_points[n.id],
            )
            for n in structure.nodes
        ],
        indicators=[
            IndicatorTrend(
                indicator_id=i.id, code=i.code, name=i.name, points=indicator_points[i.id]
            )
            for i in structure.indicators
            if indicators
        ],
    )
