"""HTTP routes of measurements: the batch import under a plan, and reading by indicator."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.auth.deps import WriterDep
from app.core.db import SessionDep
from app.core.errors import UnsupportedMediaType, problem_responses
from app.core.pagination import Page, PageDep
from app.core.routing import media_type
from app.jobs.schemas import JobPublic
from app.measurements import service
from app.measurements.schemas import (
    FILE_BODY_CONTENT,
    ImportSummary,
    MeasurementBatch,
    MeasurementPublic,
)
from app.plans.dependencies import IndicatorDep, PlanDep

router = APIRouter(
    prefix="/api/v1", tags=["measurements"], responses=problem_responses(400, 401, 404, 413, 422)
)


async def json_body(request: Request) -> bytes:
    """The raw body: a batch is validated from its bytes, not decoded twice."""
    # CSV and XLSX bodies are taken by the spreadsheets package's twin of this route.
    if media_type(request.headers.get("content-type")) != "application/json":
        raise UnsupportedMediaType("Send the batch as application/json, text/csv or XLSX.")
    return await request.body()


@router.post(
    "/plans/{plan_id}/measurements",
    response_model=ImportSummary,
    name="import_measurements",
    responses={
        202: {
            "model": JobPublic,
            "description": "A CSV or XLSX body over IMPORT_JOB_THRESHOLD_BYTES or "
            "IMPORT_JOB_THRESHOLD_ROWS: imported by a job; poll `Location` "
            "(GET /api/v1/jobs/{id}); once done, its `result.summary` is the 200 body",
            "headers": {"Location": {"description": "The job", "schema": {"type": "string"}}},
        },
        **problem_responses(403, 409, 415),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": MeasurementBatch.model_json_schema()},
                # The same items as rows (indicator_code, period_end, value, note), taken by
                # app/spreadsheets' twin route; `index` is then the row number in the file.
                **FILE_BODY_CONTENT,
            },
        }
    },
)
def import_measurements(
    plan: PlanDep,
    actor: WriterDep,
    body: Annotated[bytes, Depends(json_body)],
    session: SessionDep,
    atomic: Annotated[bool, Query(description="Write nothing if any item is rejected")] = False,
    dry_run: Annotated[bool, Query(description="Check and summarise, write nothing")] = False,
):
    summary = service.import_batch(session, actor, plan, body, atomic=atomic, dry_run=dry_run)
    return summary


@router.get(
    "/indicators/{indicator_id}/measurements",
    response_model=Page[MeasurementPublic],
    name="list_measurements",
)
def list_measurements(
    found: IndicatorDep,
    session: SessionDep,
    page: PageDep,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
):
    items, total = service.list_(session, found[0].id, page, since=since, until=until)
    return Page(items=[MeasurementPublic.model_validate(m) for m in items], total=total)
