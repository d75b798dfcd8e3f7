"""Benchmark: 10,000 measurements posted in one request, beside a raw COPY + upsert.

    python -m bench.measurements        (or: make bench)

Prints values per second for the API (HTTP through the ASGI app: parsing, validation,
checks, one SELECT, one upsert, commit) and for plain psycopg COPY into a temporary table
plus INSERT ... ON CONFLICT of the same rows, in the same run on the same database.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import date, timedelta

import httpx
import psycopg

from app.core.config import Settings
from app.core.db import make_engine
from app.main import create_app
from bench.common import database, platform_token

N = 10_000
INDICATORS = 100
ROUNDS = 5


def _items(round_no: int) -> list[dict]:
    start = date(2023, 1, 1)
    return [
        {
            "indicator_code": f"I{i % INDICATORS:04d}",
            "period_end": (start + timedelta(days=i // INDICATORS)).isoformat(),
            "value": (i * 7 + round_no) % 1000,
        }
        for i in range(N)
    ]


async def _api(url: str) -> tuple[list[float], str]:
    settings = Settings(database_url=url, log_json=False, log_level="WARNING")
    engine = make_engine(url, settings)
    app = create_app(settings, engine=engine)
    token = platform_token(engine)
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", headers=headers, timeout=120
    ) as c:
        org = (await c.post("/api/v1/organizations", json={"code": "b", "name": "B"})).json()
        plan = (
            await c.post(
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
            )
        ).json()
        await c.post(f"/api/v1/plans/{plan['id']}/nodes", json={"code": "O1", "name": "O"})
        for i in range(INDICATORS):
            await c.post(
                f"/api/v1/plans/{plan['id']}/indicators",
                json={"code": f"I{i:04d}", "name": f"I{i}", "node_code": "O1"},
            )
        times = []
        for r in range(ROUNDS):
            body = {"items": _items(r)}
            t0 = time.perf_counter()
            resp = await c.post(f"/api/v1/plans/{plan['id']}/measurements", json=body)
            times.append(time.perf_counter() - t0)
            if resp.status_code != 200 or resp.json()["rejected"]:
                raise SystemExit(f"import failed: {resp.text[:300]}")
    engine.dispose()
    return times, plan["id"]


def _raw(url: str, plan_id: str) -> list[float]:
    from app.core.db import sqlalchemy_url

    dsn = sqlalchemy_url(url).replace("postgresql+psycopg://", "postgresql://")
    times = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        ids = dict(
            conn.execute(
                "SELECT code, id FROM indicators WHERE plan_id = %s", (plan_id,)
            ).fetchall()
        )
        for r in range(ROUNDS):
            rows = [
                (ids[i["indicator_code"]], i["period_end"], i["value"] + 1000) for i in _items(r)
            ]
            t0 = time.perf_counter()
            with conn.transaction():
                conn.execute(
                    "CREATE TEMP TABLE t (indicator_id uuid, period_end date, "
                    "value numeric) ON COMMIT DROP"
                )
                with conn.cursor().copy("COPY t FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                conn.execute("""
                    INSERT INTO measurements (id, indicator_id, period_end, value)
                    SELECT gen_random_uuid(), indicator_id, period_end, value FROM t
                    ON CONFLICT (indicator_id, period_end, dims_key)
                    DO UPDATE SET value = EXCLUDED.value
                """)
            times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    with database() as url:
        api_times, plan_id = asyncio.run(_api(url))
        raw_times = _raw(url, plan_id)
    api = N / statistics.median(api_times)
    raw = N / statistics.median(raw_times)
    print(f"measurements per request: {N} ({INDICATORS} indicators), {ROUNDS} rounds, median")
    print(
        f"API  POST /plans/{{id}}/measurements: {statistics.median(api_times) * 1000:8.1f} ms"
        f"  {api:10.0f} values/s"
    )
    print(
        f"raw  COPY + INSERT ... ON CONFLICT:    {statistics.median(raw_times) * 1000:8.1f} ms"
        f"  {raw:10.0f} values/s"
    )
    print(f"API / raw: {api / raw:.2f}  (aim: >= 0.50)")
    print(f"bench: ingest_vs_copy={api / raw:.2f}")


if __name__ == "__main__":
    main()
