"""HTTP routes of reports: ask for one of a cut, list them, read one, download its file."""

import uuid

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import StreamingResponse

from app.auth.deps import ActorDep, OptionalActorDep
from app.core.db import SessionDep
from app.core.errors import Conflict, NotFound, problem_responses
from app.core.pagination import Page, PageDep
from app.core.storage import ObjectMissing, iter_chunks
from app.cuts.dependencies import CutDep, PublicCutDep
from app.jobs import service as jobs
from app.jobs.schemas import JobPublic
from app.reports import service
from app.reports.schemas import ReportCreate, ReportPublic

router = APIRouter(
    prefix="/api/v1", tags=["reports"], responses=problem_responses(400, 401, 404, 413, 422)
)


@router.post(
    "/cuts/{cut_id}/reports",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    name="create_report",
    responses={200: {"model": JobPublic, "description": "The cut is unchanged: its report"}},
)
def create_report(
    body: ReportCreate, found: CutDep, actor: ActorDep, session: SessionDep, response: Response
):
    """Render the cut's report in the background (202 and the job to poll).

    Asked again while nothing the report shows has changed, the existing report's job is
    answered instead (200 once it is ready, 202 while it is still rendering).
    """
    report, job, _ = service.request(session, actor, *found, body.format)
    if job.status == "done":
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return jobs.public(job)


@router.get("/cuts/{cut_id}/reports", response_model=Page[ReportPublic], name="list_reports")
def list_reports(found: PublicCutDep, session: SessionDep, page: PageDep):
    """The cut's reports, newest first (anonymously: a published cut's)."""
    items, total = service.list_for_cut(session, found[0], page.limit, page.offset)
    return Page(items=items, total=total)


@router.get("/reports/{report_id}", response_model=ReportPublic, name="get_report")
def get_report(report_id: uuid.UUID, session: SessionDep, actor: OptionalActorDep):
    return service.public(*service.get_visible(session, actor, report_id))


@router.get(
    "/reports/{report_id}/content",
    name="download_report",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {media: {} for media in service.MEDIA_TYPES.values()},
            "description": "The document",
        },
        **problem_responses(409),
    },
)
def download_report(
    report_id: uuid.UUID, session: SessionDep, actor: OptionalActorDep, request: Request
):
    report, job = service.get_visible(session, actor, report_id)
    if report.status != "ready":
        shown = service.public(report, job).status
        raise Conflict(f"The report is {shown}: poll its job until it is done.")
    try:
        body = request.app.state.report_storage.open(report.sha256)
    except ObjectMissing:
        raise NotFound("stored file of report", report.id) from None
    return StreamingResponse(
        iter_chunks(body),
        media_type=report.media_type,
        headers={
            "Content-Length": str(report.size_bytes),
            "Content-Disposition": service.content_disposition(report.file_name),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
