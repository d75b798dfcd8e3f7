"""HTTP routes of publication revisions: the list, the frozen figures, the diff of two."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Page, PageDep
from app.cuts.dependencies import PublicCutDep
from app.revisions import service
from app.revisions.schemas import RevisionDiff, RevisionFigures, RevisionPublic

router = APIRouter(prefix="/api/v1", tags=["revisions"], responses=problem_responses(401, 404, 422))

Number = Annotated[int, Path(ge=1, le=1_000_000, description="The revision's number")]


@router.get(
    "/cuts/{cut_id}/revisions",
    response_model=Page[RevisionPublic],
    name="list_cut_revisions",
    description="Public (no token) while the cut is published.",
)
def list_cut_revisions(found: PublicCutDep, session: SessionDep, page: PageDep):
    items, total = service.list_(session, found[0], page)
    return Page(items=[RevisionPublic.model_validate(r) for r in items], total=total)


@router.get(
    "/cuts/{cut_id}/revisions/{number}",
    response_model=RevisionFigures,
    name="get_cut_revision",
    responses={304: {"description": "Not modified: `If-None-Match` holds the revision's tag"}},
    description="The figures frozen when the cut was published for the n-th time: each "
    "answer of its results endpoints, byte for byte. Immutable: `ETag`, 304 on "
    "`If-None-Match`.",
)
def get_cut_revision(
    found: PublicCutDep,
    session: SessionDep,
    number: Number,
    if_none_match: Annotated[str | None, Header()] = None,
):
    revision, answers = service.get(session, found[0], number)
    headers = {"ETag": revision.etag, "Cache-Control": "no-cache"}
    tags = {t.strip().removeprefix("W/") for t in (if_none_match or "").split(",")}
    if revision.etag in tags:
        return Response(status_code=304, headers=headers)
    return Response(
        service.figures_body(revision, answers), media_type="application/json", headers=headers
    )


@router.get(
    "/cuts/{cut_id}/revisions/{number}/diff",
    response_model=RevisionDiff,
    name="get_cut_revision_diff",
    description="Every figure that changed from revision `from` (default: the previous one) "
    "to revision n.",
)
def get_cut_revision_diff(
    found: PublicCutDep,
    session: SessionDep,
    number: Number,
    from_: Annotated[int | None, Query(alias="from", ge=1, le=1_000_000)] = None,
):
    return service.diff(session, found[0], number, from_)
