"""The worker: procrastinate takes jobs off the queue and runs their registered handler.

One procrastinate task (`plan_followup.run_job`) carries our job's id; it marks the job
running, calls the handler of its kind with a session, and commits the handler's writes
together with the job's result (or rolls them back and records the failure). Handlers are
found by importing service.HANDLER_MODULES: a feature that adds a job kind adds its module
there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass

import procrastinate
from sqlalchemy import Engine
from sqlmodel import Session

from app.core import metrics
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.core.errors import DomainError
from app.jobs import repository, service

log = logging.getLogger(__name__)


@dataclass
class _Runtime:
    settings: Settings
    engine: Engine


_runtime: _Runtime | None = None


def configure(settings: Settings, engine: Engine) -> None:
    """Which database and settings the handlers of this process use."""
    global _runtime
    _runtime = _Runtime(settings, engine)
    service.load_handlers()


def _current() -> _Runtime:
    if _runtime is None:
        settings = get_settings()
        if not settings.database_url:
            raise RuntimeError("DATABASE_URL is not set")
        configure(settings, make_engine(settings.database_url, settings))
    if _runtime is None:  # configure sets it
        raise RuntimeError("the worker's runtime is not configured")
    return _runtime


def _unexpected(exc: BaseException, job_id: uuid.UUID) -> dict:
    return service.problem(
        500,
        "Job failed",
        f"The job stopped on an unexpected error ({type(exc).__name__}); the worker's log "
        f"has the details under job {job_id}. Retry it once the cause is fixed.",
    )


def run_job(job_id: str) -> None:
    """The procrastinate task: run one of our jobs to its end (done or failed)."""
    runtime = _current()
    jid = uuid.UUID(job_id)
    with runtime.engine.begin() as conn:
        job = repository.start(conn, jid)
    if job is None:
        log.info("job has nothing left to do", extra={"job_id": job_id})
        return
    registered = service.HANDLERS.get(job.kind)
    if registered is None:
        with runtime.engine.begin() as conn:
            repository.fail(
                conn,
                jid,
                service.problem(500, "Job failed", f"No handler for jobs of kind {job.kind!r}."),
            )
        return
    started = time.perf_counter()
    try:
        with Session(runtime.engine, expire_on_commit=False) as session:
            ctx = service.JobContext(
                job_id=jid,
                kind=job.kind,
                organization_id=job.organization_id,
                created_by=job.created_by,
                payload=job.payload,
                attempt=job.attempts,
                session=session,
                settings=runtime.settings,
                engine=runtime.engine,
            )
            result = registered.run(ctx)
            repository.finish(session, jid, result)
            session.commit()
        metrics.observe_job(job.kind, time.perf_counter() - started, "ok")
    except DomainError as exc:
        metrics.observe_job(job.kind, time.perf_counter() - started, "failed")
        log.warning("job failed", extra={"job_id": job_id, "kind": job.kind, "reason": exc.detail})
        with runtime.engine.begin() as conn:
            repository.fail(
                conn,
                jid,
                service.problem(exc.status, "Job failed", exc.detail, errors=exc.errors),
            )
    except Exception as exc:
        metrics.observe_job(job.kind, time.perf_counter() - started, "failed")
        log.exception("job failed unexpectedly", extra={"job_id": job_id, "kind": job.kind})
        with runtime.engine.begin() as conn:
            repository.fail(conn, jid, _unexpected(exc, jid))


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def make_app(database_url: str) -> procrastinate.App:
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=libpq_url(database_url), min_size=1, max_size=4
        )
    )
    app.task(name=service.TASK_NAME, queue=service.DEFAULT_QUEUE)(run_job)
    return app


async def _requeue_stalled(app: procrastinate.App) -> None:
    # Jobs a dead worker left running (no heartbeat) go back to the queue.
    for job in await app.job_manager.get_stalled_jobs():
        log.warning("requeueing a stalled job", extra={"queue_job_id": job.id})
        await app.job_manager.retry_job(job)


async def run_async(
    settings: Settings,
    engine: Engine,
    *,
    wait: bool = True,
    concurrency: int = 1,
    install_signal_handlers: bool = False,
) -> None:
    """Run a worker until cancelled (or, with wait=False, until the queue is empty)."""
    configure(settings, engine)
    if not settings.database_url:
        raise RuntimeError("DATABASE_URL is not set")
    app = make_app(settings.database_url)
    async with app.open_async():
        await _requeue_stalled(app)
        await app.run_worker_async(
            wait=wait,
            concurrency=concurrency,
            install_signal_handlers=install_signal_handlers,
            name="plan-followup",
            # Our `jobs` table keeps the record; the queue keeps only what is still to do
            # (run_job records failures itself, so every queue entry ends successful).
            delete_jobs="successful",
        )


def run_pending(settings: Settings, engine: Engine) -> None:
    """Run every queued job now, then return (tests, scripts)."""
    asyncio.run(run_async(settings, engine, wait=False))


class InProcessWorker:
    """A worker running as a task of the service's event loop (`make run`)."""

    def __init__(self, task: asyncio.Task) -> None:
        self.task = task

    async def stop(self) -> None:
        # procrastinate stops taking jobs and lets the running one finish.
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def start_in_process(settings: Settings, engine: Engine) -> InProcessWorker:
    async def run() -> None:
        delay = 1.0
        while True:
            try:
                await run_async(settings, engine, concurrency=settings.jobs_worker_concurrency)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database went away (restart, failover): the API answers 503 meanwhile,
                # and the worker starts again once it can, without restarting the service.
                log.exception("the in-process job worker stopped; starting it again")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    log.info("job worker started inside the service")
    return InProcessWorker(asyncio.get_running_loop().create_task(run(), name="job-worker"))
