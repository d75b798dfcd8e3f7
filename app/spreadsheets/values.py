"""What officials type in a cell, read as the value the API means: numbers, dates, codes, text.

Every reader returns the value or raises `CellError` with a reason in plain words; the caller
adds the location (sheet, row, column). No database, no web: plain functions over cell values.

Rules (also in README, "Working from Excel"):
- Numbers: Excel numbers are taken as they are (a cell formatted as a percentage, 0.45 shown
  "45 %", is read as 45). Text is read the Spanish way first: "." groups thousands and ","
  marks decimals ("1.474.056" = 1474056, "53,73" = 53.73, "1.474.056,25"); where both appear
  the last one is the decimal mark ("1,474,056.25"); several "," alone group thousands; a
  single "." is a decimal point unless exactly three digits follow it and the part before is
  1-3 digits not starting with 0 ("1.474" = 1474, "0.125" = 0.125, "53.73" = 53.73). "$", "COP",
  "%" and spaces (also non-breaking) are dropped: "$ 1.931.975.000", "45 %".
- Dates: Excel dates, Excel serial numbers (45199 = 2023-09-30), ISO "2023-09-30", and the
  Colombian day-first "30/09/2023" (also with "-" or "."); "09/30/2023" is rejected, not guessed.
- Codes: trimmed (non-breaking spaces too), accents dropped ("Ó" -> "O", with a warning); a
  code that matches an existing one except for letter case is taken as that one (warning).
- Text: trimmed of spaces and non-breaking spaces at both ends.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation


class CellError(ValueError):
    """A cell that cannot be read as what its column holds."""


_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_CURRENCY = re.compile(r"(?i)(cop|us\$|\$)")
_EXCEL_EPOCH = date(1899, 12, 30)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not _SPACES.sub("", value))


def text(value: object) -> str | None:
    """A trimmed text, or None for a blank cell; numbers are written without a trailing .0."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    out = str(value).replace("\u00a0", " ").strip(" \t\r\n\u2007\u202f")
    return out or None


def number(value: object, *, percent_format: bool = False) -> Decimal | None:
    """An exact decimal from an Excel number or from text typed the Spanish (or English) way."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("expected a number, found TRUE/FALSE")
    if isinstance(value, int):
        return Decimal(value) * (100 if percent_format else 1)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("expected a number")
        out = Decimal(repr(value))
        return _tidy(out * 100) if percent_format else _tidy(out)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, date | datetime):
        raise CellError(f"expected a number, found the date {text(value)}")
    raw = str(value)
    cleaned = _SPACES.sub("", _CURRENCY.sub("", raw)).rstrip("%")
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("-()+")
    if not cleaned or not re.fullmatch(r"[0-9.,]+", cleaned):
        raise CellError(f"{raw.strip()!r} is not a number")
    try:
        out = Decimal(_normalise(cleaned))
    except InvalidOperation:
        raise CellError(f"{raw.strip()!r} is not a number") from None
    return -out if negative else out


def _normalise(digits: str) -> str:
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        group = "." if decimal_mark == "," else ","
        _check_groups(digits.split(decimal_mark)[0], group)
        if digits.count(decimal_mark) > 1:
            raise CellError(f"{digits!r} has more than one decimal mark")
        return digits.replace(group, "").replace(",", ".")
    if commas:
        if commas > 1:
            _check_groups(digits, ",")
            return digits.replace(",", "")
        return digits.replace(",", ".")
    if dots > 1:
        _check_groups(digits, ".")
        return digits.replace(".", "")
    if dots == 1:
        head, tail = digits.split(".")
        if len(tail) == 3 and 1 <= len(head) <= 3 and not head.startswith("0"):
            return head + tail
    return digits


def _check_groups(integer_part: str, group: str) -> None:
    parts = integer_part.split(group)
    if not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
        raise CellError(f"{integer_part!r}: thousands must be grouped by three")


def _tidy(value: Decimal) -> Decimal:
    """0.1 * 100 read from a double is 10.000000000000002: keep 10 significant decimals."""
    quantised = round(value, 10)
    return quantised.normalize() if quantised == quantised.to_integral_value() else quantised


def integer(value: object) -> int | None:
    out = number(value)
    if out is None:
        return None
    if out != out.to_integral_value():
        raise CellError(f"expected a whole number, found {out}")
    return int(out)


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]00:00(?::00)?)?$")


def day(value: object) -> date | None:
    """A date from an Excel date, an Excel serial number, ISO text or day-first text."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("expected a date, found TRUE/FALSE")
    if isinstance(value, int | float):
        if not (1 <= value <= 2_958_465) or float(value) != int(value):
            raise CellError(f"{value} is not an Excel date")
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raw = text(value) or ""
    for pattern, order in ((_ISO, (0, 1, 2)), (_DAY_FIRST, (2, 1, 0))):
        m = pattern.match(raw)
        if m:
            y, mo, d = (int(m.group(i + 1)) for i in order)
            try:
                return date(y, mo, d)
            except ValueError:
                raise CellError(
                    f"{raw!r} is not a date (write day/month/year, e.g. 30/09/2023)"
                ) from None
    if re.fullmatch(r"\d+", raw):
        return day(int(raw))
    raise CellError(f"{raw!r} is not a date (write 30/09/2023 or 2023-09-30)")


def boolean(value: object) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    raw = (text(value) or "").lower()
    if raw in ("true", "1", "si", "sí", "yes", "verdadero", "x"):
        return True
    if raw in ("false", "0", "no", "falso"):
        return False
    raise CellError(f"{raw!r} is not yes/no (write SI or NO)")


def code(value: object) -> tuple[str | None, bool]:
    """(the code, whether accents had to be dropped) from what was typed."""
    raw = text(value)
    if raw is None:
        return None, False
    plain = strip_accents(raw)
    return plain, plain != raw


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(value: str) -> str:
    """The form two codes are compared in: no accents, no letter case."""
    return strip_accents(value).casefold()


def items(value: object, separators: str = "|;,\n") -> list[str]:
    """A list typed in one cell: "DAPM | DATIC", "DAPM, DATIC" or "DAPM; DATIC"."""
    raw = text(value)
    if raw is None:
        return []
    return [p.strip() for p in re.split(f"[{re.escape(separators)}]", raw) if p.strip()]


def weights_by_year(value: object) -> dict[int, Decimal]:
    """Weights per year typed in one cell: "2024: 1 | 2025: 0,5" (also "2024=1; 2025=0.5")."""
    out: dict[int, Decimal] = {}
    for part in items(value, "|;"):
        year, sep, weight = part.replace("=", ":").partition(":")
        if not sep or not year.strip().isdigit():
            raise CellError(f"{part!r}: write year: weight, e.g. 2024: 1 | 2025: 0,5")
        amount = number(weight)
        if amount is None:
            raise CellError(f"{part!r}: the weight is missing")
        out[int(year.strip())] = amount
    return out


def weights_text(weights: dict) -> str | None:
    """The cell text of weights per year, as `weights_by_year` reads it."""
    if not weights:
        return None
    return " | ".join(
        f"{int(y)}: {format(Decimal(str(w)).normalize(), 'f')}"
        for y, w in sorted(weights.items(), key=lambda kv: int(kv[0]))
    )
