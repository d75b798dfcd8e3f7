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


# Types whose values add up (one value is what was done in its period); the others are levels.
ADDING = frozenset({Accumulation.SUM, Accumulation.CUMULATIVE})


def window_start(accumulation: Accumulation, year: int) -> date:
    """Where P_cut, P_year and E_cut start counting: 1 Jan of the cut's year, or, for
    `cumulative` (DNP's "acumulado"), the beginning of the plan (values never reset)."""
    return date.min if accumulation is Accumulation.CUMULATIVE else date(year, 1, 1)


def taken_to_date(
    accumulation: Accumulation, values: Iterable[DatedValue], start: date, end: date
) -> tuple[DatedValue, ...]:
    """The values a figure over [start, end] is made of: every one of them for the adding
    types (they are summed), the latest alone for the level types (its level counts)."""
    inside = [v for v in values if start <= v.period_end <= end]
    if not inside:
        return ()
    if Accumulation(accumulation) in ADDING:
        return tuple(inside)
    return (max(inside, key=lambda v: v.period_end),)


def _value_of(accumulation: Accumulation, taken: Sequence[DatedValue]) -> Decimal | None:
    if not taken:
        return None
    if accumulation in ADDING:
        return sum((v.value for v in taken), ZERO)
    return taken[0].value


def value_to_date(
    accumulation: Accumulation, values: Iterable[DatedValue], start: date, end: date
) -> Decimal | None:
    """The accumulated value of the periods ending in [start, end]; None when there are none.

    For the adding types (`sum`, `cumulative`) the values add up; for the level types the
    level of the latest period counts.
    """
    kind = Accumulation(accumulation)
    return _value_of(kind, taken_to_date(kind, values, start, end))


def planned_to_date(
    accumulation: Accumulation, programming: Iterable[DatedValue], cut_date: date
) -> Decimal | None:
    """P_cut: what was planned from 1 Jan of the cut's year up to the cut date."""
    kind = Accumulation(accumulation)
    return value_to_date(kind, programming, window_start(kind, cut_date.year), cut_date)


def planned_for_year(
    accumulation: Accumulation, programming: Iterable[DatedValue], year: int
) -> Decimal | None:
    """P_year: the annual programming of `year`."""
    kind = Accumulation(accumulation)
    return value_to_date(kind, programming, window_start(kind, year), date(year, 12, 31))


def executed_to_date(
    accumulation: Accumulation, measurements: Iterable[DatedValue], cut_date: date
) -> Decimal | None:
    """E_cut as measured, or None when nothing was measured in the year up to the cut."""
    kind = Accumulation(accumulation)
    return value_to_date(kind, measurements, window_start(kind, cut_date.year), cut_date)


def start_point(measurements: Iterable[DatedValue], year: int) -> DatedValue | None:
    """The measurement B is taken from: the last one before 1 Jan `year` (None: the baseline)."""
    before = [m for m in measurements if m.period_end < date(year, 1, 1)]
    if not before:
        return None
    return max(before, key=lambda m: m.period_end)


def start_value(measurements: Iterable[DatedValue], baseline: Decimal, year: int) -> Decimal:
    """B: the last measurement before 1 Jan `year`, else the baseline."""
    point = start_point(measurements, year)
    return baseline if point is None else point.value


def nothing_done(accumulation: Accumulation, start: Decimal) -> Decimal:
    """What E counts as when something was due and nothing was measured."""
    return ZERO if Accumulation(accumulation) in ADDING else start


# DOMAIN.md's table in its own notation; `advance_pct` = 100 x this. The year's advance is
# the same with P_year in place of P_cut.
FORMULAS: dict[Accumulation, str] = {
    Accumulation.SUM: "E_cut / P_cut",
    Accumulation.CONSTANT: "E_cut / P_cut",
    Accumulation.CUMULATIVE: "E_cut / P_cut",
    Accumulation.INCREASING: "(E_cut - B) / (P_cut - B)",
    Accumulation.DECREASING: "(B - E_cut) / (B - P_cut)",
}


def formula(accumulation: Accumulation, planned: str = "P_cut") -> str:
    """The advance formula of a type, against `planned` ("P_cut", "P_year" or "target")."""
    return FORMULAS[Accumulation(accumulation)].replace("P_cut", planned)


def advance_terms(
    accumulation: Accumulation, executed: Decimal, planned: Decimal, start: Decimal
) -> tuple[Decimal, Decimal]:
    """(numerator, denominator) of the advance formula of `accumulation` (see FORMULAS)."""
    kind = Accumulation(accumulation)
    if kind is Accumulation.INCREASING:
        return executed - start, planned - start
    if kind is Accumulation.DECREASING:
        return start - executed, start - planned
    return executed, planned


def advance_pct(
    accumulation: Accumulation, executed: Decimal, planned: Decimal | None, start: Decimal
) -> Decimal | None:
    """The % advance of `executed` against `planned` (DOMAIN.md's table); None when not due.

    sum / constant / cumulative: E / P; increasing: (E - B) / (P - B); decreasing:
    (B - E) / (B - P). A zero denominator or nothing planned means nothing was due: the
    advance is undefined, not 0 % nor 100 %. The result is never capped.
    """
    if planned is None:
        return None
    numerator, denominator = advance_terms(accumulation, executed, planned, start)
    if denominator == 0:
        return None
    # Multiplying first keeps a single rounding step: 150623 * 100 / 104220.
    return numerator * HUNDRED / denominator


