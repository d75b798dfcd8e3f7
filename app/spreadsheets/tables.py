"""From raw sheets to tables: which sheet is which, which column is which field.

The header row is found among the first three rows: the one naming the most API fields of
the sheet (row 2 of our workbooks; row 1 of a script's CSV); failing that, the one naming the
most Spanish headers. Columns the sheet does not know, hidden sheets and sheets of no known
name are ignored with a warning. Merged header cells are harmless: only the API row counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.spreadsheets import values
from app.spreadsheets.format import AXIS_PREFIX, LISTS_TITLE, Sheet, sheet_named
from app.spreadsheets.reader import RawBook, RawSheet
from app.spreadsheets.schemas import FileProblem


@dataclass
class Table:
    sheet: Sheet
    name: str
    columns: dict[int, str]  # cell index -> API field
    axes: dict[int, str] = field(default_factory=dict)  # cell index -> axis code
    periods: dict[int, date] = field(default_factory=dict)  # programming: index -> period end
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, field -> value)


def _header_index(raw: RawSheet, sheet: Sheet) -> tuple[int, bool]:
    """(index in raw.rows of the header row, whether it names API fields)."""
    api = {values.fold(c.field) for c in sheet.columns}
    spanish = {values.fold(c.header) for c in sheet.columns}

    def score(row: list, names: set[str]) -> int:
        return sum(
            1
            for v in row
            if isinstance(v, str)
            and (values.fold(v.strip()) in names or v.strip().startswith(AXIS_PREFIX))
        )

    head = raw.rows[:3]
    best = max(range(len(head)), key=lambda i: score(head[i][1], api), default=None)
    if best is not None and score(head[best][1], api) > 0:
        return best, True
    best = max(range(len(head)), key=lambda i: score(head[i][1], spanish), default=None)
    if best is not None and score(head[best][1], spanish) > 0:
        return best, False
    return -1, False


def to_table(raw: RawSheet, sheet: Sheet, warnings: list[FileProblem]) -> Table | None:
    table = Table(sheet, raw.name, {})
    if not raw.rows:
        return table
    index, by_api = _header_index(raw, sheet)
    if index < 0:
        warnings.append(
            FileProblem(
                sheet=sheet.key,
                row=raw.rows[0][0],
                column=None,
                code=None,
                reason="no header row naming this sheet's columns: the sheet was ignored",
            )
        )
        return None
    number, header = raw.rows[index]
    lookup = {values.fold(c.field if by_api else c.header): c.field for c in sheet.columns}
    for i, cell in enumerate(header):
        name = values.text(cell)
        if name is None:
            continue
        if name.startswith(AXIS_PREFIX) and sheet.key in ("actions", "indicators"):
            table.axes[i] = name[len(AXIS_PREFIX) :].strip()
            continue
        known = lookup.get(values.fold(name))
        if known is not None and known not in table.columns.values():
            table.columns[i] = known
            continue
        if sheet.key == "programming":
            try:
                table.periods[i] = values.day(cell)
                continue
            except values.CellError:
                pass
        warnings.append(
            FileProblem(
                sheet=sheet.key,
                row=number,
                column=name[:80],
                code=None,
                reason="unknown column: ignored",
            )
        )
    for number, cells in raw.rows[index + 1 :]:
        row = {f: cells[i] if i < len(cells) else None for i, f in table.columns.items()}
        if table.axes:
            row["axis_values"] = {
                a: cells[i] if i < len(cells) else None for i, a in table.axes.items()
            }
        if table.periods:
            row["periods"] = {
                d: cells[i] if i < len(cells) else None for i, d in table.periods.items()
            }
        plain = [v for k, v in row.items() if k not in ("axis_values", "periods")]
        nested = [v for k in ("axis_values", "periods") for v in row.get(k, {}).values()]
        if all(values.is_blank(v) for v in plain + nested):
            continue
        table.rows.append((number, row))
    return table


def tables_of(book: RawBook, warnings: list[FileProblem], only: Sheet | None = None) -> dict:
    """The known sheets of a book as tables, by sheet key; warnings for what is skipped."""
    found: dict[str, Table] = {}
    for text in book.warnings:
        warnings.append(FileProblem(sheet=None, row=None, column=None, code=None, reason=text))
    for raw in book.sheets:
        for text in raw.warnings:
            warnings.append(
                FileProblem(sheet=raw.name, row=None, column=None, code=None, reason=text)
            )
        stem = raw.name.rsplit(".", 1)[0] if book.kind != "xlsx" else raw.name
        sheet = only or sheet_named(stem)
        if sheet is None and book.kind != "xlsx" and len(book.sheets) == 1:
            sheet = _guess(raw)
        if values.fold(stem) == values.fold(LISTS_TITLE):
            continue
        if raw.hidden:
            warnings.append(
                FileProblem(
                    sheet=raw.name, row=None, column=None, code=None, reason="hidden sheet: ignored"
                )
            )
            continue
        if sheet is None:
            warnings.append(
                FileProblem(
                    sheet=raw.name,
                    row=None,
                    column=None,
                    code=None,
                    reason="a sheet of no known name: ignored",
                )
            )
            continue
        if sheet.key in found:
            warnings.append(
                FileProblem(
                    sheet=raw.name,
                    row=None,
                    column=None,
                    code=None,
                    reason=f"a second {sheet.key} sheet: ignored",
                )
            )
            continue
        table = to_table(raw, sheet, warnings)
        if table is not None:
            found[sheet.key] = table
    return found


def _guess(raw: RawSheet) -> Sheet | None:
    """A lone CSV of no known file name: the sheet whose API fields its header names most."""
    from app.spreadsheets.format import SHEETS

    best, best_score = None, 0
    for sheet in SHEETS:
        names = {values.fold(c.field) for c in sheet.columns}
        for _, row in raw.rows[:3]:
            score = sum(1 for v in row if isinstance(v, str) and values.fold(v.strip()) in names)
            if score > best_score:
                best, best_score = sheet, score
    return best
