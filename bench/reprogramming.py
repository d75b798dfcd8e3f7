"""Benchmark of results against the original programming: latency and statements of
GET /cuts/{id}/results?programming=current|original on the results benchmark's plan.

    python -m bench.reprogramming [--indicators 5000] [--reprogrammed 500] [--repeat 10]

The plan of `bench.results` is written in execution, without versions: the approval snapshot
(what approving a plan writes, "meta inicial") is taken through the service, timed; then
`--reprogrammed` indicators get their schedule doubled through PUT …/programming with a legal
act, and both readings of the last cut's results are timed through the ASGI app.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.config import Settings
from app.core.db import make_engine
from app.core.migrations import upgrade_head
from app.main import create_app
from app.plans import reprogramming
from app.plans.models import Plan
from bench.results import StatementCounter, _timed, database, generate_plan, platform_token

ACT = {"kind": "decreto", "number": "1", "date": "2024-01-15"}


def snapshot(engine: Engine, plan_id: uuid.UUID, user: dict) -> tuple[int, float]:
    actor = Actor(
        user_id=uuid.UUID(user["id"]),
        username=user["username"],
        organization_id=None,
        role="admin",
        is_platform_admin=True,
        unit_ids=frozenset(),
        token_id=uuid.uuid4(),
    )
    started = time.perf_counter()
    with Session(engine) as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise SystemExit(f"no plan {plan_id}")
        written = reprogramming.snapshot_at_approval(session, actor, plan)
        session.commit()
    return written, time.perf_counter() - started


async def run(app, engine: Engine, token: str, plan: dict, args, counter) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://bench",
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
    ) as client:
        user = (await client.get("/api/v1/auth/me")).json()
        written, seconds = snapshot(engine, uuid.UUID(str(plan["plan_id"])), user)
        print(f"approval snapshot: {written} versions in {seconds:.2f} s")
        listed = await client.get(
            f"/api/v1/plans/{plan['plan_id']}/indicators", params={"limit": args.reprogrammed}
        )
        for indicator in listed.json()["items"]:
            url = f"/api/v1/indicators/{indicator['id']}/programming"
            items = [
                {"period_end": p["period_end"], "value": p["value"] * 2}
                for p in (await client.get(url)).json()["items"]
            ]
            r = await client.put(url, json={"items": items, "legal_act": ACT, "reason": "bench"})
            r.raise_for_status()
        print(f"reprogrammed: {len(listed.json()['items'])} indicators")
        url = f"/api/v1/cuts/{plan['cut_ids'][-1]}/results"
        for choice in ("current", "original"):
            f = await _timed(client, f"{url}?programming={choice}", args.repeat, counter)
            print(
                f"results?programming={choice:8} median {f['median_ms']:8.1f} ms  "
                f"p95 {f['p95_ms']:8.1f} ms  statements {'/'.join(map(str, f['statements']))}  "
                f"{f['bytes'] / 1024:.0f} KiB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indicators", type=int, default=5000, help="a multiple of 500")
    parser.add_argument("--reprogrammed", type=int, default=500, help="at most 500")
    parser.add_argument("--repeat", type=int, default=10, help="timed calls per reading")
    args = parser.parse_args()
    with database(Settings().database_url) as url:
        upgrade_head(url)
        settings = Settings(database_url=url, log_level="WARNING", log_json=False)
        engine = make_engine(url, settings)
        plan = generate_plan(
            engine, code="GRANDE", subprograms=max(1, args.indicators // 500), seed=1
        )
        print(f"plan: {plan['indicators']} indicators, {plan['nodes']} nodes")
        app = create_app(settings, engine=engine)
        counter = StatementCounter(engine)
        asyncio.run(run(app, engine, platform_token(engine), plan, args, counter))
        engine.dispose()


if __name__ == "__main__":
    main()
