"""HTTP routes of the computed follow-up: results at a cut, groupings, trend, budget.

Alerts have their own package (app/alerts).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.schemas import CODE_PATTERN
from app.cuts.dependencies import PublicCutDep
from app.plans.dependencies import PlanDep
from app.results import service
from app.results.dependencies import CACHED_RESPONSES, CachedDep
from app.results.schemas import (
    BudgetMatrixOut,
    CutResults,
    GroupedResults,
    ListedResults,
    Measure,
    PlanTrend,
)

router = APIRouter(prefix="/api/v1", tags=["results"], responses=problem_responses(401, 404, 422))


Explain = Annotated[
    bool,
    Query(
        description="Add `explain` to every indicator, node and the plan: the exact inputs "
        "(B, P_cut, P_year, E_cut with their dated values), the formula, the unrounded result, "
        "and each node's contributors with raw and renormalised weights"
    ),
]


@router.get(
    "/cuts/{cut_id}/results",
    response_model=CutResults,
    name="get_cut_results",
    responses=CACHED_RESPONSES,
)
def get_cut_results(
    found: PublicCutDep, session: SessionDep, cached: CachedDep, explain: Explain = False
):
    """Every indicator's, action's and node's figures at the cut, and the plan's."""
    return cached("results", lambda: service.results(session, *found, explain=explain))


@router.get(
    "/cuts/{cut_id}/results/by-unit",
    response_model=GroupedResults,
    name="get_results_by_unit",
    responses=CACHED_RESPONSES,
)
def get_results_by_unit(found: PublicCutDep, session: SessionDep, cached: CachedDep):
    return cached("by-unit", lambda: service.by_unit(session, *found))


@router.get(
    "/cuts/{cut_id}/results/by-axis/{axis}",
    response_model=GroupedResults,
    name="get_results_by_axis",
    responses=CACHED_RESPONSES,
)
def get_results_by_axis(
    found: PublicCutDep,
    session: SessionDep,
    cached: CachedDep,
    axis: Annotated[str, Path(max_length=40, pattern=CODE_PATTERN)],
):
    return cached("by-axis", lambda: service.by_axis(session, *found, axis))


@router.get(
    "/cuts/{cut_id}/results/by-band",
    response_model=ListedResults,
    name="get_results_by_band",
    responses=CACHED_RESPONSES,
)
def get_results_by_band(found: PublicCutDep, session: SessionDep, cached: CachedDep):
    return cached("by-band", lambda: service.by_band(session, *found))


@router.get(
    "/cuts/{cut_id}/results/by-status",
    response_model=ListedResults,
    name="get_results_by_status",
    responses=CACHED_RESPONSES,
)
def get_results_by_status(found: PublicCutDep, session: SessionDep, cached: CachedDep):
    return cached("by-status", lambda: service.by_status(session, *found))


@router.get("/plans/{plan_id}/trend", response_model=PlanTrend, name="get_plan_trend")
def get_plan_trend(plan: PlanDep, session: SessionDep):
    return service.trend(session, plan)


@router.get("/plans/{plan_id}/budget", response_model=BudgetMatrixOut, name="get_plan_budget")
def get_plan_budget(
    plan: PlanDep,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    measure: Measure = "planned",
):
    return service.budget(session, plan, year=year, measure=measure)
