"""HTTP routes of evidence: attached to a follow-up as a file (multipart form) or a link
(JSON) on the same route, then read, downloaded and removed by id."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response, UploadFile, status
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from app.auth.deps import WriterDep
from app.core.db import SessionDep
from app.core.errors import NotFound, UnsupportedMediaType, problem_responses
from app.core.etag import with_etag
from app.core.pagination import Page, PageDep
from app.core.schemas import InputModel, Name, ShortText
from app.core.storage import ObjectMissing, iter_chunks
from app.evidence import service
from app.evidence.dependencies import EvidenceDep, StorageDep
from app.evidence.models import Evidence
from app.evidence.schemas import EvidenceKind, EvidenceLink, EvidencePublic
from app.followups.dependencies import CutIndicatorDep, FollowUpDep

router = APIRouter(
    prefix="/api/v1", tags=["follow-ups"], responses=problem_responses(400, 401, 404, 413, 422)
)
WRITE_ERRORS = problem_responses(403, 409)
ADD_PATH = "/cuts/{cut_id}/followups/{indicator_id}/evidence"


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


class EvidenceFileForm(InputModel):
    """A file and what it is, sent as multipart/form-data."""

    file: UploadFile
    kind: EvidenceKind = "document"
    title: Name
    evidence_date: date | None = None
    reference: ShortText | None = None


class _JsonBodyRoute(APIRoute):
    """A route taken only by `application/json` requests: the JSON twin of a form route on the
    same path and method, which answers every other content type."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is Match.FULL:
            headers = dict(scope["headers"])
            if _media_type(headers.get(b"content-type", b"").decode("latin-1")) != (
                "application/json"
            ):
                return Match.NONE, {}
        return match, child_scope


def multipart_only(request: Request) -> None:
    """415 for a body that is neither a form (this route) nor JSON (its twin)."""
    if _media_type(request.headers.get("content-type")) != "multipart/form-data":
        raise UnsupportedMediaType("Send multipart/form-data with a file, or JSON with a url.")


def _created(response: Response, row: Evidence):
    response.headers["Location"] = f"/api/v1/evidence/{row.id}"
    return with_etag(response, EvidencePublic.model_validate(row))


def _chunks(file: BinaryIO, size: int = 1 << 16) -> Iterator[bytes]:
    while chunk := file.read(size):
        yield chunk


def add_evidence_link(
    found: CutIndicatorDep,
    actor: WriterDep,
    followup: FollowUpDep,
    data: EvidenceLink,
    session: SessionDep,
    response: Response,
):
    cut, _, indicator = found
    return _created(response, service.add_link(session, actor, cut, indicator, followup, data))


# The link route's body, documented beside the form's as the other content of add_evidence.
_LINK_BODY = {
    "requestBody": {"content": {"application/json": {"schema": EvidenceLink.model_json_schema()}}}
}
# Registered first: a JSON request takes this route, any other the form route below.
router.add_api_route(
    ADD_PATH,
    add_evidence_link,
    methods=["POST"],
    response_model=EvidencePublic,
    status_code=status.HTTP_201_CREATED,
    name="add_evidence_link",
    include_in_schema=False,  # documented as the JSON body of add_evidence
    route_class_override=_JsonBodyRoute,
)


@router.post(
    ADD_PATH,
    response_model=EvidencePublic,
    status_code=status.HTTP_201_CREATED,
    name="add_evidence",
    responses=problem_responses(403, 409, 415),
    form_limits={"max_files": 1, "max_fields": 10},
    openapi_extra=_LINK_BODY,
)
def add_evidence(
    found: CutIndicatorDep,
    actor: WriterDep,
    followup: FollowUpDep,
    _multipart: Annotated[None, Depends(multipart_only)],  # after the 401/403/404 checks
    form: Annotated[EvidenceFileForm, Form(media_type="multipart/form-data")],
    session: SessionDep,
    storage: StorageDep,
    request: Request,
    response: Response,
):
    cut, _, indicator = found
    row = service.add_file(
        session,
        storage,
        actor,
        cut,
        indicator,
        followup,
        chunks=_chunks(form.file.file),
        max_bytes=request.app.state.settings.evidence_max_bytes,
        kind=form.kind,
        title=form.title,
        evidence_date=form.evidence_date,
        reference=form.reference,
        declared_type=form.file.content_type,
        filename=form.file.filename,
    )
    return _created(response, row)


@router.get(ADD_PATH, response_model=Page[EvidencePublic], name="list_evidence")
def list_evidence(followup: FollowUpDep, session: SessionDep, page: PageDep):
    items, total = service.list_(session, followup, page)
    return Page(items=[EvidencePublic.model_validate(e) for e in items], total=total)


@router.get("/evidence/{evidence_id}", response_model=EvidencePublic, name="get_evidence")
def get_evidence(found: EvidenceDep, response: Response):
    return with_etag(response, EvidencePublic.model_validate(found.evidence))


@router.get(
    "/evidence/{evidence_id}/content",
    name="download_evidence",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file, streamed"}
    },
)
def download_evidence(found: EvidenceDep, storage: StorageDep):
    row = found.evidence
    if row.sha256 is None:
        raise NotFound("file of evidence (it is a link; see its url)", row.id)
    try:
        body = storage.open(row.sha256)
    except ObjectMissing:
        raise NotFound("stored file of evidence", row.id) from None
    name = service.download_name(row)
    quoted = quote(name)  # as Starlette's FileResponse writes it (RFC 6266)
    disposition = (
        f"attachment; filename*=utf-8''{quoted}"
        if quoted != name
        else f'attachment; filename="{name}"'
    )
    return StreamingResponse(
        iter_chunks(body),
        media_type=row.media_type,
        headers={
            "Content-Length": str(row.size_bytes),
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@router.delete(
    "/evidence/{evidence_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    name="delete_evidence",
    responses=WRITE_ERRORS,
)
def delete_evidence(found: EvidenceDep, actor: WriterDep, session: SessionDep, storage: StorageDep):
    service.delete(session, storage, actor, found)
