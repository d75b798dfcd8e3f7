"""Benchmark of the results endpoints: latency and statements, a large and a 10x smaller plan.

    python -m bench.results [--indicators 5000] [--repeat 40]

Each plan has a three-level tree (5 axes x 10 programs x N subprograms), five actions per
leaf node with two indicators each (all four accumulation types, a tenth of them with explicit
contributions weighted by year), monthly programming for 2023 and twelve monthly cuts with
their measurements (one in twenty missing). Rows are written with COPY. GET /cuts/{id}/results
(with and without ?explain=true) and /results/by-unit are called through the ASGI app (no
sockets) at the last cut, where every measurement counts, each the first read after a change
(the plan's data version is raised before each timed call, as every write raises it: the
results cache answers only unchanged data); GET /plans/{id}/trend evaluates the
plan at all twelve cuts.

With DATABASE_URL set, a fresh database is created on that server and dropped afterwards;
unset, a throwaway embedded PostgreSQL is started.
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import json
import random
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, event, make_url, text

from app.core.config import Settings
from app.core.db import make_engine, sqlalchemy_url, start_embedded_postgres
from app.core.migrations import upgrade_head
from app.core.models import utcnow
from app.core.security import hash_password, new_token, token_digest
from app.main import create_app

YEAR = 2023
ACCUMULATIONS = ("sum", "sum", "constant", "increasing", "decreasing")


def month_end(month: int) -> date:
    return date(YEAR, month, calendar.monthrange(YEAR, month)[1])


# --- data --------------------------------------------------------------------------------


def _copy(raw, table: str, columns: list[str], rows) -> int:
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # noqa: S608
        n = 0
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def generate_plan(engine: Engine, *, code: str, subprograms: int, seed: int) -> dict:
    """A plan of 5 x 10 x `subprograms` leaf nodes, 10 indicators per leaf; its cuts' ids."""
    rng = random.Random(seed)
    org_id, plan_id = uuid.uuid4(), uuid.uuid4()
    units = [uuid.uuid4() for _ in range(20)]
    nodes, actions, action_units, indicators = [], [], [], []
    contributions, programming, measurements = [], [], []
    leaves = []
    for r in range(5):
        root = uuid.uuid4()
        nodes.append((root, plan_id, None, 0, f"E{r + 1}", f"Eje {r + 1}", r, "1", "{}"))
        for p in range(10):
            program = uuid.uuid4()
            nodes.append(
                (
                    program,
                    plan_id,
                    root,
                    1,
                    f"P{r + 1}.{p + 1}",
                    f"Programa {r + 1}.{p + 1}",
                    p,
                    str(rng.choice((1, 1, 2))),
                    "{}",
                )
            )
            for s in range(subprograms):
                leaf = uuid.uuid4()
                nodes.append(
                    (
                        leaf,
                        plan_id,
                        program,
                        2,
                        f"S{r + 1}.{p + 1}.{s + 1}",
                        f"Subprograma {r + 1}.{p + 1}.{s + 1}",
                        s,
                        "1",
                        "{}",
                    )
                )
                leaves.append((leaf, program))

    cut_dates = [month_end(m) for m in range(1, 13)]
    for leaf, program in leaves:
        for a in range(5):
            action = uuid.uuid4()
            number = len(actions) + 1
            due = month_end(rng.randint(3, 12))
            actions.append(
                (
                    action,
                    plan_id,
                    leaf,
                    f"A{number}",
                    f"Acción {number}",
                    date(YEAR, 1, 1),
                    due,
                    json.dumps({"component": f"c{a % 3}"}),
                    a,
                    "1",
                )
            )
            for unit in rng.sample(units, rng.choice((1, 1, 1, 2))):
                action_units.append((uuid.uuid4(), action, unit))
            for i in range(2):
                indicator = uuid.uuid4()
                number = len(indicators) + 1
                kind = rng.choice(ACCUMULATIONS)
                base = rng.randint(10, 50)
                indicators.append(
                    (
                        indicator,
                        plan_id,
                        action,
                        f"I{number}",
                        f"Indicador {number}",
                        "management",
                        "number",
                        kind,
                        str(base),
                        str(base * 3),
                        "{}",
                        i,
                        "1",
                    )
                )
                if rng.random() < 0.1:
                    contributions.append(
                        (uuid.uuid4(), indicator, leaf, "1", json.dumps({str(YEAR): "2"}))
                    )
                    contributions.append((uuid.uuid4(), indicator, program, "1", "{}"))
                for month, end in enumerate(cut_dates, start=1):
                    if kind == "sum":
                        planned = rng.randint(5, 20)
                        done = max(0, planned + rng.randint(-6, 6))
                    elif kind == "constant":
                        planned, done = base, base + rng.randint(-5, 3)
                    elif kind == "increasing":
                        planned = base + 2 * month
                        done = planned + rng.randint(-3, 2)
                    else:
                        planned = base - month
                        done = planned + rng.randint(-2, 3)
                    programming.append((uuid.uuid4(), indicator, end, str(planned)))
                    if rng.random() > 0.05:
                        measurements.append((uuid.uuid4(), indicator, end, str(done)))

    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (id, code, name, kind) "
                "VALUES (:id, :code, :name, 'alcaldia')"
            ),
            {"id": org_id, "code": code, "name": f"Organización {code}"},
        )
        conn.execute(
            text(
                "INSERT INTO units (id, organization_id, code, name) "
                "VALUES (:id, :org, :code, :name)"
            ),
            [
                {"id": u, "org": org_id, "code": f"U{n:02d}", "name": f"Unidad {n}"}
                for n, u in enumerate(units, start=1)
            ],
        )
        conn.execute(
            text(
                "INSERT INTO plans (id, organization_id, kind, code, name, first_year, last_year, "
                "status, version, levels, axes, bands, tolerance_pct, cap_at_100) VALUES "
                "(:id, :org, 'development_plan', :code, :name, :first, :last, 'in_execution', 1, "
                "CAST(:levels AS jsonb), CAST(:axes AS jsonb), CAST(:bands AS jsonb), 0, false)"
            ),
            {
                "id": plan_id,
                "org": org_id,
                "code": code,
                "name": f"Plan {code}",
                "first": YEAR,
                "last": YEAR + 3,
                "levels": json.dumps(["Eje", "Programa", "Subprograma"]),
                "axes": json.dumps(
                    [
                        {
                            "code": "component",
                            "name": "Componente",
                            "values": [
                                {"code": f"c{n}", "label": f"Componente {n}"} for n in range(3)
                            ],
                        }
                    ]
                ),
                "bands": json.dumps(
                    [
                        {"lower_bound": "0", "code": "red", "label": "0-49%", "color": "#c62828"},
                        {
                            "lower_bound": "50",
                            "code": "yellow",
                            "label": "50-99%",
                            "color": "#f9a825",
                        },
                        {
                            "lower_bound": "100",
                            "code": "green",
                            "label": "100%",
                            "color": "#2e7d32",
                        },
                    ]
                ),
            },
        )
        raw = conn.connection.driver_connection
        _copy(
            raw,
            "nodes",
            [
                "id",
                "plan_id",
                "parent_id",
                "level",
                "code",
                "name",
                '"order"',
                "weight",
                "weights_by_year",
            ],
            nodes,
        )
        _copy(
            raw,
            "actions",
            [
                "id",
                "plan_id",
                "node_id",
                "code",
                "description",
                "start_date",
                "due_date",
                "axis_values",
                '"order"',
                "weight",
            ],
            actions,
        )
        _copy(raw, "action_units", ["id", "action_id", "unit_id"], action_units)
        _copy(
            raw,
            "indicators",
            [
                "id",
                "plan_id",
                "action_id",
                "code",
                "name",
                "source",
                "unit_of_measure",
                "accumulation",
                "baseline_value",
                "target_value",
                "axis_values",
                '"order"',
                "weight",
            ],
            indicators,
        )
        _copy(
            raw,
            "contributions",
            ["id", "indicator_id", "node_id", "weight", "weights_by_year"],
            contributions,
        )
        _copy(raw, "programming", ["id", "indicator_id", "period_end", "value"], programming)
        _copy(raw, "measurements", ["id", "indicator_id", "period_end", "value"], measurements)
        cut_ids = [uuid.uuid4() for _ in cut_dates]
        _copy(
            raw,
            "cuts",
            ["id", "plan_id", "code", "cut_date", "label", "period_kind", "status"],
            [
                (c, plan_id, d.strftime("%Y-%m"), d, f"Corte {d:%B %Y}", "monthly", "closed")
                for c, d in zip(cut_ids, cut_dates, strict=True)
            ],
        )
        conn.execute(text("ANALYZE"))
    return {
        "plan_id": plan_id,
        "cut_ids": cut_ids,
        "indicators": len(indicators),
        "nodes": len(nodes),
        "actions": len(actions),
        "measurements": len(measurements),
    }


