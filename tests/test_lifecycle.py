"""The service's life cycle through real processes: migrating together, a late database,
SIGTERM during an import (issue 20). Plus the drain state and the backoff, in-process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import subprocess
import threading
from datetime import date, timedelta

import httpx
import psycopg
import pytest
from sqlalchemy import make_url

from app.core.db import sqlalchemy_url
from app.core.lifecycle import DatabaseUnavailable, Lifecycle, wait_for_database
from app.core.migrations import head_revisions
from app.demo.client import AsgiClient
from app.main import create_app
from tests.processes import (
    PATIENCE_S,
    cli,
    dsn,
    env_for,
    free_port,
    running_services,
    with_port,
)


@pytest.fixture
def services():
    yield from running_services()


# --- migrations once ---------------------------------------------------------------------


def test_four_migrators_at_once_on_a_fresh_database(fresh_database):
    url = fresh_database()
    procs = [
        subprocess.Popen(  # noqa: S603
            cli("migrate"),
            env=env_for(url),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=PATIENCE_S)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], "\n".join(outputs)
    with psycopg.connect(dsn(url)) as conn:
        versions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    assert versions == sorted(head_revisions())
    # Exactly one of them applied the scripts; the others found the schema at head.
    applied = [out for out in outputs if "Running upgrade  ->" in out]
    assert len(applied) == 1


# --- a late database ---------------------------------------------------------------------


class LateProxy:
    """A TCP port that accepts nothing until open(), then forwards to the real server."""

    def __init__(self, upstream_url: str) -> None:
        parsed = make_url(sqlalchemy_url(upstream_url))
        self.upstream = (parsed.host or "127.0.0.1", parsed.port or 5432)
        self.port = free_port()
        self._server: socket.socket | None = None

    def open(self) -> None:
        self._server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(src, dst), daemon=True).start()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def test_a_late_database_the_service_waits_then_serves(fresh_database, services):
    real = fresh_database()
    proxy = LateProxy(real)
    url = with_port(real, proxy.port)
    try:
        service = services(url, DB_WAIT_TIMEOUT_S="300")
        # The port opens only once the service has said it is waiting: no race with its start.
        first = service.wait_for_line("database not reachable yet")
        assert "(try 1, Connection refused); next try in 0.5 s" in first
        proxy.open()
        service.wait_for_line("database reachable after")
        service.wait_ready()
        assert service.stop() == 0
    finally:
        proxy.close()
    assert "Traceback" not in "".join(service.lines)


def test_a_database_that_never_opens_exits_with_one_line(server_url):
    url = with_port(server_url, free_port())  # nothing listens there
    done = subprocess.run(  # noqa: S603
        cli("migrate"),
        env=env_for(url, DB_WAIT_TIMEOUT_S="2"),
        capture_output=True,
        text=True,
        timeout=PATIENCE_S,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    tries = [line for line in lines if "database not reachable yet" in line]
    assert len(tries) >= 1
    port = make_url(sqlalchemy_url(url)).port
    assert lines[-1] == (
        f"plan-followup: The database at 127.0.0.1:{port}/{make_url(url).database} "
        "did not accept a connection within 2 s (DB_WAIT_TIMEOUT_S); "
        "last error: Connection refused"
    )


def test_sigterm_while_waiting_for_the_database_stops_at_once(server_url, services):
    # As a container's PID 1 a process without a SIGTERM handler would ignore it.
    service = services(with_port(server_url, free_port()), DB_WAIT_TIMEOUT_S="300")
    service.wait_for_line("database not reachable yet")
    assert service.stop() == 0
    assert "Traceback" not in "".join(service.lines)


def test_the_backoff_doubles_up_to_its_ceiling():
    # A port nothing listens on, a fake clock: which waits, how many tries, what it says.
    now = [0.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    url = f"postgresql://nobody@127.0.0.1:{free_port()}/db"
    with pytest.raises(DatabaseUnavailable, match=r"within 20 s \(DB_WAIT_TIMEOUT_S\)"):
        wait_for_database(url, 20, clock=lambda: now[0], sleep=sleep)
    assert waits == [0.5, 1, 2, 4, 5, 5, 2.5]


# --- draining and stopping ---------------------------------------------------------------


def test_readiness_answers_503_once_draining(settings, engine):
    app = create_app(settings, engine=engine)
    client = AsgiClient(app)
    try:
        assert client.get("/health/ready").status_code == 200
        app.state.lifecycle.begin_drain()
        answer = client.get("/health/ready")
        assert answer.status_code == 503
        assert answer.json()["detail"] == "The service is shutting down."
        assert client.get("/health").status_code == 200  # alive, just not taking new work
    finally:
        client.close()


def test_background_stoppers_run_once_last_started_first():
    stopped: list[str] = []

    async def stop_worker() -> None:
        await asyncio.sleep(0)
        stopped.append("worker")

    def stop_scheduler() -> None:
        stopped.append("scheduler")

    def broken() -> None:
        raise RuntimeError("a stopper that fails does not keep the others from running")

    async def life() -> None:
        lifecycle = Lifecycle([stop_worker, broken, stop_scheduler], stop_timeout_s=5)
        await lifecycle.startup()
        lifecycle.begin_drain()  # what SIGTERM does
        lifecycle.begin_drain()  # a second signal changes nothing
        await lifecycle.shutdown()

    asyncio.run(life())
    assert stopped == ["scheduler", "worker"]


def test_an_app_started_again_after_a_stop_is_ready_again(settings, engine):
    # Test clients (schemathesis's among them) run one lifespan per client on the same app.
    app = create_app(settings, engine=engine)

    async def run_twice() -> list[int]:
        statuses = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            for _ in range(2):
                async with app.router.lifespan_context(app):
                    statuses.append((await client.get("/health/ready")).status_code)
        return statuses

    assert asyncio.run(run_twice()) == [200, 200]
    assert app.state.lifecycle.draining


# --- SIGTERM while an import is in flight ------------------------------------------------

N = 10_000
INDICATORS = 100
PASSWORD = "correct horse battery staple"


def _plan_for_import(base: str) -> tuple[str, str, bytes]:
    """A platform admin's token, a plan with 100 indicators, a 10,000-value batch body."""
    with httpx.Client(base_url=base, timeout=60) as c:
        login = c.post("/api/v1/auth/login", json={"username": "root", "password": PASSWORD})
        token = login.json()["access_token"]
        c.headers["Authorization"] = f"Bearer {token}"
        org = c.post("/api/v1/organizations", json={"code": "sig", "name": "Sigterm"}).json()
        plan = c.post(
            "/api/v1/plans",
            json={
                "organization_id": org["id"],
                "kind": "other",
                "code": "P",
                "name": "P",
                "first_year": 2023,
                "last_year": 2023,
                "levels": ["Objetivo"],
            },
        ).json()
        c.post(f"/api/v1/plans/{plan['id']}/nodes", json={"code": "O1", "name": "O"})
        for i in range(INDICATORS):
            created = c.post(
                f"/api/v1/plans/{plan['id']}/indicators",
                json={"code": f"I{i:04d}", "name": f"I{i}", "node_code": "O1"},
            )
            assert created.status_code == 201, created.text
    start = date(2023, 1, 1)
    items = [
        {
            "indicator_code": f"I{i % INDICATORS:04d}",
            "period_end": (start + timedelta(days=i // INDICATORS)).isoformat(),
            "value": i % 997,
        }
        for i in range(N)
    ]
    return token, plan["id"], json.dumps({"items": items}).encode()


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _import_interrupted_by_sigterm(url: str, services, **env: str):
    """Start a service, begin a 10,000-value import, SIGTERM it, then send the body.

    Returns the service, the HTTP status (None: no answer), the body, and the plan's rows.
    """
    made = subprocess.run(  # noqa: S603
        cli("create-admin", "--username", "root"),
        env=env_for(url, PLAN_FOLLOWUP_ADMIN_PASSWORD=PASSWORD),
        capture_output=True,
        text=True,
        timeout=PATIENCE_S,
    )
    assert made.returncode == 0, made.stderr
    service = services(url, **env)  # migrates at start (MIGRATE_ON_START's default)
    service.wait_ready()
    token, plan_id, body = _plan_for_import(service.base)

    # `Expect: 100-continue`: the server answers "100 Continue" when the app starts reading
    # the body, so SIGTERM is sent while this request is certainly being handled.
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=PATIENCE_S)
    status, answer = None, b""
    with sock:
        sock.sendall(
            (
                f"POST /api/v1/plans/{plan_id}/measurements HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{service.port}\r\n"
                f"Authorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n"
                "Expect: 100-continue\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
        )
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            interim += sock.recv(1)
        assert interim.startswith(b"HTTP/1.1 100")

        service.proc.send_signal(signal.SIGTERM)
        service.wait_for_line("Shutting down")  # uvicorn no longer accepts connections
        with contextlib.suppress(OSError):  # past the timeout the server may hang up
            sock.sendall(body)  # the whole body arrives after the signal
            status, answer = _read_response(sock)

    assert service.proc.wait(timeout=PATIENCE_S) == 0
    with psycopg.connect(dsn(url)) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM measurements m JOIN indicators i ON i.id = m.indicator_id "
            "WHERE i.plan_id = %s",
            (plan_id,),
        ).fetchone()
    return service, status, answer, count


def test_sigterm_during_a_10000_value_import_finishes_it_then_exits_0(fresh_database, services):
    service, status, answer, count = _import_interrupted_by_sigterm(fresh_database(), services)
    assert status == 200, answer
    result = json.loads(answer)
    assert (result["created"], result["rejected"]) == (N, [])
    assert count == N
    log = "".join(service.lines)
    assert "draining: /health/ready answers 503" in log
    assert "Traceback" not in log
    # A new connection after the signal is refused: the port is closed.
    with pytest.raises(httpx.TransportError):
        httpx.get(service.base + "/health/ready", timeout=5)


def test_sigterm_past_the_shutdown_timeout_writes_all_or_nothing(fresh_database, services):
    # A timeout far below the import's time: uvicorn cancels the request. One request is one
    # transaction, so its rows are all there (it had committed) or none are; never half.
    service, status, answer, count = _import_interrupted_by_sigterm(
        fresh_database(), services, SHUTDOWN_TIMEOUT_S="0.01"
    )
    assert "timeout graceful shutdown exceeded" in "".join(service.lines)
    # Cancelled before it answered: uvicorn answers 500 if it can, or the connection closes.
    assert status in (None, 500, 200), answer
    assert count in (0, N), f"half an import: {count} rows (answer {status})"
    if status == 200:
        assert count == N
