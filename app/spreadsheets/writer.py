"""Writing sheets as an XLSX workbook (XlsxWriter) or as CSV files (one per sheet, zipped).

XLSX: row 1 the Spanish headers, row 2 the API field names, both frozen with the first column;
dates as Excel dates, numbers as numbers, drop-down lists for closed vocabularies (from the
"Listas" sheet). CSV: UTF-8, comma separated, the API field names as the only header row,
numbers exact with "." as the decimal mark, dates ISO.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from app.spreadsheets.format import LISTS_TITLE

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
ZIP_MEDIA_TYPE = "application/zip"


@dataclass
class OutColumn:
    field: str | date  # a period end for programming columns
    header: str
    choices: str | None = None
    width: int = 16


@dataclass
class OutSheet:
    key: str
    title: str
    columns: list[OutColumn]
    rows: list[list] = field(default_factory=list)
    note: str = ""


def _cell_number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def xlsx(sheets: list[OutSheet], lists: dict[str, list[str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "text_wrap": True, "border": 1})
    api = book.add_format({"italic": True, "font_color": "#595959", "bg_color": "#F2F2F2"})
    api_date = book.add_format(
        {"italic": True, "bg_color": "#F2F2F2", "num_format": "dd/mm/yyyy", "bold": True}
    )
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    list_ranges: dict[str, str] = {}
    # The lists sheet is written last but its ranges are known now.
    for i, (name, items) in enumerate(lists.items()):
        col = xl_col_to_name(i)
        list_ranges[name] = f"='{LISTS_TITLE}'!${col}$3:${col}${max(len(items), 1) + 2}"

    for sheet in sheets:
        ws = book.add_worksheet(sheet.title)
        ws.freeze_panes(2, 1)
        ws.set_row(0, 30)
        for c, column in enumerate(sheet.columns):
            ws.set_column(c, c, column.width)
            ws.write_string(0, c, column.header, head)
            if isinstance(column.field, date):
                ws.write_datetime(
                    1, c, datetime.combine(column.field, datetime.min.time()), api_date
                )
            else:
                ws.write_string(1, c, column.field, api)
        last_row = max(len(sheet.rows) + 2 + 500, 1000)
        for c, column in enumerate(sheet.columns):
            if column.choices and column.choices in list_ranges and lists.get(column.choices):
                ws.data_validation(
                    2,
                    c,
                    last_row,
                    c,
                    {
                        "validate": "list",
                        "source": list_ranges[column.choices],
                        "error_type": "warning",
                        "error_message": "Use a value of the list (sheet «Listas»).",
                    },
                )
        for r, row in enumerate(sheet.rows, start=2):
            for c, value in enumerate(row):
                _write(ws, r, c, value, day)
        if sheet.note:
            ws.write_comment(0, 0, sheet.note)

    ws = book.add_worksheet(LISTS_TITLE)
    columns = list(lists.items())
    ws.set_column(0, max(len(columns) - 1, 0), 22)
    for c, (name, _) in enumerate(columns):
        ws.write_string(0, c, name, head)
        ws.write_string(1, c, name, api)
    # constant_memory: rows are written in order, so the lists go row by row.
    for r in range(max((len(items) for _, items in columns), default=0)):
        for c, (_, items) in enumerate(columns):
            if r < len(items):
                ws.write_string(r + 2, c, items[r])
    book.close()
    return buffer.getvalue()


def _write(ws, r: int, c: int, value, day) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_string(r, c, "SI" if value else "NO")
    elif isinstance(value, Decimal):
        ws.write_number(r, c, _cell_number(value))
    elif isinstance(value, int | float):
        ws.write_number(r, c, value)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value.replace(tzinfo=None), day)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime.combine(value, datetime.min.time()), day)
    else:
        ws.write_string(r, c, str(value))


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(sheet: OutSheet) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_value(c.field) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8")


def csv_zip(sheets: list[OutSheet]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets:
            archive.writestr(f"{sheet.key}.csv", csv_bytes(sheet))
    return buffer.getvalue()
