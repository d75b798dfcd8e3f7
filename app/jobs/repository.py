"""Every statement on jobs, and the one that puts a job on procrastinate's queue."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, text, update
from sqlmodel import Session, col

from app.core.models import utcnow
from app.jobs.models import Job

# The queue's versioned SQL function (procrastinate's own `defer_jobs` query calls it). Run on
# the caller's connection, the queue entry commits or rolls back with the `jobs` row: a job is
# never queued without its row, nor a row left without its queue entry.
_DEFER = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW("
    ":queue, :task, 0, NULL, NULL, CAST(:args AS jsonb), CAST(:at AS timestamptz)"
    ")::procrastinate_job_to_defer_v1])) AS id"
)


def get(session: Session, job_id: uuid.UUID) -> Job | None:
    return session.get(Job, job_id)


def add(session: Session, job: Job) -> Job:
    session.add(job)
    session.flush()
    return job


def defer(
    session: Session, *, queue: str, task: str, args: dict[str, Any], at: datetime | None = None
) -> int:
    return session.execute(
        _DEFER, {"queue": queue, "task": task, "args": json.dumps(args), "at": at}
    ).scalar_one()


def start(conn: Connection, job_id: uuid.UUID) -> Job | None:
    """queued (or running, after a worker died) -> running; None when there is nothing to do."""
    row = conn.execute(
        update(Job)
        .where(col(Job.id) == job_id, col(Job.status).in_(("queued", "running")))
        .values(
            status="running",
            attempts=col(Job.attempts) + 1,
            progress=0,
            error=None,
            started_at=utcnow(),
            updated_at=utcnow(),
        )
        # SQLModel sets __table__ on every table model but does not declare it.
        .returning(*Job.__table__.c)  # type: ignore[attr-defined]
    ).first()
    return None if row is None else Job.model_validate(row._mapping)


def set_progress(conn: Connection, job_id: uuid.UUID, pct: int) -> None:
    conn.execute(
        update(Job)
        .where(col(Job.id) == job_id, col(Job.status) == "running")
        .values(progress=pct, updated_at=utcnow())
    )


def finish(session: Session, job_id: uuid.UUID, result: dict[str, Any] | None) -> None:
    session.execute(
        update(Job)
        .where(col(Job.id) == job_id)
        .values(
            status="done", progress=100, result=result, finished_at=utcnow(), updated_at=utcnow()
        )
    )


def fail(conn: Connection, job_id: uuid.UUID, problem: dict[str, Any]) -> None:
    conn.execute(
        update(Job)
        .where(col(Job.id) == job_id)
        .values(status="failed", error=problem, finished_at=utcnow(), updated_at=utcnow())
    )


def list_for(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Job]:
    if not ids:
        return {}
    return {j.id: j for j in session.execute(select(Job).where(col(Job.id).in_(ids))).scalars()}


def queued_count(conn: Connection) -> int:
    """Jobs waiting for a worker (for the `job_queue_depth` metric)."""
    return conn.execute(select(func.count()).where(col(Job.status) == "queued")).scalar_one()
