"""Alerts in one place: a registry of alert sources, the list builder, and the answers built
on it (alerts at a cut or a date, a unit's digest), plus the reporting status and evidence
completeness they share their loads with.

A source is a loader that yields `AlertDraft`s (app/compute/alerting.py) for a plan in an
`AlertScope`; it names the kinds it produces. Plugging a new kind in is one line in SOURCES:

    AlertSource((AlertKindSpec("financial_gap", "Brecha físico-financiera"),), gaps.alerts),

where `gaps.alerts(session, plan, scope)` lives in its own domain package and imports
nothing of this one. A source written as `(session, plan, as_of) -> [dict]` is wrapped in
`plain(...)`. Filters, counts, ordering, unit names and the digest then apply to it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from app.alerts import repository, sources
from app.alerts.schemas import (
    AlertKindOut,
    AlertOut,
    Alerts,
    EvidenceCompleteness,
    EvidenceRuleOut,
    IndicatorReporting,
    OverdueReport,
    PlanRef,
    ReportingStatus,
    ReportingTotals,
    UnitCompleteness,
    UnitDigest,
    UnitReporting,
)
from app.compute.alerting import (
    SEVERITY_ORDER,
    AlertDraft,
    AlertKindSpec,
    AlertScope,
    Figure,
    Severity,
    sort_key,
)
from app.compute.evidence_rules import completeness, needs_evidence
from app.compute.reporting import ReportingState, reporting_share
from app.compute.types import HUNDRED, shown_pct
from app.core.errors import Invalid, NotFound
from app.cuts.models import Cut
from app.finance import alerts as finance_alerts
from app.plans.models import Plan
from app.results import repository as results_repository
from app.results.schemas import UnitRef
from app.results.service import cut_ref
from app.units.models import Unit

NO_UNIT_LABEL = "Sin responsable"

Producer = Callable[[Session, Plan, AlertScope], Iterable[AlertDraft]]


@dataclass(frozen=True)
class AlertSource:
    kinds: tuple[AlertKindSpec, ...]
    produce: Producer


# The registry: every kind of alert comes from one of these, in this order.
SOURCES: list[AlertSource] = [
    AlertSource(sources.KINDS, sources.builtin),
]

# Severity words a plain source may use, as this package's.
SEVERITY_WORDS = {
    "critical": Severity.CRITICAL,
    "high": Severity.CRITICAL,
    "warning": Severity.WARNING,
    "medium": Severity.WARNING,
    "info": Severity.INFO,
    "low": Severity.INFO,
}

PlainProducer = Callable[[Session, Plan, date], Iterable[Mapping[str, Any]]]


def _ref_id(ref: Any) -> uuid.UUID | None:
    value = ref.get("unit_id") if isinstance(ref, Mapping) else ref
    return None if value is None else uuid.UUID(str(value))


def draft_of(alert: Mapping[str, Any]) -> AlertDraft:
    """An alert given as a plain dict — kind, severity, element {type, id, code[, name]},
    unit {unit_id, …} or units [...], figures, message — as an AlertDraft."""
    element = alert["element"]
    units = alert.get("units") or ([alert["unit"]] if alert.get("unit") else [])
    unit_ids = tuple(u for u in (_ref_id(ref) for ref in units) if u is not None)
    return AlertDraft(
        kind=alert["kind"],
        severity=SEVERITY_WORDS[alert["severity"]],
        element=element["type"],
        element_id=uuid.UUID(str(element["id"])),
        code=element["code"],
        name=element.get("name") or alert.get("name") or element["code"],
        unit_ids=unit_ids,
        message=alert["message"],
        figures=dict(alert.get("figures") or {}),
        due_date=alert.get("due_date"),
        advance_pct=alert.get("advance_pct"),
    )


def plain(produce: PlainProducer) -> Producer:
    """A source written as `(session, plan, as_of) -> [dict]` (see `draft_of`), as a Producer."""

    def producer(session: Session, plan: Plan, scope: AlertScope) -> Iterator[AlertDraft]:
        for alert in produce(session, plan, scope.as_of):
            yield draft_of(alert)

    return producer


# Sources written as plain dicts, wrapped once `plain` exists.
SOURCES.append(
    AlertSource(
        (
            AlertKindSpec("financial_gap", "Brecha físico-financiera"),
            AlertKindSpec("at_risk", "En riesgo al cierre del año", in_digest=True),
        ),
        plain(finance_alerts.plan_alerts),
    )
)


def kinds() -> list[AlertKindSpec]:
    return [k for source in SOURCES for k in source.kinds]


def _kind_out(kind: AlertKindSpec) -> AlertKindOut:
    return AlertKindOut(code=kind.code, label=kind.label, in_digest=kind.in_digest)


def check_kinds(wanted: Sequence[str] | None) -> None:
    """422 naming the allowed kinds when a filter asks for one nobody produces."""
    known = [k.code for k in kinds()]
    unknown = [k for k in wanted or () if k not in known]
    if unknown:
        raise Invalid(
            ["query", "kind"],
            f"unknown alert kind {unknown[0]!r}; the kinds are: {', '.join(known)}",
        )


def today() -> date:
    return datetime.now(UTC).date()


def _as_of(plan: Plan, as_of: date | None) -> date:
    day = as_of or today()
    plan.check_in_years(day, ["query", "as_of"])
    return day


def collect(
    session: Session,
    plan: Plan,
    scope: AlertScope,
    *,
    kinds_wanted: Sequence[str] | None = None,
    unit_id: uuid.UUID | None = None,
    severity: str | None = None,
) -> list[AlertDraft]:
    """Every source's alerts that pass the filters, critical first, then in registry order."""
    order = {k.code: i for i, k in enumerate(kinds())}
    drafts = []
    for source in SOURCES:
        if kinds_wanted and not any(k.code in kinds_wanted for k in source.kinds):
            continue
        for draft in source.produce(session, plan, scope):
            if kinds_wanted and draft.kind not in kinds_wanted:
                continue
            if unit_id is not None and unit_id not in draft.unit_ids:
                continue
            if severity is not None and draft.severity != severity:
                continue
            drafts.append(draft)
    drafts.sort(key=lambda d: sort_key(d, order))
    return drafts


