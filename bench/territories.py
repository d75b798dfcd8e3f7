"""Benchmark of disaggregated results: a plan whose indicators are posted by municipality.

    python -m bench.territories [--indicators 200] [--repeat 5]

N indicators (half `posted` with their own total, half `sum`), each programmed and measured
for the four quarters of 2023 in the 42 municipalities of Cauca (and by sex for the posted
ones), all through the API. Prints the median latency of GET …/results (totals),
…/results/by-territory, …/results/by-dimension/sex and …/results?territory=19001 at the
last cut, and the values stored. With DATABASE_URL set, a fresh database on that server.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx

from app.core.config import Settings
from app.core.db import make_engine
from app.main import create_app
from app.territories import divipola
from bench.common import database, platform_token

QUARTERS = ("2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31")
SEX = {
    "code": "sex",
    "label": "Sexo",
    "values": [{"code": "F", "label": "Mujer"}, {"code": "M", "label": "Hombre"}],
}


async def _run(url: str, indicators: int, repeat: int) -> None:
    settings = Settings(database_url=url, log_json=False, log_level="WARNING")
    engine = make_engine(url, settings)
    app = create_app(settings, engine=engine)
    headers = {"Authorization": f"Bearer {platform_token(engine)}"}
    towns = [
        t.code for t in divipola.territories().values() if t.department_code == "19" and t.level
    ]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://bench",
        headers=headers,
        timeout=600,
    ) as c:
        org = (await c.post("/api/v1/organizations", json={"code": "c", "name": "C"})).json()
        plan = (
            await c.post(
                "/api/v1/plans",
                json={
                    "organization_id": org["id"],
                    "kind": "pet",
                    "code": "P",
                    "name": "P",
                    "first_year": 2023,
                    "last_year": 2023,
                    "levels": ["Objetivo"],
                    "dimensions": [SEX],
                },
            )
        ).json()
        base = f"/api/v1/plans/{plan['id']}"
        await c.post(f"{base}/nodes", json={"code": "O1", "name": "O"})
        items = []
        for i in range(indicators):
            mode = "posted" if i % 2 == 0 else "sum"
            code = f"I{i:04d}"
            made = await c.post(
                f"{base}/indicators",
                json={"code": code, "name": code, "node_code": "O1", "total_mode": mode},
            )
            schedule = [
                {"period_end": q, "value": 10 + n, "dims": {"territory": t}}
                for q in QUARTERS
                for n, t in enumerate(towns)
            ]
            if mode == "posted":
                schedule += [{"period_end": q, "value": 1000} for q in QUARTERS]
                items += [{"indicator_code": code, "period_end": q, "value": 900} for q in QUARTERS]
                items += [
                    {"indicator_code": code, "period_end": q, "value": 450, "dims": {"sex": s}}
                    for q in QUARTERS
                    for s in ("F", "M")
                ]
            await c.put(f"/api/v1/indicators/{made.json()['id']}/programming", json=schedule)
            items += [
                {
                    "indicator_code": code,
                    "period_end": q,
                    "value": 9 + (n + i) % 3,
                    "dims": {"territory": t},
                }
                for q in QUARTERS
                for n, t in enumerate(towns)
            ]
        for start in range(0, len(items), 10_000):
            r = await c.post(f"{base}/measurements", json={"items": items[start : start + 10_000]})
            if r.status_code != 200 or r.json()["rejected"]:
                raise SystemExit(f"import failed: {r.text[:300]}")
        cut = (
            await c.post(
                f"{base}/cuts", json={"code": "C4", "cut_date": QUARTERS[-1], "label": "C"}
            )
        ).json()
        print(
            f"{indicators} indicators x {len(towns)} municipalities x {len(QUARTERS)} quarters: "
            f"{len(items)} measurements"
        )
        results = f"/api/v1/cuts/{cut['id']}/results"
        for label, path, params in [
            ("results (totals)", results, {}),
            ("results/by-territory", f"{results}/by-territory", {}),
            ("results/by-dimension/sex", f"{results}/by-dimension/sex", {}),
            ("results?territory=19001", results, {"territory": "19001"}),
        ]:
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                r = await c.get(path, params=params)
                times.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    raise SystemExit(f"{label} failed: {r.text[:300]}")
            print(f"{label:28} {statistics.median(times) * 1000:9.1f} ms median of {repeat}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with database() as url:
        asyncio.run(_run(url, args.indicators, args.repeat))


if __name__ == "__main__":
    main()
