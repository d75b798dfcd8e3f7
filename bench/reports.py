"""Benchmark of report generation: a 5,000-indicator plan's report, through the job queue.

    python -m bench.reports [--indicators 5000]

The plan is bench/results.py's (5 axes x 10 programs x N subprograms, 10 indicators per leaf,
20 units, twelve monthly cuts). The report of its last cut is asked for through the ASGI app
(POST /cuts/{id}/reports: one statement on the state of the source rows, then queued), then a
worker in a separate process takes the job off the PostgreSQL queue and renders it; that
process's wall time and peak resident memory are what is printed, for XLSX and (when
app.reports.pdf exists) PDF. Goal: under 30 s and 500 MB each.

With DATABASE_URL set, a fresh database is created on that server and dropped afterwards;
unset, a throwaway embedded PostgreSQL is started.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from app.core.config import Settings
from app.core.db import make_engine
from app.main import create_app
from bench.common import database, platform_token
from bench.results import generate_plan

GOAL_SECONDS, GOAL_MB = 30, 500


def _settings(url: str, reports_dir: str) -> Settings:
    return Settings(
        database_url=url,
        log_level="WARNING",
        log_json=False,
        reports_dir=Path(reports_dir),
        jobs_worker_in_process=False,
    )


def run_jobs(url: str, reports_dir: str) -> None:
    """The worker process: run the queued jobs, print wall seconds and peak RSS as JSON."""
    from app.jobs import worker

    settings = _settings(url, reports_dir)
    engine = make_engine(url, settings)
    start = time.perf_counter()
    worker.run_pending(settings, engine)
    seconds = time.perf_counter() - start
    engine.dispose()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # typst, when it runs apart
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    peak_kib = max(own.ru_maxrss, children.ru_maxrss)  # KiB on Linux
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_mb": peak_kib / 1024}))


async def _post(app, token: str, cut_id, fmt: str) -> tuple[dict, float]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://bench",
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    ) as client:
        (await client.get(f"/api/v1/cuts/{cut_id}")).raise_for_status()  # warm-up
        start = time.perf_counter()
        r = await client.post(f"/api/v1/cuts/{cut_id}/reports", json={"format": fmt})
        elapsed = time.perf_counter() - start
        r.raise_for_status()
        return r.json(), elapsed


async def _get(app, token: str, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://bench",
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    ) as client:
        r = await client.get(path)
        r.raise_for_status()
        return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indicators", type=int, default=5000, help="a multiple of 500")
    parser.add_argument("--run-jobs", nargs=2, metavar=("URL", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_jobs:
        run_jobs(*args.run_jobs)
        return

    formats = ["xlsx"]
    if importlib.util.find_spec("app.reports.pdf") is not None:
        formats.append("pdf")
    with database() as url, tempfile.TemporaryDirectory(prefix="plan-followup-reports-") as tmp:
        settings = _settings(url, tmp)
        engine = make_engine(url, settings)
        started = time.perf_counter()
        plan = generate_plan(
            engine, code="GRANDE", subprograms=max(1, args.indicators // 500), seed=1
        )
        token = platform_token(engine)
        print(
            f"generated {plan['indicators']} indicators, {plan['actions']} actions, "
            f"{plan['nodes']} nodes in {time.perf_counter() - started:.1f} s"
        )
        app = create_app(settings, engine=engine)
        print(
            f"{'format':6} {'POST s':>7} {'job s':>6} {'worker s':>8} {'CPU s':>6} {'peak MB':>8} "
            f"{'KiB':>7}  goal (<{GOAL_SECONDS} s, <{GOAL_MB} MB)"
        )
        for fmt in formats:
            job, post_s = asyncio.run(_post(app, token, plan["cut_ids"][-1], fmt))
            worker = subprocess.run(  # noqa: S603 - this very module, our own arguments
                [sys.executable, "-m", "bench.reports", "--run-jobs", url, tmp],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": os.getcwd()},
            )
            figures = json.loads(worker.stdout.strip().splitlines()[-1])
            done = asyncio.run(_get(app, token, f"/api/v1/jobs/{job['id']}")).json()
            if done["status"] != "done":
                print(f"{fmt}: job {done['status']}: {done['error']}")
                continue
            from datetime import datetime

            job_s = (
                datetime.fromisoformat(done["finished_at"])
                - datetime.fromisoformat(done["started_at"])
            ).total_seconds()
            size = len(asyncio.run(_get(app, token, done["links"]["content"])).content)
            ok = figures["seconds"] < GOAL_SECONDS and figures["peak_mb"] < GOAL_MB
            print(
                f"{fmt:6} {post_s:>7.1f} {job_s:>6.1f} {figures['seconds']:>8.1f} "
                f"{figures['cpu_s']:>6.1f} "
                f"{figures['peak_mb']:>8.0f} {size / 1024:>7.0f}  {'met' if ok else 'MISSED'}"
            )
        print(
            "POST s: the request (compares the state of the source rows); job s: the job from "
            "start to done; worker s / CPU s / peak MB: the worker process (start-up included; "
            "CPU s counts its children, and unlike the wall clock not the neighbours' load)."
        )
        engine.dispose()


if __name__ == "__main__":
    main()
