"""Financial advance (executed against planned money) and the physical/financial gap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.compute.financial import (
    ExecutedMoney,
    PlannedMoney,
    financial_advance,
    financial_gap,
    gap_message,
    planned_for_year,
    planned_up_to_year,
    ratio_pct,
)


def d(value) -> Decimal:
    return Decimal(str(value))


PLANNED = [PlannedMoney(2023, d(1000)), PlannedMoney(2024, d(400)), PlannedMoney(2024, d(100))]
EXECUTED = [
    ExecutedMoney(date(2023, 12, 31), d(900), d(700)),
    ExecutedMoney(date(2024, 3, 31), d(200), d(50)),
    ExecutedMoney(date(2024, 6, 30), d(200), d(100)),
    ExecutedMoney(date(2024, 9, 30), d(50), d(50)),
]


def test_year_and_to_date():
    result = financial_advance(PLANNED, EXECUTED, date(2024, 6, 30))
    assert result.planned_year == 500
    assert (result.committed_year, result.paid_year) == (400, 150)
    assert result.committed_year_pct == 80 and result.paid_year_pct == 30
    assert result.planned_to_date == 1500
    assert (result.committed_to_date, result.paid_to_date) == (1300, 850)
    assert result.committed_to_date_pct == d(1300) * 100 / 1500  # 86.666…
    assert result.paid_to_date_pct == d(850) * 100 / 1500


def test_nothing_planned_for_the_year_is_undefined_not_zero():
    result = financial_advance(PLANNED, EXECUTED, date(2025, 1, 31))
    assert result.planned_year is None and result.committed_year_pct is None
    assert result.committed_year == 0
    assert result.planned_to_date == 1500 and result.committed_to_date == 1350


def test_plan_wide_money_counts_to_date_only():
    planned = [PlannedMoney(None, d(1000))]
    assert planned_for_year(planned, 2024) is None
    assert planned_up_to_year(planned, 2024) == 1000
    assert planned_up_to_year([PlannedMoney(2025, d(5))], 2024) is None
    assert ratio_pct(d(5), d(0)) is None and ratio_pct(d(5), None) is None
    assert ratio_pct(d(150), d(100)) == 150  # never capped


def test_negative_money_is_refused():
    with pytest.raises(ValueError):
        ExecutedMoney(date(2024, 1, 31), d(-1), d(0))
    with pytest.raises(ValueError):
        PlannedMoney(2024, d(-1))
    with pytest.raises(TypeError):
        ExecutedMoney(date(2024, 1, 31), 1.5, d(0))  # type: ignore[arg-type]


def test_gap_beyond_the_threshold_names_both():
    gap = financial_gap(d(80), d(20), d(30))
    assert gap is not None
    assert gap.gap_points == 60
    assert gap.message == "80 % ejecutado financieramente, 20 % de avance físico"
    work_ahead = financial_gap(d("10.5"), d("55.555"), d(30))
    assert work_ahead is not None and work_ahead.gap_points == d("-45.06")
    assert work_ahead.message == "10.5 % ejecutado financieramente, 55.56 % de avance físico"


def test_gap_at_or_within_the_threshold_or_undefined_is_none():
    assert financial_gap(d(80), d(50), d(30)) is None  # exactly 30 points: not more
    assert financial_gap(d("80.004"), d(50), d(30)) is None  # shown 80.00
    assert financial_gap(d("80.005"), d(50), d(30)) is not None  # shown 80.01
    assert financial_gap(None, d(50), d(30)) is None
    assert financial_gap(d(50), None, d(30)) is None
    with pytest.raises(ValueError):
        financial_gap(d(1), d(2), d(-1))


def test_gap_message_wording():
    assert gap_message(d("100.00"), d("0.00")) == (
        "100 % ejecutado financieramente, 0 % de avance físico"
    )
