"""Reporting schedule: period ends per frequency, due dates, overdue days, reported or not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.compute import Accumulation, DatedValue, IndicatorSeries
from app.compute.alerting import Severity
from app.compute.reporting import (
    Frequency,
    Report,
    days_overdue,
    due_date,
    last_due_period,
    overdue_severity,
    period_ends,
    period_start,
    reporting_share,
    reporting_state,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_period_ends_per_frequency():
    monthly = period_ends("monthly", 2024, 2024)
    assert len(monthly) == 12
    assert monthly[:3] == [d("2024-01-31"), d("2024-02-29"), d("2024-03-31")]  # leap year
    assert period_ends("bimonthly", 2023, 2023) == [
        d("2023-02-28"),
        d("2023-04-30"),
        d("2023-06-30"),
        d("2023-08-31"),
        d("2023-10-31"),
        d("2023-12-31"),
    ]
    assert period_ends(Frequency.QUARTERLY, 2024, 2024) == [
        d("2024-03-31"),
        d("2024-06-30"),
        d("2024-09-30"),
        d("2024-12-31"),
    ]
    assert period_ends("semiannual", 2023, 2024) == [
        d("2023-06-30"),
        d("2023-12-31"),
        d("2024-06-30"),
        d("2024-12-31"),
    ]
    assert period_ends("annual", 2023, 2025) == [d("2023-12-31"), d("2024-12-31"), d("2025-12-31")]
    with pytest.raises(ValueError):
        period_ends("weekly", 2024, 2024)


def test_period_start():
    assert period_start("monthly", d("2024-02-29")) == d("2024-02-01")
    assert period_start("bimonthly", d("2024-04-30")) == d("2024-03-01")
    assert period_start("quarterly", d("2024-06-30")) == d("2024-04-01")
    assert period_start("semiannual", d("2024-12-31")) == d("2024-07-01")
    assert period_start("annual", d("2024-12-31")) == d("2024-01-01")


def test_due_dates_and_overdue_days():
    assert due_date(d("2024-03-31"), 10) == d("2024-04-10")
    assert due_date(d("2024-12-31"), 15) == d("2025-01-15")
    assert due_date(d("2024-06-30"), 0) == d("2024-06-30")
    with pytest.raises(ValueError):
        due_date(d("2024-06-30"), -1)
    assert days_overdue(d("2024-04-10"), d("2024-04-10")) == 0
    assert days_overdue(d("2024-04-10"), d("2024-05-01")) == 21
    assert overdue_severity(30) is Severity.WARNING
    assert overdue_severity(31) is Severity.CRITICAL


def test_last_due_period_counts_the_grace():
    # Due on 10 Apr: on the 9th the last period due is still December's (outside the years).
    assert last_due_period("quarterly", 10, 2024, 2024, d("2024-04-09")) is None
    assert last_due_period("quarterly", 10, 2024, 2024, d("2024-04-10")) == d("2024-03-31")
    assert last_due_period("quarterly", 10, 2023, 2024, d("2024-04-09")) == d("2023-12-31")
    assert last_due_period("monthly", 0, 2024, 2024, d("2024-05-31")) == d("2024-05-31")
    assert last_due_period("annual", 30, 2024, 2025, d("2025-12-31")) == d("2024-12-31")
    # After the plan's last year the last period stays its last.
    assert last_due_period("semiannual", 0, 2024, 2024, d("2030-01-01")) == d("2024-12-31")


SERIES = IndicatorSeries(
    accumulation=Accumulation.SUM,
    programming=[
        DatedValue(d("2024-03-31"), Decimal(10)),
        DatedValue(d("2024-06-30"), Decimal(10)),
    ],
)


def state(reports, as_of="2024-05-01", series=SERIES, frequency="quarterly", grace=10):
    return reporting_state(
        series,
        reports,
        frequency=frequency,
        grace_days=grace,
        first_year=2024,
        last_year=2024,
        as_of=d(as_of),
    )


def test_reported_on_time():
    s = state([Report(d("2024-03-31"), d("2024-04-05"))])
    assert (s.period_start, s.period_end, s.due_date) == (
        d("2024-01-01"),
        d("2024-03-31"),
        d("2024-04-10"),
    )
    assert s.expected and s.reported and s.on_time
    assert s.reported_on == d("2024-04-05")
    assert s.days_overdue is None and not s.overdue


def test_reported_late_is_reported_not_on_time():
    # A monthly value inside the quarter counts for it; the first recorded one decides.
    s = state([Report(d("2024-02-29"), d("2024-04-20")), Report(d("2024-03-31"), d("2024-04-25"))])
    assert s.reported and s.on_time is False and s.reported_on == d("2024-04-20")
    assert not s.overdue


def test_not_reported_is_overdue_by_whole_days():
    # Recorded after as_of: at as_of it was not reported yet. A value of another period
    # (last year's) does not count either.
    s = state([Report(d("2024-03-31"), d("2024-05-02")), Report(d("2023-12-31"), d("2024-01-05"))])
    assert s.expected and not s.reported and s.on_time is False
    assert s.days_overdue == 21 and s.overdue
    assert state([], as_of="2024-04-10").days_overdue == 0


def test_nothing_programmed_by_the_period_end_is_not_expected():
    starts_later = IndicatorSeries(
        accumulation=Accumulation.SUM, programming=[DatedValue(d("2024-12-31"), Decimal(5))]
    )
    s = state([], series=starts_later)
    assert s.period_end == d("2024-03-31")
    assert not s.expected and not s.overdue and s.on_time is None
    # Before the first due date nothing is expected.
    early = state([], as_of="2024-04-09")
    assert early.period_end is None and not early.expected


def test_own_frequency_and_grace():
    s = state([], as_of="2024-05-01", frequency="monthly", grace=0)
    # April's period (nothing programmed in April for a sum: Jan-Apr holds March's 10).
    assert s.period_end == d("2024-04-30") and s.due_date == d("2024-04-30")
    assert s.expected and s.days_overdue == 1


def test_reporting_share_counts_only_the_expected():
    on_time = state([Report(d("2024-03-31"), d("2024-04-05"))])
    late = state([Report(d("2024-03-31"), d("2024-04-20"))])
    missing = state([])
    not_due = state([], as_of="2024-04-09")
    share = reporting_share([on_time, late, missing, not_due])
    assert (share.expected, share.reported, share.on_time, share.overdue) == (3, 2, 1, 1)
