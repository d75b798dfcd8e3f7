"""The budget matrix: money by unit (rows) x root node (columns), totals and shares of the total."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from app.compute.types import HUNDRED, ZERO, shown_pct, to_decimal

Measure = Literal["planned", "executed"]

R = TypeVar("R", bound=Hashable)  # a row's key (a unit)
C = TypeVar("C", bound=Hashable)  # a column's key (a root node)
K = TypeVar("K", bound=Hashable)  # a line's own key
J = TypeVar("J", bound=Hashable)  # the key of a line's cells


@dataclass(frozen=True)
class Allocation(Generic[R, C]):
    """Money of one action for one unit under one root node; `executed` None when unknown."""

    unit_key: R
    column_key: C
    planned: Decimal
    executed: Decimal | None = None

    def __post_init__(self) -> None:
        planned = to_decimal(self.planned, "planned")
        executed = None if self.executed is None else to_decimal(self.executed, "executed")
        for name, amount in (("planned", planned), ("executed", executed)):
            if amount is not None and amount < 0:
                raise ValueError(f"{name} must be >= 0, got {amount}")
        object.__setattr__(self, "planned", planned)
        object.__setattr__(self, "executed", executed)


@dataclass(frozen=True)
class BudgetLine(Generic[K, J]):
    """A row (cells by column) or a column (cells by row), its total and share of the total."""

    key: K
    cells: Mapping[J, Decimal]
    total: Decimal
    share_pct: Decimal | None
    share_pct_shown: Decimal | None


@dataclass(frozen=True)
class BudgetMatrix(Generic[R, C]):
    rows: tuple[BudgetLine[R, C], ...]
    columns: tuple[BudgetLine[C, R], ...]
    total: Decimal


def share_pct(part: Decimal, total: Decimal) -> Decimal | None:
    """`part` in percent of `total`; None when the total is zero."""
    if total == 0:
        return None
    return part * HUNDRED / total


def _line(key: K, cells: dict[J, Decimal], grand_total: Decimal) -> BudgetLine[K, J]:
    total = sum(cells.values(), ZERO)
    share = share_pct(total, grand_total)
    return BudgetLine(key, cells, total, share, shown_pct(share))


def budget_matrix(
    allocations: Iterable[Allocation[R, C]],
    columns: Sequence[C],
    rows: Sequence[R],
    *,
    measure: Measure = "planned",
) -> BudgetMatrix[R, C]:
    """The matrix of `measure` amounts, rows and columns in the order given, every cell present.

    Allocations of the same unit and column add up. For `executed`, an allocation with no
    executed amount counts 0. Raises ValueError on a unit or column not in `rows`/`columns`
    and on repeated keys.
    """
    if measure not in ("planned", "executed"):
        raise ValueError(f"measure must be 'planned' or 'executed', got {measure!r}")
    for name, keys in (("rows", rows), ("columns", columns)):
        if len(set(keys)) != len(keys):
            raise ValueError(f"{name} must not repeat a key")
    grid: dict[R, dict[C, Decimal]] = {row: dict.fromkeys(columns, ZERO) for row in rows}
    column_set = set(columns)
    for allocation in allocations:
        if allocation.unit_key not in grid:
            raise ValueError(f"allocation for unknown unit {allocation.unit_key!r}")
        if allocation.column_key not in column_set:
            raise ValueError(f"allocation for unknown column {allocation.column_key!r}")
        amount = allocation.planned if measure == "planned" else allocation.executed
        if amount is not None:
            grid[allocation.unit_key][allocation.column_key] += amount

    grand_total = sum((sum(cells.values(), ZERO) for cells in grid.values()), ZERO)
    row_lines = tuple(_line(row, grid[row], grand_total) for row in rows)
    column_lines = tuple(
        _line(column, {row: grid[row][column] for row in rows}, grand_total) for column in columns
    )
    return BudgetMatrix(rows=row_lines, columns=column_lines, total=grand_total)