def plan_advance_pct(series: IndicatorSeries, cut_date: date) -> Decimal | None:
    """The advance towards the plan target, with everything measured up to the cut.

    Choice: `sum` and `cumulative` add every measurement of every year up to the cut (the
    target is the plan's total); the level types take the last level measured up to the cut
    in any year. B is the indicator's baseline (not the start of the cut's year), because the
    target is set against the plan's starting point. Nothing measured counts as nothing done.
    """
    kind = series.accumulation
    measured = value_to_date(kind, series.measurements, date.min, cut_date)
    executed = measured if measured is not None else nothing_done(kind, series.baseline)
    return advance_pct(kind, executed, series.target, series.baseline)


@dataclass(frozen=True)
class AdvanceTrace:
    """What an indicator's advance at a cut was computed from, to re-derive it by hand.

    `start_from` is None when B is the baseline, else the measurement B was taken from; the
    `*_values` are the dated values taken (summed, or the latest level) for P_cut, P_year
    and E_cut; `executed_defaulted` says nothing was measured and E_cut counts as nothing
    done (0 for the adding types, B for the levels).
    """

    accumulation: Accumulation
    year: int
    window_start: date | None  # None: from the plan's beginning (`cumulative`)
    baseline: Decimal
    start_value: Decimal
    start_from: DatedValue | None
    planned_to_date_values: tuple[DatedValue, ...]
    planned_year_values: tuple[DatedValue, ...]
    executed_values: tuple[DatedValue, ...]
    executed_defaulted: bool
    formula: str
    year_formula: str


def _evaluate(
    series: IndicatorSeries, cut_date: date, traced: bool
) -> tuple[IndicatorAdvance, AdvanceTrace | None]:
    kind = series.accumulation
    year = cut_date.year
    first = window_start(kind, year)
    point = start_point(series.measurements, year)
    start = series.baseline if point is None else point.value
    taken_cut = taken_to_date(kind, series.programming, first, cut_date)
    taken_year = taken_to_date(kind, series.programming, first, date(year, 12, 31))
    taken_executed = taken_to_date(kind, series.measurements, first, cut_date)
    planned_cut = _value_of(kind, taken_cut)
    planned_year = _value_of(kind, taken_year)
    measured = _value_of(kind, taken_executed)
    executed = measured if measured is not None else nothing_done(kind, start)

    at_cut = advance_pct(kind, executed, planned_cut, start)
    for_year = advance_pct(kind, executed, planned_year, start)
    for_plan = plan_advance_pct(series, cut_date)
    not_due = at_cut is None
    measured_dates = [m.period_end for m in series.measurements if m.period_end <= cut_date]
    # A report is missing when nothing was measured in the cut's year up to the cut (for
    # `cumulative`, earlier years' values still make up E_cut).
    jan_1 = date(year, 1, 1)
    reported = any(v.period_end >= jan_1 for v in taken_executed)

    advance = IndicatorAdvance(
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
        missing_report=not not_due and not reported,
        last_measured_on=max(measured_dates, default=None),
    )
    if not traced:
        return advance, None
    trace = AdvanceTrace(
        accumulation=kind,
        year=year,
        window_start=None if first == date.min else first,
        baseline=series.baseline,
        start_value=start,
        start_from=point,
        planned_to_date_values=taken_cut,
        planned_year_values=taken_year,
        executed_values=taken_executed,
        executed_defaulted=measured is None,
        formula=formula(kind, "P_cut"),
        year_formula=formula(kind, "P_year"),
    )
    return advance, trace


def compute_advance(series: IndicatorSeries, cut_date: date) -> IndicatorAdvance:
    """All the figures of one indicator at the cut dated `cut_date`.

    `missing_report` is set when something was due at the cut and nothing was measured in
    the cut's year up to the cut; `last_measured_on` lets callers judge staler reports.
    """
    return _evaluate(series, cut_date, traced=False)[0]


def trace_advance(series: IndicatorSeries, cut_date: date) -> tuple[IndicatorAdvance, AdvanceTrace]:
    """`compute_advance` and what it was computed from, in the same single pass."""
    advance, trace = _evaluate(series, cut_date, traced=True)
    if trace is None:  # pragma: no cover - a traced evaluation always has its trace
        raise RuntimeError("no trace")
    return advance, trace


def action_advance(
    parts: Iterable[tuple[Decimal | None, Decimal]], *, cap_at_100: bool = False
) -> tuple[Decimal | None, int]:
    """An action's advance from its indicators' (advance, weight): their weighted mean, and
    how many counted in it (defined advance, positive weight)."""
    parts = list(parts)
    counted = sum(1 for advance, weight in parts if advance is not None and weight > 0)
    return weighted_mean(parts, cap_at_100=cap_at_100), counted
