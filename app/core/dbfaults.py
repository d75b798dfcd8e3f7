"""Database faults (server down, restarting, connection dropped, pool exhausted) answer 503.

A request that cannot reach PostgreSQL is not a bug of the service: the client is told to
retry (problem+json, `Retry-After`), never a 500, and the next request finds the pool
reconnected (app/core/db.py drops closed connections at checkout without a round trip, and
SQLAlchemy invalidates the pool when a connection drops).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.core.errors import problem

log = logging.getLogger(__name__)

# Seconds a client waits before retrying; a restart of PostgreSQL takes a second or two.
RETRY_AFTER_S = 2


def unavailable(request: Request) -> JSONResponse:
    return problem(
        503,
        "The database is unavailable for the moment; retry shortly.",
        headers={"Retry-After": str(RETRY_AFTER_S)},
        request=request,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(request: Request, exc: DBAPIError) -> JSONResponse:
        # psycopg.OperationalError: connection refused or lost, server shutting down or in
        # recovery, statement timeout, serialization failure: all worth a retry.
        log.warning(
            "database unavailable",
            extra={"path": request.url.path, "error": type(exc.orig).__name__},
        )
        return unavailable(request)

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(request: Request, exc: PoolTimeout) -> JSONResponse:
        log.warning("database pool exhausted", extra={"path": request.url.path})
        return unavailable(request)
