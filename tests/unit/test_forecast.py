"""Year-end forecast on hand-made series, one set per accumulation type, and the at-risk rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.compute import DEFAULT_BANDS, Accumulation, Band, DatedValue, IndicatorSeries
from app.compute.forecast import NO_FORECAST, forecast_year_end, is_at_risk

Y = 2024
QUARTERS = (date(Y, 3, 31), date(Y, 6, 30), date(Y, 9, 30), date(Y, 12, 31))
JUNE = date(Y, 6, 30)


def d(value) -> Decimal:
    return Decimal(str(value))


def series(kind, planned, measured, baseline=0) -> IndicatorSeries:
    return IndicatorSeries(
        accumulation=Accumulation(kind),
        programming=[DatedValue(end, d(v)) for end, v in zip(QUARTERS, planned, strict=False)],
        measurements=[DatedValue(end, d(v)) for end, v in zip(QUARTERS, measured, strict=False)],
        baseline=d(baseline),
    )


# --- sum ---------------------------------------------------------------------------------


def test_sum_slowing_down_projects_the_last_quarter_pace():
    # 25 a quarter planned; Q1 done in full, Q2 only 5 of 25: 60 % now (yellow).
    result = forecast_year_end(series("sum", [25, 25, 25, 25], [25, 5]), JUNE)
    # pace 5/25 = 0.2 over the 50 still programmed: 30 + 10 = 40 of 100.
    assert result.pace == d("0.2")
    assert result.value == 40
    assert result.advance_pct == 40 and result.advance_pct_shown == d("40.00")


def test_sum_one_period_due_takes_the_pace_to_date():
    result = forecast_year_end(series("sum", [40, 20, 20, 20], [30]), date(Y, 3, 31))
    # 30 of 40 (75 %); the remaining 60 at 0.75 -> 30 + 45 = 75.
    assert result.pace == d("0.75") and result.value == 75 and result.advance_pct == 75


def test_sum_speeding_up_projects_above_the_advance_at_the_cut():
    result = forecast_year_end(series("sum", [25, 25, 25, 25], [10, 40]), JUNE)
    # 50 of 50 now; pace 40/25 = 1.6; 50 + 50 * 1.6 = 130 of 100.
    assert result.value == 130 and result.advance_pct == 130


def test_sum_missing_report_projects_nothing_more():
    result = forecast_year_end(series("sum", [25, 25, 25, 25], []), JUNE)
    assert (result.value, result.advance_pct, result.pace) == (0, 0, 0)


def test_sum_whole_year_due_projects_what_was_done():
    result = forecast_year_end(series("sum", [25, 25, 25, 25], [25, 25, 25, 10]), date(Y, 12, 31))
    assert result.value == 85 and result.advance_pct == 85


# --- increasing --------------------------------------------------------------------------


def test_increasing_from_its_baseline():
    # From 10 towards 20, 30, 40, 50; measured 20 then 22: (22-10)/(30-10) = 60 % now.
    result = forecast_year_end(series("increasing", [20, 30, 40, 50], [20, 22], baseline=10), JUNE)
    # Last quarter: 2 of 10 programmed -> pace 0.2; progress 12 + 20 * 0.2 = 16 -> value 26.
    assert result.pace == d("0.2")
    assert result.value == 26
    assert result.advance_pct == 40  # (26 - 10) / (50 - 10)


def test_increasing_flat_programming_falls_back_to_the_pace_to_date():
    # Q2 programs no rise over Q1 (30, 30): the pace is the one to date, 15 / 20.
    result = forecast_year_end(series("increasing", [30, 30, 40, 50], [28, 25], baseline=10), JUNE)
    assert result.pace == d("0.75")
    assert result.value == d("40.0")  # 10 + 15 + 20 * 0.75
    assert result.advance_pct == 75


# --- decreasing --------------------------------------------------------------------------


def test_decreasing_from_its_baseline():
    # From 100 down to 90, 80, 70, 60; measured 90 then 88: (100-88)/(100-80) = 60 %.
    result = forecast_year_end(series("decreasing", [90, 80, 70, 60], [90, 88], baseline=100), JUNE)
    # Last quarter lowered 2 of 10 -> pace 0.2; progress 12 + 20 * 0.2 = 16 -> value 84.
    assert result.pace == d("0.2")
    assert result.value == 84
    assert result.advance_pct == 40  # (100 - 84) / (100 - 60)


def test_decreasing_that_went_up_projects_worse():
    result = forecast_year_end(series("decreasing", [90, 80, 70, 60], [90, 95], baseline=100), JUNE)
    # Q2 went up 5 where 10 down was programmed: pace -0.5; 5 + 20 * -0.5 = -5 -> 105.
    assert result.pace == d("-0.5") and result.value == 105
    assert result.advance_pct == d("-12.5")


# --- constant ----------------------------------------------------------------------------


def test_constant_holds_the_measured_level():
    # Level 60 due by June, 150 by December; 60 held: 100 % now, 40 % at year end.
    result = forecast_year_end(series("constant", [60, 60, 150, 150], [60, 60]), JUNE)
    assert result.value == 60 and result.pace is None
    assert result.advance_pct == 40


def test_constant_level_steady_projects_the_same_advance():
    result = forecast_year_end(series("constant", [100, 100, 100, 100], [80, 90]), JUNE)
    assert result.value == 90 and result.advance_pct == 90


# --- no forecast -------------------------------------------------------------------------


def test_not_due_or_not_programmed_has_no_forecast():
    # Programming starts in Q3: nothing due in June.
    assert forecast_year_end(series("sum", [0, 0, 50, 50], []), JUNE) == NO_FORECAST
    assert forecast_year_end(series("sum", [], []), JUNE) == NO_FORECAST
    # Programmed for another year only.
    other = IndicatorSeries(Accumulation.SUM, [DatedValue(date(Y + 1, 3, 31), d(5))])
    assert forecast_year_end(other, JUNE) == NO_FORECAST


# --- at risk -----------------------------------------------------------------------------


def test_at_risk_when_the_projection_turns_red_before_the_status_does():
    bands = DEFAULT_BANDS  # red 0, yellow 50, green 100
    assert is_at_risk(d(60), d(40), bands) is True
    assert is_at_risk(d(100), d("49.99"), bands) is True
    assert is_at_risk(d(100), d("49.995"), bands) is False  # shows 50.00: yellow
    assert is_at_risk(d(40), d(20), bands) is False  # already red
    assert is_at_risk(d(60), d(55), bands) is False
    assert is_at_risk(None, None, bands) is False
    assert is_at_risk(d(60), None, bands) is False
    cali = (Band(0, "critical", "C", "#f00"), Band(41, "process", "P", "#ff0"))
    assert is_at_risk(d(41), d("40.99"), cali) is True
    assert is_at_risk(d(90), d(10), (Band(0, "only", "O", "#000"),)) is False
