"""Alerts of kinds `financial_gap` and `at_risk`, as plain dicts for the alerts registry.

Each alert: kind, severity, element {type, id, code}, unit {unit_id, code, name} or None,
figures (the numbers behind it, shown values), message (Spanish). Loaded with a fixed number
of statements whatever the plan's size: the plan's structure and measurements (eight), and
for `financial_gap` its planned and executed money (two more).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from app.compute import band_for, format_pct, shown_pct
from app.compute.forecast import is_at_risk
from app.cuts.models import Cut
from app.finance import service
from app.plans.models import Plan
from app.results.structure import Evaluation, Structure

FINANCIAL_GAP = "financial_gap"
AT_RISK = "at_risk"
# Money ahead of the work is the graver case (spent with nothing done); work ahead of money
# usually means an unrecorded commitment.
SEVERITY_MONEY_AHEAD = "high"
SEVERITY_WORK_AHEAD = "medium"
SEVERITY_AT_RISK = "medium"


def _unit(structure: Structure, unit_ids: list) -> dict[str, Any] | None:
    ref = structure.unit_refs(unit_ids)["unit"]
    return None if ref is None else {"unit_id": ref.unit_id, "code": ref.code, "name": ref.name}


def financial_gap_alerts(
    session: Session, plan: Plan, as_of: date, loaded: tuple[Structure, Evaluation] | None = None
) -> list[dict[str, Any]]:
    """One alert per action whose committed and physical advance for the year differ by more
    than the plan's threshold (`financial_gap_threshold_pct`)."""
    structure, evaluation = loaded or service.physical_at(session, plan, as_of)
    alerts = []
    for a in service.action_figures(session, plan, structure, evaluation, as_of):
        if a.gap is None:
            continue
        alerts.append(
            {
                "kind": FINANCIAL_GAP,
                "severity": SEVERITY_MONEY_AHEAD if a.gap.gap_points > 0 else SEVERITY_WORK_AHEAD,
                "element": {"type": "action", "id": a.action_id, "code": a.code},
                "unit": _unit(structure, a.unit_ids),
                "figures": {
                    "financial_pct_shown": a.committed_year_pct_shown,
                    "physical_pct_shown": a.physical_year_pct_shown,
                    "gap_points": a.gap.gap_points,
                    "threshold_pct": plan.financial_gap_threshold_pct,
                    "planned_year": a.planned_year,
                    "committed_year": a.committed_year,
                    "paid_year": a.paid_year,
                },
                "message": a.gap.message,
            }
        )
    return alerts


def at_risk_alerts(
    session: Session, plan: Plan, as_of: date, loaded: tuple[Structure, Evaluation] | None = None
) -> list[dict[str, Any]]:
    """One alert per indicator whose year-end forecast falls in the plan's lowest band while
    its advance at `as_of` is not there yet."""
    structure, evaluation = loaded or service.physical_at(session, plan, as_of)
    alerts = []
    for ind in structure.indicators:
        adv = evaluation.advances[ind.id]
        fc = evaluation.forecast(ind.id)
        if not is_at_risk(adv.advance_pct, fc.advance_pct, structure.bands):
            continue
        now = band_for(adv.advance_pct, structure.bands)
        then = band_for(fc.advance_pct, structure.bands)
        current = shown_pct(adv.advance_pct)
        if now is None or then is None or current is None or fc.advance_pct_shown is None:
            continue
        alerts.append(
            {
                "kind": AT_RISK,
                "severity": SEVERITY_AT_RISK,
                "element": {"type": "indicator", "id": ind.id, "code": ind.code},
                "unit": _unit(structure, structure.indicator_units[ind.id]),
                "figures": {
                    "advance_pct_shown": current,
                    "band": now.code,
                    "programmed_year": adv.programmed_year,
                    "executed_to_date": adv.executed_to_date,
                    "forecast_value": fc.value,
                    "forecast_advance_pct_shown": fc.advance_pct_shown,
                    "forecast_band": then.code,
                },
                "message": (
                    f"Al ritmo del último periodo cerraría {as_of.year} con "
                    f"{format_pct(fc.advance_pct_shown)} % de avance anual "
                    f"(hoy {format_pct(current)} % al corte): "
                    f"pasaría de {now.label} a {then.label}"
                ),
            }
        )
    return alerts


def plan_alerts(session: Session, plan: Plan, as_of: date) -> list[dict[str, Any]]:
    """Both kinds at `as_of` (the plan's physical figures loaded once); an `as_of` outside
    the plan's years is a 422 located at the query's `as_of`."""
    plan.check_in_years(as_of, ["query", "as_of"])
    loaded = service.physical_at(session, plan, as_of)
    return financial_gap_alerts(session, plan, as_of, loaded) + at_risk_alerts(
        session, plan, as_of, loaded
    )


def cut_alerts(session: Session, cut: Cut, plan: Plan) -> list[dict[str, Any]]:
    """Both kinds at the cut's date."""
    return plan_alerts(session, plan, cut.cut_date)
