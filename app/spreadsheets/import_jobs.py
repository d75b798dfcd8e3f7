"""Long imports as background jobs: a large file answers 202 and a job the client polls.

A file above IMPORT_JOB_THRESHOLD_BYTES (its size as sent) or IMPORT_JOB_THRESHOLD_ROWS (its
rows, counted without parsing it: `reader.estimate_rows`) is not imported in the request. The
file is stored (the application's storage, `imports/`), a job of kind `spreadsheets.import`
is queued with the request's options and caller, and the request answers 202 with the job.
The worker runs the very function the request would have run (`imports.import_workbook` or
`measurements_file.import_file`) in the job's transaction: same validation, same summary
(the job's `result.summary`), atomic like the request (a failed job writes nothing: the worker
rolls back its transaction and records the problem details, located errors included).
Running it again after a failure (POST /jobs/{id}/retry) imports the same stored file; a job
done deletes its file.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from sqlmodel import Session

from app.auth.actor import Actor
from app.core.config import Settings
from app.core.storage import (
    ObjectMissing,
    Storage,
    delete_after_commit,
    discard_on_rollback,
    storage_from_url,
)
from app.jobs import service as jobs
from app.jobs.models import Job
from app.plans.models import Plan
from app.spreadsheets import imports, measurements_file, reader

JOB_KIND = "spreadsheets.import"
What = Literal["workbook", "measurements"]


def import_storage(settings: Settings) -> Storage:
    """Uploaded files waiting for (or kept for a retry of) their import job."""
    return storage_from_url(settings.storage_url, settings.data_dir / "imports", "imports")


def is_large(settings: Settings, data: bytes) -> bool:
    """Whether the file's import runs as a job rather than in the request."""
    if len(data) > settings.import_job_threshold_bytes:
        return True
    return reader.estimate_rows(data) > settings.import_job_threshold_rows


def _actor_payload(actor: Actor) -> dict[str, Any]:
    return {
        "user_id": str(actor.user_id),
        "username": actor.username,
        "organization_id": str(actor.organization_id) if actor.organization_id else None,
        "role": actor.role,
        "is_platform_admin": actor.is_platform_admin,
        "unit_ids": sorted(str(u) for u in actor.unit_ids),
        "token_id": str(actor.token_id),
    }


def _actor(payload: dict[str, Any]) -> Actor:
    """The caller who sent the file, as authorized when it was sent."""
    org = payload["organization_id"]
    return Actor(
        user_id=uuid.UUID(payload["user_id"]),
        username=payload["username"],
        organization_id=uuid.UUID(org) if org else None,
        role=payload["role"],
        is_platform_admin=payload["is_platform_admin"],
        unit_ids=frozenset(uuid.UUID(u) for u in payload["unit_ids"]),
        token_id=uuid.UUID(payload["token_id"]),
    )


def queue(
    session: Session,
    actor: Actor,
    settings: Settings,
    *,
    what: What,
    plan: Plan | None,
    data: bytes,
    file_name: str | None = None,
    content_type: str | None = None,
    options: dict[str, Any],
) -> Job:
    """Store the file and queue its import (in the caller's transaction: nothing runs, and
    the stored file is removed, unless it commits)."""
    storage = import_storage(settings)
    # A key of its own (not the content's hash): the job deletes its file when it is done,
    # whatever other job holds the same bytes.
    stored = storage.put(
        iter([data]),
        max_bytes=reader.MAX_UPLOAD_BYTES,
        key=f"uploads/{uuid.uuid4().hex}",
        content_type=content_type,
    )
    discard_on_rollback(session, storage, stored)
    org = options.get("organization_id")
    organization_id = plan.organization_id if plan else (org or actor.organization_id)
    payload = {
        "what": what,
        "plan_id": str(plan.id) if plan else None,
        "file_key": stored.key,
        "file_sha256": stored.sha256,
        "file_name": file_name,
        "content_type": content_type,
        "options": {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in options.items()},
        "actor": _actor_payload(actor),
    }
    links = {"plan": f"/api/v1/plans/{plan.id}"} if plan else None
    return jobs.enqueue(
        session,
        actor,
        kind=JOB_KIND,
        payload=payload,
        organization_id=organization_id,
        links=links,
    )


@jobs.handler(JOB_KIND)
def run_import(ctx: jobs.JobContext) -> dict[str, Any]:
    payload = ctx.payload
    session = ctx.session
    storage = import_storage(ctx.settings)
    try:
        stream = storage.open(payload["file_key"])
        try:
            data = stream.read()
        finally:
            stream.close()
    except ObjectMissing:
        raise jobs.JobFailed("The uploaded file is no longer stored; send it again.") from None
    plan = None
    if payload["plan_id"] is not None:
        plan = session.get(Plan, uuid.UUID(payload["plan_id"]))
        if plan is None:
            raise jobs.JobFailed("The plan was deleted before the file was imported.")
    actor = _actor(payload["actor"])
    options = dict(payload["options"])
    ctx.progress(5)
    summary: Any
    if payload["what"] == "workbook":
        org = options.pop("organization_id", None)
        summary = imports.import_workbook(
            session,
            actor,
            plan,
            data,
            payload["file_name"],
            organization_id=uuid.UUID(org) if org else None,
            **options,
        )
        plan_id = summary.plan_id
    else:
        if plan is None:  # queued only for a plan's measurements
            raise jobs.JobFailed("Measurements are imported into a plan.")
        summary = measurements_file.import_file(
            session, actor, plan, data, payload["content_type"] or "", **options
        )
        plan_id = plan.id
    session.flush()
    # Done: the file goes once the job's transaction commits (a failed job keeps it for a
    # retry).
    delete_after_commit(session, storage, payload["file_key"])
    links = {"plan": f"/api/v1/plans/{plan_id}"} if plan_id else {}
    return {"summary": summary.model_dump(mode="json"), "links": links}
