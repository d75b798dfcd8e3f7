"""The service's life: wait for a late database, drain on SIGTERM, stop background work.

Starting: `wait_for_database` retries with backoff and ends in one readable line, never a
traceback. Stopping (uvicorn, on SIGTERM): uvicorn stops accepting connections and lets the
requests in flight finish (up to SHUTDOWN_TIMEOUT_S); at the signal `Lifecycle` marks the
app as draining, so `/health/ready` answers 503, and asks the background work registered in
`app.state.background_stoppers` to stop; the lifespan's end waits for it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from types import FrameType

import psycopg
from sqlalchemy import make_url

from app.core.db import sqlalchemy_url

log = logging.getLogger(__name__)

# A callable that asks one piece of background work to stop (a job worker, a scheduler...)
# and returns (or returns an awaitable that ends) once it has stopped.
Stopper = Callable[[], Awaitable[None] | None]


class DatabaseUnavailable(Exception):
    """The database did not accept a connection in the time allowed; the message says so."""


def _describe(url: str) -> str:
    parsed = make_url(sqlalchemy_url(url))
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def _reason(exc: Exception) -> str:
    # libpq's first line says what failed ('connection to server at "db", port 5432 failed:
    # Connection refused'); keep what follows the last "failed: " (or the line itself).
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    return lines[0].rsplit(" failed: ", 1)[-1]


def wait_for_database(
    url: str,
    timeout_s: float,
    *,
    first_delay_s: float = 0.5,
    max_delay_s: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Return once the database accepts a connection (the number of tries it took).

    Between tries the delay doubles from `first_delay_s` up to `max_delay_s`; each failed
    try is one log line. Past `timeout_s` it raises DatabaseUnavailable.
    """
    dsn = sqlalchemy_url(url).replace("postgresql+psycopg://", "postgresql://", 1)
    where = _describe(url)
    deadline = clock() + timeout_s
    delay = first_delay_s
    attempt = 0
    while True:
        attempt += 1
        remaining = deadline - clock()
        try:
            connect_timeout = max(1, min(5, int(remaining)))
            with psycopg.connect(dsn, connect_timeout=connect_timeout):
                pass
        except psycopg.Error as exc:
            reason = _reason(exc)
            remaining = deadline - clock()
            if remaining <= 0:
                raise DatabaseUnavailable(
                    f"The database at {where} did not accept a connection within "
                    f"{timeout_s:g} s (DB_WAIT_TIMEOUT_S); last error: {reason}"
                ) from None
            wait = min(delay, remaining)
            log.warning(
                "database not reachable yet (try %d, %s); next try in %.1f s",
                attempt,
                reason,
                wait,
                extra={"database": where, "attempt": attempt},
            )
            sleep(wait)
            delay = min(delay * 2, max_delay_s)
        else:
            if attempt > 1:
                log.info("database reachable after %d tries", attempt, extra={"database": where})
            return attempt


class Lifecycle:
    """Draining state and background stoppers of one app (kept on `app.state.lifecycle`)."""

    def __init__(self, stoppers: list[Stopper], stop_timeout_s: float) -> None:
        self.draining = False
        self.stoppers = stoppers
        self.stop_timeout_s = stop_timeout_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Task | None = None
        self._restore: list[tuple[int, object]] = []

    async def startup(self) -> None:
        """Called at the lifespan's start: hook SIGTERM/SIGINT in front of the server's own."""
        # An app may be started again after a stop (test clients run one lifespan each).
        self.draining = False
        self._stopping = None
        self._loop = asyncio.get_running_loop()
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(sig)
            # Only in front of a server's handler (uvicorn's): a bare process (a test, a
            # script) keeps its default behaviour.
            if not callable(previous) or previous is signal.default_int_handler:
                continue
            self._restore.append((sig, previous))
            signal.signal(sig, self._chain(previous))

    def _chain(self, previous: Callable[[int, FrameType | None], object]):
        def on_signal(signum: int, frame: FrameType | None) -> None:
            self.begin_drain()
            previous(signum, frame)

        return on_signal

    def begin_drain(self) -> None:
        """From now on readiness answers 503 and background work is asked to stop."""
        if self.draining:
            return
        self.draining = True
        log.info("draining: /health/ready answers 503; requests in flight may finish")
        if self._loop is not None and not self._loop.is_closed():
            # Safe from a signal handler: it only writes to the loop's wake-up pipe.
            self._loop.call_soon_threadsafe(self._start_stopping)

    def _start_stopping(self) -> asyncio.Task:
        if self._stopping is None:
            self._stopping = asyncio.get_running_loop().create_task(self._stop_all())
        return self._stopping

    async def _stop_all(self) -> None:
        # The last started is stopped first.
        for stopper in reversed(self.stoppers):
            name = getattr(stopper, "__qualname__", repr(stopper))
            try:
                outcome = stopper()
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception:
                log.exception("background work failed to stop cleanly", extra={"stopper": name})

    async def shutdown(self) -> None:
        """Called at the lifespan's end (after the requests in flight): wait for the stoppers."""
        self.draining = True
        try:
            await asyncio.wait_for(
                asyncio.shield(self._start_stopping()), timeout=self.stop_timeout_s
            )
        except TimeoutError:
            log.error(
                "background work still running after %g s (SHUTDOWN_TIMEOUT_S); leaving it",
                self.stop_timeout_s,
            )
        for sig, previous in self._restore:
            signal.signal(sig, previous)
        self._restore.clear()


def install(app, settings) -> None:
    """Give `app` its life-cycle state; the lifespan calls its startup() and shutdown().

    Background work started in the lifespan appends its stopper to
    `app.state.background_stoppers`. The migration heads the readiness probe compares with
    are read from the scripts once, here, not on every probe.
    """
    from app.core.migrations import head_revisions

    app.state.background_stoppers = []
    app.state.lifecycle = Lifecycle(app.state.background_stoppers, settings.shutdown_timeout_s)
    app.state.expected_heads = head_revisions()
