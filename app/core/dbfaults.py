"""Database faults (server down, restarting, connection dropped, pool exhausted) answer 503.

A request that cannot reach PostgreSQL is not a bug of the service: the client is told to
retry (problem+json, `Retry-After`), never a 500, and the next request finds the pool
reconnected (app/core/db.py drops closed connections at checkout without a round trip, and
SQLAlchemy invalidates the pool when a connection drops).

A connection the server is ending at the very moment it is handed out (the server's message
not arrived yet) fails its first statement: a GET or HEAD that failed so is run once more on
a fresh connection (`RetryReadOnDisconnect`), so readers do not see the 503 of a restart.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


# Set in the request's state when the database dropped the connection under it.
DISCONNECTED = "database_disconnected"


class RetryReadOnDisconnect:
    """Pure ASGI: a GET or HEAD answered 503 because its connection was found dropped is run
    once more (the pool has been invalidated: the retry gets a fresh connection)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold_dropped(message: Message) -> None:
            if held or (
                message["type"] == "http.response.start"
                and message["status"] == 503
                and scope.get("state", {}).get(DISCONNECTED)
            ):
                held.append(message)
                return
            await send(message)

        await self.app(scope, receive, hold_dropped)
        if not held:
            return
        log.warning("read retried after a dropped connection", extra={"path": scope["path"]})
        scope["state"].pop(DISCONNECTED, None)

        async def no_body() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        await self.app(scope, no_body, send)


def install(app: FastAPI) -> None:
    app.add_middleware(RetryReadOnDisconnect)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            setattr(request.state, DISCONNECTED, True)
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