def _figure(value: Figure | uuid.UUID) -> Decimal | bool | str | None:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


class _Units:
    """Unit references of an organization, loaded once."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.by_id = {u.id: UnitRef(unit_id=u.id, code=u.code, name=u.name) for u in rows}

    def refs(self, unit_ids: Iterable[uuid.UUID]) -> list[UnitRef]:
        return [self.by_id[u] for u in unit_ids if u in self.by_id]


def _units(session: Session, organization_id: uuid.UUID) -> _Units:
    return _Units(results_repository.units(session, organization_id))


def shape(draft: AlertDraft, plan_id: uuid.UUID, units: _Units) -> AlertOut:
    refs = units.refs(draft.unit_ids)
    return AlertOut(
        kind=draft.kind,
        severity=draft.severity.value,
        element=draft.element,
        id=draft.element_id,
        code=draft.code,
        name=draft.name,
        plan_id=plan_id,
        unit=refs[0] if refs else None,
        units=refs,
        message=draft.message,
        detail=draft.message,
        figures={k: _figure(v) for k, v in draft.figures.items()},
        due_date=draft.due_date,
        advance_pct=draft.advance_pct,
        advance_pct_shown=shown_pct(draft.advance_pct),
        followup_id=draft.followup_id,
        followup_status=draft.followup_status,
    )


def _counts(items: Sequence[AlertOut], kind_codes: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(kind_codes, 0)
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts


def _by_severity(items: Sequence[AlertOut]) -> dict[str, int]:
    counts = dict.fromkeys((s.value for s in Severity), 0)
    for item in items:
        counts[item.severity] += 1
    return counts


def _alerts(
    session: Session,
    plan: Plan,
    scope: AlertScope,
    cut: Cut | None,
    *,
    kind: Sequence[str] | None,
    unit_id: uuid.UUID | None,
    severity: str | None,
) -> Alerts:
    check_kinds(kind)
    drafts = collect(session, plan, scope, kinds_wanted=kind, unit_id=unit_id, severity=severity)
    units = _units(session, plan.organization_id)
    items = [shape(d, plan.id, units) for d in drafts]
    every = kinds()
    return Alerts(
        plan_id=plan.id,
        as_of=scope.as_of,
        cut=cut_ref(cut) if cut else None,
        lag_threshold_pct=scope.lag_threshold_pct,
        kinds=[_kind_out(k) for k in every],
        counts=_counts(items, [k.code for k in every]),
        by_severity=_by_severity(items),
        total=len(items),
        items=items,
    )


def cut_alerts(
    session: Session,
    cut: Cut,
    plan: Plan,
    lag_threshold_pct: Decimal,
    *,
    kind: Sequence[str] | None = None,
    unit_id: uuid.UUID | None = None,
    severity: str | None = None,
) -> Alerts:
    scope = AlertScope(plan.id, cut.cut_date, cut.id, lag_threshold_pct)
    return _alerts(session, plan, scope, cut, kind=kind, unit_id=unit_id, severity=severity)


def plan_alerts(
    session: Session,
    plan: Plan,
    as_of: date | None,
    lag_threshold_pct: Decimal,
    *,
    kind: Sequence[str] | None = None,
    unit_id: uuid.UUID | None = None,
    severity: str | None = None,
) -> Alerts:
    scope = AlertScope(plan.id, _as_of(plan, as_of), None, lag_threshold_pct)
    return _alerts(session, plan, scope, None, kind=kind, unit_id=unit_id, severity=severity)


# --- unit digest -------------------------------------------------------------------------


def digest(
    session: Session, unit: Unit, as_of: date | None, plan_id: uuid.UUID | None
) -> UnitDigest:
    """What the unit must do now, over its organization's plans in execution in as_of's year
    (or the one plan asked for): the kinds marked `in_digest`. One load per plan."""
    day = as_of or today()
    plans = repository.reporting_plans(session, unit.organization_id, day.year, plan_id)
    if plan_id is not None:
        if not plans:
            raise NotFound("plan", plan_id)
        plans[0].check_in_years(day, ["query", "as_of"])
    wanted = [k for k in kinds() if k.in_digest]
    codes = [k.code for k in wanted]
    units = _units(session, unit.organization_id)
    items: list[AlertOut] = []
    for plan in plans:
        scope = AlertScope(plan.id, day)
        drafts = collect(session, plan, scope, kinds_wanted=codes, unit_id=unit.id)
        items.extend(shape(d, plan.id, units) for d in drafts)
    order = {k.code: i for i, k in enumerate(wanted)}
    items.sort(key=lambda a: (SEVERITY_ORDER[Severity(a.severity)], order[a.kind]))
    return UnitDigest(
        unit=UnitRef(unit_id=unit.id, code=unit.code, name=unit.name),
        as_of=day,
        plans=[PlanRef(plan_id=p.id, code=p.code, name=p.name) for p in plans],
        kinds=[_kind_out(k) for k in wanted],
        counts=_counts(items, codes),
        total=len(items),
        items=items,
    )


# --- reporting status --------------------------------------------------------------------


def _pct(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(part) * HUNDRED / whole


def _unit_groups(
    structure_units: dict, indicator_units: dict[uuid.UUID, list[uuid.UUID]], ids: Iterable
) -> list[tuple[uuid.UUID | None, list[uuid.UUID]]]:
    """(unit id or None, its indicator ids): units in code order, nobody's last."""
    members: dict[uuid.UUID | None, list[uuid.UUID]] = defaultdict(list)
    for indicator_id in ids:
        known: list[uuid.UUID | None] = [
            u for u in indicator_units.get(indicator_id, ()) if u in structure_units
        ]
        for unit_id in known or [None]:
            members[unit_id].append(indicator_id)
    keys = sorted(
        members,
        key=lambda u: (u is None, structure_units[u].code if u is not None else ""),
    )
    return [(k, members[k]) for k in keys]


