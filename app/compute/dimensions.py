"""Disaggregated values: their canonical key, the total series an indicator's results use,
and the series of one dimension value, so that no value is ever counted twice.

A planned or measured value carries dimension values (`{"territory": "19001", "sex": "F"}`);
`{}` is the total. Per indicator the plan says how the total is had:

- `posted`: the total is posted on its own; the disaggregated values are breakdowns only and
  never enter it;
- `sum`: the total of a period is the sum of that period's disaggregated values, taken from
  ONE breakdown only (the coarsest present: fewest dimensions, then departments before
  municipalities, then by dimension code), so that a value posted by territory and again by
  sex, or by department and again by municipality, is not added twice. A period with no
  disaggregated value keeps its posted total, if any.

Sums are made per period end, before the accumulation type (DOMAIN.md) adds periods up or
takes the last level: a level indicator (`constant`, `increasing`, `decreasing`) sums the
levels of its territories within a period, never across periods.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.compute.advance import IndicatorAdvance, IndicatorSeries, compute_advance
from app.compute.types import ZERO, Accumulation, DatedValue

TERRITORY = "territory"
TOTAL_KEY = ""


class TotalMode(StrEnum):
    POSTED = "posted"
    SUM = "sum"


def dims_key(dims: Mapping[str, str]) -> str:
    """The canonical text of dimension values: `code=value` pairs in code order, `;` between
    ("sex=F;territory=19001"); '' for the total. Codes and values never hold `=` or `;`."""
    return ";".join(f"{k}={dims[k]}" for k in sorted(dims))


def parse_key(key: str) -> dict[str, str]:
    if not key:
        return {}
    return dict(pair.split("=", 1) for pair in key.split(";"))


@dataclass(frozen=True)
class KeyedValue:
    """A planned or measured value with the canonical key of its dimension values."""

    key: str
    period_end: date
    value: Decimal


def _level(dimension: str, value: str) -> int:
    # DIVIPOLA: a department has 2 digits, a municipality 5 (finer).
    return 1 if dimension == TERRITORY and len(value) > 2 else 0


def _within(dims: Mapping[str, str], scope: Mapping[str, str]) -> bool:
    """Whether a value with `dims` belongs to the population `scope` names: it has every
    dimension of `scope` with the same value, or (territory) a municipality of its
    department."""
    for dimension, wanted in scope.items():
        have = dims.get(dimension)
        if have is None:
            return False
        if have != wanted and not (
            dimension == TERRITORY and len(wanted) == 2 and len(have) > 2 and have[:2] == wanted
        ):
            return False
    return True


def _signature(dims: Mapping[str, str]) -> tuple[int, int, tuple[str, ...]]:
    """How coarse a breakdown is: fewer dimensions first, then coarser territory levels."""
    return (len(dims), sum(_level(d, v) for d, v in dims.items()), tuple(sorted(dims)))


def total_series(
    mode: TotalMode | str,
    values: Iterable[KeyedValue],
    scope: Mapping[str, str] | None = None,
) -> list[DatedValue]:
    """The series of the population `scope` names ({} or None: the indicator's total), in
    period order, from values keyed by their dimension values (module docstring)."""
    mode = TotalMode(mode)
    scope = dict(scope or {})
    own_key = dims_key(scope)
    own: dict[date, Decimal] = {}
    parts: dict[date, dict[tuple[int, int, tuple[str, ...]], Decimal]] = defaultdict(dict)
    for v in values:
        if v.key == own_key:
            own[v.period_end] = v.value
            continue
        if mode is TotalMode.POSTED:
            continue
        dims = parse_key(v.key)
        if not _within(dims, scope):
            continue
        signature = _signature(dims)
        by_breakdown = parts[v.period_end]
        by_breakdown[signature] = by_breakdown.get(signature, ZERO) + v.value
    out: dict[date, Decimal] = dict(own)
    for period_end, by_breakdown in parts.items():
        out[period_end] = by_breakdown[min(by_breakdown)]
    return [DatedValue(d, out[d]) for d in sorted(out)]


def dimension_values(keys: Iterable[str], dimension: str) -> list[str]:
    """The values of `dimension` that the keys carry, in order of first appearance."""
    seen: dict[str, None] = {}
    for key in keys:
        value = parse_key(key).get(dimension)
        if value is not None:
            seen.setdefault(value, None)
    return list(seen)


def breakdown_advance(
    accumulation: Accumulation | str,
    programming: Iterable[DatedValue],
    measurements: Iterable[DatedValue],
    cut_date: date,
) -> IndicatorAdvance:
    """The figures of one dimension value's series at the cut, with the same rules as the
    total's (`compute_advance`).

    The indicator's baseline and plan target are the total's, so they are not used: for
    `increasing` and `decreasing`, B is the series' own last measurement before the cut's
    year, and where there is none the advance is left undefined (no start level to rise or
    fall from) rather than measured from 0. The plan advance is undefined (no target).
    """
    kind = Accumulation(accumulation)
    measured = list(measurements)
    series = IndicatorSeries(
        accumulation=kind, programming=list(programming), measurements=measured, target=None
    )
    advance = compute_advance(series, cut_date)
    has_start = any(m.period_end < date(cut_date.year, 1, 1) for m in measured)
    if kind in (Accumulation.INCREASING, Accumulation.DECREASING) and not has_start:
        return replace(
            advance,
            advance_pct=None,
            advance_pct_shown=None,
            year_advance_pct=None,
            year_advance_pct_shown=None,
            not_due=advance.programmed_to_date is None,
            missing_report=False,
        )
    return advance


def dims_problem(
    dims: Mapping[str, str],
    declared: Iterable[Mapping],
    territory_problem: Callable[[str], str | None],
) -> str | None:
    """Why these dimension values are not acceptable for a plan that declares `declared`
    ([{code, label, values: [{code, label}]}]; territory is always available and its values
    are checked by `territory_problem`), or None when they are."""
    allowed = {d["code"]: [v["code"] for v in d["values"]] for d in declared}
    for dimension in sorted(dims):
        value = dims[dimension]
        if dimension == TERRITORY:
            problem = territory_problem(value)
            if problem:
                return problem
            continue
        if dimension not in allowed:
            have = ", ".join([TERRITORY, *allowed])
            return (
                f"dimension {dimension!r} is not declared by the plan; its dimensions are: {have}"
            )
        if value not in allowed[dimension]:
            return (
                f"{value!r} is not a value of dimension {dimension!r}; allowed values: "
                + ", ".join(allowed[dimension])
            )
    return None
