"""Plans' elements as the API shows them (also what the change log records of them)."""

from __future__ import annotations

from sqlmodel import Session

from app.compute import Accumulation, planned_for_year
from app.compute.dimensions import KeyedValue, total_series
from app.plans import repository
from app.plans.models import Action, Indicator, Node, Plan
from app.plans.schemas import (
    ActionPublic,
    AnnualProgramming,
    ContributionOut,
    IndicatorPublic,
    NodePublic,
)


def annual(
    accumulation: str, items, first: int, last: int, total_mode: str = "posted"
) -> list[AnnualProgramming]:
    """The annual programming of the indicator's total (disaggregated values counted once)."""
    points = total_series(
        total_mode, [KeyedValue(p.dims_key, p.period_end, p.value) for p in items]
    )
    out = []
    for year in sorted({p.period_end.year for p in points if first <= p.period_end.year <= last}):
        value = planned_for_year(Accumulation(accumulation), points, year)
        if value is not None:
            out.append(AnnualProgramming(year=year, programmed=value))
    return out


def node_public(node: Node, plan: Plan) -> NodePublic:
    level_name = plan.levels[node.level] if node.level < len(plan.levels) else None
    return NodePublic.model_validate({**node.model_dump(), "level_name": level_name})


def actions_public(
    session: Session, actions: list[Action], *, units: dict | None = None
) -> list[ActionPublic]:
    units = (
        units if units is not None else repository.action_units(session, [a.id for a in actions])
    )
    return [
        ActionPublic.model_validate({**a.model_dump(), "unit_ids": units.get(a.id, [])})
        for a in actions
    ]


def indicators_public(
    session: Session,
    plan: Plan,
    indicators: list[Indicator],
    *,
    contributions: dict | None = None,
    programming: dict | None = None,
) -> list[IndicatorPublic]:
    ids = [i.id for i in indicators]
    contributions = (
        contributions if contributions is not None else repository.contributions(session, ids)
    )
    programming = programming if programming is not None else repository.programming(session, ids)
    return [
        IndicatorPublic.model_validate(
            {
                **i.model_dump(),
                "contributions": [
                    ContributionOut.model_validate(c) for c in contributions.get(i.id, [])
                ],
                "annual_programming": annual(
                    i.accumulation,
                    programming.get(i.id, []),
                    plan.first_year,
                    plan.last_year,
                    i.total_mode,
                ),
            }
        )
        for i in indicators
    ]


def action_public(session: Session, action: Action) -> ActionPublic:
    return actions_public(session, [action])[0]


def indicator_public(session: Session, plan: Plan, indicator: Indicator) -> IndicatorPublic:
    return indicators_public(session, plan, [indicator])[0]
