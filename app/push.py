"""`plan-followup push measurements FILE --plan CODE`: what a municipal script runs from cron.

Reads a CSV (`;` or `,`, UTF-8 with or without BOM), XLSX (first sheet) or JSON file of
measurements (columns `indicator_code, period_end, value, note`), finds the plan by its code,
dry-runs every batch and stops on any rejected item (each printed with its row in the file),
then sends the batches with an Idempotency-Key derived from the file's bytes, the plan and the
batch number: a re-run after a failure answers what was already written, never a duplicate.
429, 502, 503, 504 and dropped connections are retried with exponential backoff, honouring
Retry-After. The server validates the items; this only reads the file and locates the errors.

Exit codes, for cron:
    0  everything was accepted (or already there)
    1  items were rejected (nothing was sent), or the service refused the request
    2  usage: a missing or unreadable file, a bad column, an unknown plan or organization,
       no PLAN_FOLLOWUP_TOKEN
    3  the service is unreachable, keeps failing, or refuses the token
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

import httpx

OK, REJECTED, USAGE, UNREACHABLE = 0, 1, 2, 3

MAX_BATCH = 10_000  # the server's limit per request (app/measurements/schemas.py)
COLUMNS = ("indicator_code", "period_end", "value", "note")
REQUIRED = ("indicator_code", "period_end", "value")
RETRIED_STATUSES = {429, 502, 503, 504}
ATTEMPTS = 6  # one try and five retries: about a minute of backoff, more if Retry-After says
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0
RETRY_AFTER_CAP = 300.0
PROGRESS_FROM = 2_000  # items: smaller files are sent before a bar would be worth drawing
TOKEN_ENV = "PLAN_FOLLOWUP_TOKEN"  # noqa: S105 - the variable's name, not a secret


class Stop(Exception):
    """Ends the command with one line on stderr and an exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Row:
    where: str  # "row 7" (CSV and XLSX, the header being row 1) or "item 3" (JSON, from 1)
    item: dict[str, Any]
    problem: str | None = None  # found while reading: the row is not sent, whatever else


# --- reading the file ---------------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[Row], bytes]:
    """The file's items, each with its place in the file, and the file's bytes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Stop(USAGE, f"{path}: no such file") from None
    except OSError as exc:
        raise Stop(USAGE, f"{path}: cannot be read ({exc.strerror})") from None
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _csv_rows(path, data), data
    if suffix == ".xlsx":
        return _xlsx_rows(path, data), data
    if suffix == ".json":
        return _json_rows(path, data), data
    raise Stop(USAGE, f"{path}: expected a .csv, .xlsx or .json file")


def _header(path: Path, names: list[Any]) -> list[str]:
    header = [str(n).strip().lower() if n is not None else "" for n in names]
    while header and header[-1] == "":
        header.pop()
    unknown = [n for n in header if n not in COLUMNS]
    missing = [n for n in REQUIRED if n not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise Stop(
            USAGE,
            f"{path}: the first row must name the columns {', '.join(COLUMNS)} (note optional); "
            + "; ".join(
                p
                for p in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(repr(u) for u in unknown)}" if unknown else "",
                    "a column is repeated" if len(set(header)) != len(header) else "",
                )
                if p
            ),
        )
    return header


def _number(value: Any) -> Any:
    """A cell as an exact JSON number where it reads as one; else as it is (the server says why)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip()
    if text == "":
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as Colombian spreadsheets write it
    try:
        number = Decimal(text)
    except InvalidOperation:
        return value
    return number if number.is_finite() else value


def _row(where: str, header: list[str], cells: list[Any]) -> Row | None:
    """One row of cells as a Row; None for an empty row."""
    item = _item(header, cells)
    if item is None:
        return None
    extra = [c for c in cells[len(header) :] if c is not None and str(c).strip() != ""]
    # Say so rather than drop them: `1,5` unquoted in a comma-separated file is 1 and 5.
    problem = (
        f"more cells than columns ({', '.join(map(str, extra))}): a decimal comma unquoted?"
        if extra
        else None
    )
    return Row(where, item, problem)


