"""HTTP benchmark through real uvicorn processes on loopback, with wrk as the load generator.

    python -m bench.http [--duration 10] [--rounds 2] [--quick]

Three servers on one fresh database (DATABASE_URL's server, or a throwaway embedded
PostgreSQL), started the way production starts them (`plan-followup serve`, same pool
settings, request logs at the default level into /dev/null):
- the baseline: a bare sync FastAPI endpoint running a pooled `select 1` (bench/select1.py,
  one worker, the service's `make_engine`);
- the service with one worker, and the service with two workers.

wrk (2 threads, 32 connections, `--duration` seconds each) runs, alternated `--rounds`
times in one run: select 1; `GET /api/v1/indicators/{id}` with a bearer token; `GET
/health/ready`; the same indicator GET on two workers. Ratios are of summed requests/s over
the rounds, so both sides of a ratio see the same machine. Then the peak memory a worker adds
while serving the 5,000-indicator plan's results (computed, not cached: the plan's data
version is raised before each call) over what it holds after serving small requests (Linux:
VmHWM after resetting it through /proc/<pid>/clear_refs).

Without wrk (Debian package `wrk`), it is installed with apt-get when running as root;
otherwise the wrk lines are skipped with a message saying how to install it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from sqlalchemy import Engine, text

from app.core.config import Settings
from app.core.db import make_engine
from bench.common import database
from bench.results import generate_plan, platform_token

WRK_THREADS = 2
WRK_CONNECTIONS = 32
BIN = Path(sys.executable).parent


def ensure_wrk() -> str | None:
    """The wrk executable, installing Debian's package as root; None with a message if not."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Debian's wrk (apt-get install -y wrk)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        apt = shutil.which("apt-get") or "apt-get"
        install = [apt, "install", "-y", "-qq", "wrk"]
        if subprocess.call(install, **quiet) != 0:  # noqa: S603 - fixed command line
            subprocess.call([apt, "update", "-qq"], **quiet)  # noqa: S603
            subprocess.call(install, **quiet)  # noqa: S603
        found = shutil.which("wrk")
        if found:
            return found
    print(
        "wrk is absent: the HTTP throughput lines are skipped. Install it with "
        "`apt-get install wrk` (as root; Debian's package) and run `make bench` again."
    )
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(command: list[str], url: str, workers: int, probe: str):
    """A server process on a free loopback port; yields (base URL, process)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"WEB_CONCURRENCY", "HOST", "PORT"}}
    env.update(
        DATABASE_URL=url,
        MIGRATE_ON_START="false",
        JOBS_WORKER_IN_PROCESS="false",
        LOG_JSON="true",
    )
    args = [*command, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(  # noqa: S603 - our own servers
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{' '.join(args)} exited with {proc.returncode}")
            try:
                if httpx.get(base + probe, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(args)} did not answer {probe} within 60 s")
            time.sleep(0.2)
        yield base, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def service(url: str, workers: int):
    return server([str(BIN / "plan-followup"), "serve"], url, workers, "/health/ready")


def baseline(url: str):
    command = [str(BIN / "uvicorn"), "--factory", "bench.select1:create_app", "--no-access-log"]
    return server(command, url, 1, "/select1")


def wrk(exe: str, url: str, seconds: float, headers: dict[str, str]) -> float:
    """Requests per second; every answer must be a 2xx."""
    args = [exe, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds:g}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(  # noqa: S603 - wrk on our own loopback servers
        [*args, url], capture_output=True, text=True, check=True
    ).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError(f"{url}: {bad.group(1)} answers were not 2xx\n{out}")
    errors = re.search(r"Socket errors: (.*)", out)
    if errors:
        print(f"  ({url}: socket errors {errors.group(1)})")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def bump(engine: Engine, plan_id) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE plans SET data_version = data_version + 1 WHERE id = :id"),
            {"id": plan_id},
        )


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def peak_rss_added(base: str, pid: int, engine: Engine, plan: dict, token: str, calls: int):
    """(MB added at peak over the worker's resident memory after small requests, bytes of
    one answer, seconds per call)."""
    auth = {"Authorization": f"Bearer {token}"}
    results = f"{base}/api/v1/cuts/{plan['cut_ids'][-1]}/results"
    with httpx.Client(headers=auth, timeout=300) as client:
        for _ in range(20):  # small requests: what a worker holds when idle between them
            client.get(f"{base}/api/v1/plans/{plan['plan_id']}").raise_for_status()
        before = _kib(pid, "VmRSS")
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
        size, started = 0, time.perf_counter()
        for _ in range(calls):
            bump(engine, plan["plan_id"])
            r = client.get(results)
            r.raise_for_status()
            size = len(r.content)
        elapsed = (time.perf_counter() - started) / calls
        peak = _kib(pid, "VmHWM")
    return (peak - before) / 1024, size, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the wrk runs")
    parser.add_argument("--quick", action="store_true", help="4 s per wrk run, one round")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rounds = 4, 1
    exe = ensure_wrk()

    with database() as url:
        settings = Settings(database_url=url, log_level="WARNING", log_json=False)
        engine = make_engine(url, settings)
        started = time.perf_counter()
        plan = generate_plan(engine, code="GRANDE", subprograms=10, seed=1)
        token = platform_token(engine)
        with engine.connect() as conn:
            indicator = conn.execute(
                text("SELECT id FROM indicators WHERE plan_id = :p ORDER BY code LIMIT 1"),
                {"p": plan["plan_id"]},
            ).scalar_one()
        print(
            f"generated {plan['indicators']} indicators in {time.perf_counter() - started:.1f} s;"
            f" {os.cpu_count()} cores, shared with the load generator"
        )
        auth = {"Authorization": f"Bearer {token}"}
        figures: dict[str, float | None] = {}
        with ExitStack() as stack:
            one, one_proc = stack.enter_context(service(url, 1))
            mb, size, seconds = peak_rss_added(one, one_proc.pid, engine, plan, token, 3)
            print(
                f"GET /cuts/{{id}}/results, {plan['indicators']} indicators "
                f"({size / 1024:.0f} KiB), computed: {seconds * 1000:.0f} ms per call over "
                f"sockets, peak resident memory added {mb:.1f} MB (one worker)"
            )
            figures["results_5000_peak_rss_mb"] = mb
            if exe:
                select1, _ = stack.enter_context(baseline(url))
                two, _ = stack.enter_context(service(url, 2))
                by_id = f"/api/v1/indicators/{indicator}"
                runs = {
                    "select 1 (bare FastAPI, 1 worker)": (f"{select1}/select1", {}),
                    "GET /indicators/{id} (1 worker)": (one + by_id, auth),
                    "GET /health/ready (1 worker)": (f"{one}/health/ready", {}),
                    "GET /indicators/{id} (2 workers)": (two + by_id, auth),
                }
                for target, headers in runs.values():  # warm up every process
                    wrk(exe, target, 1, headers)
                rates: dict[str, list[float]] = {name: [] for name in runs}
                for _ in range(args.rounds):
                    for name, (target, headers) in runs.items():
                        rates[name].append(wrk(exe, target, args.duration, headers))
                print(
                    f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS}, {args.duration:g} s per run, "
                    f"{args.rounds} round(s) alternated, requests/s:"
                )
                for name, values in rates.items():
                    print(f"  {name:36} " + "  ".join(f"{v:8.0f}" for v in values))
                names = list(runs)
                total = {name: sum(values) for name, values in rates.items()}
                figures["get_by_id_vs_select1"] = total[names[1]] / total[names[0]]
                figures["ready_vs_select1"] = total[names[2]] / total[names[0]]
                figures["workers_2_vs_1"] = total[names[3]] / total[names[1]]
        engine.dispose()

    for name in ("get_by_id_vs_select1", "ready_vs_select1", "workers_2_vs_1"):
        value = figures.get(name)
        print(f"bench: {name}=" + ("skipped (no wrk)" if value is None else f"{value:.2f}"))
    print(f"bench: results_5000_peak_rss_mb={figures['results_5000_peak_rss_mb']:.1f}")


if __name__ == "__main__":
    main()
