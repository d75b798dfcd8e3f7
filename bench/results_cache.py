"""Benchmark of the results cache: a 5,000-indicator plan's results, warm (cached) and cold.

    python -m bench.results_cache [--indicators 5000] [--cold 15] [--warm 60]

The plan is bench.results' large plan (5 x 10 x N nodes, 10 indicators per leaf, monthly
programming and measurements). GET /cuts/{id}/results is called through the ASGI app (no
sockets) at the 12th monthly cut:
- cold: the first read after a change; before each timed call the plan's data version is
  raised (what every write does), so the answer is computed and stored again;
- warm: nothing changed since the last read; the answer is one lookup in `results_cache`.
- not modified: a warm read with `If-None-Match` (304, no body);
then the cut is published once (every answer frozen as revision 1) and that call is timed.

With DATABASE_URL set, a fresh database is created on that server and dropped afterwards;
unset, a throwaway embedded PostgreSQL is started. Ends with `bench:` lines.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx
from sqlalchemy import Engine, text

from app.core.config import Settings
from app.core.db import make_engine
from app.core.migrations import upgrade_head
from app.main import create_app
from bench.results import database, generate_plan, platform_token


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def bump(engine: Engine, plan_id) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE plans SET data_version = data_version + 1 WHERE id = :id"),
            {"id": plan_id},
        )


async def measure(app, engine: Engine, token: str, plan: dict, cold: int, warm: int) -> dict:
    url = f"/api/v1/cuts/{plan['cut_ids'][-1]}/results"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://bench",
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    ) as client:
        for _ in range(2):  # warm up imports and the token's last-use stamp
            (await client.get(url)).raise_for_status()
        cold_times, warm_times, not_modified = [], [], []
        body = b""
        for _ in range(cold):
            bump(engine, plan["plan_id"])
            start = time.perf_counter()
            r = await client.get(url)
            cold_times.append((time.perf_counter() - start) * 1000)
            r.raise_for_status()
            body = r.content
        for _ in range(warm):
            start = time.perf_counter()
            r = await client.get(url)
            warm_times.append((time.perf_counter() - start) * 1000)
            r.raise_for_status()
            if r.content != body:
                raise RuntimeError("a warm read must answer the cold read's bytes")
        tag = r.headers["etag"]
        for _ in range(warm):
            start = time.perf_counter()
            r = await client.get(url, headers={"If-None-Match": tag})
            not_modified.append((time.perf_counter() - start) * 1000)
            if r.status_code != 304:
                raise RuntimeError(f"If-None-Match answered {r.status_code}, not 304")
        # Publishing freezes every answer of the cut (results, groupings, budget) once.
        start = time.perf_counter()
        r = await client.post(f"/api/v1/cuts/{plan['cut_ids'][-1]}/publish")
        publish_ms = (time.perf_counter() - start) * 1000
        r.raise_for_status()
    return {
        "cold": cold_times,
        "warm": warm_times,
        "not_modified": not_modified,
        "bytes": len(body),
        "publish_ms": publish_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indicators", type=int, default=5000, help="a multiple of 500")
    parser.add_argument("--cold", type=int, default=15, help="timed reads after a change")
    parser.add_argument("--warm", type=int, default=60, help="timed reads of unchanged data")
    args = parser.parse_args()

    with database(Settings().database_url) as url:
        upgrade_head(url)
        settings = Settings(database_url=url, log_level="WARNING", log_json=False)
        engine = make_engine(url, settings)
        started = time.perf_counter()
        plan = generate_plan(
            engine, code="GRANDE", subprograms=max(1, args.indicators // 500), seed=1
        )
        token = platform_token(engine)
        print(f"generated {plan['indicators']} indicators in {time.perf_counter() - started:.1f} s")
        app = create_app(settings, engine=engine)
        figures = asyncio.run(measure(app, engine, token, plan, args.cold, args.warm))
        engine.dispose()

    n = plan["indicators"]
    print(
        f"GET /cuts/{{id}}/results, {n} indicators, {figures['bytes'] / 1024:.0f} KiB, "
        "through the ASGI app (no sockets)"
    )
    for name in ("cold", "warm", "not_modified"):
        times = figures[name]
        print(
            f"  {name:13} calls {len(times):>3}  median {statistics.median(times):>8.1f} ms  "
            f"p95 {p95(times):>8.1f} ms"
        )
    print(f"  POST /cuts/{{id}}/publish (freezes revision 1): {figures['publish_ms']:.0f} ms")
    label = f"results_{n}" if n != 5000 else "results_5000"
    print(f"bench: {label}_cold_p95_ms={p95(figures['cold']):.1f}")
    print(f"bench: {label}_warm_p95_ms={p95(figures['warm']):.1f}")
    print(f"bench: {label}_304_p95_ms={p95(figures['not_modified']):.1f}")


if __name__ == "__main__":
    main()
