"""HTTP routes of follow-ups: written per cut and indicator, submitted, approved or returned.

Their evidence has its own routes (app/evidence/router.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlmodel import Session

from app.auth.deps import EditorDep, WriterDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.etag import with_etag
from app.core.pagination import Page, PageDep
from app.cuts.dependencies import CutDep
from app.followups import service
from app.followups.dependencies import CutIndicatorDep
from app.followups.models import FollowUp
from app.followups.schemas import FollowUpPublic, FollowUpReturn, FollowUpStatus, FollowUpWrite

router = APIRouter(
    prefix="/api/v1", tags=["follow-ups"], responses=problem_responses(400, 401, 404, 413, 422)
)
WRITE_ERRORS = problem_responses(403, 409)


def _one(session: Session, followup: FollowUp) -> FollowUpPublic:
    return service.public(session, [followup])[0]


@router.get("/cuts/{cut_id}/followups", response_model=Page[FollowUpPublic], name="list_followups")
def list_followups(
    found: CutDep, session: SessionDep, page: PageDep, status: FollowUpStatus | None = None
):
    items, total = service.list_(session, found[0], page, status=status)
    return Page(items=items, total=total)


@router.get(
    "/cuts/{cut_id}/followups/{indicator_id}", response_model=FollowUpPublic, name="get_followup"
)
def get_followup(found: CutIndicatorDep, session: SessionDep, response: Response):
    cut, _, indicator = found
    return with_etag(response, _one(session, service.get(session, cut, indicator)))


@router.put(
    "/cuts/{cut_id}/followups/{indicator_id}",
    response_model=FollowUpPublic,
    name="write_followup",
    responses=WRITE_ERRORS,
)
def write_followup(
    found: CutIndicatorDep,
    actor: WriterDep,
    data: FollowUpWrite,
    session: SessionDep,
    response: Response,
):
    cut, plan, indicator = found
    followup, created = service.write(session, actor, cut, indicator, data, plan)
    if created:
        response.status_code = status.HTTP_201_CREATED
    return with_etag(response, _one(session, followup))


@router.post(
    "/cuts/{cut_id}/followups/{indicator_id}/submit",
    response_model=FollowUpPublic,
    name="submit_followup",
    responses=WRITE_ERRORS,
)
def submit_followup(found: CutIndicatorDep, actor: WriterDep, session: SessionDep):
    cut, plan, indicator = found
    return _one(session, service.transition(session, actor, cut, indicator, "submit", plan=plan))


@router.post(
    "/cuts/{cut_id}/followups/{indicator_id}/approve",
    response_model=FollowUpPublic,
    name="approve_followup",
    responses=WRITE_ERRORS,
)
def approve_followup(found: CutIndicatorDep, actor: EditorDep, session: SessionDep):
    cut, plan, indicator = found
    return _one(session, service.transition(session, actor, cut, indicator, "approve", plan=plan))


@router.post(
    "/cuts/{cut_id}/followups/{indicator_id}/return",
    response_model=FollowUpPublic,
    name="return_followup",
    responses=WRITE_ERRORS,
)
def return_followup(
    found: CutIndicatorDep, actor: EditorDep, data: FollowUpReturn, session: SessionDep
):
    cut, plan, indicator = found
    return _one(
        session,
        service.transition(session, actor, cut, indicator, "return", data.comment, plan=plan),
    )
