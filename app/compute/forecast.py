"""Year-end forecast of an indicator: where its value and advance will be on 31 Dec if the
pace of its latest programmed period holds for the rest of the year, and whether that puts it
at risk.

Method (per DOMAIN.md's notation; Y the cut's year, B the value at the start of Y):

- progress is what the values add towards the programming: the value itself for `sum`,
  E − B for `increasing`, B − E for `decreasing`;
- the pace is the progress done in the latest programmed period due at the cut against the
  progress programmed for it: the periods ending in (q, cut], q being the period end before
  the last one due (1 Jan when only one is due, so the pace is then E_cut against P_cut);
  where that period programmed no progress, the pace to date is used instead;
- projected progress = progress to date + (progress programmed for the rest of Y) × pace;
  the projected value is that progress turned back into a value;
- `constant` holds a level: its projected value is the level measured at the cut, held;
- the projected advance is the projected value against P_year, by the advance formula.

No projection where the indicator is not due at the cut (nothing to take a pace from) or has
no programming for Y. With nothing left to program in Y the projection is E_cut.

Why not "E_cut scaled by P_year / P_cut": its projected advance always equals the advance at
the cut, so it could never warn before the status turns red.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.compute.advance import (
    IndicatorSeries,
    advance_pct,
    executed_to_date,
    nothing_done,
    planned_for_year,
    planned_to_date,
    start_value,
)
from app.compute.status import Band, band_for
from app.compute.types import Accumulation, shown_pct


@dataclass(frozen=True)
class YearEndForecast:
    """Projected value on 31 Dec of the cut's year and its advance against P_year; `pace` is
    the share of the programmed progress done in the latest period (1 = on pace)."""

    value: Decimal | None
    advance_pct: Decimal | None
    advance_pct_shown: Decimal | None
    pace: Decimal | None


NO_FORECAST = YearEndForecast(None, None, None, None)


def _progress(kind: Accumulation, value: Decimal, start: Decimal) -> Decimal:
    if kind is Accumulation.INCREASING:
        return value - start
    if kind is Accumulation.DECREASING:
        return start - value
    return value


def _value(kind: Accumulation, progress: Decimal, start: Decimal) -> Decimal:
    if kind is Accumulation.INCREASING:
        return start + progress
    if kind is Accumulation.DECREASING:
        return start - progress
    return progress


def forecast_year_end(series: IndicatorSeries, cut_date: date) -> YearEndForecast:
    """The year-end forecast of one indicator at the cut dated `cut_date` (module docstring)."""
    kind = series.accumulation
    year = cut_date.year
    start = start_value(series.measurements, series.baseline, year)
    planned_year = planned_for_year(kind, series.programming, year)
    planned_cut = planned_to_date(kind, series.programming, cut_date)
    measured = executed_to_date(kind, series.measurements, cut_date)
    executed = measured if measured is not None else nothing_done(kind, start)
    if (
        planned_year is None
        or planned_cut is None
        or advance_pct(kind, executed, planned_cut, start) is None
    ):
        return NO_FORECAST

    if kind is Accumulation.CONSTANT:
        value, pace = executed, None
    else:
        done = _progress(kind, executed, start)
        programmed = _progress(kind, planned_cut, start)
        pace = _latest_pace(series, cut_date, start, done, programmed)
        remaining = _progress(kind, planned_year, start) - programmed
        value = _value(kind, done + remaining * pace, start)
    projected = advance_pct(kind, value, planned_year, start)
    return YearEndForecast(value, projected, shown_pct(projected), pace)


def _latest_pace(
    series: IndicatorSeries, cut_date: date, start: Decimal, done: Decimal, programmed: Decimal
) -> Decimal:
    """Progress done / programmed in the latest programmed period due at the cut."""
    kind = series.accumulation
    year_start = date(cut_date.year, 1, 1)
    due = sorted(
        {p.period_end for p in series.programming if year_start <= p.period_end <= cut_date}
    )
    if len(due) >= 2:
        before = due[-2]
        planned_before = planned_to_date(kind, series.programming, before)
        measured_before = executed_to_date(kind, series.measurements, before)
        executed_before = (
            measured_before if measured_before is not None else nothing_done(kind, start)
        )
        step_programmed = (
            programmed - _progress(kind, planned_before, start) if planned_before is not None else 0
        )
        if step_programmed != 0:
            return (done - _progress(kind, executed_before, start)) / step_programmed
    return done / programmed  # nonzero: the advance at the cut is defined


def is_at_risk(
    advance_pct: Decimal | None, projected_pct: Decimal | None, bands: Sequence[Band]
) -> bool:
    """At risk: the projected advance falls in the lowest band (below the lowest non-red
    band) while the advance at the cut is not there yet. Decided on shown values."""
    if len(bands) < 2:
        return False
    now = band_for(advance_pct, bands)
    then = band_for(projected_pct, bands)
    if now is None or then is None:
        return False
    lowest = bands[0].code
    return then.code == lowest and now.code != lowest
