"""Capacity at national scale: one organization's figures on an empty database, then the same
with N other organizations beside it, and the query plans of its tenant queries.

    python -m bench.capacity [--organizations 200] [--months 48] [--repeat 30]

1. A 500-indicator plan (bench.results' generator: 5 axes x 10 programs x 1 subprogram, ten
   indicators per leaf, twelve monthly cuts of 2023, the last one published) is the measured
   organization, alone in a fresh database. Measured through the ASGI app (no sockets):
   - results p95: GET /cuts/{last}/results as its administrator;
   - import rate: POST /plans/{id}/measurements, 500 indicators x 12 months in one batch;
   - public read rate: anonymous GET /plans/{id}/tree and /cuts/{published}/results/by-band.
2. N - 1 other organizations are added, each a copy of that plan (units, nodes, actions,
   indicators, contributions, cuts) with `--months` of monthly programming and measurements
   per indicator, generated in SQL (INSERT ... SELECT over generate_series: no Python rows).
3. The same figures again, then EXPLAIN of every statement those requests ran: a sequential
   scan of a table that holds other tenants' rows is reported (it should be none).

1,100 organizations x 500 indicators x 48 months is 26.4 million measurements (and as many
programmed values): `--organizations 1100` (about an hour and 15 GB here). The default is
sized to finish in a few minutes on a 2-core machine.

With DATABASE_URL set, a fresh database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import json
import time
from collections.abc import Callable
from datetime import date

import httpx
import psycopg
from sqlalchemy import Engine, event, make_url, text

from app.core.config import Settings
from app.core.db import make_engine, sqlalchemy_url
from app.core.migrations import upgrade_head
from app.main import create_app
from bench.results import database, generate_plan, platform_token

TENANT_TABLES = (
    "organizations",
    "units",
    "plans",
    "nodes",
    "actions",
    "action_units",
    "indicators",
    "contributions",
    "programming",
    "measurements",
    "cuts",
    "followups",
    "evidence",
)
# Cloned from the measured plan, parents first. Programming and measurements are generated.
CLONED = ("units", "plans", "nodes", "actions", "action_units", "indicators", "contributions")


# --- data --------------------------------------------------------------------------------


def _columns(conn, table: str) -> list[tuple[str, str, str | None]]:
    """(column, type, referenced table) of a table."""
    return conn.execute(
        text(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod),
                   (SELECT c.confrelid::regclass::text FROM pg_constraint c
                     WHERE c.conrelid = a.attrelid AND c.contype = 'f'
                       AND c.conkey = ARRAY[a.attnum])
              FROM pg_attribute a
             WHERE a.attrelid = CAST(:t AS regclass) AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum
            """
        ),
        {"t": table},
    ).all()


def _clone_sql(conn, table: str) -> str:
    """INSERT ... SELECT copying the template tenant's rows of `table` for every new tenant;
    ids become md5(new plan id || old id), so references between copies follow."""
    targets, values = [], []
    for name, type_, references in _columns(conn, table):
        targets.append(f'"{name}"')
        if name == "organization_id":
            values.append("o.org_id")
        elif name == "plan_id" or (table == "plans" and name == "id"):
            values.append("o.plan_id")
        elif type_ == "uuid" and references != "users" and (name == "id" or name.endswith("_id")):
            values.append(f'md5(o.plan_id::text || t."{name}"::text)::uuid')
        else:
            values.append(f't."{name}"')
    scope = {
        "units": "t.organization_id = :org",
        "plans": "t.id = :plan",
        "nodes": "t.plan_id = :plan",
        "actions": "t.plan_id = :plan",
        "indicators": "t.plan_id = :plan",
        "action_units": "t.action_id IN (SELECT id FROM actions WHERE plan_id = :plan)",
        "contributions": "t.indicator_id IN (SELECT id FROM indicators WHERE plan_id = :plan)",
    }[table]
    return (
        f"INSERT INTO {table} ({', '.join(targets)}) "  # noqa: S608 - names from the catalog
        f"SELECT {', '.join(values)} FROM {table} t, tenants o WHERE {scope}"
    )


