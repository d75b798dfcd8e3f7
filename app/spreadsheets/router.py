"""HTTP routes of spreadsheets: the workbook template, a plan as a workbook, importing one,
and a cut's results as a workbook.

Format: `?format=xlsx` (the default) or `?format=csv` (a zip with one CSV file per sheet).
The query parameter is the one switch (no `Accept` negotiation), so a link in a browser or a
`curl -o` gets what it names.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from app.auth.deps import ActorDep, EditorDep, WriterDep
from app.core.config import Settings
from app.core.db import SessionDep
from app.core.errors import ContentTooLarge, DomainError, Invalid, problem_responses
from app.core.routing import media_type_route
from app.cuts.dependencies import PublicCutDep
from app.jobs import service as jobs
from app.jobs.schemas import JobPublic
from app.measurements.schemas import ImportSummary
from app.plans.dependencies import PlanDep
from app.plans.schemas import LegalActIn, LegalActKind
from app.spreadsheets import export, import_jobs, imports, measurements_file, reader, writer
from app.spreadsheets.results_export import result_sheets
from app.spreadsheets.schemas import WorkbookImportSummary

router = APIRouter(
    prefix="/api/v1", tags=["spreadsheets"], responses=problem_responses(400, 401, 404, 422)
)

Format = Annotated[
    Literal["xlsx", "csv"],
    Query(
        alias="format",
        description="xlsx (default): one workbook, a sheet per part; csv: a zip of CSV files, "
        "one per sheet, named after the sheet's key",
    ),
]
_BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The workbook (format=xlsx) or a zip of CSV files (format=csv)",
        "content": {writer.XLSX_MEDIA_TYPE: _BINARY, writer.ZIP_MEDIA_TYPE: _BINARY},
    }
}
DryRun = Annotated[
    bool, Query(description="Check everything and answer the summary; write nothing")
]
Atomic = Annotated[
    bool, Query(description="Write nothing if any row is refused (default); false: write the rest")
]
Reason = Annotated[
    str | None,
    Query(
        max_length=2000,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="Why (control de cambios): required when the plan is no longer a draft",
    ),
]
ActKind = Annotated[
    LegalActKind | None,
    Query(description="Kind of the legal act of a reprogramming (approved plans)"),
]
ActNumber = Annotated[
    str | None,
    Query(max_length=80, pattern=r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$"),
]
ActDate = Annotated[date | None, Query()]
ActUrl = Annotated[str | None, Query(max_length=2000, pattern=r"^https?://\S+$")]


def _legal_act(
    kind: str | None, number: str | None, act_date: date | None, url: str | None
) -> LegalActIn | None:
    """The act of the query parameters, all of kind, number and date, or none of them."""
    given = {"legal_act_kind": kind, "legal_act_number": number, "legal_act_date": act_date}
    if all(v is None for v in (*given.values(), url)):
        return None
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise Invalid(["query", missing[0]], "a legal act needs its kind, number and date")
    return LegalActIn.model_validate({"kind": kind, "number": number, "date": act_date, "url": url})


Upload = Annotated[
    UploadFile,
    File(
        description=f"An .xlsx workbook, a .csv file or a .zip of CSV files (at most "
        f"{reader.MAX_UPLOAD_BYTES // (1024 * 1024)} MB, {reader.MAX_ROWS} rows)"
    ),
]


def _file(sheets, lists, fmt: str, stem: str) -> Response:
    if fmt == "csv":
        content, media, name = writer.csv_zip(sheets), writer.ZIP_MEDIA_TYPE, f"{stem}.zip"
    else:
        content, media, name = writer.xlsx(sheets, lists), writer.XLSX_MEDIA_TYPE, f"{stem}.xlsx"
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _safe_stem(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:60] or "plan"


@router.get(
    "/plans/workbook-template",
    response_class=Response,
    responses=FILE_RESPONSES,
    name="get_workbook_template",
)
def get_workbook_template(actor: ActorDep, session: SessionDep, fmt: Format = "xlsx"):
    """The empty workbook (one example row per sheet), with the caller's unit codes listed."""
    sheets, lists = export.template(session, actor.organization_id)
    return _file(sheets, lists, fmt, "plantilla-plan")


@router.get(
    "/plans/{plan_id}/workbook",
    response_class=Response,
    responses=FILE_RESPONSES,
    name="get_plan_workbook",
)
def get_plan_workbook(plan: PlanDep, session: SessionDep, fmt: Format = "xlsx"):
    """The plan as it is: structure, programming, budget, measurements and cuts."""
    sheets, lists = export.plan_workbook(session, plan)
    return _file(sheets, lists, fmt, _safe_stem(plan.code))


@router.get(
    "/cuts/{cut_id}/results/export",
    response_class=Response,
    responses=FILE_RESPONSES,
    name="export_cut_results",
)
def export_cut_results(found: PublicCutDep, session: SessionDep, fmt: Format = "xlsx"):
    """The cut's results: plan, nodes, actions, indicators, by unit, by each axis, budget."""
    cut, plan = found
    sheets = result_sheets(session, cut, plan)
    stem = _safe_stem(f"resultados-{plan.code}-{cut.code}")
    return _file(sheets, {}, fmt, stem)


QUEUED_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {
        "model": JobPublic,
        "description": "A large file (over IMPORT_JOB_THRESHOLD_BYTES or "
        "IMPORT_JOB_THRESHOLD_ROWS): the import runs as a job; poll `Location` "
        "(GET /api/v1/jobs/{id}); once done, its `result.summary` is this route's 200 body",
        "headers": {"Location": {"description": "The job", "schema": {"type": "string"}}},
    }
}


