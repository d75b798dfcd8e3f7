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
from app.results import dimensions, service
from app.results.dependencies import CACHED_RESPONSES, CachedDep
from app.results.original import ProgrammingChoice
from app.results.schemas import (
    BudgetMatrixOut,
    CutResults,
    DimensionResults,
    GroupedResults,
    ListedResults,
    Measure,
    PlanTrend,
)

router = APIRouter(prefix="/api/v1", tags=["results"], responses=problem_responses(401, 404, 422))

Against = Annotated[
    ProgrammingChoice,
    Query(
        alias="programming",
        description="current (default): the programming, targets and weights in force; "
        "original: those in force when the plan was approved (meta inicial)",
    ),
]


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
    found: PublicCutDep,
    session: SessionDep,
    cached: CachedDep,
    explain: Explain = False,
    against: Against = "current",
    territory: Annotated[
        str | None,
        Query(
            max_length=5,
            description="A DIVIPOLA code: every figure on that territory's series "
            "(disaggregated values), instead of the totals",
        ),
    ] = None,
):
    """Every indicator's, action's and node's figures at the cut, and the plan's."""
    if territory is not None:
        return cached(
            "results", lambda: dimensions.results_for_territory(session, *found, territory)
        )
    return cached(
        "results", lambda: service.results(session, *found, explain=explain, against=against)
    )


@router.get(
    "/cuts/{cut_id}/results/by-territory",
    response_model=DimensionResults,
    name="get_results_by_territory",
    responses=CACHED_RESPONSES,
)
def get_results_by_territory(found: PublicCutDep, session: SessionDep, cached: CachedDep):
    """Per DIVIPOLA territory with values, each indicator's figures on its series (frozen with
    the cut's publication, like the other results)."""
    return cached("by-territory", lambda: dimensions.by_dimension(session, *found, "territory"))


@router.get(
    "/cuts/{cut_id}/results/by-dimension/{dimension}",
    response_model=DimensionResults,
    name="get_results_by_dimension",
)
def get_results_by_dimension(
    found: PublicCutDep,
    session: SessionDep,
    dimension: Annotated[str, Path(max_length=40, pattern=CODE_PATTERN)],
):
    """Per value of a dimension (territory or one the plan declares), each indicator's
    figures on that value's series and their weighted mean."""
    return dimensions.by_dimension(session, *found, dimension)


@router.get(
    "/cuts/{cut_id}/results/by-unit",
    response_model=GroupedResults,
    name="get_results_by_unit",
    responses=CACHED_RESPONSES,
)
def get_results_by_unit(
    found: PublicCutDep, session: SessionDep, cached: CachedDep, against: Against = "current"
):
    return cached("by-unit", lambda: service.by_unit(session, *found, against))


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
    against: Against = "current",
):
    return cached("by-axis", lambda: service.by_axis(session, *found, axis, against))


@router.get(
    "/cuts/{cut_id}/results/by-band",
    response_model=ListedResults,
    name="get_results_by_band",
    responses=CACHED_RESPONSES,
)
def get_results_by_band(
    found: PublicCutDep, session: SessionDep, cached: CachedDep, against: Against = "current"
):
    return cached("by-band", lambda: service.by_band(session, *found, against))


@router.get(
    "/cuts/{cut_id}/results/by-status",
    response_model=ListedResults,
    name="get_results_by_status",
    responses=CACHED_RESPONSES,
)
def get_results_by_status(
    found: PublicCutDep, session: SessionDep, cached: CachedDep, against: Against = "current"
):
    return cached("by-status", lambda: service.by_status(session, *found, against))


@router.get("/plans/{plan_id}/trend", response_model=PlanTrend, name="get_plan_trend")
def get_plan_trend(plan: PlanDep, session: SessionDep, against: Against = "current"):
    return service.trend(session, plan, against)


@router.get("/plans/{plan_id}/budget", response_model=BudgetMatrixOut, name="get_plan_budget")
def get_plan_budget(
    plan: PlanDep,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    measure: Measure = "planned",
):
    return service.budget(session, plan, year=year, measure=measure)