def _item(header: list[str], cells: list[Any]) -> dict[str, Any] | None:
    """One row as an API item; None for an empty row."""
    values = dict(zip(header, cells, strict=False))
    if all(v is None or str(v).strip() == "" for v in values.values()):
        return None
    item: dict[str, Any] = {}
    for name in header:
        value = values.get(name)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            value = value.isoformat()
        if name == "value":
            value = _number(value)
        elif isinstance(value, str):
            value = value.strip() or None
        elif value is not None:
            value = str(value)
        if name == "note" and value is None:
            continue
        item[name] = value
    return item


def _csv_rows(path: Path, data: bytes) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Stop(USAGE, f"{path}: not UTF-8 (byte {exc.start}); save it as CSV UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(path, next(reader))
    except StopIteration:
        raise Stop(USAGE, f"{path}: the file is empty") from None
    except csv.Error as exc:
        raise Stop(USAGE, f"{path}: not a CSV file ({exc})") from None
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if row := _row(f"row {number}", header, cells):
                rows.append(row)
    except csv.Error as exc:
        raise Stop(USAGE, f"{path}: row {reader.line_num}: {exc}") from None
    return rows


def _xlsx_rows(path: Path, data: bytes) -> list[Row]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Stop(USAGE, f"{path}: not an XLSX workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        first = next(lines, None)
        if first is None:
            raise Stop(USAGE, f"{path}: the first sheet is empty")
        header = _header(path, list(first))
        rows = []
        for number, cells in enumerate(lines, start=2):
            if row := _row(f"row {number}", header, list(cells)):
                rows.append(row)
        return rows
    finally:
        book.close()


def _json_rows(path: Path, data: bytes) -> list[Row]:
    try:
        # Exact decimals: 0.1 stays 0.1 on its way to the server.
        content = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Stop(USAGE, f"{path}: not valid JSON ({exc})") from None
    items = content.get("items") if isinstance(content, dict) else content
    if not isinstance(items, list) or (isinstance(content, dict) and set(content) != {"items"}):
        raise Stop(USAGE, f'{path}: expected {{"items": [...]}} or a list of measurements')
    return [Row(f"item {i}", item) for i, item in enumerate(items, start=1)]


def to_json(value: Any) -> str:
    """JSON with Decimals written exactly, as numbers (the API refuses numbers in strings)."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text if "." not in text else text.rstrip("0").rstrip(".")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


# --- talking to the service ---------------------------------------------------------------


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks to wait (delta-seconds or an HTTP date), capped."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def _pause(seconds: float) -> None:
    time.sleep(seconds)


class Service:
    """The API over httpx, retrying what is safe to retry (every POST here is idempotent)."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        sleep: Callable[[float], None] | None = None,
        err: IO[str] | None = None,
    ) -> None:
        self.client = client
        self.sleep = sleep or _pause
        self.err = err or sys.stderr

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = self.client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                trouble, wait = f"{type(exc).__name__}: {exc}", None
            else:
                if response.status_code not in RETRIED_STATUSES:
                    self._refuse_token(response)
                    return response
                trouble, wait = f"HTTP {response.status_code}", retry_after(response)
            if attempt == ATTEMPTS:
                raise Stop(
                    UNREACHABLE,
                    f"The service at {self.client.base_url} did not answer after {ATTEMPTS} "
                    f"tries ({trouble}).",
                )
            if wait is None:
                backoff = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
                wait = backoff * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not secrets
            print(f"{trouble}; retrying in {wait:.1f} s", file=self.err)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _refuse_token(self, response: httpx.Response) -> None:
        if response.status_code == 401:
            raise Stop(
                UNREACHABLE,
                f"The service refused the token (401): check {TOKEN_ENV}. "
                f"{_detail(response)}".strip(),
            )

    def find_plan(self, code: str, organization: str | None) -> dict:
        params: dict[str, Any] = {"code": code, "limit": 100}
        if organization:
            orgs = self.ok(
                self.request("GET", "/api/v1/organizations", params={"code": organization})
            )
            if not orgs["items"]:
                raise Stop(
                    USAGE, f"No organization with code {organization!r} is visible to this token."
                )
            params["organization_id"] = orgs["items"][0]["id"]
        plans = self.ok(self.request("GET", "/api/v1/plans", params=params))["items"]
        if not plans:
            raise Stop(USAGE, f"No plan with code {code!r} is visible to this token.")
        if len(plans) > 1:
            raise Stop(
                USAGE,
                f"{len(plans)} plans have the code {code!r} (several organizations): "
                "say which with --organization CODE.",
            )
        return plans[0]

    def post_batch(self, plan_id: str, body: str, *, dry_run: bool, key: str | None):
        params = {"dry_run": "true"} if dry_run else {"atomic": "true"}
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        return self.request(
            "POST",
            f"/api/v1/plans/{plan_id}/measurements",
            params=params,
            content=body.encode(),
            headers=headers,
        )

    def ok(self, response: httpx.Response) -> dict:
        if response.status_code == 403:
            raise Stop(UNREACHABLE, f"The token may not do this (403). {_detail(response)}".strip())
        if response.status_code >= 400:
            raise Stop(
                REJECTED,
                f"The service answered {response.status_code} to {response.request.method} "
                f"{response.request.url.path}. {_detail(response)}".strip(),
            )
        return response.json()


def _detail(response: httpx.Response) -> str:
    try:
        problem = response.json()
    except ValueError:
        return ""
    return (
        str(problem.get("detail") or problem.get("title") or "")
        if isinstance(problem, dict)
        else ""
    )


# --- the command --------------------------------------------------------------------------


def batches(rows: list[Row], size: int) -> Iterator[tuple[int, list[Row]]]:
    for start in range(0, len(rows), size):
        yield start, rows[start : start + size]


def idempotency_key(file_bytes: bytes, plan_id: str, number: int, count: int) -> str:
    digest = hashlib.sha256(
        b"plan-followup push measurements\0"
        + hashlib.sha256(file_bytes).digest()
        + f"\0{plan_id}\0{number}/{count}".encode()
    ).hexdigest()
    return f"push-measurements-{digest[:48]}"


def _located(rows: list[Row], start: int, index: int, reason: str) -> str:
    """The server's item index in a batch, as the row of the file it came from."""
    row = rows[start + index] if 0 <= start + index < len(rows) else None
    where = row.where if row else f"item {start + index + 1}"
    source = row.item if row and isinstance(row.item, dict) else {}
    if "JSON number" in reason and row and row.where.startswith("row"):
        reason = f"value {source['value']!r} is not a number"  # a cell, not JSON, to the reader
    ref = " ".join(
        str(source.get(k)) for k in ("indicator_code", "period_end") if source.get(k) is not None
    )
    return f"{where}: {ref + ': ' if ref else ''}{reason}"


def _rejections(response: httpx.Response) -> list[tuple[int, str]]:
    """(index in the batch, reason) of the items a 422 (atomic=true) refused."""
    try:
        body = response.json()
    except ValueError:
        return []
    found = []
    for error in (body.get("errors") if isinstance(body, dict) else None) or []:
        loc = error.get("loc") or []
        if len(loc) >= 3 and loc[:2] == ["body", "items"] and isinstance(loc[2], int):
            found.append((loc[2], error.get("msg", "")))
    return found


def _duplicates_across_batches(rows: list[Row], size: int) -> list[tuple[int, str]]:
    """The server finds duplicates within a batch; those split over two batches, here."""
    first: dict[tuple[Any, Any], int] = {}
    errors = []
    for position, row in enumerate(rows):
        if not isinstance(row.item, dict):
            continue
        key = (row.item.get("indicator_code"), row.item.get("period_end"))
        if None in key:
            continue
        if key in first and first[key] // size != position // size:
            errors.append(
                (
                    position,
                    f"{row.where}: {key[0]} {key[1]}: duplicate of {rows[first[key]].where} "
                    "(same indicator and period_end)",
                )
            )
        first.setdefault(key, position)
    return errors


def _bar(total: int, label: str, err: IO[str]):
    from tqdm import tqdm

    shown = total >= PROGRESS_FROM and hasattr(err, "isatty") and err.isatty()
    return tqdm(total=total, desc=label, unit="items", file=err, disable=not shown, leave=False)


def push_measurements(
    path: Path,
    *,
    plan: str,
    client: httpx.Client,
    organization: str | None = None,
    batch_size: int = MAX_BATCH,
    sleep: Callable[[float], None] | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """Dry-run, then send the file's measurements; the exit code (errors printed to `err`)."""
    out, err = out or sys.stdout, err or sys.stderr
    service = Service(client, sleep=sleep, err=err)
    try:
        rows, file_bytes = read_rows(path)
        if not rows:
            raise Stop(USAGE, f"{path}: no measurements in the file")
        found = service.find_plan(plan, organization)
        plan_id = found["id"]
        parts = list(batches(rows, batch_size))
        bodies = [to_json({"items": [r.item for r in part]}) for _, part in parts]

        errors = _duplicates_across_batches(rows, batch_size)
        errors += [(i, _located(rows, 0, i, r.problem)) for i, r in enumerate(rows) if r.problem]
        with _bar(len(rows), "checking", err) as bar:
            for (start, part), body in zip(parts, bodies, strict=True):
                response = service.post_batch(plan_id, body, dry_run=True, key=None)
                rejected = _rejections(response) if response.status_code == 422 else []
                if not rejected:
                    rejected = [(r["index"], r["reason"]) for r in service.ok(response)["rejected"]]
                for index, reason in rejected:
                    errors.append((start + index, _located(rows, start, index, reason)))
                bar.update(len(part))
        if errors:
            for _, line in sorted(errors):
                print(line, file=err)
            print(
                f"{len(errors)} of {len(rows)} items rejected by the dry run: nothing was sent.",
                file=err,
            )
            return REJECTED

        totals = {"created": 0, "updated": 0, "unchanged": 0}
        replayed = 0
        with _bar(len(rows), "sending", err) as bar:
            for number, ((start, part), body) in enumerate(zip(parts, bodies, strict=True), 1):
                key = idempotency_key(file_bytes, plan_id, number, len(parts))
                response = service.post_batch(plan_id, body, dry_run=False, key=key)
                rejected = _rejections(response) if response.status_code == 422 else []
                summary: dict = {}
                if not rejected:
                    summary = service.ok(response)
                    rejected = [(r["index"], r["reason"]) for r in summary["rejected"]]
                if rejected:
                    for index, reason in rejected:
                        print(_located(rows, start, index, reason), file=err)
                    print(
                        f"Batch {number} of {len(parts)} was refused after a clean dry run "
                        "(the plan changed meanwhile): nothing of it was written."
                        + (f" Batches 1 to {number - 1} were written." if number > 1 else ""),
                        file=err,
                    )
                    return REJECTED
                replayed += response.headers.get("Idempotency-Replayed") == "true"
                for k in totals:
                    totals[k] += summary[k]
                bar.update(len(part))
    except Stop as stop:
        print(stop.message, file=err)
        return stop.code

    again = (
        f" ({replayed} of them already sent by an earlier run: its answer repeated)"
        if replayed
        else ""
    )
    print(
        f"{found['code']}: {len(rows)} measurements in {len(parts)} "
        f"batch{'es' if len(parts) > 1 else ''}{again}: {totals['created']} created, "
        f"{totals['updated']} updated, {totals['unchanged']} unchanged.",
        file=out,
    )
    return OK


def command(
    kind: str,
    file: str,
    *,
    plan: str,
    url: str,
    token: str | None,
    organization: str | None = None,
    batch_size: int = MAX_BATCH,
) -> int:
    """The CLI's entry: builds the httpx client from the URL and token."""
    if kind != "measurements":
        print(f"plan-followup push: nothing to push as {kind!r} yet", file=sys.stderr)
        return USAGE
    if not token:
        print(
            f"Set {TOKEN_ENV} to an API token (POST /api/v1/users/{{user_id}}/tokens).",
            file=sys.stderr,
        )
        return USAGE
    with httpx.Client(
        base_url=url,
        headers={"Authorization": f"Bearer {token}", "User-Agent": "plan-followup-push"},
        timeout=httpx.Timeout(120.0, connect=10.0),
    ) as client:
        return push_measurements(
            Path(file), plan=plan, client=client, organization=organization, batch_size=batch_size
        )