def reporting_status(session: Session, plan: Plan, as_of: date | None) -> ReportingStatus:
    """Per indicator, the last period due by as_of and whether it was reported; per unit, the
    share reported on time and what is overdue. Nine statements whatever the plan's size."""
    day = _as_of(plan, as_of)
    loaded = sources.load(session, plan, day)
    structure = loaded.structure
    units = _Units(structure.units.values())
    rows = {i.id: i for i in structure.indicators}

    indicators = []
    for ind in structure.indicators:
        state = loaded.states[ind.id]
        refs = units.refs(structure.indicator_units[ind.id])
        indicators.append(
            IndicatorReporting(
                indicator_id=ind.id,
                code=ind.code,
                name=ind.name,
                unit=refs[0] if refs else None,
                units=refs,
                frequency=state.frequency.value,
                grace_days=state.grace_days,
                period_start=state.period_start,
                period_end=state.period_end,
                due_date=state.due_date,
                expected=state.expected,
                reported=state.reported,
                reported_on=state.reported_on,
                on_time=state.on_time,
                overdue=state.overdue,
                days_overdue=state.days_overdue,
            )
        )

    def overdue_of(ids: Iterable[uuid.UUID]) -> list[OverdueReport]:
        out = []
        for i in ids:
            s: ReportingState = loaded.states[i]
            if s.overdue and s.period_end and s.due_date is not None:
                out.append(
                    OverdueReport(
                        indicator_id=i,
                        code=rows[i].code,
                        name=rows[i].name,
                        period_end=s.period_end,
                        due_date=s.due_date,
                        days_overdue=s.days_overdue or 0,
                    )
                )
        return sorted(out, key=lambda o: (-o.days_overdue, o.code))

    unit_items = []
    for unit_id, ids in _unit_groups(structure.units, structure.indicator_units, rows):
        share = reporting_share([loaded.states[i] for i in ids])
        pct = _pct(share.on_time, share.expected)
        unit_items.append(
            UnitReporting(
                unit_id=unit_id,
                code=structure.units[unit_id].code if unit_id else None,
                name=structure.units[unit_id].name if unit_id else NO_UNIT_LABEL,
                expected=share.expected,
                reported=share.reported,
                reported_on_time=share.on_time,
                on_time_pct=pct,
                on_time_pct_shown=shown_pct(pct),
                overdue=overdue_of(ids),
            )
        )
    total = reporting_share(list(loaded.states.values()))
    total_pct = _pct(total.on_time, total.expected)
    return ReportingStatus(
        plan_id=plan.id,
        as_of=day,
        default_frequency=plan.reporting_frequency,
        default_grace_days=plan.reporting_grace_days,
        totals=ReportingTotals(
            expected=total.expected,
            reported=total.reported,
            reported_on_time=total.on_time,
            overdue=total.overdue,
            on_time_pct=total_pct,
            on_time_pct_shown=shown_pct(total_pct),
        ),
        units=unit_items,
        indicators=indicators,
    )


