"""Benchmark: a 5,000-indicator workbook imported, and 100,000 measurements as a CSV file
against the same number of rows posted as JSON batches, in the same run.

    python -m bench.spreadsheets        (or: make bench)

1. Workbook: a plan of 5,000 indicators under 50 nodes, 12 monthly periods of programming and
   12 measurements each (60,000 + 5,050 + 5,000 rows), imported with POST /plans/import.
2. 100,000 measurements (5,000 indicators x 20 days) as one CSV body on
   POST /plans/{id}/measurements, and 100,000 other ones as 10 JSON batches of 10,000.
Rows per second for each; the process's peak RSS after the workbook import (the first heavy
step), and the peak of Python memory (tracemalloc) in a second pass of the CSV import and of
one JSON batch. Aims: CSV >= 0.5 x JSON rows/s; the
100,000-row import's peak under 300 MB.
"""

from __future__ import annotations

import asyncio
import resource
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

import httpx

from app.core.config import Settings
from app.core.db import make_engine
from app.main import create_app
from app.spreadsheets import export, writer
from app.spreadsheets.format import INDICATORS, MEASUREMENTS, NODES, PLAN, PROGRAMMING
from bench.common import database, platform_token

N_INDICATORS = 5_000
N_NODES = 50
MONTHS = [date(2024, m + 1, 1) - timedelta(days=1) for m in range(1, 12)] + [date(2024, 12, 31)]
FILE_DAYS = [date(2025, 1, 1) + timedelta(days=d) for d in range(20)]
JSON_DAYS = [date(2025, 3, 1) + timedelta(days=d) for d in range(20)]
XLSX = writer.XLSX_MEDIA_TYPE


def _workbook() -> tuple[bytes, int]:
    plan = {
        "code": "BENCH",
        "name": "Plan de 5.000 indicadores",
        "kind": "other",
        "first_year": 2024,
        "last_year": 2025,
        "levels": ["Componente"],
        "tolerance_pct": Decimal(0),
        "cap_at_100": False,
    }
    sheets = [
        writer.OutSheet(PLAN.key, PLAN.title, export._columns(PLAN), export._plan_rows(plan)),
        writer.OutSheet(NODES.key, NODES.title, export._columns(NODES)),
        writer.OutSheet(INDICATORS.key, INDICATORS.title, export._columns(INDICATORS)),
        writer.OutSheet(PROGRAMMING.key, PROGRAMMING.title, export._columns(PROGRAMMING)),
        writer.OutSheet(MEASUREMENTS.key, MEASUREMENTS.title, export._columns(MEASUREMENTS)),
    ]
    nodes, indicators, programming, measurements = sheets[1:]
    for n in range(N_NODES):
        nodes.rows.append([f"N{n:02d}", None, "Componente", f"Componente {n}", None, 1, n])
    programming.columns += [writer.OutColumn(p, "Programación") for p in MONTHS]
    for i in range(N_INDICATORS):
        code = f"I{i:05d}"
        row = [None] * len(indicators.columns)
        row[:5] = [code, f"Indicador {i}", None, f"N{i % N_NODES:02d}", "management"]
        row[6], row[8] = "number", "sum"
        indicators.rows.append(row)
        programming.rows.append([code, *(Decimal(10 + i % 7) for _ in MONTHS)])
        for m in MONTHS:
            measurements.rows.append([code, m, Decimal(9 + i % 5), None])
    rows = sum(len(s.rows) for s in sheets)
    return writer.xlsx(sheets, export.lists_for(["Componente"], [])), rows


def _csv(days: list[date]) -> bytes:
    lines = ["indicator_code;period_end;value;note"]
    for i in range(N_INDICATORS):
        for d in days:
            lines.append(f"I{i:05d};{d.strftime('%d/%m/%Y')};{1000 + i % 97},5;")
    return ("\r\n".join(lines) + "\r\n").encode()


def _batches(days: list[date]) -> list[dict]:
    items = [
        {"indicator_code": f"I{i:05d}", "period_end": d.isoformat(), "value": 1000.5 + i % 97}
        for i in range(N_INDICATORS)
        for d in days
    ]
    return [{"items": items[k : k + 10_000]} for k in range(0, len(items), 10_000)]


CPU: dict[str, float] = {}


