"""Reporting schedule: period ends per frequency, due dates, and whether a period was reported.

An indicator reports on a frequency (monthly ... annual) with a grace period in days; the
period ending on `e` must be reported by `e + grace` (its due date). At a date `as_of`, the
period that counts is the last one whose due date is on or before `as_of`; it was reported
when a measurement for a date inside it was recorded on or before `as_of`, on time when
recorded on or before the due date. An indicator with nothing programmed by that period's
end (DOMAIN.md's "not due") is not expected to report it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.compute.advance import IndicatorSeries, compute_advance
from app.compute.alerting import Severity


class Frequency(StrEnum):
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.BIMONTHLY: 2,
    Frequency.QUARTERLY: 3,
    Frequency.SEMIANNUAL: 6,
    Frequency.ANNUAL: 12,
}

FREQUENCY_LABELS = {
    Frequency.MONTHLY: "mensual",
    Frequency.BIMONTHLY: "bimestral",
    Frequency.QUARTERLY: "trimestral",
    Frequency.SEMIANNUAL: "semestral",
    Frequency.ANNUAL: "anual",
}

# An unreported period overdue by more than this many days is critical.
CRITICAL_AFTER_DAYS = 30


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_ends(frequency: Frequency | str, first_year: int, last_year: int) -> list[date]:
    """Every period end from `first_year` to `last_year`, in order (periods start in January)."""
    step = MONTHS[Frequency(frequency)]
    return [
        _month_end(year, month)
        for year in range(first_year, last_year + 1)
        for month in range(step, 13, step)
    ]


def period_start(frequency: Frequency | str, end: date) -> date:
    """The first day of the period ending on `end`."""
    step = MONTHS[Frequency(frequency)]
    return date(end.year, end.month - step + 1, 1)


def due_date(end: date, grace_days: int) -> date:
    if grace_days < 0:
        raise ValueError("grace_days must be >= 0")
    return end + timedelta(days=grace_days)


def last_due_period(
    frequency: Frequency | str, grace_days: int, first_year: int, last_year: int, as_of: date
) -> date | None:
    """The last period end whose due date is on or before `as_of`; None before the first."""
    ends = period_ends(frequency, first_year, last_year)
    due = [e for e in ends if due_date(e, grace_days) <= as_of]
    return due[-1] if due else None


def days_overdue(due: date, as_of: date) -> int:
    """Whole days from the due date to `as_of` (0 on the due date itself)."""
    return max((as_of - due).days, 0)


def overdue_severity(days: int) -> Severity:
    return Severity.CRITICAL if days > CRITICAL_AFTER_DAYS else Severity.WARNING


@dataclass(frozen=True)
class Report:
    """A measurement as the schedule sees it: the period it is for, the day it was recorded."""

    period_end: date
    recorded_on: date


@dataclass(frozen=True)
class ReportingState:
    frequency: Frequency
    grace_days: int
    period_start: date | None
    period_end: date | None  # the last period due by as_of; None when none is yet
    due_date: date | None
    expected: bool  # a period is due and something was programmed by its end
    reported: bool
    reported_on: date | None
    on_time: bool | None  # None when not expected
    days_overdue: int | None  # None unless expected and not reported

    @property
    def overdue(self) -> bool:
        return self.days_overdue is not None


def reporting_state(
    series: IndicatorSeries,
    reports: Iterable[Report],
    *,
    frequency: Frequency | str,
    grace_days: int,
    first_year: int,
    last_year: int,
    as_of: date,
) -> ReportingState:
    """Whether the indicator reported the last period due by `as_of`, and how late."""
    freq = Frequency(frequency)
    end = last_due_period(freq, grace_days, first_year, last_year, as_of)
    if end is None:
        return ReportingState(freq, grace_days, None, None, None, False, False, None, None, None)
    start, due = period_start(freq, end), due_date(end, grace_days)
    expected = not compute_advance(series, end).not_due
    inside = [
        r.recorded_on for r in reports if start <= r.period_end <= end and r.recorded_on <= as_of
    ]
    reported_on = min(inside) if inside else None
    reported = reported_on is not None
    if not expected:
        return ReportingState(
            freq, grace_days, start, end, due, False, reported, reported_on, None, None
        )
    return ReportingState(
        frequency=freq,
        grace_days=grace_days,
        period_start=start,
        period_end=end,
        due_date=due,
        expected=True,
        reported=reported,
        reported_on=reported_on,
        on_time=reported_on is not None and reported_on <= due,
        days_overdue=None if reported else days_overdue(due, as_of),
    )


@dataclass(frozen=True)
class ReportingShare:
    expected: int
    reported: int
    on_time: int
    overdue: int


def reporting_share(states: Sequence[ReportingState]) -> ReportingShare:
    """Counts over the states that expect a report (the rest are left out)."""
    expected = [s for s in states if s.expected]
    return ReportingShare(
        expected=len(expected),
        reported=sum(1 for s in expected if s.reported),
        on_time=sum(1 for s in expected if s.on_time),
        overdue=sum(1 for s in expected if s.overdue),
    )
