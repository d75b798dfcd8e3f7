"""An indicator's % advance at a cut, for the cut's year and for the plan, by accumulation type.

Notation as in DOMAIN.md: Y is the cut's year; B the value at the start of Y (the last
measurement before 1 Jan Y, else the baseline); P_cut / P_year / E_cut the planned to date,
planned for the year and executed to date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.compute.rollup import weighted_mean
from app.compute.types import (
    HUNDRED,
    ZERO,
    Accumulation,
    DatedValue,
    shown_pct,
    to_decimal,
)


@dataclass(frozen=True)
class IndicatorSeries:
    """What advance needs to know about one indicator: its kind, anchors and dated values.

    `baseline` defaults to 0 so that an indicator without one still has a B; `target` is the
    plan target (None when the plan set none, which leaves the plan advance undefined).
    """

    accumulation: Accumulation
    programming: Sequence[DatedValue] = ()
    measurements: Sequence[DatedValue] = ()
    baseline: Decimal = ZERO
    target: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "accumulation", Accumulation(self.accumulation))
        object.__setattr__(self, "baseline", to_decimal(self.baseline, "baseline"))
        if self.target is not None:
            object.__setattr__(self, "target", to_decimal(self.target, "target"))


@dataclass(frozen=True)
class IndicatorAdvance:
    """An indicator's figures at a cut; the `*_shown` values are the ones status and band use."""

    programmed_year: Decimal | None
    programmed_to_date: Decimal | None
    executed_to_date: Decimal | None
    start_value: Decimal
    advance_pct: Decimal | None
    advance_pct_shown: Decimal | None
    year_advance_pct: Decimal | None
    year_advance_pct_shown: Decimal | None
    plan_advance_pct: Decimal | None
    plan_advance_pct_shown: Decimal | None
    not_due: bool
    missing_report: bool
    last_measured_on: date | None


def value_to_date(
    accumulation: Accumulation, values: Iterable[DatedValue], start: date, end: date
) -> Decimal | None:
    """The accumulated value of the periods ending in [start, end]; None when there are none.

    For `sum` the values add up; for the level types the level of the latest period counts.
    """
    inside = [v for v in values if start <= v.period_end <= end]
    if not inside:
        return None
    if Accumulation(accumulation) is Accumulation.SUM:
        return sum((v.value for v in inside), ZERO)
    return max(inside, key=lambda v: v.period_end).value


def planned_to_date(
    accumulation: Accumulation, programming: Iterable[DatedValue], cut_date: date
) -> Decimal | None:
    """P_cut: what was planned from 1 Jan of the cut's year up to the cut date."""
    return value_to_date(accumulation, programming, date(cut_date.year, 1, 1), cut_date)


def planned_for_year(
    accumulation: Accumulation, programming: Iterable[DatedValue], year: int
) -> Decimal | None:
    """P_year: the annual programming of `year`."""
    return value_to_date(accumulation, programming, date(year, 1, 1), date(year, 12, 31))


def executed_to_date(
    accumulation: Accumulation, measurements: Iterable[DatedValue], cut_date: date
) -> Decimal | None:
    """E_cut as measured, or None when nothing was measured in the year up to the cut."""
    return value_to_date(accumulation, measurements, date(cut_date.year, 1, 1), cut_date)


def start_value(measurements: Iterable[DatedValue], baseline: Decimal, year: int) -> Decimal:
    """B: the last measurement before 1 Jan `year`, else the baseline."""
    before = [m for m in measurements if m.period_end < date(year, 1, 1)]
    if not before:
        return baseline
    return max(before, key=lambda m: m.period_end).value


def nothing_done(accumulation: Accumulation, start: Decimal) -> Decimal:
    """What E counts as when something was due and nothing was measured."""
    return ZERO if Accumulation(accumulation) is Accumulation.SUM else start


def advance_pct(
    accumulation: Accumulation, executed: Decimal, planned: Decimal | None, start: Decimal
) -> Decimal | None:
    """The % advance of `executed` against `planned` (DOMAIN.md's table); None when not due.

    sum / constant: E / P; increasing: (E - B) / (P - B); decreasing: (B - E) / (B - P).
    A zero denominator or nothing planned means nothing was due: the advance is undefined,
    not 0 % nor 100 %. The result is never capped.
    """
    if planned is None:
        return None
    kind = Accumulation(accumulation)
    if kind in (Accumulation.SUM, Accumulation.CONSTANT):
        numerator, denominator = executed, planned
    elif kind is Accumulation.INCREASING:
        numerator, denominator = executed - start, planned - start
    else:
        numerator, denominator = start - executed, start - planned
    if denominator == 0:
        return None
    # Multiplying first keeps a single rounding step: 150623 * 100 / 104220.
    return numerator * HUNDRED / denominator


def plan_advance_pct(series: IndicatorSeries, cut_date: date) -> Decimal | None:
    """The advance towards the plan target, with everything measured up to the cut.

    Choice: `sum` adds every measurement of every year up to the cut (the target is the
    plan's total); the level types take the last level measured up to the cut in any year.
    B is the indicator's baseline (not the start of the cut's year), because the target is
    set against the plan's starting point. Nothing measured counts as nothing done.
    """
    kind = series.accumulation
    measured = value_to_date(kind, series.measurements, date.min, cut_date)
    executed = measured if measured is not None else nothing_done(kind, series.baseline)
    return advance_pct(kind, executed, series.target, series.baseline)


def compute_advance(series: IndicatorSeries, cut_date: date) -> IndicatorAdvance:
    """All the figures of one indicator at the cut dated `cut_date`.

    `missing_report` is set when something was due at the cut and nothing was measured in
    the cut's year up to the cut; `last_measured_on` lets callers judge staler reports.
    """
    kind = series.accumulation
    year = cut_date.year
    start = start_value(series.measurements, series.baseline, year)
    planned_cut = planned_to_date(kind, series.programming, cut_date)
    planned_year = planned_for_year(kind, series.programming, year)
    measured = executed_to_date(kind, series.measurements, cut_date)
    executed = measured if measured is not None else nothing_done(kind, start)

    at_cut = advance_pct(kind, executed, planned_cut, start)
    for_year = advance_pct(kind, executed, planned_year, start)
    for_plan = plan_advance_pct(series, cut_date)
    not_due = at_cut is None
    measured_dates = [m.period_end for m in series.measurements if m.period_end <= cut_date]

    return IndicatorAdvance(
        programmed_year=planned_year,
        programmed_to_date=planned_cut,
        executed_to_date=executed,
        start_value=start,
        advance_pct=at_cut,
        advance_pct_shown=shown_pct(at_cut),
        year_advance_pct=for_year,
        year_advance_pct_shown=shown_pct(for_year),
        plan_advance_pct=for_plan,
        plan_advance_pct_shown=shown_pct(for_plan),
        not_due=not_due,
        missing_report=not not_due and measured is None,
        last_measured_on=max(measured_dates, default=None),
    )


def action_advance(
    parts: Iterable[tuple[Decimal | None, Decimal]], *, cap_at_100: bool = False
) -> tuple[Decimal | None, int]:
    """An action's advance from its indicators' (advance, weight): their weighted mean, and
    how many counted in it (defined advance, positive weight)."""
    parts = list(parts)
    counted = sum(1 for advance, weight in parts if advance is not None and weight > 0)
    return weighted_mean(parts, cap_at_100=cap_at_100), counted