def platform_token(engine: Engine) -> str:
    token, user_id = new_token(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, username, full_name, role, is_platform_admin, active, "
                "password_hash) VALUES (:id, 'bench', 'Benchmark', 'admin', true, true, :hash)"
            ),
            {"id": user_id, "hash": hash_password(uuid.uuid4().hex)},
        )
        conn.execute(
            text(
                "INSERT INTO api_tokens (id, user_id, kind, name, token_hash, prefix, expires_at) "
                "VALUES (:id, :user, 'api', 'bench', :digest, :prefix, :expires)"
            ),
            {
                "id": uuid.uuid4(),
                "user": user_id,
                "digest": token_digest(token),
                "prefix": token[:10],
                "expires": utcnow() + timedelta(days=1),
            },
        )
    return token


# --- measuring ---------------------------------------------------------------------------


class StatementCounter:
    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


def _changed(engine: Engine, plan_id) -> None:
    """What every write does: raise the plan's data version, so results are computed again
    (the results cache, app/results/cache.py, answers unchanged data)."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE plans SET data_version = data_version + 1 WHERE id = :id"),
            {"id": plan_id},
        )


async def _timed(
    client: httpx.AsyncClient, url: str, repeat: int, counter: StatementCounter, plan: dict
) -> dict:
    for _ in range(3):  # warm up: imports, caches, the token's last-use stamp
        r = await client.get(url)
        r.raise_for_status()
    times, statements = [], set()
    for _ in range(repeat):
        _changed(counter.engine, plan["plan_id"])  # first read after a change: computed
        counter.count = 0
        start = time.perf_counter()
        r = await client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        r.raise_for_status()
        statements.add(counter.count)
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)],
        "statements": sorted(statements),
        "bytes": len(r.content),
    }


ENDPOINTS = {
    "results": lambda plan: f"/api/v1/cuts/{plan['cut_ids'][-1]}/results",
    # The same with what each figure was computed from (issue 14): size and time of explain.
    "explain": lambda plan: f"/api/v1/cuts/{plan['cut_ids'][-1]}/results?explain=true",
    "by-unit": lambda plan: f"/api/v1/cuts/{plan['cut_ids'][-1]}/results/by-unit",
    "trend": lambda plan: f"/api/v1/plans/{plan['plan_id']}/trend",
}


async def measure(
    app, token: str, plans: list[tuple[str, dict]], repeat: int, counter: StatementCounter
) -> list[tuple[str, str, dict, dict]]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://bench",
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    ) as client:
        out = []
        for endpoint, url_of in ENDPOINTS.items():
            # The trend evaluates the plan at each of its 12 cuts: fewer calls suffice.
            times = repeat if endpoint != "trend" else max(3, repeat // 8)
            for name, plan in plans:
                figures = await _timed(client, url_of(plan), times, counter, plan)
                out.append((endpoint, name, plan, {**figures, "calls": times}))
        return out


@contextmanager
def database(configured: str | None, keep: bool = False):
    with tempfile.TemporaryDirectory(prefix="plan-followup-bench-") as tmp:
        server = configured or start_embedded_postgres(Path(tmp), persistent=False)
        name = f"plan_followup_bench_{uuid.uuid4().hex[:10]}"
        url = make_url(sqlalchemy_url(server))
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            if keep:
                print(f"kept database {name} (drop it when done)")
            else:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--indicators",
        type=int,
        default=5000,
        help="indicators of the large plan (a multiple of 500)",
    )
    parser.add_argument("--repeat", type=int, default=40, help="timed calls per plan")
    args = parser.parse_args()
    large = max(1, args.indicators // 500)

    with database(Settings().database_url) as url:
        upgrade_head(url)
        settings = Settings(database_url=url, log_level="WARNING", log_json=False)
        engine = make_engine(url, settings)
        started = time.perf_counter()
        plans = [
            ("large", generate_plan(engine, code="GRANDE", subprograms=large, seed=1)),
            (
                "small",
                generate_plan(engine, code="PEQUENO", subprograms=max(1, large // 10), seed=2),
            ),
        ]
        token = platform_token(engine)
        print(f"generated in {time.perf_counter() - started:.1f} s")
        counter = StatementCounter(engine)
        app = create_app(settings, engine=engine)
        results = asyncio.run(measure(app, token, plans, args.repeat, counter))
        print("Through the ASGI app (no sockets); cut endpoints at the 12th monthly cut.")
        print(
            f"{'endpoint':9} {'plan':6} {'indicators':>10} {'nodes':>6} {'actions':>7} "
            f"{'measurements':>12} {'calls':>5} {'median ms':>10} {'p95 ms':>8} "
            f"{'statements':>10} {'KiB':>7}"
        )
        for endpoint, name, plan, figures in results:
            print(
                f"{endpoint:9} {name:6} {plan['indicators']:>10} {plan['nodes']:>6} "
                f"{plan['actions']:>7} {plan['measurements']:>12} {figures['calls']:>5} "
                f"{figures['median_ms']:>10.1f} {figures['p95_ms']:>8.1f} "
                f"{'/'.join(map(str, figures['statements'])):>10} "
                f"{figures['bytes'] / 1024:>7.0f}"
            )
        by = {(endpoint, name): figures for endpoint, name, _, figures in results}
        ratio = plans[0][1]["indicators"] / plans[1][1]["indicators"]
        for endpoint in ENDPOINTS:
            growth = by[(endpoint, "large")]["median_ms"] / by[(endpoint, "small")]["median_ms"]
            print(f"{endpoint}: {ratio:.0f}x the indicators, {growth:.1f}x the median latency")
        if plans[0][1]["indicators"] == 5000:
            print(f"bench: by_unit_5000_p95_ms={by[('by-unit', 'large')]['p95_ms']:.1f}")
            print(f"bench: trend_5000_ms={by[('trend', 'large')]['median_ms']:.1f}")
            growth = by[("results", "large")]["median_ms"] / by[("results", "small")]["median_ms"]
            print(f"bench: results_growth_10x={growth:.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
