"""Financial advance of an action (money executed against money planned) and the gap between
its physical and financial advance.

Executed money comes per period (the amounts committed, "compromisos", and paid,
"obligaciones", in the period ending on `period_end`); periods add up like a `sum` indicator.
Planned money comes from the budget allocations, by year ("vigencia") or for the whole plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.compute.status import format_pct
from app.compute.types import HUNDRED, ZERO, shown_pct, to_decimal

DEFAULT_GAP_THRESHOLD_PCT = Decimal(30)


@dataclass(frozen=True)
class ExecutedMoney:
    """Money committed and paid in the period ending on `period_end` (never negative)."""

    period_end: date
    committed: Decimal
    paid: Decimal

    def __post_init__(self) -> None:
        for name in ("committed", "paid"):
            amount = to_decimal(getattr(self, name), name)
            if amount < 0:
                raise ValueError(f"{name} must be >= 0, got {amount}")
            object.__setattr__(self, name, amount)


@dataclass(frozen=True)
class PlannedMoney:
    """Money planned for `year`, or for the whole plan when `year` is None."""

    year: int | None
    amount: Decimal

    def __post_init__(self) -> None:
        amount = to_decimal(self.amount, "amount")
        if amount < 0:
            raise ValueError(f"amount must be >= 0, got {amount}")
        object.__setattr__(self, "amount", amount)


@dataclass(frozen=True)
class FinancialAdvance:
    """An action's money at a date: for the year of the date and accumulated to the date.

    `*_pct` are executed / planned in percent, None where nothing was planned (undefined,
    like an indicator not due). Never capped: more committed than planned is over 100 %.
    """

    planned_year: Decimal | None
    committed_year: Decimal
    paid_year: Decimal
    committed_year_pct: Decimal | None
    paid_year_pct: Decimal | None
    planned_to_date: Decimal | None
    committed_to_date: Decimal
    paid_to_date: Decimal
    committed_to_date_pct: Decimal | None
    paid_to_date_pct: Decimal | None


def executed_between(
    executed: Iterable[ExecutedMoney], start: date, end: date
) -> tuple[Decimal, Decimal]:
    """(committed, paid) of the periods ending in [start, end]."""
    committed = paid = ZERO
    for e in executed:
        if start <= e.period_end <= end:
            committed += e.committed
            paid += e.paid
    return committed, paid


def planned_for_year(planned: Iterable[PlannedMoney], year: int) -> Decimal | None:
    """The money planned for `year`; None when no allocation names that year."""
    amounts = [p.amount for p in planned if p.year == year]
    return sum(amounts, ZERO) if amounts else None


def planned_up_to_year(planned: Iterable[PlannedMoney], year: int) -> Decimal | None:
    """The money planned for the years up to `year`, and the plan-wide money (it spans every
    year, so it is all available from the start); None when there is none."""
    amounts = [p.amount for p in planned if p.year is None or p.year <= year]
    return sum(amounts, ZERO) if amounts else None


def ratio_pct(executed: Decimal, planned: Decimal | None) -> Decimal | None:
    """`executed` in percent of `planned`; None (undefined) when nothing was planned."""
    if planned is None or planned == 0:
        return None
    return executed * HUNDRED / planned


def financial_advance(
    planned: Iterable[PlannedMoney], executed: Iterable[ExecutedMoney], as_of: date
) -> FinancialAdvance:
    """For the year: executed from 1 Jan of `as_of`'s year to `as_of` against the year's
    planned money. To date: everything executed up to `as_of` against the money planned for
    the years up to `as_of`'s year plus the plan-wide money."""
    planned = list(planned)
    executed = list(executed)
    year = as_of.year
    planned_year = planned_for_year(planned, year)
    committed_year, paid_year = executed_between(executed, date(year, 1, 1), as_of)
    planned_to_date = planned_up_to_year(planned, year)
    committed_to_date, paid_to_date = executed_between(executed, date.min, as_of)
    return FinancialAdvance(
        planned_year=planned_year,
        committed_year=committed_year,
        paid_year=paid_year,
        committed_year_pct=ratio_pct(committed_year, planned_year),
        paid_year_pct=ratio_pct(paid_year, planned_year),
        planned_to_date=planned_to_date,
        committed_to_date=committed_to_date,
        paid_to_date=paid_to_date,
        committed_to_date_pct=ratio_pct(committed_to_date, planned_to_date),
        paid_to_date_pct=ratio_pct(paid_to_date, planned_to_date),
    )


@dataclass(frozen=True)
class FinancialGap:
    """Financial minus physical advance, in points of the shown values."""

    financial_pct_shown: Decimal
    physical_pct_shown: Decimal
    gap_points: Decimal  # > 0: money ahead of the work; < 0: work ahead of the money
    message: str


def financial_gap(
    financial_pct: Decimal | None, physical_pct: Decimal | None, threshold_pct: Decimal
) -> FinancialGap | None:
    """The gap when the shown advances differ by MORE than `threshold_pct` points, else None.

    Undefined on either side (nothing planned, nothing due) means no gap can be told.
    """
    threshold = to_decimal(threshold_pct, "threshold_pct")
    if threshold < 0:
        raise ValueError("threshold_pct must be >= 0")
    financial = shown_pct(financial_pct)
    physical = shown_pct(physical_pct)
    if financial is None or physical is None:
        return None
    gap = financial - physical
    if abs(gap) <= threshold:
        return None
    return FinancialGap(financial, physical, gap, gap_message(financial, physical))


def gap_message(financial_pct: Decimal, physical_pct: Decimal) -> str:
    """ "80 % ejecutado financieramente, 20 % de avance físico"."""
    return (
        f"{format_pct(financial_pct)} % ejecutado financieramente, "
        f"{format_pct(physical_pct)} % de avance físico"
    )