async def _timed(coro, label: str = "") -> tuple[float, httpx.Response]:
    """Wall seconds of one request; its CPU seconds in this process go to CPU[label] (the
    machine may be shared: wall time alone would hide what the import itself costs)."""
    t0, c0 = time.perf_counter(), time.process_time()
    response = await coro
    CPU[label] = CPU.get(label, 0.0) + time.process_time() - c0
    return time.perf_counter() - t0, response


async def _peak(make_coro) -> float:
    tracemalloc.start()
    await make_coro()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def _check(response: httpx.Response, what: str) -> dict:
    if response.status_code != 200:
        raise SystemExit(f"{what} failed: {response.status_code} {response.text[:500]}")
    return response.json()


async def _run(url: str) -> None:
    # Thresholds out of reach: this measures the import itself, in the request (a file this
    # large would otherwise answer 202 and run as a job: the same code, in the worker).
    settings = Settings(
        database_url=url,
        log_json=False,
        log_level="WARNING",
        import_job_threshold_rows=10**9,
        import_job_threshold_bytes=10**9,
    )
    engine = make_engine(url, settings)
    app = create_app(settings, engine=engine)
    headers = {"Authorization": f"Bearer {platform_token(engine)}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", headers=headers, timeout=1800
    ) as c:
        org = (await c.post("/api/v1/organizations", json={"code": "b", "name": "B"})).json()
        book, book_rows = _workbook()
        print(f"workbook: {len(book) / 1e6:.1f} MB, {book_rows} data rows")
        files = {"file": ("bench.xlsx", book, XLSX)}
        params = {"organization_id": org["id"]}
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        seconds, r = await _timed(
            c.post("/api/v1/plans/import", params=params, files=files), "book"
        )
        rss_book = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        summary = _check(r, "workbook import")
        if summary["errors"]:
            raise SystemExit(f"workbook rejected: {summary['errors'][:3]}")
        plan_id = summary["plan_id"]
        print(
            f"workbook import (5,000 indicators, 12 periods): {seconds:7.1f} s "
            f"{book_rows / seconds:9.0f} rows/s  peak RSS {rss_book:.0f} MB "
            f"(before: {rss_before:.0f} MB); app CPU {CPU['book']:.1f} s"
        )

        url = f"/api/v1/plans/{plan_id}/measurements"
        csv = _csv(FILE_DAYS)
        csv_headers = {"Content-Type": "text/csv"}
        seconds_csv, r = await _timed(c.post(url, content=csv, headers=csv_headers), "csv")
        rss_csv = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        got = _check(r, "CSV import")
        n = got["received"]
        if got["created"] != n or got["rejected"]:
            raise SystemExit(f"CSV import: {got['created']} of {n}; {got['rejected'][:3]}")
        peak_csv = await _peak(lambda: c.post(url, content=csv, headers=csv_headers))

        seconds_json = 0.0
        batches = _batches(JSON_DAYS)
        for body in batches:
            elapsed, r = await _timed(c.post(url, json=body), "json")
            seconds_json += elapsed
            if _check(r, "JSON batch")["created"] != len(body["items"]):
                raise SystemExit("JSON batch did not create every row")
        peak_json = await _peak(lambda: c.post(url, json=batches[0]))

    engine.dispose()
    csv_rate, json_rate = n / seconds_csv, n / seconds_json
    print(
        f"CSV  one body of {n} rows ({len(csv) / 1e6:.1f} MB): {seconds_csv:7.1f} s "
        f"{csv_rate:9.0f} rows/s  peak Python memory {peak_csv:6.0f} MB (second pass); "
        f"app CPU {CPU['csv']:.1f} s"
    )
    print(
        f"JSON {len(batches)} batches of 10,000:           {seconds_json:7.1f} s "
        f"{json_rate:9.0f} rows/s  peak Python memory {peak_json:6.0f} MB (one batch); "
        f"app CPU {CPU['json']:.1f} s"
    )
    print(f"CSV / JSON: {csv_rate / json_rate:.2f}  (aim: >= 0.50)")
    print(
        f"peak RSS of the process once the CSV import is done: {rss_csv:.0f} MB "
        "(aim for the 100,000-row import: < 300 MB; the process holds the app and the "
        "workbook step's high-water mark too)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run (with tracemalloc passes): {rss:.0f} MB")


def main() -> None:
    with database() as url:
        asyncio.run(_run(url))


if __name__ == "__main__":
    main()
