"""Liveness and readiness probes for orchestrators and the quick start."""

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from app.core.errors import problem, problem_responses
from app.health.repository import schema_revisions

router = APIRouter(prefix="/health", tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    schema_revision: str | None


@router.get("", response_model=Health, name="get_health")
async def get_health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready", response_model=Readiness, name="get_readiness", responses=problem_responses(503)
)
async def get_readiness(request: Request):
    # async, with the one query in the thread pool: a sync endpoint would also validate its
    # answer in the thread pool (two hops per probe instead of one).
    state = request.app.state
    if state.lifecycle.draining:
        # SIGTERM received: load balancers stop sending while requests in flight finish.
        return problem(503, "The service is shutting down.", request=request)
    engine = state.engine
    if engine is None:
        return problem(503, "No database is configured (set DATABASE_URL).", request=request)
    try:
        try:
            revisions = await run_in_threadpool(schema_revisions, engine)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            # A pooled connection the server had just ended (the pool is invalidated now).
            revisions = await run_in_threadpool(schema_revisions, engine)
    except Exception:  # any failure means "not ready", said without internals
        return problem(503, "The database is not reachable or has no schema.", request=request)
    # The heads were read from the migration scripts once, when the app was built.
    if revisions != state.expected_heads:
        return problem(
            503,
            "The database schema is not at the latest migration (run `alembic upgrade head`).",
            request=request,
        )
    return Readiness(status="ready", database="ok", schema_revision=",".join(sorted(revisions)))