def add_tenants(engine: Engine, template: dict, count: int, months: int, chunk: int = 10) -> dict:
    """`count` copies of the template organization and plan, `months` of data per indicator."""
    started = time.perf_counter()
    with engine.begin() as conn:
        org = conn.execute(
            text("SELECT organization_id FROM plans WHERE id = :p"), {"p": template["plan_id"]}
        ).scalar_one()
        statements = {t: _clone_sql(conn, t) for t in CLONED}
    params = {"org": org, "plan": template["plan_id"]}
    series = (
        "SELECT gen_random_uuid(), md5(o.plan_id::text || i.id::text)::uuid, "
        "(date '2023-01-01' + make_interval(months => m + 1))::date - 1, "
        "round((random() * 100)::numeric, 2) "
        "FROM tenants o, indicators i, generate_series(0, CAST(:months AS int) - 1) m "
        "WHERE i.plan_id = :plan"
    )
    done = 0
    while done < count:
        n = min(chunk, count - done)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TEMP TABLE tenants ON COMMIT DROP AS "
                    "SELECT gen_random_uuid() AS org_id, gen_random_uuid() AS plan_id, "
                    "g AS n FROM generate_series(CAST(:first AS int), CAST(:last AS int)) g"
                ),
                {"first": done + 1, "last": done + n},
            )
            conn.execute(
                text(
                    "INSERT INTO organizations (id, code, name, kind) SELECT org_id, "
                    "'ENT' || lpad(n::text, 5, '0'), 'Entidad ' || n, 'alcaldia' FROM tenants"
                )
            )
            for table in CLONED:
                conn.execute(text(statements[table]), params)
            conn.execute(
                text(
                    "INSERT INTO cuts (id, plan_id, code, cut_date, label, period_kind, status) "
                    "SELECT gen_random_uuid(), o.plan_id, c.code, c.cut_date, c.label, "
                    "c.period_kind, 'closed' FROM cuts c, tenants o WHERE c.plan_id = :plan"
                ),
                params,
            )
            for table in ("programming", "measurements"):
                conn.execute(
                    text(f"INSERT INTO {table} (id, indicator_id, period_end, value) {series}"),  # noqa: S608
                    {**params, "months": months},
                )
        done += n
        print(f"  {done}/{count} organizations ({time.perf_counter() - started:.0f} s)", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        rows = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
            for t in ("organizations", "indicators", "programming", "measurements")
        }
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    return {"seconds": time.perf_counter() - started, "rows": rows, "bytes": size}


# --- measuring ---------------------------------------------------------------------------


class StatementLog:
    """The statements the app runs (with their parameters), for EXPLAIN."""

    def __init__(self, engine: Engine) -> None:
        self.on = False
        self.seen: dict[str, object] = {}
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on and not executemany and statement.lstrip().upper().startswith("SELECT"):
            self.seen.setdefault(statement, parameters)


def _p95(times: list[float]) -> float:
    times = sorted(times)
    return times[max(0, round(0.95 * len(times)) - 1)]


async def _get_times(
    client: httpx.AsyncClient, url: str, repeat: int, before: Callable[[], None] | None = None
) -> list[float]:
    """Times of `repeat` GETs of `url` (after two untimed ones); `before` runs, untimed,
    before each call."""
    for _ in range(2):
        (await client.get(url)).raise_for_status()
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        r = await client.get(url)
        times.append(time.perf_counter() - start)
        r.raise_for_status()
    return times


def _batch(indicator_codes: list[str], year: int) -> dict:
    ends = [date(year, m, calendar.monthrange(year, m)[1]).isoformat() for m in range(1, 13)]
    return {
        "items": [
            {"indicator_code": code, "period_end": end, "value": (n * 7 + m) % 100}
            for n, code in enumerate(indicator_codes)
            for m, end in enumerate(ends)
        ]
    }


