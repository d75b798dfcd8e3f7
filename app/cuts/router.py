"""HTTP routes of cuts: listed and created under their plan, then closed, reopened, published."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.auth.deps import EditorDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.etag import check_if_match, with_etag
from app.core.pagination import Page, PageDep
from app.cuts import lock_exceptions, service
from app.cuts.dependencies import CutDep, PublicCutDep
from app.cuts.schemas import (
    CutCreate,
    CutPublic,
    CutReopen,
    CutStatus,
    CutUpdate,
    LockExceptionCreate,
    LockExceptionPublic,
)
from app.plans.dependencies import PlanDep

router = APIRouter(
    prefix="/api/v1", tags=["cuts"], responses=problem_responses(400, 401, 404, 413, 422)
)
WRITE_ERRORS = problem_responses(403, 409, 412)


@router.get("/plans/{plan_id}/cuts", response_model=Page[CutPublic], name="list_cuts")
def list_cuts(
    plan: PlanDep,
    session: SessionDep,
    page: PageDep,
    status: CutStatus | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
):
    items, total = service.list_(session, plan, page, status=status, year=year)
    return Page(items=[CutPublic.model_validate(c) for c in items], total=total)


@router.post(
    "/plans/{plan_id}/cuts",
    response_model=CutPublic,
    status_code=status.HTTP_201_CREATED,
    name="create_cut",
    responses=WRITE_ERRORS,
)
def create_cut(
    plan: PlanDep, actor: EditorDep, data: CutCreate, session: SessionDep, response: Response
):
    cut = service.create(session, actor, plan, data)
    response.headers["Location"] = f"/api/v1/cuts/{cut.id}"
    return with_etag(response, CutPublic.model_validate(cut))


@router.get(
    "/cuts/{cut_id}",
    response_model=CutPublic,
    name="get_cut",
    description="Public (no token) once the cut is published.",
)
def get_cut(found: PublicCutDep, response: Response):
    return with_etag(response, CutPublic.model_validate(found[0]))


@router.patch("/cuts/{cut_id}", response_model=CutPublic, name="update_cut", responses=WRITE_ERRORS)
def update_cut(
    found: CutDep,
    actor: EditorDep,
    data: CutUpdate,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
):
    cut, plan = found
    check_if_match(if_match, CutPublic.model_validate(cut))
    return with_etag(
        response, CutPublic.model_validate(service.update(session, actor, plan, cut, data))
    )


@router.post(
    "/cuts/{cut_id}/close", response_model=CutPublic, name="close_cut", responses=WRITE_ERRORS
)
def close_cut(found: CutDep, actor: EditorDep, session: SessionDep, response: Response):
    cut, plan = found
    return with_etag(response, CutPublic.model_validate(service.close(session, actor, plan, cut)))


@router.post(
    "/cuts/{cut_id}/reopen", response_model=CutPublic, name="reopen_cut", responses=WRITE_ERRORS
)
def reopen_cut(
    found: CutDep, actor: EditorDep, data: CutReopen, session: SessionDep, response: Response
):
    cut, plan = found
    return with_etag(
        response, CutPublic.model_validate(service.reopen(session, actor, plan, cut, data.reason))
    )


@router.post(
    "/cuts/{cut_id}/publish", response_model=CutPublic, name="publish_cut", responses=WRITE_ERRORS
)
def publish_cut(found: CutDep, actor: EditorDep, session: SessionDep, response: Response):
    cut, plan = found
    return with_etag(response, CutPublic.model_validate(service.publish(session, actor, plan, cut)))


# --- lock exceptions -----------------------------------------------------------------------


@router.post(
    "/cuts/{cut_id}/lock-exceptions",
    response_model=LockExceptionPublic,
    status_code=status.HTTP_201_CREATED,
    name="grant_lock_exception",
    responses=WRITE_ERRORS,
)
def grant_lock_exception(
    found: CutDep,
    actor: EditorDep,
    data: LockExceptionCreate,
    session: SessionDep,
    response: Response,
):
    """Let one unit post or correct the values of this closed (or published) cut's periods
    until `until`; a unit of another organization is 404, an open cut 409."""
    cut, plan = found
    row, unit_code = lock_exceptions.grant(session, actor, plan, cut, data)
    response.headers["Location"] = f"/api/v1/cuts/{cut.id}/lock-exceptions/{row.id}"
    return lock_exceptions.public(row, unit_code)


@router.get(
    "/cuts/{cut_id}/lock-exceptions",
    response_model=Page[LockExceptionPublic],
    name="list_lock_exceptions",
)
def list_lock_exceptions(
    found: CutDep, session: SessionDep, page: PageDep, unit_id: uuid.UUID | None = None
):
    items, total = lock_exceptions.list_(session, found[0], page, unit_id)
    return Page(items=items, total=total)


@router.get(
    "/cuts/{cut_id}/lock-exceptions/{exception_id}",
    response_model=LockExceptionPublic,
    name="get_lock_exception",
)
def get_lock_exception(found: CutDep, exception_id: uuid.UUID, session: SessionDep):
    row, unit_code = lock_exceptions.get(session, found[0], exception_id)
    return lock_exceptions.public(row, unit_code)


@router.delete(
    "/cuts/{cut_id}/lock-exceptions/{exception_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    name="revoke_lock_exception",
    responses=WRITE_ERRORS,
)
def revoke_lock_exception(
    found: CutDep, exception_id: uuid.UUID, actor: EditorDep, session: SessionDep
) -> None:
    """Revoke the exception at once (it stays listed, revoked); revoking twice changes nothing."""
    cut, plan = found
    lock_exceptions.revoke(session, actor, plan, cut, exception_id)
