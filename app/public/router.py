"""Public routes: no token, only published figures, cacheable, rate-limited per address."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Page, PageDep
from app.core.schemas import CODE_PATTERN
from app.public import opendata, sdmx, service
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


StructureFormat = Annotated[
    Literal["xml", "json"], Query(description="xml: SDMX-ML 2.1; json: SDMX-JSON 2.0")
]
DataFormat = Annotated[
    Literal["csv", "xml"],
    Query(description="csv: SDMX-CSV 2.0; xml: SDMX-ML 2.1 structure-specific data"),
]
_SDMX_RESPONSES: dict[int | str, dict] = {
    200: {
        "content": {"application/vnd.sdmx.structure+xml": {}},
        "headers": {"ETag": {"schema": {"type": "string"}}},
    },
    304: {"description": "Not modified: `If-None-Match` holds the current `ETag`"},
}


@router.get(
    "/organizations/{code}/plans/{plan_code}/sdmx/structure",
    response_model=None,
    responses=_SDMX_RESPONSES,
    name="get_public_sdmx_structure",
)
def get_public_sdmx_structure(
    code: Code,
    plan_code: Code,
    request: Request,
    session: SessionDep,
    format: StructureFormat = "xml",
) -> Response:
    """The plan's SDMX data structure definition (dimensions INDICATOR, TERRITORY,
    TIME_PERIOD; measure OBS_VALUE; attributes UNIT_MEASURE, OBS_STATUS, BAND, ADVANCE_PCT)
    and its concept scheme."""
    body = sdmx.structure_message(session, code, plan_code, format)
    return cacheable(request, body, sdmx.MEDIA_TYPES[("structure", format)])


@router.get(
    "/organizations/{code}/plans/{plan_code}/sdmx/data",
    response_model=None,
    responses=_SDMX_RESPONSES,
    name="get_public_sdmx_data",
)
def get_public_sdmx_data(
    code: Code, plan_code: Code, request: Request, session: SessionDep, format: DataFormat = "csv"
) -> Response:
    """The plan's published figures as SDMX data: one observation per indicator and
    published cut (its latest revision)."""
    body = sdmx.data_message(session, code, plan_code, format)
    return cacheable(request, body, sdmx.MEDIA_TYPES[("data", format)])


@router.get(
    "/organizations/{code}/plans/{plan_code}/open-data/datapackage.json",
    response_model=None,
    responses={200: {"content": {"application/json": {}}}},
    name="get_public_datapackage",
)
def get_public_datapackage(
    code: Code, plan_code: Code, request: Request, session: SessionDep
) -> Response:
    """A Frictionless data package describing `valores.csv` (Table Schema, primary key)."""
    return cacheable(request, opendata.descriptor(session, code, plan_code))


@router.get(
    "/organizations/{code}/plans/{plan_code}/open-data/valores.csv",
    response_model=None,
    responses={200: {"content": {"text/csv": {}}}},
    name="get_public_values_csv",
)
def get_public_values_csv(
    code: Code, plan_code: Code, request: Request, session: SessionDep
) -> Response:
    """The published figures as CSV: one row per indicator and published cut."""
    body = opendata.values_csv(session, code, plan_code)
    return cacheable(request, body, "text/csv; charset=utf-8")


@router.get(
    "/organizations/{code}/plans/{plan_code}/open-data/valores.json",
    response_model=None,
    responses={200: {"content": {"application/json": {}}}},
    name="get_public_values_json",
)
def get_public_values_json(
    code: Code, plan_code: Code, request: Request, session: SessionDep
) -> Response:
    """The same rows as `valores.csv`, as a JSON array."""
    return cacheable(request, opendata.values_json(session, code, plan_code))