async def measure(app, engine: Engine, token: str, plan: dict, repeat: int) -> dict:
    transport = httpx.ASGITransport(app=app)
    auth = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://b", headers=auth, timeout=300) as c,
        httpx.AsyncClient(transport=transport, base_url="http://b", timeout=300) as anon,
    ):

        def bump() -> None:
            """Raise the plan's data version, as any write does: the next read of its results
            misses the results cache (app/results/cache.py) and computes them (cold path)."""
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE plans SET data_version = data_version + 1 WHERE id = :p"),
                    {"p": plan["plan_id"]},
                )

        results_url = f"/api/v1/cuts/{plan['cut_ids'][-1]}/results"
        results = await _get_times(c, results_url, repeat, before=bump)
        warm = await _get_times(c, results_url, repeat)

        with engine.connect() as conn:
            codes = list(
                conn.execute(
                    text("SELECT code FROM indicators WHERE plan_id = :p ORDER BY code"),
                    {"p": plan["plan_id"]},
                ).scalars()
            )
        imported, import_s = 0, 0.0
        for year in (2024, 2025, 2026):
            batch = _batch(codes, year)
            start = time.perf_counter()
            r = await c.post(f"/api/v1/plans/{plan['plan_id']}/measurements", json=batch)
            import_s += time.perf_counter() - start
            r.raise_for_status()
            imported += r.json()["created"] + r.json()["updated"]
        with engine.begin() as conn:  # leave the plan as it was, for the next round
            conn.execute(
                text(
                    "DELETE FROM measurements WHERE period_end >= '2024-01-01' AND indicator_id "
                    "IN (SELECT id FROM indicators WHERE plan_id = :p)"
                ),
                {"p": plan["plan_id"]},
            )

        public = []
        for url in (
            f"/api/v1/plans/{plan['plan_id']}/tree",
            f"/api/v1/cuts/{plan['cut_ids'][-1]}/results/by-band",
            f"/api/v1/cuts/{plan['cut_ids'][-1]}",
        ):
            public += await _get_times(anon, url, repeat)
    return {
        "results_p95_ms": _p95(results) * 1000,
        "results_median_ms": sorted(results)[len(results) // 2] * 1000,
        "results_warm_p95_ms": _p95(warm) * 1000,
        "import_rows_per_s": imported / import_s,
        "public_reads_per_s": len(public) / sum(public),
        "public_p95_ms": _p95(public) * 1000,
    }


def _scanned(cur, statement: str, parameters: object) -> set[str]:
    """Tenant tables a statement's plan reads with a sequential scan."""
    cur.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
    stack, found = [cur.fetchone()[0][0]["Plan"]], set()
    while stack:
        node = stack.pop()
        stack.extend(node.get("Plans", []))
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in TENANT_TABLES:
            found.add(node["Relation Name"])
    return found


def seq_scans(engine: Engine, statements: dict[str, object]) -> list[tuple[str, bool, str]]:
    """(table, whether an index path exists, statement) for every sequential scan of a tenant
    table. The planner may prefer a scan of a small table; with `enable_seqscan = off` it
    takes an index if one reaches the tenant's rows, so a scan that remains is a missing
    index."""
    found = []
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        for statement, parameters in statements.items():
            try:
                with raw.cursor() as cur:
                    scanned = _scanned(cur, statement, parameters)
                    cur.execute("SET LOCAL enable_seqscan = off")
                    forced = _scanned(cur, statement, parameters)
                raw.rollback()
            except psycopg.Error:  # a statement on a request's temporary table
                raw.rollback()
                continue
            short = " ".join(statement.split())[:140]
            found += [(table, table not in forced, short) for table in sorted(scanned)]
    return found


def explain_requests(url: str, settings: Settings, token: str, plan: dict) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement one cold results call, one import of 500
    indicators x 12 months and one public read run, as PostgreSQL executed them (auto_explain,
    reported to the client as notices; nested statements, e.g. triggers', included)."""
    plans: list[dict] = []
    engine = make_engine(url, settings)

    @event.listens_for(engine, "connect")
    def _auto_explain(dbapi_conn, record) -> None:
        dbapi_conn.add_notice_handler(
            lambda d: (
                plans.append(json.loads(d.message_primary.split("\n", 1)[1]))
                if d.message_primary and d.message_primary.startswith("duration:")
                else None
            )
        )
        with dbapi_conn.cursor() as cur:
            cur.execute("LOAD 'auto_explain'")
            for name, value in (
                ("log_min_duration", "0"),
                ("log_analyze", "on"),
                ("log_buffers", "on"),
                ("log_timing", "on"),
                ("log_nested_statements", "on"),
                ("log_format", "json"),
                ("log_level", "notice"),
            ):
                cur.execute(f"SET auto_explain.{name} = '{value}'")
        dbapi_conn.commit()

    app = create_app(settings, engine=engine)

    async def run() -> list[tuple[str, int, int]]:
        transport = httpx.ASGITransport(app=app)
        auth = {"Authorization": f"Bearer {token}"}
        marks = []
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://b", headers=auth) as c,
            httpx.AsyncClient(transport=transport, base_url="http://b") as anon,
        ):
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE plans SET data_version = data_version + 1 WHERE id = :p"),
                    {"p": plan["plan_id"]},
                )
                codes = list(
                    conn.execute(
                        text("SELECT code FROM indicators WHERE plan_id = :p ORDER BY code"),
                        {"p": plan["plan_id"]},
                    ).scalars()
                )
            for name, call in (
                ("results (cold)", lambda: c.get(f"/api/v1/cuts/{plan['cut_ids'][-1]}/results")),
                (
                    "import",
                    lambda: c.post(
                        f"/api/v1/plans/{plan['plan_id']}/measurements", json=_batch(codes, 2024)
                    ),
                ),
                ("public tree", lambda: anon.get(f"/api/v1/plans/{plan['plan_id']}/tree")),
            ):
                first = len(plans)
                (await call()).raise_for_status()
                marks.append((name, first, len(plans)))
        return marks

    marks = asyncio.run(run())
    with engine.begin() as conn:
        conn.execute(
            text(
                "DELETE FROM measurements WHERE period_end >= '2024-01-01' AND indicator_id "
                "IN (SELECT id FROM indicators WHERE plan_id = :p)"
            ),
            {"p": plan["plan_id"]},
        )
    engine.dispose()
    out = []
    for name, first, last in marks:
        for entry in plans[first:last]:
            out.append({"request": name, **entry})
    return out


