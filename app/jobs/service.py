"""Jobs: what features call to run work in the background, and what the API answers.

    from app.jobs import service as jobs

    @jobs.handler("report.render")
    def render(ctx: jobs.JobContext) -> dict:
        ctx.progress(10)
        ...                      # work with ctx.session (committed with the job's result)
        return {"links": {"report": f"/api/v1/reports/{report_id}"}}

    job = jobs.enqueue(session, actor, kind="report.render", payload={"report_id": str(id)})

`enqueue` writes the job and its queue entry in the caller's transaction: nothing runs unless
the caller commits. A worker (`plan-followup worker`, or the one `make run` starts inside the
service) calls the handler with a `JobContext`; what the handler returns becomes the job's
`result` (its `links` are shown to clients); a `JobFailed` (or any exception) fails the job
with problem details, after rolling back whatever the handler wrote.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.config import Settings
from app.core.errors import TYPE_BASE, Conflict, DomainError, NotFound
from app.jobs import repository
from app.jobs.models import Job
from app.jobs.schemas import JobPublic

TASK_NAME = "plan_followup.run_job"
DEFAULT_QUEUE = "jobs"


class JobFailed(DomainError):
    """A handler's way of failing its job with a reason the client reads."""

    status = 422


@dataclass
class JobContext:
    """What a handler gets: its job, a session, and a way to report progress."""

    job_id: uuid.UUID
    kind: str
    organization_id: uuid.UUID | None
    created_by: uuid.UUID | None
    payload: dict[str, Any]
    attempt: int
    session: Session
    settings: Settings
    engine: Engine = field(repr=False)

    def progress(self, pct: int | float) -> None:
        """Record progress (0-100) now, outside the handler's transaction, for pollers."""
        pct = max(0, min(100, int(pct)))
        with self.engine.begin() as conn:
            repository.set_progress(conn, self.job_id, pct)


Handler = Callable[[JobContext], dict[str, Any] | None]


@dataclass(frozen=True)
class Registered:
    kind: str
    run: Handler
    queue: str


HANDLERS: dict[str, Registered] = {}
# Modules whose import registers handlers: a feature that adds a job kind adds its module here.
HANDLER_MODULES = ("app.reports.jobs", "app.webhooks.delivery", "app.spreadsheets.import_jobs")


def load_handlers() -> None:
    for module in HANDLER_MODULES:
        importlib.import_module(module)


def handler(kind: str, *, queue: str = DEFAULT_QUEUE) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of `kind`."""

    def register(fn: Handler) -> Handler:
        if kind in HANDLERS and HANDLERS[kind].run is not fn:
            raise ValueError(f"a handler for job kind {kind!r} is already registered")
        HANDLERS[kind] = Registered(kind, fn, queue)
        return fn

    return register


def _queue_for(kind: str) -> str:
    if kind not in HANDLERS:
        load_handlers()
    registered = HANDLERS.get(kind)
    return registered.queue if registered else DEFAULT_QUEUE


def _defer(session: Session, job: Job, at: datetime | None = None) -> None:
    job.queue_job_id = repository.defer(
        session, queue=_queue_for(job.kind), task=TASK_NAME, args={"job_id": str(job.id)}, at=at
    )
    session.add(job)


def enqueue(
    session: Session,
    actor: Actor | None,
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    organization_id: uuid.UUID | None = None,
    links: dict[str, str] | None = None,
    run_at: datetime | None = None,
) -> Job:
    """A new queued job of `kind`, for the actor's organization unless another is given.

    `links` (e.g. {"report": "/api/v1/reports/…"}) are shown with the job from the start;
    `run_at` holds it back until then (a retry later).
    """
    job = Job(
        kind=kind,
        payload={**(payload or {}), **({"links": links} if links else {})},
        organization_id=organization_id or (actor.organization_id if actor else None),
        created_by=actor.user_id if actor else None,
    )
    repository.add(session, job)
    _defer(session, job, run_at)
    return job


def get_visible(session: Session, actor: Actor, job_id: uuid.UUID) -> Job:
    """A job of the actor's organization; any other answers 404 like a missing one."""
    job = repository.get(session, job_id)
    if job is None or not actor.sees(job.organization_id):
        raise NotFound("job", job_id)
    return job


def retry(session: Session, actor: Actor, job: Job) -> Job:
    """Queue a failed job again, as it was."""
    if job.created_by != actor.user_id:
        # It runs again with its creator's authority: others need to coordinate.
        actor.require("admin", "coordinator")
    if job.status != "failed":
        raise Conflict(f"Only a failed job is retried; this one is {job.status}.")
    job.status, job.progress, job.error = "queued", 0, None
    job.started_at = job.finished_at = None
    session.add(job)
    _defer(session, job)
    session.flush()
    return job


def problem(
    status: int,
    title: str,
    detail: str,
    kind: str = "job-failed",
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:  # located problems (an import's sheet, row and column)
        body["errors"] = errors
    return body


def public(job: Job) -> JobPublic:
    links = {"self": f"/api/v1/jobs/{job.id}"}
    if job.status == "failed":
        links["retry"] = f"/api/v1/jobs/{job.id}/retry"
    links.update(job.payload.get("links") or {})
    if job.result:
        links.update(job.result.get("links") or {})
    return JobPublic(
        id=job.id,
        kind=job.kind,
        status=job.status,
        progress=job.progress,
        attempts=job.attempts,
        error=job.error,
        result=job.result,
        links=links,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )
