"""Measurements sent as a file (CSV or XLSX) instead of JSON: rows become the JSON path's items.

`POST /api/v1/plans/{id}/measurements` with a `text/csv` or XLSX body lands here: each row is
read with the same rules as a workbook (Spanish numbers, Excel or day-first dates, codes
trimmed), then the rows go to the JSON import (`app.measurements.service.import_batch`) in
batches of its size, in the same transaction. The summary is the JSON path's, with `index`
being the row number in the file as Excel shows it (row 1 is the header).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import BadRequest, DomainError, UnsupportedMediaType
from app.measurements import service as measurements
from app.measurements.schemas import MAX_BATCH, ImportSummary, RejectedItem
from app.plans.models import Plan
from app.spreadsheets import reader, repository, values
from app.spreadsheets.format import MEASUREMENTS
from app.spreadsheets.schemas import FileProblem
from app.spreadsheets.tables import Table, tables_of

CSV_TYPES = {"text/csv", "application/csv"}
FILE_TYPES = CSV_TYPES | {reader.XLSX_MEDIA_TYPE}


@dataclass(frozen=True)
class Row:
    row: int
    indicator_code: str
    period_end: date
    value: Decimal
    note: str | None


def check_content_type(content_type: str) -> None:
    """Refuse a body that is neither CSV nor XLSX (415), before it is queued."""
    _content_kind(content_type)


def _content_kind(content_type: str) -> str:
    media = content_type.split(";")[0].strip().lower()
    if media in CSV_TYPES:
        return "csv"
    if media == reader.XLSX_MEDIA_TYPE:
        return "xlsx"
    raise UnsupportedMediaType(
        "Send the measurements as application/json, text/csv or an XLSX workbook."
    )


def read_rows(table: Table, problems: list[FileProblem]) -> list[Row]:
    """Typed rows of a measurements table; unreadable cells become located problems."""
    out: list[Row] = []
    for number, cells in table.rows:
        code, _ = values.code(cells.get("indicator_code"))
        try:
            if code is None:
                raise _Missing("indicator_code")
            when = values.day(cells.get("period_end"))
            if when is None:
                raise _Missing("period_end")
            amount = values.number(cells.get("value"))
            if amount is None:
                raise _Missing("value")
            note = values.text(cells.get("note"))
        except _Missing as missing:
            problems.append(_problem(number, missing.column, code, "empty: a value is required"))
            continue
        except values.CellError as exc:
            column = _which(cells, exc)
            problems.append(_problem(number, column, code, str(exc)))
            continue
        out.append(Row(number, code, when, amount, note))
    return out


class _Missing(Exception):
    def __init__(self, column: str) -> None:
        self.column = column


def _which(cells: dict, exc: values.CellError) -> str:
    for column, reader_fn in (("period_end", values.day), ("value", values.number)):
        try:
            reader_fn(cells.get(column))
        except values.CellError:
            return column
    return "value"


def _problem(row: int, column: str | None, code: str | None, reason: str) -> FileProblem:
    return FileProblem(sheet=MEASUREMENTS.key, row=row, column=column, code=code, reason=reason)


def batch_body(rows: list[Row]) -> bytes:
    """The JSON path's body for these rows, numbers written exactly as read."""
    parts = []
    for r in rows:
        note = "null" if r.note is None else json.dumps(r.note)
        parts.append(
            f'{{"indicator_code":{json.dumps(r.indicator_code)},'
            f'"period_end":"{r.period_end.isoformat()}",'
            f'"value":{format(r.value, "f")},"note":{note}}}'
        )
    return ('{"items":[' + ",".join(parts) + "]}").encode()


def send(
    session: Session, actor: Actor, plan: Plan, rows: list[Row], *, dry_run: bool
) -> tuple[int, int, int, list[tuple[Row, str]]]:
    """(created, updated, unchanged, [(row, reason)]) from the JSON import, batch by batch.

    Duplicates (same indicator and period end in two rows) are refused here, across batches.
    """
    created = updated = unchanged = 0
    rejected: list[tuple[Row, str]] = []
    first_seen: dict[tuple[str, date], int] = {}
    unique: list[Row] = []
    for r in rows:
        key = (values.fold(r.indicator_code), r.period_end)
        if key in first_seen:
            rejected.append((r, f"duplicate of row {first_seen[key]} (same indicator and period)"))
            continue
        first_seen[key] = r.row
        unique.append(r)
    for start in range(0, len(unique), MAX_BATCH):
        chunk = unique[start : start + MAX_BATCH]
        summary = measurements.import_batch(
            session, actor, plan, batch_body(chunk), atomic=False, dry_run=dry_run
        )
        created += summary.created
        updated += summary.updated
        unchanged += summary.unchanged
        rejected += [(chunk[r.index], r.reason) for r in summary.rejected]
    rejected.sort(key=lambda pair: pair[0].row)
    return created, updated, unchanged, rejected


def import_file(
    session: Session,
    actor: Actor,
    plan: Plan,
    body: bytes,
    content_type: str,
    *,
    atomic: bool,
    dry_run: bool,
) -> ImportSummary:
    """A CSV or XLSX of measurements, answered with the JSON path's summary (index = row)."""
    kind = _content_kind(content_type)
    book = reader.open_upload(body, "measurements.csv" if kind == "csv" else None)
    if kind == "xlsx" and book.kind != "xlsx":
        raise UnsupportedMediaType("The body is not an XLSX workbook.")
    warnings: list[FileProblem] = []
    raws = book.sheets
    if book.kind == "xlsx":
        # The Mediciones sheet of a workbook, or its only visible sheet.
        named = [s for s in raws if values.fold(s.name) in ("mediciones", "measurements")]
        visible = [s for s in raws if not s.hidden]
        raws = named[:1] or visible[:1]
    book.sheets = raws
    tables = tables_of(book, warnings, only=MEASUREMENTS)
    book.sheets = raws = []  # the raw cells are in the table now: let them go
    table = tables.get(MEASUREMENTS.key)
    if table is None:
        raise BadRequest(
            "No measurements found: the file needs a header row naming indicator_code, "
            "period_end and value (or «Código del indicador», «Fin del periodo», «Valor»)."
        )
    missing = {"indicator_code", "period_end", "value"} - set(table.columns.values())
    if missing:
        raise BadRequest(f"The file has no column {', '.join(sorted(missing))}.")
    problems: list[FileProblem] = []
    # Codes that differ from the plan's only in letter case (or accents) are the plan's.
    known = {values.fold(c): c for c in repository.indicator_codes(session, plan.id)}
    for _, cells in table.rows:
        code, _ = values.code(cells.get("indicator_code"))
        cells["indicator_code"] = known.get(values.fold(code), code) if code else None
    rows = read_rows(table, problems)
    received = len(table.rows)
    table.rows = []
    created, updated, unchanged, rejected = send(session, actor, plan, rows, dry_run=dry_run)
    items = [
        RejectedItem(index=p.row or 0, reason=f"{p.column}: {p.reason}", indicator_code=p.code)
        for p in problems
    ] + [
        RejectedItem(
            index=r.row,
            reason=reason,
            indicator_code=r.indicator_code,
            period_end=r.period_end.isoformat(),
        )
        for r, reason in rejected
    ]
    items.sort(key=lambda i: i.index)
    if atomic and items:
        raise DomainError(
            f"{len(items)} of {received} rows were rejected and atomic=true: nothing was written.",
            errors=[{"loc": ["body", "row", i.index], "msg": i.reason} for i in items],
            status=422,
        )
    return ImportSummary(
        received=received,
        created=created,
        updated=updated,
        unchanged=unchanged,
        rejected=items,
        dry_run=dry_run,
        atomic=atomic,
        written=not dry_run and bool(created or updated),
    )
