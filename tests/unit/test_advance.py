"""Advance by accumulation type, with the Bogotá and Cauca seed figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.compute import (
    Accumulation,
    DatedValue,
    IndicatorSeries,
    action_advance,
    advance_pct,
    compute_advance,
    planned_for_year,
    planned_to_date,
    start_value,
    status_for,
)
from tests.unit.seed_data import (
    BOGOTA_CUT,
    CAUCA_CUT,
    bogota_321,
    bogota_545,
    bogota_546,
    d,
    monthly,
)


def test_bogota_545_sum_accumulates_the_months_of_the_year_up_to_the_cut():
    result = compute_advance(bogota_545(), BOGOTA_CUT)

    assert result.programmed_to_date == d(2_743_434)
    assert result.programmed_year == d(5_486_863)
    assert result.executed_to_date == d(1_474_056)
    assert result.advance_pct == d(1_474_056) * 100 / d(2_743_434)
    assert result.advance_pct_shown == d("53.73")
    assert result.year_advance_pct_shown == d("26.87")
    assert not result.not_due
    assert not result.missing_report
    assert result.last_measured_on == date(2023, 6, 30)
    assert status_for(result.advance_pct).label == "Rezago 46.27%"


def test_bogota_546_is_over_executed_and_not_capped():
    result = compute_advance(bogota_546(), BOGOTA_CUT)

    assert result.programmed_to_date == d(104_220)
    assert result.programmed_year == d(208_446)
    assert result.executed_to_date == d(150_623)
    assert result.advance_pct == Decimal(150_623) * 100 / Decimal(104_220)
    assert str(result.advance_pct) == "144.5240836691613893686432547"
    # API.md's JSON example is this value as a JSON (binary) number.
    assert float(result.advance_pct) == 144.5240836691614
    assert result.advance_pct_shown == d("144.52")
    assert result.year_advance_pct == d(150_623) * 100 / d(208_446)
    assert result.year_advance_pct_shown == d("72.26")
    status = status_for(result.advance_pct)
    assert (status.code, status.label) == ("over_executed", "Sobre ejecución 44.52%")


def test_bogota_321_follows_the_formula_not_the_seed_misprint():
    # The report prints 98.31 % / "Rezago 1,69%", but 72.50 / 73.50 is 98.639...%.
    result = compute_advance(bogota_321(), BOGOTA_CUT)

    assert result.programmed_to_date == d("73.50")
    assert result.programmed_year == d("90.00")
    assert result.executed_to_date == d("72.50")
    assert result.advance_pct_shown == d("98.64")
    assert result.year_advance_pct_shown == d("80.56")
    assert status_for(result.advance_pct).label == "Rezago 1.36%"


def test_levels_take_the_last_planned_level_not_a_sum():
    programming = [
        DatedValue(date(2023, 3, 31), d(50)),
        DatedValue(date(2023, 6, 30), d(70)),
        DatedValue(date(2023, 12, 31), d(90)),
    ]
    assert planned_to_date(Accumulation.CONSTANT, programming, date(2023, 6, 30)) == d(70)
    assert planned_to_date(Accumulation.CONSTANT, programming, date(2023, 6, 29)) == d(50)
    assert planned_for_year(Accumulation.CONSTANT, programming, 2023) == d(90)
    assert planned_to_date(Accumulation.SUM, programming, date(2023, 6, 30)) == d(120)
    assert planned_for_year(Accumulation.SUM, programming, 2023) == d(210)


def test_the_window_is_the_cuts_year_with_both_ends_included():
    programming = [
        DatedValue(date(2022, 12, 31), d(1000)),
        DatedValue(date(2023, 1, 1), d(1)),
        DatedValue(date(2023, 6, 30), d(10)),
        DatedValue(date(2023, 7, 1), d(100)),
    ]
    assert planned_to_date(Accumulation.SUM, programming, date(2023, 6, 30)) == d(11)
    assert planned_for_year(Accumulation.SUM, programming, 2023) == d(111)
    # A level planned last year is not this year's programming.
    assert planned_to_date(Accumulation.CONSTANT, programming[:1], date(2023, 6, 30)) is None


def test_increasing_measures_the_rise_from_the_start_of_the_year():
    series = IndicatorSeries(
        Accumulation.INCREASING,
        programming=[DatedValue(date(2023, 6, 30), d(30)), DatedValue(date(2023, 12, 31), d(40))],
        measurements=[DatedValue(date(2022, 12, 31), d(20)), DatedValue(date(2023, 6, 30), d(25))],
        baseline=d(10),
        target=d(60),
    )
    result = compute_advance(series, date(2023, 6, 30))

    assert result.start_value == d(20)
    assert result.advance_pct == d(50)  # (25 - 20) / (30 - 20)
    assert result.year_advance_pct == d(25)  # (25 - 20) / (40 - 20)
    assert result.plan_advance_pct == d(30)  # (25 - 10) / (60 - 10), from the baseline


def test_decreasing_counts_what_was_lowered():
    series = IndicatorSeries(
        Accumulation.DECREASING,
        programming=[DatedValue(date(2023, 6, 30), d(80)), DatedValue(date(2023, 12, 31), d(60))],
        measurements=[DatedValue(date(2023, 6, 30), d(90))],
        baseline=d(100),
        target=d(50),
    )
    result = compute_advance(series, date(2023, 6, 30))

    assert result.start_value == d(100)
    assert result.advance_pct == d(50)  # (100 - 90) / (100 - 80)
    assert result.year_advance_pct == d(25)  # (100 - 90) / (100 - 60)
    assert result.plan_advance_pct == d(20)  # (100 - 90) / (100 - 50)


def test_decreasing_that_went_up_is_negative():
    assert advance_pct(Accumulation.DECREASING, d(110), d(80), d(100)) == d(-50)


def test_start_value_is_the_last_measurement_before_the_year_else_the_baseline():
    measurements = [DatedValue(date(2021, 12, 31), d(5)), DatedValue(date(2022, 6, 30), d(7))]
    assert start_value(measurements, d(1), 2023) == d(7)
    assert start_value(measurements, d(1), 2022) == d(5)
    assert start_value(measurements, d(1), 2021) == d(1)


@pytest.mark.parametrize(
    ("accumulation", "expected_executed", "expected_pct"),
    [
        (Accumulation.SUM, d(0), d(0)),
        (Accumulation.CONSTANT, d(40), d(50)),  # E = B = 40 against 80
        (Accumulation.INCREASING, d(40), d(0)),
        (Accumulation.DECREASING, d(40), d(0)),
    ],
)
def test_due_without_measurement_is_nothing_done_and_flagged(
    accumulation, expected_executed, expected_pct
):
    series = IndicatorSeries(
        accumulation,
        programming=[DatedValue(date(2023, 6, 30), d(80) if accumulation != "decreasing" else 20)],
        measurements=[DatedValue(date(2022, 12, 31), d(40))],
    )
    result = compute_advance(series, date(2023, 6, 30))

    assert result.executed_to_date == expected_executed
    assert result.advance_pct == expected_pct
    assert result.missing_report
    assert not result.not_due
    assert result.last_measured_on == date(2022, 12, 31)


def test_missing_sum_report_is_a_full_lag():
    series = IndicatorSeries("sum", programming=monthly(2023, [10, 10, 10]))
    result = compute_advance(series, date(2023, 3, 31))
    assert result.advance_pct_shown == d("0.00")
    assert result.missing_report
    assert status_for(result.advance_pct).label == "Rezago 100%"


def test_cauca_action_starting_in_october_is_not_due_at_the_september_cut():
    # "Identificación de requerimientos ... en 14 dependencias": "Inicia en octubre de 2023".
    series = IndicatorSeries(
        Accumulation.SUM,
        programming=monthly(2023, [4, 5, 5], first_month=10),
        target=d(14),
    )
    result = compute_advance(series, CAUCA_CUT)

    assert result.programmed_to_date is None
    assert result.programmed_year == d(14)
    assert result.not_due
    assert result.advance_pct is None
    assert result.advance_pct_shown is None
    assert not result.missing_report
    assert result.year_advance_pct == d(0)
    assert status_for(result.advance_pct).code == "not_due"


def test_cauca_minimum_50_indicators_with_65_done():
    series = IndicatorSeries(
        Accumulation.SUM,
        programming=[DatedValue(date(2023, 9, 30), d(50))],
        measurements=[DatedValue(date(2023, 9, 30), d(65))],
        target=d(50),
    )
    result = compute_advance(series, CAUCA_CUT)
    assert result.advance_pct == d(130)
    assert result.plan_advance_pct == d(130)


def test_zero_denominator_is_not_due():
    # An increasing level planned at its starting point asks for no rise: nothing is due.
    series = IndicatorSeries(
        "increasing",
        programming=[DatedValue(date(2023, 6, 30), d(20))],
        measurements=[DatedValue(date(2023, 6, 30), d(25))],
        baseline=d(20),
    )
    result = compute_advance(series, date(2023, 6, 30))
    assert result.not_due
    assert result.advance_pct is None
    assert not result.missing_report
    zero_sum = IndicatorSeries("sum", programming=[DatedValue(date(2023, 6, 30), d(0))])
    assert compute_advance(zero_sum, date(2023, 6, 30)).not_due


def test_plan_advance_for_sum_adds_every_year_up_to_the_cut():
    result = compute_advance(bogota_545(), BOGOTA_CUT)
    assert result.plan_advance_pct == (d(4_800_000) + d(1_474_056)) * 100 / d(21_000_000)


def test_plan_advance_for_levels_takes_the_last_level_and_none_without_target():
    series = IndicatorSeries(
        Accumulation.CONSTANT,
        measurements=[DatedValue(date(2022, 12, 31), d(60)), DatedValue(date(2023, 3, 31), d(75))],
        target=d(100),
    )
    assert compute_advance(series, date(2023, 6, 30)).plan_advance_pct == d(75)
    assert compute_advance(series, date(2023, 1, 31)).plan_advance_pct == d(60)
    no_target = IndicatorSeries(Accumulation.CONSTANT, measurements=series.measurements)
    assert compute_advance(no_target, date(2023, 6, 30)).plan_advance_pct is None


def test_inputs_are_exact():
    with pytest.raises(TypeError):
        DatedValue(date(2023, 1, 31), 1.5)
    with pytest.raises(ValueError):
        DatedValue(date(2023, 1, 31), Decimal("NaN"))
    assert DatedValue(date(2023, 1, 31), 3).value == Decimal(3)
    with pytest.raises(ValueError):
        IndicatorSeries("average")


amounts = st.integers(min_value=0, max_value=10**9)
h1_dates = st.dates(min_value=date(2023, 1, 1), max_value=date(2023, 6, 30))


@given(
    planned=st.lists(st.tuples(h1_dates, amounts), min_size=1, max_size=30),
    executed=st.lists(st.tuples(h1_dates, amounts), max_size=30),
)
def test_sum_advance_is_total_executed_over_total_planned_however_split(planned, executed):
    series = IndicatorSeries(
        "sum",
        programming=[DatedValue(day, d(v)) for day, v in planned],
        measurements=[DatedValue(day, d(v)) for day, v in executed],
    )
    result = compute_advance(series, date(2023, 6, 30))
    total_planned = sum(v for _, v in planned)
    total_executed = sum(v for _, v in executed)
    if total_planned == 0:
        assert result.not_due
    else:
        assert result.advance_pct == d(total_executed) * 100 / d(total_planned)
        assert result.missing_report == (not executed)


def test_action_advance_is_the_weighted_mean_of_its_indicators_and_counts_them():
    # Two indicators count (weights 1 and 3); one is not due, one weighs nothing.
    parts = [(d(40), d(1)), (d(80), d(3)), (None, d(2)), (d(10), d(0))]
    assert action_advance(parts) == (d(70), 2)


def test_action_advance_caps_each_indicator_when_the_plan_says_so():
    parts = [(d(150), d(1)), (d(50), d(1))]
    assert action_advance(parts) == (d(100), 2)
    assert action_advance(parts, cap_at_100=True) == (d(75), 2)


def test_action_without_indicators_has_no_advance():
    assert action_advance([]) == (None, 0)
    assert action_advance([(None, d(1))]) == (None, 0)