def _walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


def explain_summary(entries: list[dict], top: int = 12) -> None:
    """The statements that cost most, with their buffers and any scan reading other rows."""
    print(f"{len(entries)} statements EXPLAINed (ANALYZE, BUFFERS):")
    ranked = sorted(entries, key=lambda e: -e["Plan"].get("Actual Total Time", 0))
    for entry in ranked[:top]:
        plan = entry["Plan"]
        buffers = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
        query = " ".join(entry.get("Query Text", "").split())[:110]
        print(
            f"  [{entry['request']}] {plan.get('Actual Total Time', 0):8.1f} ms "
            f"{buffers:7d} buffers  {query}"
        )
        for node in _walk(plan):
            removed = node.get("Rows Removed by Filter", 0) + node.get(
                "Rows Removed by Join Filter", 0
            )
            if node["Node Type"] == "Seq Scan" or removed > 1000:
                print(
                    f"      {node['Node Type']} on {node.get('Relation Name', '?')}: "
                    f"{node.get('Actual Rows', 0)} rows kept x{node.get('Actual Loops', 1)}, "
                    f"{removed} removed by filter, {node.get('Actual Total Time', 0):.1f} ms"
                )


def explain_kept(name: str) -> None:
    url = make_url(sqlalchemy_url(Settings().database_url or ""))
    url_s = url.set(database=name).render_as_string(hide_password=False)
    settings = Settings(database_url=url_s, log_level="WARNING", log_json=False)
    engine = make_engine(url_s, settings)
    with engine.connect() as conn:
        plan_id = conn.execute(
            text("SELECT plan_id FROM cuts WHERE status = 'published'")
        ).scalar_one()
        cut_ids = list(
            conn.execute(
                text("SELECT id FROM cuts WHERE plan_id = :p ORDER BY cut_date"), {"p": plan_id}
            ).scalars()
        )
        conn.execute(  # the run's user: platform_token makes a new one under that name
            text(
                "UPDATE users SET username = 'bench-' || left(id::text, 8) WHERE username = 'bench'"
            )
        )
        conn.commit()
    token = platform_token(engine)
    engine.dispose()
    explain_summary(
        explain_requests(url_s, settings, token, {"plan_id": plan_id, "cut_ids": cut_ids})
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organizations", type=int, default=200, help="organizations in all")
    parser.add_argument("--months", type=int, default=48, help="monthly measurements each")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per figure")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards (to EXPLAIN in it)"
    )
    parser.add_argument(
        "--explain-database",
        metavar="NAME",
        help="only EXPLAIN (ANALYZE, BUFFERS) the measured plan's requests in a database kept "
        "by --keep, on the server of DATABASE_URL",
    )
    args = parser.parse_args()
    if args.explain_database:
        explain_kept(args.explain_database)
        return

    with database(Settings().database_url, keep=args.keep) as url:
        upgrade_head(url)
        settings = Settings(database_url=url, log_level="WARNING", log_json=False)
        engine = make_engine(url, settings)
        plan = generate_plan(engine, code="MEDIDA", subprograms=1, seed=1)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE cuts SET status = 'published', published_at = now() WHERE id = :c"),
                {"c": plan["cut_ids"][-1]},
            )
        token = platform_token(engine)
        log = StatementLog(engine)
        app = create_app(settings, engine=engine)

        print(f"measured plan: {plan['indicators']} indicators, {plan['nodes']} nodes")
        empty = asyncio.run(measure(app, engine, token, plan, args.repeat))
        print("empty database:", json.dumps(empty, indent=1))

        print(f"adding {args.organizations - 1} organizations x {args.months} months ...")
        bulk = make_engine(url, settings.model_copy(update={"db_statement_timeout_ms": 0}))
        added = add_tenants(bulk, plan, args.organizations - 1, args.months)
        bulk.dispose()
        print(
            f"generated in {added['seconds']:.0f} s: {json.dumps(added['rows'])}, "
            f"{added['bytes'] / 2**30:.2f} GiB"
        )
        log.on = True
        loaded = asyncio.run(measure(app, engine, token, plan, args.repeat))
        log.on = False
        explain_summary(explain_requests(url, settings, token, plan))
        print("loaded database:", json.dumps(loaded, indent=1))

        print(f"{'figure':22} {'empty':>10} {'loaded':>10} {'ratio':>6}")
        for key in empty:
            ratio = loaded[key] / empty[key]
            print(f"{key:22} {empty[key]:>10.1f} {loaded[key]:>10.1f} {ratio:>6.2f}")
        scans = seq_scans(engine, log.seen)
        missing = [s for s in scans if not s[1]]
        print(
            f"EXPLAIN of {len(log.seen)} tenant SELECTs: {len(scans)} sequential scans chosen "
            f"by cost, {len(missing)} without an index path (missing indexes)"
        )
        for table, indexed, statement in scans:
            print(
                f"  Seq Scan on {table} ({'index exists' if indexed else 'NO INDEX'}): {statement}"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
