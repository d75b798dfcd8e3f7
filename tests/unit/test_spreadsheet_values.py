"""What officials type in a cell, read as the API means it."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.spreadsheets import values


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.474.056", Decimal("1474056")),
        ("53,73", Decimal("53.73")),
        ("$ 1.931.975.000", Decimal("1931975000")),
        ("45 %", Decimal("45")),
        ("1.474.056,25", Decimal("1474056.25")),
        ("1,474,056.25", Decimal("1474056.25")),
        ("1,474,056", Decimal("1474056")),
        ("53.73", Decimal("53.73")),
        ("0.125", Decimal("0.125")),
        ("1.474", Decimal("1474")),
        ("\u00a02.743.434\u00a0", Decimal("2743434")),
        ("-12,5", Decimal("-12.5")),
        ("COP 5.000", Decimal("5000")),
        (150623, Decimal("150623")),
        (53.73, Decimal("53.73")),
        (1931975000.0, Decimal("1931975000")),
        (None, None),
        ("  ", None),
    ],
)
def test_numbers(typed, expected):
    assert values.number(typed) == expected


def test_percent_formatted_cells_read_as_percent_points():
    assert values.number(0.45, percent_format=True) == Decimal("45")
    assert values.number(0.1, percent_format=True) == Decimal("10")


@pytest.mark.parametrize("typed", ["abc", "1.2.3,4,5", "12,34,5", "1..2", "TRUE"])
def test_not_numbers(typed):
    with pytest.raises(values.CellError):
        values.number(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("30/09/2023", date(2023, 9, 30)),
        ("30-09-2023", date(2023, 9, 30)),
        ("2023-09-30", date(2023, 9, 30)),
        (45199, date(2023, 9, 30)),
        (45199.0, date(2023, 9, 30)),
        ("45199", date(2023, 9, 30)),
        (datetime(2023, 9, 30), date(2023, 9, 30)),
        (" 1/7/2024 ", date(2024, 7, 1)),
        (None, None),
    ],
)
def test_dates(typed, expected):
    assert values.day(typed) == expected


@pytest.mark.parametrize("typed", ["09/30/2023", "31/02/2023", "junio", 45199.5, -3])
def test_not_dates(typed):
    with pytest.raises(values.CellError):
        values.day(typed)


def test_codes_and_text():
    assert values.code(" C1-1\u00a0") == ("C1-1", False)
    assert values.code("OBJ-Ñ1") == ("OBJ-N1", True)
    assert values.fold("Obj-1") == values.fold("OBJ-1")
    assert values.text("  Plan\u00a0") == "Plan"
    assert values.text(12.0) == "12"
    assert values.items("DAPM | DATIC;OAP") == ["DAPM", "DATIC", "OAP"]
    assert values.items("Componente | Objetivo, específico", "|") == [
        "Componente",
        "Objetivo, específico",
    ]
    assert values.boolean("SI") is True and values.boolean("no") is False


def test_weights_by_year():
    assert values.weights_by_year("2024: 1 | 2025: 0,5") == {2024: Decimal(1), 2025: Decimal("0.5")}
    assert values.weights_by_year("2024=2; 2025=1") == {2024: Decimal(2), 2025: Decimal(1)}
    assert values.weights_by_year(None) == {}
    assert values.weights_text({"2025": "0.5", "2024": "1.000000"}) == "2024: 1 | 2025: 0.5"
    with pytest.raises(values.CellError):
        values.weights_by_year("dos mil")