# --- evidence completeness ---------------------------------------------------------------


def evidence_completeness(session: Session, cut: Cut, plan: Plan) -> EvidenceCompleteness:
    """Per unit, the cut's follow-ups the plan's evidence rule applies to and how many of them
    have enough evidence. Nine statements whatever the plan's size."""
    rule = sources.evidence_rule(plan)
    loaded = sources.load(session, plan, cut.cut_date)
    structure = loaded.structure
    advances = loaded.evaluation.advances
    pairs: dict[uuid.UUID, tuple[bool, int]] = {}
    for f in repository.followups_of_cut(session, cut.id):
        if f.indicator_id in advances:
            needed = needs_evidence(
                rule, advances[f.indicator_id], cut.cut_date, structure.tolerance_pct
            )
            pairs[f.indicator_id] = (needed, f.evidence_count)

    def item(unit_id: uuid.UUID | None, ids: Iterable[uuid.UUID], name: str) -> UnitCompleteness:
        c = completeness(rule, [pairs[i] for i in ids])
        return UnitCompleteness(
            unit_id=unit_id,
            code=structure.units[unit_id].code if unit_id else None,
            name=name,
            needing=c.needing,
            complete=c.complete,
            completeness_pct=c.pct,
            completeness_pct_shown=shown_pct(c.pct),
        )

    units = [
        item(u, ids, structure.units[u].name if u else NO_UNIT_LABEL)
        for u, ids in _unit_groups(structure.units, structure.indicator_units, pairs)
    ]
    return EvidenceCompleteness(
        cut=cut_ref(cut),
        rule=EvidenceRuleOut(
            min_count=rule.min_count,
            scope=rule.scope.value,
            mode=rule.mode.value,
            description=rule.description,
        ),
        totals=item(None, pairs, "Total"),
        units=units,
    )
