"""The alert kinds this package produces itself, from one load of the plan.

At a cut: overdue actions, missing reports, lags beyond the threshold, follow-ups without
evidence (the first four kinds), and overdue reports, missing evidence under the plan's rule
and follow-ups returned to their unit. At a date: the same, the follow-up kinds over the
plan's open cuts dated on or before it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row
from sqlmodel import Session

from app.alerts import repository
from app.compute import (
    EXECUTION_STATE_LABELS,
    Accumulation,
    DatedValue,
    IndicatorSeries,
    execution_state,
    is_lagging,
    is_overdue,
    status_for,
)
from app.compute.alerting import AlertDraft, AlertKindSpec, AlertScope, Severity
from app.compute.dimensions import KeyedValue, TotalMode, total_series
from app.compute.evidence_rules import (
    EvidenceRule,
    missing_pieces,
    needs_evidence,
    rule_of,
    shortfall_severity,
)
from app.compute.reporting import (
    FREQUENCY_LABELS,
    Report,
    ReportingState,
    overdue_severity,
    reporting_state,
)
from app.compute.types import ZERO
from app.plans.models import Plan
from app.results.structure import Evaluation, Structure, evaluate, load_structure

OVERDUE_ACTION = AlertKindSpec("overdue_action", "Acción vencida")
MISSING_REPORT = AlertKindSpec("missing_report", "Sin reporte")
LAGGING = AlertKindSpec("lagging", "Rezago")
OVERDUE_REPORT = AlertKindSpec("overdue_report", "Reporte vencido", in_digest=True)
FOLLOWUP_WITHOUT_EVIDENCE = AlertKindSpec("followup_without_evidence", "Seguimiento sin evidencias")
MISSING_EVIDENCE = AlertKindSpec("missing_evidence", "Evidencias faltantes", in_digest=True)
FOLLOWUP_RETURNED = AlertKindSpec("followup_returned", "Seguimiento devuelto", in_digest=True)

KINDS = (
    OVERDUE_ACTION,
    MISSING_REPORT,
    LAGGING,
    OVERDUE_REPORT,
    FOLLOWUP_WITHOUT_EVIDENCE,
    MISSING_EVIDENCE,
    FOLLOWUP_RETURNED,
)


def evidence_rule(plan: Plan) -> EvidenceRule:
    return rule_of(plan.evidence_min_count, plan.evidence_scope, plan.evidence_mode)


@dataclass
class Loaded:
    """The plan at `as_of`: structure, measurements, schedules and the reporting states."""

    structure: Structure
    evaluation: Evaluation
    measured: dict[uuid.UUID, list[DatedValue]]
    states: dict[uuid.UUID, ReportingState]

    def at(self, cut_date: date) -> Evaluation:
        """The figures at an earlier cut date, from the same measurements."""
        if cut_date == self.evaluation.cut_date:
            return self.evaluation
        return evaluate(self.structure, self.measured, cut_date)


def _series(structure: Structure, ind: Row, measured: list[DatedValue]) -> IndicatorSeries:
    return IndicatorSeries(
        accumulation=Accumulation(ind.accumulation),
        programming=structure.programming.get(ind.id, ()),
        measurements=measured,
        baseline=ind.baseline_value if ind.baseline_value is not None else ZERO,
        target=ind.target_value,
    )


def load(session: Session, plan: Plan, as_of: date) -> Loaded:
    """Eight statements whatever the plan's size: the structure, then one for the indicators'
    schedules and measurements up to `as_of`."""
    structure = load_structure(session, plan)
    measured: dict[uuid.UUID, list[DatedValue]] = {}
    reports: dict[uuid.UUID, list[Report]] = {}
    schedule: dict[uuid.UUID, tuple[str, int]] = {}
    for row in repository.reporting(session, plan.id, as_of):
        ends, values, recorded = row.period_ends or [], row.values or [], row.recorded_on or []
        keys = row.dims_keys or []
        measured[row.id] = (
            total_series(TotalMode.SUM, map(KeyedValue, keys, ends, values))
            if any(keys)
            else [DatedValue(e, v) for e, v in zip(ends, values, strict=True)]
        )
        reports[row.id] = [Report(e, r) for e, r in zip(ends, recorded, strict=True)]
        schedule[row.id] = (
            row.reporting_frequency or plan.reporting_frequency,
            plan.reporting_grace_days
            if row.reporting_grace_days is None
            else row.reporting_grace_days,
        )
    states = {
        ind.id: reporting_state(
            _series(structure, ind, measured.get(ind.id, [])),
            reports.get(ind.id, ()),
            frequency=schedule[ind.id][0],
            grace_days=schedule[ind.id][1],
            first_year=plan.first_year,
            last_year=plan.last_year,
            as_of=as_of,
        )
        for ind in structure.indicators
    }
    return Loaded(structure, evaluate(structure, measured, as_of), measured, states)


def overdue_report_message(state: ReportingState) -> str:
    days = state.days_overdue or 0
    if days == 0:
        late = "vence hoy"
    else:
        late = "1 día de atraso" if days == 1 else f"{days} días de atraso"
    return (
        f"Reporte {FREQUENCY_LABELS[state.frequency]} del periodo terminado el "
        f"{state.period_end.isoformat() if state.period_end else ''} sin enviar; "
        f"plazo {state.due_date.isoformat() if state.due_date else ''}: {late}"
    )


def missing_evidence_message(rule: EvidenceRule, attached: int) -> str:
    return (
        f"Faltan {rule.min_count - attached} de {rule.min_count} evidencias exigidas por el plan "
        f"({rule.description})"
    )


def returned_message(comment: str | None) -> str:
    base = "Seguimiento devuelto para corrección"
    return f"{base}: {comment}" if comment else base


def builtin(session: Session, plan: Plan, scope: AlertScope) -> Iterator[AlertDraft]:
    """Every kind in KINDS, from one load of the plan."""
    loaded = load(session, plan, scope.as_of)
    structure, evaluation = loaded.structure, loaded.evaluation
    at_cut = scope.cut_id is not None
    tolerance = structure.tolerance_pct

    for a in structure.actions:
        advance, _ = evaluation.action_advance[a.id]
        state = execution_state(advance)
        if is_overdue(a.due_date, state, scope.as_of):
            detail = f"Vencida el {a.due_date.isoformat()}: {EXECUTION_STATE_LABELS[state].lower()}"
            yield AlertDraft(
                kind=OVERDUE_ACTION.code,
                severity=Severity.CRITICAL,
                element="action",
                element_id=a.id,
                code=a.code,
                name=a.description,
                unit_ids=tuple(structure.action_units.get(a.id, ())),
                message=detail,
                figures={"due_date": a.due_date, "execution_state": state.value},
                due_date=a.due_date,
                advance_pct=advance,
            )

    indicators = {i.id: i for i in structure.indicators}
    for ind in structure.indicators:
        adv = evaluation.advances[ind.id]
        units = tuple(structure.indicator_units[ind.id])
        common = {
            "element": "indicator",
            "element_id": ind.id,
            "code": ind.code,
            "name": ind.name,
            "unit_ids": units,
            "advance_pct": adv.advance_pct,
        }
        if adv.missing_report:
            yield AlertDraft(
                kind=MISSING_REPORT.code,
                severity=Severity.WARNING,
                message="Sin reporte al corte" if at_cut else f"Sin reporte al {scope.as_of}",
                figures={
                    "programmed_to_date": adv.programmed_to_date,
                    "executed_to_date": adv.executed_to_date,
                },
                **common,
            )
        elif is_lagging(adv.advance_pct_shown, scope.lag_threshold_pct):
            yield AlertDraft(
                kind=LAGGING.code,
                severity=Severity.WARNING,
                message=status_for(adv.advance_pct, tolerance).label,
                figures={
                    "advance_pct_shown": adv.advance_pct_shown,
                    "lag_threshold_pct": scope.lag_threshold_pct,
                    "programmed_to_date": adv.programmed_to_date,
                    "executed_to_date": adv.executed_to_date,
                },
                **common,
            )
        schedule = loaded.states[ind.id]
        if schedule.overdue:
            days = schedule.days_overdue or 0
            yield AlertDraft(
                kind=OVERDUE_REPORT.code,
                severity=overdue_severity(days),
                message=overdue_report_message(schedule),
                figures={
                    "frequency": schedule.frequency.value,
                    "grace_days": schedule.grace_days,
                    "period_end": schedule.period_end,
                    "due_date": schedule.due_date,
                    "days_overdue": days,
                },
                due_date=schedule.due_date,
                **common,
            )

    rule = evidence_rule(plan)
    followups = (
        repository.followups_of_cut(session, scope.cut_id)
        if scope.cut_id is not None
        else repository.followups_of_open_cuts(session, plan.id, scope.as_of)
    )
    for f in followups:
        reported = indicators.get(f.indicator_id)
        if reported is None:  # retired, or hanging from a retired element
            continue
        adv = loaded.at(f.cut_date).advances[reported.id]
        common = {
            "element": "indicator",
            "element_id": reported.id,
            "code": reported.code,
            "name": reported.name,
            "unit_ids": tuple(structure.indicator_units[reported.id]),
            "advance_pct": adv.advance_pct,
            "followup_id": f.id,
            "followup_status": f.status,
        }
        cut_figures = {"cut_id": str(f.cut_id), "cut_date": f.cut_date}
        if not f.evidence_count:
            yield AlertDraft(
                kind=FOLLOWUP_WITHOUT_EVIDENCE.code,
                severity=Severity.INFO,
                message="Seguimiento sin evidencias",
                figures={**cut_figures, "evidence_count": 0},
                **common,
            )
        needed = needs_evidence(rule, adv, f.cut_date, tolerance)
        missing = missing_pieces(rule, needed, f.evidence_count)
        if missing:
            yield AlertDraft(
                kind=MISSING_EVIDENCE.code,
                severity=shortfall_severity(rule),
                message=missing_evidence_message(rule, f.evidence_count),
                figures={
                    **cut_figures,
                    "required": rule.min_count,
                    "attached": f.evidence_count,
                    "missing": missing,
                    "mode": rule.mode.value,
                    "status": status_for(adv.advance_pct, tolerance).code.value,
                },
                **common,
            )
        if f.status == "returned":
            yield AlertDraft(
                kind=FOLLOWUP_RETURNED.code,
                severity=Severity.WARNING,
                message=returned_message(f.return_comment),
                figures={**cut_figures, "return_comment": f.return_comment},
                **common,
            )
