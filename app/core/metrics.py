"""Prometheus metrics: what the service counts, the middleware that times requests, and the
`/metrics` endpoint.

Several worker processes (WEB_CONCURRENCY > 1, or several `serve` on one host) each count on
their own; with PROMETHEUS_MULTIPROC_DIR set to an empty directory, prometheus-client writes
every process's values there and `/metrics` adds them up (see README "Several machines").

`/metrics` is not public: it answers only `Authorization: Bearer $METRICS_TOKEN` and is 404
while METRICS_TOKEN is unset.

Hooks for other parts of the service (call these, never the metric objects' internals):

- `record_rows_imported(kind, n)`: rows written by an import (measurements batches).
- `set_job_queue_depth(n)`: jobs waiting (app.main sets it before each scrape).
- `observe_job(kind, seconds, outcome)`: once per job run; outcome "ok" or "failed".
- `record_report_rendered(fmt)`: once per generated report ("pdf", "xlsx", "docx", ...).
- `process_exiting()`: at a process's clean exit (the app's lifespan end, `serve` and `worker`
  returning): with PROMETHEUS_MULTIPROC_DIR, removes this process's files of "live" gauges
  (the pool gauges), so a worker that stopped is no longer summed into them.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy.pool import QueuePool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import Unauthorized

log = logging.getLogger(__name__)

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DB_POOL_IN_USE = Gauge(
    "db_pool_connections_in_use",
    "Database connections checked out of the pool.",
    multiprocess_mode="livesum",
)
DB_POOL_WAITING = Gauge(
    "db_pool_checkouts_waiting",
    "Threads asking the pool for a connection and not served yet.",
    multiprocess_mode="livesum",
)
ROWS_IMPORTED = Counter("rows_imported_total", "Rows written by imports.", ["kind"])
JOB_QUEUE_DEPTH = Gauge("job_queue_depth", "Jobs waiting to run.", multiprocess_mode="mostrecent")
JOB_DURATION = Histogram(
    "job_duration_seconds",
    "Time a job took to run, by kind and outcome.",
    ["kind", "outcome"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
)
REPORTS_RENDERED = Counter("reports_rendered_total", "Reports generated, by format.", ["format"])


def record_rows_imported(kind: str, n: int) -> None:
    if n:
        ROWS_IMPORTED.labels(kind).inc(n)


def set_job_queue_depth(n: int) -> None:
    JOB_QUEUE_DEPTH.set(n)


def observe_job(kind: str, seconds: float, outcome: str = "ok") -> None:
    JOB_DURATION.labels(kind, outcome).observe(seconds)


def record_report_rendered(fmt: str) -> None:
    REPORTS_RENDERED.labels(fmt).inc()


class InstrumentedQueuePool(QueuePool):
    """SQLAlchemy's default pool, counting connections in use and checkouts waiting."""

    def _do_get(self) -> Any:
        DB_POOL_WAITING.inc()
        try:
            conn = super()._do_get()
        finally:
            DB_POOL_WAITING.dec()
        DB_POOL_IN_USE.inc()
        return conn

    def _do_return_conn(self, record: Any) -> None:
        DB_POOL_IN_USE.dec()
        super()._do_return_conn(record)


class MetricsMiddleware:
    """Count and time every HTTP request by its route template (`/api/v1/plans/{plan_id}`),
    never its raw path, so ids do not become label values. Pure ASGI: streamed answers are
    timed to their last byte."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path_format", None) or getattr(route, "path", None)
            labels = (scope["method"], template or "unmatched", str(status))
            REQUESTS.labels(*labels).inc()
            LATENCY.labels(*labels).observe(time.perf_counter() - started)


# Called before each scrape: values that are facts of the database (the same from every
# replica) are read then, not pushed (app.main registers the job queue's depth).
_BEFORE_SCRAPE: list[Callable[[Any], None]] = []


def before_scrape(fn: Callable[[Any], None]) -> None:
    """Run `fn(app)` before each scrape of /metrics; its errors do not fail the scrape."""
    _BEFORE_SCRAPE.append(fn)


def process_exiting(pid: int | None = None) -> None:
    """This process (or `pid`) stops counting: with PROMETHEUS_MULTIPROC_DIR set, the files of
    its live gauges go (prometheus-client's `mark_process_dead`), its counters and histograms
    stay (a restart must not make a counter go back). A no-op without the directory; calling
    it twice is harmless. A worker killed with SIGKILL never gets here: its last pool gauges
    remain until the directory is emptied at the next start, as README "Metrics" asks."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid if pid is not None else os.getpid())


def _registry() -> CollectorRegistry | None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return None  # the default registry of this process


def metrics_endpoint(request: Request) -> Response:
    """Prometheus text format, for a scraper holding METRICS_TOKEN."""
    token = request.app.state.settings.metrics_token
    given = request.headers.get("authorization", "")
    if not token:
        raise StarletteHTTPException(404)  # not served on the API port: as if absent
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Unauthorized(
            "Metrics need the metrics token.", headers={"WWW-Authenticate": "Bearer"}
        )
    for fn in _BEFORE_SCRAPE:
        try:
            fn(request.app)
        except Exception:  # a database down must not hide the other metrics
            log.warning("a metrics collector failed", exc_info=True)
    registry = _registry()
    body = generate_latest(registry) if registry is not None else generate_latest()
    return Response(body, media_type=CONTENT_TYPE_LATEST)
