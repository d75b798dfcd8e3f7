"""HTTP routes of financial execution: the batch of money committed and paid under a plan,
its list, and each action's financial advance beside its physical one."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.auth.deps import WriterDep
from app.core.db import SessionDep
from app.core.errors import UnsupportedMediaType, problem_responses
from app.core.pagination import Page, PageDep
from app.core.routing import media_type
from app.finance import service
from app.finance.schemas import (
    FinancialAdvanceOut,
    FinancialBatch,
    FinancialExecutionPublic,
    FinancialSummary,
)
from app.plans.dependencies import PlanDep

router = APIRouter(
    prefix="/api/v1", tags=["financial execution"], responses=problem_responses(401, 404, 422)
)


async def json_body(request: Request) -> bytes:
    """The raw body: a batch is validated from its bytes, not decoded twice."""
    if media_type(request.headers.get("content-type")) != "application/json":
        raise UnsupportedMediaType("Send the batch as application/json.")
    return await request.body()


@router.post(
    "/plans/{plan_id}/financial-execution",
    response_model=FinancialSummary,
    name="import_financial_execution",
    responses=problem_responses(400, 403, 409, 413, 415),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": FinancialBatch.model_json_schema()}},
        }
    },
)
def import_financial_execution(
    plan: PlanDep,
    actor: WriterDep,
    body: Annotated[bytes, Depends(json_body)],
    session: SessionDep,
    atomic: Annotated[bool, Query(description="Write nothing if any item is rejected")] = False,
    dry_run: Annotated[bool, Query(description="Check and summarise, write nothing")] = False,
):
    """Money committed ("compromisos") and paid ("obligaciones") by a unit on an action in
    a period; upsert on action + unit + period_end, answered with an import summary."""
    # Idempotency-Key: app/core/idempotency, as for every create and import.
    return service.import_batch(session, actor, plan, body, atomic=atomic, dry_run=dry_run)


@router.get(
    "/plans/{plan_id}/financial-execution",
    response_model=Page[FinancialExecutionPublic],
    name="list_financial_execution",
)
def list_financial_execution(
    plan: PlanDep,
    session: SessionDep,
    page: PageDep,
    action_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
):
    items, total = service.list_(
        session,
        plan,
        page,
        action_id=action_id,
        unit_id=unit_id,
        year=year,
        since=since,
        until=until,
    )
    return Page(items=[FinancialExecutionPublic.model_validate(r) for r in items], total=total)


@router.get(
    "/plans/{plan_id}/financial-advance",
    response_model=FinancialAdvanceOut,
    name="get_financial_advance",
)
def get_financial_advance(
    plan: PlanDep,
    session: SessionDep,
    as_of: Annotated[
        date | None, Query(description="Default: today; inside the plan's years")
    ] = None,
):
    """Each action's money for the year and to date against its planned money, its physical
    advance for the year, and the gap when they differ by more than the plan's threshold."""
    return service.advance(session, plan, as_of or date.today())
