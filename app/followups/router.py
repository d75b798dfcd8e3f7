"""HTTP routes of follow-ups and their evidence."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.auth.deps import ActorDep, EditorDep, WriterDep
from app.core.db import SessionDep
from app.core.errors import DomainError, Invalid, NotFound, UnsupportedMediaType, problem_responses
from app.core.etag import with_etag
from app.core.pagination import Page, PageDep, paginate
from app.core.schemas import InputModel, Name, ShortText
from app.cuts.dependencies import CutDep
from app.cuts.models import Cut
from app.evidence import service as evidence
from app.evidence.models import Evidence
from app.evidence.schemas import EvidenceKind, EvidenceLink, EvidencePublic
from app.followups import service
from app.followups.models import FollowUp
from app.followups.schemas import FollowUpPublic, FollowUpReturn, FollowUpStatus, FollowUpWrite
from app.plans.models import Indicator, Plan

router = APIRouter(
    prefix="/api/v1", tags=["follow-ups"], responses=problem_responses(400, 401, 404, 413, 422)
)
WRITE_ERRORS = problem_responses(403, 409)


def _one(session: Session, followup: FollowUp) -> FollowUpPublic:
    return service.public(session, [followup])[0]


def cut_indicator(found: CutDep, indicator_id: uuid.UUID, session: SessionDep):
    cut, plan = found
    return cut, plan, service.indicator_of(session, plan, indicator_id)


CutIndicatorDep = Annotated[tuple[Cut, Plan, Indicator], Depends(cut_indicator)]


@router.get("/cuts/{cut_id}/followups", response_model=Page[FollowUpPublic], name="list_followups")
def list_followups(
    found: CutDep, session: SessionDep, page: PageDep, status: FollowUpStatus | None = None
):
    items, total = paginate(session, service.list_stmt(found[0], status), page)
    return Page(items=service.public(session, items), total=total)


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
    cut, _, indicator = found
    followup, created = service.write(session, actor, cut, indicator, data)
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
    cut, _, indicator = found
    return _one(session, service.transition(session, actor, cut, indicator, "submit"))


@router.post(
    "/cuts/{cut_id}/followups/{indicator_id}/approve",
    response_model=FollowUpPublic,
    name="approve_followup",
    responses=WRITE_ERRORS,
)
def approve_followup(found: CutIndicatorDep, actor: EditorDep, session: SessionDep):
    cut, _, indicator = found
    return _one(session, service.transition(session, actor, cut, indicator, "approve"))


@router.post(
    "/cuts/{cut_id}/followups/{indicator_id}/return",
    response_model=FollowUpPublic,
    name="return_followup",
    responses=WRITE_ERRORS,
)
def return_followup(
    found: CutIndicatorDep, actor: EditorDep, data: FollowUpReturn, session: SessionDep
):
    cut, _, indicator = found
    return _one(session, service.transition(session, actor, cut, indicator, "return", data.comment))


# --- evidence ----------------------------------------------------------------------------


class EvidenceFileForm(InputModel):
    kind: EvidenceKind = "document"
    title: Name
    evidence_date: str | None = None
    reference: ShortText | None = None


_EVIDENCE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "title"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"type": "string", "enum": list(EvidenceKind.__args__)},
                        "title": {"type": "string", "minLength": 1, "maxLength": 300},
                        "evidence_date": {"type": "string", "format": "date"},
                        "reference": {"type": "string", "maxLength": 300},
                    },
                }
            },
            "application/json": {"schema": EvidenceLink.model_json_schema()},
        },
    }
}


def _chunks(upload, size: int = 1 << 16):
    while chunk := upload.file.read(size):
        yield chunk


@router.post(
    "/cuts/{cut_id}/followups/{indicator_id}/evidence",
    response_model=EvidencePublic,
    status_code=status.HTTP_201_CREATED,
    name="add_evidence",
    openapi_extra=_EVIDENCE_BODY,
    responses=problem_responses(403, 409, 415),
)
async def add_evidence(
    found: CutIndicatorDep,
    actor: WriterDep,
    session: SessionDep,
    request: Request,
    response: Response,
):
    cut, _, indicator = found
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    followup = await run_in_threadpool(service.get, session, cut, indicator)
    if content_type == "application/json":
        try:
            data = EvidenceLink.model_validate_json(await request.body())
        except ValidationError as exc:
            raise DomainError(
                "Invalid evidence link.",
                status=422,
                errors=[{"loc": ["body", *e["loc"]], "msg": e["msg"]} for e in exc.errors()],
            ) from None
        row = await run_in_threadpool(
            evidence.add_link, session, actor, cut, indicator, followup, data
        )
    elif content_type == "multipart/form-data":
        settings = request.app.state.settings
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise Invalid(["body", "file"], "attach the file in the `file` field")
        try:
            fields = EvidenceFileForm.model_validate({k: v for k, v in form.items() if k != "file"})
        except ValidationError as exc:
            raise DomainError(
                "Invalid evidence fields.",
                status=422,
                errors=[{"loc": ["body", *e["loc"]], "msg": e["msg"]} for e in exc.errors()],
            ) from None
        evidence_date = None
        if fields.evidence_date:
            from datetime import date

            try:
                evidence_date = date.fromisoformat(fields.evidence_date)
            except ValueError:
                raise Invalid(["body", "evidence_date"], "not a date (YYYY-MM-DD)") from None
        row = await run_in_threadpool(
            evidence.add_file,
            session,
            request.app.state.storage,
            actor,
            cut,
            indicator,
            followup,
            chunks=_chunks(upload),
            max_bytes=settings.evidence_max_bytes,
            kind=fields.kind,
            title=fields.title,
            evidence_date=evidence_date,
            reference=fields.reference,
            declared_type=upload.content_type,
            filename=upload.filename,
        )
    else:
        raise UnsupportedMediaType("Send multipart/form-data with a file, or JSON with a url.")
    response.headers["Location"] = f"/api/v1/evidence/{row.id}"
    return with_etag(response, EvidencePublic.model_validate(row))


def visible_evidence(evidence_id: uuid.UUID, session: SessionDep, actor: ActorDep):
    row = session.execute(
        select(Evidence, FollowUp, Cut, Plan, Indicator)
        .join(FollowUp, FollowUp.id == Evidence.followup_id)
        .join(Cut, Cut.id == FollowUp.cut_id)
        .join(Plan, Plan.id == Cut.plan_id)
        .join(Indicator, Indicator.id == FollowUp.indicator_id)
        .where(Evidence.id == evidence_id)
    ).first()
    if row is None or not actor.sees(row[3].organization_id):
        raise NotFound("evidence", evidence_id)
    return tuple(row)


EvidenceDep = Annotated[tuple, Depends(visible_evidence)]


@router.get(
    "/cuts/{cut_id}/followups/{indicator_id}/evidence",
    response_model=Page[EvidencePublic],
    name="list_evidence",
)
def list_evidence(found: CutIndicatorDep, session: SessionDep, page: PageDep):
    cut, _, indicator = found
    followup = service.get(session, cut, indicator)
    stmt = (
        select(Evidence)
        .where(Evidence.followup_id == followup.id)
        .order_by(Evidence.created_at, Evidence.id)
    )
    items, total = paginate(session, stmt, page)
    return Page(items=[EvidencePublic.model_validate(e) for e in items], total=total)


@router.get("/evidence/{evidence_id}", response_model=EvidencePublic, name="get_evidence")
def get_evidence(found: EvidenceDep, response: Response):
    return with_etag(response, EvidencePublic.model_validate(found[0]))


@router.get(
    "/evidence/{evidence_id}/content",
    name="download_evidence",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file, streamed"}
    },
)
def download_evidence(found: EvidenceDep, request: Request):
    row = found[0]
    if row.sha256 is None:
        raise NotFound("file of evidence (it is a link; see its url)", row.id)
    path = request.app.state.storage.path(row.sha256)
    if not path.exists():
        raise NotFound("stored file of evidence", row.id)
    name = row.original_name or f"evidence-{row.id}{evidence.ALLOWED.get(row.media_type, '')}"
    return FileResponse(
        path,
        media_type=row.media_type,
        filename=name,
        content_disposition_type="attachment",
        headers={
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
def delete_evidence(
    found: EvidenceDep, actor: WriterDep, session: SessionDep, request: Request
) -> None:
    row, followup, cut, _, indicator = found
    evidence.delete(session, request.app.state.storage, actor, cut, indicator, followup, row)
