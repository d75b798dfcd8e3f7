"""Opening an uploaded workbook or CSV safely, and reading its sheets as rows of cells.

Hostile files are refused before any parser sees them: the zip's central directory is read
first (entry count, declared uncompressed size, compression ratio), XML parts with a DTD or
entity declarations are refused, macro workbooks (.xlsm) and legacy .xls are refused. The
XML itself is parsed by openpyxl in read-only mode, which uses defusedxml when installed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException

from app.core.errors import BadRequest, ContentTooLarge, UnsupportedMediaType
from app.spreadsheets import values

# Limits, documented in the README ("Working from Excel").
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the file as sent
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all parts of an XLSX (or a zip of CSV) inflated
MAX_RATIO = 100  # inflated / compressed, per part above 1 MB (Apache POI's default too)
MAX_ZIP_ENTRIES = 1_000
MAX_ROWS = 200_000  # data rows in one file, all sheets together
MAX_COLUMNS = 200
MAX_CELL_CHARS = 20_000

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other Office 97 files)


@dataclass
class RawSheet:
    """A sheet (or CSV file) as typed: its name, whether it was hidden, its non-empty rows."""

    name: str
    hidden: bool = False
    rows: list[tuple[int, list]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class RawBook:
    kind: str  # "xlsx", "csv" or "zip"
    sheets: list[RawSheet]
    warnings: list[str] = field(default_factory=list)


def open_upload(data: bytes, filename: str | None = None) -> RawBook:
    """The sheets of an XLSX, a CSV or a zip of CSV files; 4xx problems for anything else."""
    _check_head(data)
    if data.startswith(b"PK"):
        return _open_zip(data)
    return RawBook("csv", [read_csv(data, filename or "data.csv")], [])


def check_upload(data: bytes) -> None:
    """What is refused without parsing (size, legacy .xls, a hostile or macro zip): raised in
    the request before a large file is queued for a job."""
    _check_head(data)
    if data.startswith(b"PK"):
        _checked_zip(data)


def _check_head(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ContentTooLarge(f"The file is larger than {MAX_UPLOAD_BYTES} bytes.")
    if not data:
        raise BadRequest("The file is empty.")
    if data.startswith(_OLE2):
        raise UnsupportedMediaType(
            "Legacy Excel files (.xls) are not read: save the file as .xlsx "
            "(Excel workbook) or CSV and send it again."
        )


def _checked_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BadRequest("The file is not a valid XLSX or zip file.") from None
    # zipfile reads the central directory only; a part is never inflated past its declared
    # size (ZipExtFile stops there and checks the CRC), so these checks bound the work.
    _check_zip(archive)
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in (
            archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        ):
            raise UnsupportedMediaType(
                "Macro-enabled workbooks (.xlsm) are refused: save as .xlsx without macros."
            )
        _refuse_dtds(archive)
    return archive


def _check_zip(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise BadRequest(f"The file holds {len(entries)} parts; at most {MAX_ZIP_ENTRIES}.")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ContentTooLarge(
            f"The file inflates to {total} bytes; at most {MAX_UNCOMPRESSED_BYTES} are read."
        )
    for e in entries:
        if e.file_size > 1024 * 1024 and e.file_size > MAX_RATIO * max(e.compress_size, 1):
            raise BadRequest(
                f"Part {e.filename} inflates {e.file_size // max(e.compress_size, 1)} times: "
                "refused as a possible zip bomb."
            )
        if e.flag_bits & 0x1:
            raise BadRequest("Encrypted (password-protected) files are not read.")


def _open_zip(data: bytes) -> RawBook:
    archive = _checked_zip(data)
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        return _read_xlsx(data)
    csvs = [n for n in names if n.lower().endswith(".csv") and not n.endswith("/")]
    if not csvs:
        raise UnsupportedMediaType("The zip holds no .csv files and is not an XLSX workbook.")
    sheets = [read_csv(archive.read(n), n.rsplit("/", 1)[-1]) for n in csvs]
    ignored = [n for n in names if n not in csvs and not n.endswith("/")]
    warnings = [f"{n}: not a .csv file, ignored" for n in ignored]
    return RawBook("zip", sheets, warnings)


def _refuse_dtds(archive: zipfile.ZipFile) -> None:
    """XML parts of a workbook never carry a DTD: one that does is an entity-expansion attack."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(info) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise BadRequest(
                    f"Part {info.filename} declares a DTD or XML entities: refused "
                    "(possible entity-expansion attack)."
                )


