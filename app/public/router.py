"""Public routes: no token, only published figures, cacheable, rate-limited per address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Page, PageDep
from app.core.schemas import CODE_PATTERN
from app.public import service
from app.public.dependencies import cacheable, rate_limit
from app.public.schemas import (
    PublicIndicator,
    PublicPlan,
    PublicPlanTree,
    PublicReportingStatus,
)

router = APIRouter(
    prefix="/api/v1/public",
    tags=["public"],
    dependencies=[Depends(rate_limit)],
    responses=problem_responses(404, 422, 429),
)

Code = Annotated[str, Path(max_length=40, pattern=CODE_PATTERN)]
CutCode = Annotated[
    str | None,
    Query(
        max_length=40,
        pattern=CODE_PATTERN,
        description="A published cut's code; default the latest published cut",
    ),
]


def _responses(model: type) -> dict[int | str, dict]:
    return {
        200: {
            "model": model,
            "headers": {
                "ETag": {"schema": {"type": "string"}},
                "Cache-Control": {"schema": {"type": "string"}},
            },
        },
        304: {"description": "Not modified: `If-None-Match` holds the current `ETag`"},
    }


def _json(request: Request, answer) -> Response:
    return cacheable(request, answer.model_dump_json(by_alias=True).encode())


@router.get(
    "/organizations/{code}/plans",
    response_model=None,
    responses=_responses(Page[PublicPlan]),
    name="list_public_plans",
)
def list_public_plans(code: Code, request: Request, session: SessionDep, page: PageDep) -> Response:
    """The organization's plans that have at least one published cut."""
    items, total = service.list_plans(session, code, page)
    return _json(request, Page[PublicPlan](items=items, total=total))


@router.get(
    "/organizations/{code}/plans/{plan_code}",
    response_model=None,
    responses=_responses(PublicPlanTree),
    name="get_public_plan",
)
def get_public_plan(
    code: Code, plan_code: Code, request: Request, session: SessionDep, cut: CutCode = None
) -> Response:
    """The plan's tree with the figures frozen by a published cut (default the latest)."""
    return cacheable(request, service.plan_tree(session, code, plan_code, cut))


@router.get(
    "/organizations/{code}/plans/{plan_code}/reporting-status",
    response_model=None,
    responses=_responses(PublicReportingStatus),
    name="get_public_reporting_status",
)
def get_public_reporting_status(
    code: Code, plan_code: Code, request: Request, session: SessionDep, cut: CutCode = None
) -> Response:
    """Each unit's indicators by status (missing reports included) and band at a published
    cut, as frozen by its publication."""
    return cacheable(request, service.reporting_status(session, code, plan_code, cut))


@router.get(
    "/organizations/{code}/plans/{plan_code}/indicators/{indicator_code}",
    response_model=None,
    responses=_responses(PublicIndicator),
    name="get_public_indicator",
)
def get_public_indicator(
    code: Code, plan_code: Code, indicator_code: Code, request: Request, session: SessionDep
) -> Response:
    """Baseline, target, programming and the published values at every published cut."""
    return _json(request, service.indicator_page(session, code, plan_code, indicator_code))