def _queued(job) -> JSONResponse:
    """202 and the job the client polls."""
    return JSONResponse(
        jobs.public(job).model_dump(mode="json"),
        status_code=202,
        headers={"Location": f"/api/v1/jobs/{job.id}"},
    )


def _read_upload(upload: UploadFile) -> bytes:
    data = upload.file.read(reader.MAX_UPLOAD_BYTES + 1)
    if len(data) > reader.MAX_UPLOAD_BYTES:
        raise ContentTooLarge(f"The file is larger than {reader.MAX_UPLOAD_BYTES} bytes.")
    return data


def _import(session, actor, plan, upload: UploadFile, settings: Settings, **options):
    data = _read_upload(upload)
    if import_jobs.is_large(settings, data):
        reader.check_upload(data)  # what is refused without parsing is refused now
        job = import_jobs.queue(
            session,
            actor,
            settings,
            what="workbook",
            plan=plan,
            data=data,
            file_name=upload.filename,
            content_type=upload.content_type,
            options=options,
        )
        return _queued(job)
    return imports.import_workbook(session, actor, plan, data, upload.filename, **options)


@router.post(
    "/plans/import",
    response_model=WorkbookImportSummary,
    name="import_plan_workbook",
    responses={**QUEUED_RESPONSES, **problem_responses(403, 409, 413, 415)},
)
def import_plan_workbook(
    actor: EditorDep,
    session: SessionDep,
    file: Upload,
    request: Request,
    dry_run: DryRun = False,
    atomic: Atomic = True,
    organization_id: Annotated[
        uuid.UUID | None, Query(description="Only a platform administrator names it")
    ] = None,
):
    """A new plan from a workbook (or CSV files): the Plan sheet and whatever else it has.

    The answer counts what each sheet created, updated or left unchanged, and locates every
    problem by sheet, row, column and code; warnings (ignored sheets or columns) apart.
    """
    return _import(
        session,
        actor,
        None,
        file,
        request.app.state.settings,
        dry_run=dry_run,
        atomic=atomic,
        organization_id=organization_id,
    )


@router.post(
    "/plans/{plan_id}/import",
    response_model=WorkbookImportSummary,
    name="import_into_plan",
    responses={**QUEUED_RESPONSES, **problem_responses(403, 409, 413, 415)},
)
def import_into_plan(
    plan: PlanDep,
    actor: WriterDep,
    session: SessionDep,
    file: Upload,
    request: Request,
    dry_run: DryRun = False,
    atomic: Atomic = True,
    reason: Reason = None,
    legal_act_kind: ActKind = None,
    legal_act_number: ActNumber = None,
    legal_act_date: ActDate = None,
    legal_act_url: ActUrl = None,
):
    """Upsert a workbook into an existing plan by codes: a draft's structure, or programming,
    budget, cuts and measurements of a plan in execution (with `reason` where the JSON
    endpoints ask for one). Importing the same file again answers "unchanged".

    Once the plan is approved, rows that change programming, targets or weights are a
    reprogramming: they need the legal act (`legal_act_kind`, `legal_act_number`,
    `legal_act_date`, optional `legal_act_url`), or they are refused (`legal_act`)."""
    return _import(
        session,
        actor,
        plan,
        file,
        request.app.state.settings,
        dry_run=dry_run,
        atomic=atomic,
        reason=reason,
        legal_act=_legal_act(legal_act_kind, legal_act_number, legal_act_date, legal_act_url),
    )


def _only(allowed: str):
    """/plans/workbook-template and /plans/import also match /plans/{plan_id}: other methods
    on them answer 405 here, rather than a 422 for a plan id that is not one."""

    def refuse(request: Request) -> None:
        raise DomainError(
            f"Method {request.method} is not allowed on {request.url.path}; allowed: {allowed}",
            status=405,
            headers={"Allow": allowed},
        )

    return refuse


router.add_api_route(
    "/plans/workbook-template",
    _only("GET"),
    methods=["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"],
    include_in_schema=False,
)
router.add_api_route(
    "/plans/import",
    _only("POST"),
    methods=["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"],
    include_in_schema=False,
)


async def _raw_body(request: Request) -> bytes:
    return await request.body()


def import_measurements_file(
    plan: PlanDep,
    actor: WriterDep,
    body: Annotated[bytes, Depends(_raw_body)],
    session: SessionDep,
    request: Request,
    atomic: Annotated[bool, Query(description="Write nothing if any item is rejected")] = False,
    dry_run: Annotated[bool, Query(description="Check and summarise, write nothing")] = False,
):
    """The CSV/XLSX twin of `import_measurements`: rows become its items, same summary."""
    content_type = request.headers.get("content-type", "")
    settings = request.app.state.settings
    if import_jobs.is_large(settings, body):
        measurements_file.check_content_type(content_type)
        reader.check_upload(body)
        job = import_jobs.queue(
            session,
            actor,
            settings,
            what="measurements",
            plan=plan,
            data=body,
            content_type=content_type,
            options={"atomic": atomic, "dry_run": dry_run},
        )
        return _queued(job)
    return measurements_file.import_file(
        session, actor, plan, body, content_type, atomic=atomic, dry_run=dry_run
    )


# Taken only by CSV and XLSX bodies; app.main mounts this router before the measurements one,
# whose route answers JSON (and 415 for anything else).
router.add_api_route(
    "/plans/{plan_id}/measurements",
    import_measurements_file,
    methods=["POST"],
    response_model=ImportSummary,
    name="import_measurements_file",
    include_in_schema=False,  # documented as the CSV and XLSX bodies of import_measurements
    route_class_override=media_type_route(*measurements_file.FILE_TYPES),
)
