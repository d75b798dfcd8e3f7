"""The application factory: settings, database, middleware, error handlers and routers."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from app.alerts.router import router as alerts_router
from app.core import dbfaults, limits, metrics
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.core.docs import API_DESCRIPTION, OPENAPI_TAGS, install_docs
from app.core.errors import install_error_handlers
from app.core.lifecycle import install as install_lifecycle
from app.core.logging import configure_logging
from app.core.metrics import MetricsMiddleware, metrics_endpoint
from app.core.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from app.core.query import forbid_unknown_query_params
from app.cuts.router import router as cuts_router
from app.evidence.router import router as evidence_router
from app.evidence.storage import storage_from_url
from app.finance.router import router as finance_router
from app.followups.router import router as followups_router
from app.health.router import router as health_router
from app.jobs.router import router as jobs_router
from app.measurements.router import router as measurements_router
from app.organizations.router import router as organizations_router
from app.plans.router import router as plans_router
from app.reports.router import router as reports_router
from app.reports.storage import report_storage
from app.results.router import router as results_router
from app.revisions.router import router as revisions_router
from app.spreadsheets.reader import MAX_UPLOAD_BYTES as SPREADSHEET_MAX_BYTES
from app.spreadsheets.router import router as spreadsheets_router
from app.units.router import router as units_router
from app.users.router import auth_router
from app.users.router import router as users_router
from app.users.service import actor_for_token
from app.webhooks.router import router as webhooks_router

ROUTERS = [
    health_router,
    auth_router,
    organizations_router,
    units_router,
    users_router,
    # Before plans: /plans/workbook-template must not be read as /plans/{plan_id}.
    spreadsheets_router,
    plans_router,
    cuts_router,
    measurements_router,
    followups_router,
    evidence_router,
    results_router,
    alerts_router,
    finance_router,
    revisions_router,
    jobs_router,
    reports_router,
    webhooks_router,
]


def _operation_id(route: APIRoute) -> str:
    # Readable ids for client generators: `list_units`, `create_plan`, ...
    return route.name


def _body_limits(settings: Settings):
    """Batch imports and evidence uploads may be larger than ordinary JSON bodies."""
    import re

    batch = re.compile(r"^/api/v1/plans/[^/]+/(measurements|financial-execution)$")
    upload = re.compile(r"^/api/v1/cuts/[^/]+/followups/[^/]+/evidence$")
    workbook = re.compile(r"^/api/v1/plans/(import|[^/]+/import)$")

    def limit_for(method: str, path: str) -> int:
        if method == "POST" and batch.match(path):
            return settings.max_batch_body_bytes
        if method == "POST" and workbook.match(path):
            return SPREADSHEET_MAX_BYTES + 64 * 1024
        if method == "POST" and upload.match(path):
            # The file's own limit is enforced on its bytes; this bounds the whole form.
            return settings.evidence_max_bytes + 64 * 1024
        return settings.max_body_bytes

    return limit_for


# The results of a large plan allocate a few hundred thousand small objects per request; at
# the default threshold (700) the cyclic collector makes several full passes over the heap
# during one request, which doubled its latency in bench/results.py. Young collections
# every 50,000 allocations keep full passes rare.
GC_THRESHOLDS = (50_000, 20, 20)


def _job_queue_depth(app: FastAPI) -> None:
    if app.state.engine is not None:
        from app.jobs import repository as jobs_repository

        with app.state.engine.connect() as conn:
            metrics.set_job_queue_depth(jobs_repository.queued_count(conn))


metrics.before_scrape(_job_queue_depth)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    gc.set_threshold(*GC_THRESHOLDS)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await app.state.lifecycle.startup()
        if settings.jobs_worker_in_process and app.state.engine is not None:
            from app.jobs.worker import start_in_process

            # Stopped at SIGTERM with the other background work (app/core/lifecycle.py).
            worker = start_in_process(settings, app.state.engine)
            app.state.background_stoppers.append(worker.stop)
        yield
        await app.state.lifecycle.shutdown()
        if app.state.owns_engine and app.state.engine is not None:
            app.state.engine.dispose()

    app = FastAPI(
        title="Plan follow-up service",
        version="0.1.0",
        summary="Planes, indicadores, cortes, evidencias y resultados del seguimiento a los "
        "planes de las entidades públicas colombianas.",
        description=API_DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        # Served from local assets by install_docs().
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        dependencies=[Depends(forbid_unknown_query_params)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_lifecycle(app, settings)
    app.state.actor_for_token = actor_for_token  # for app.auth.deps, which cannot import users
    app.state.storage = storage_from_url(
        settings.storage_url, settings.evidence_dir or settings.data_dir / "evidence", "evidence"
    )
    app.state.report_storage = report_storage(settings)
    app.state.owns_engine = engine is None
    if engine is None and settings.database_url:
        engine = make_engine(settings.database_url, settings)
    # Without a database the app still builds (to write its OpenAPI schema); requests that
    # need the database answer 503.
    app.state.engine = engine

    install_error_handlers(app)
    dbfaults.install(app)  # database down or pool exhausted: 503 + Retry-After
    for router in ROUTERS:
        app.include_router(router)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)

    limits.install(app, settings)  # body read deadline (408), deep JSON (400)
    app.add_middleware(BodySizeLimitMiddleware, limit_for=_body_limits(settings))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "Location", "X-Request-ID"],
        )
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestContextMiddleware)
    limits.install_headers(app)  # nosniff, frame denial, referrer policy on every answer
    install_docs(app)  # /docs, /redoc; its CSP middleware is the outermost

    return app