def _read_xlsx(data: bytes) -> RawBook:
    import openpyxl

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except DefusedXmlException as exc:
        raise _entities(exc) from None
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        if (refused := _defused(exc)) is not None:
            raise _entities(refused) from None
        raise BadRequest(f"The workbook cannot be read: {type(exc).__name__}.") from None
    sheets: list[RawSheet] = []
    total = 0
    try:
        for ws in book.worksheets:
            sheet = RawSheet(ws.title, hidden=ws.sheet_state != "visible")
            for number, cells in enumerate(ws.iter_rows(), start=1):
                row = [_cell(c) for c in cells[:MAX_COLUMNS]]
                if any(not values.is_blank(v) for v in row):
                    sheet.rows.append((number, row))
                    total += 1
                    if total > MAX_ROWS + 3 * len(book.worksheets):
                        raise ContentTooLarge(
                            f"The workbook has more than {MAX_ROWS} rows; split it."
                        )
            sheets.append(sheet)
    except (ContentTooLarge, BadRequest):
        raise
    except DefusedXmlException as exc:
        raise _entities(exc) from None
    except Exception as exc:
        if (refused := _defused(exc)) is not None:
            raise _entities(refused) from None
        raise BadRequest(f"The workbook cannot be read: {type(exc).__name__}.") from None
    finally:
        book.close()
    return RawBook("xlsx", sheets)


def _defused(exc: BaseException | None) -> BaseException | None:
    """defusedxml's refusal, also where openpyxl wrapped it in its own ValueError."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _entities(exc: BaseException) -> BadRequest:
    return BadRequest(
        f"The workbook's XML declares a DTD or entities ({type(exc).__name__}): refused "
        "(possible entity-expansion attack)."
    )


def _cell(cell) -> object:
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        fmt = getattr(cell, "number_format", None) or ""
        if "%" in fmt:
            return values.number(value, percent_format=True)
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[:MAX_CELL_CHARS]
    return value


def decode_text(data: bytes) -> tuple[str, str | None]:
    """The text of a CSV and a warning when it was not UTF-8.

    A UTF-8 byte-order mark is dropped. Excel in Spanish saves "CSV" as Windows-1252: such
    a file is read as Windows-1252 with a warning; bytes that are neither are refused.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadRequest("The CSV is UTF-16: save it as «CSV UTF-8 (delimitado por comas)».")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), (
            "the file is not UTF-8: it was read as Windows-1252 (Excel's «CSV» in Spanish); "
            "check accents, or save as «CSV UTF-8»"
        )
    except UnicodeDecodeError as exc:
        raise BadRequest(
            f"The CSV is neither UTF-8 nor Windows-1252 (byte {exc.start}); save it as "
            "«CSV UTF-8 (delimitado por comas)»."
        ) from None


def read_csv(data: bytes, name: str) -> RawSheet:
    """A CSV file as a sheet; `,`, `;` (Excel's default in Spanish) or tab separated."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ContentTooLarge(f"{name} is larger than {MAX_UPLOAD_BYTES} bytes.")
    content, warning = decode_text(data)
    if "\x00" in content:
        raise BadRequest(f"{name} is not a text file.")
    first = content.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    sheet = RawSheet(name)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            if len(sheet.rows) > MAX_ROWS + 2:
                raise ContentTooLarge(f"{name} has more than {MAX_ROWS} rows; split it.")
            cells = [c[:MAX_CELL_CHARS] for c in row[:MAX_COLUMNS]]
            if any(not values.is_blank(c) for c in cells):
                sheet.rows.append((number, cells))
    except csv.Error as exc:
        raise BadRequest(f"{name} is not a valid CSV file: {exc}.") from None
    if warning:
        sheet.warnings.append(warning)
    return sheet


def estimate_rows(data: bytes) -> int:
    """About how many rows a file has, without parsing it: what decides whether its import
    runs in the request or as a job. Lines of a CSV; `<row` elements of an XLSX's worksheets
    (empty rows Excel keeps for formatting count too); lines of a zip's CSV files. A file that
    is not one of these answers 0: opening it refuses it in the request."""
    if not data.startswith(b"PK"):
        return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_zip(archive)  # bounds what is inflated below
    except (zipfile.BadZipFile, BadRequest, ContentTooLarge):
        return 0
    count = 0
    for info in archive.infolist():
        name = info.filename.lower()
        marks: tuple[bytes, ...]
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            marks = (b"<row ", b"<row>")
        elif name.endswith(".csv"):
            marks = (b"\n",)
        else:
            continue
        tail = b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(1 << 20):
                    # The previous chunk's tail joins this one, so that a mark cut in two is
                    # counted; marks wholly inside that tail were counted already.
                    window = tail + chunk
                    count += sum(window.count(m) - tail.count(m) for m in marks)
                    tail = chunk[-5:]
        except (zipfile.BadZipFile, OSError, EOFError):
            return count
    return count
