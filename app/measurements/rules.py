"""What makes a well-formed measurement acceptable: plain functions over loaded rows, no SQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.auth.actor import Actor
from app.compute.dimensions import dims_key, dims_problem
from app.cuts.lock_exceptions import Unlocks
from app.cuts.models import Cut, LockException
from app.cuts.service import covering
from app.measurements.schemas import MeasurementItem, RejectedItem
from app.plans.models import Indicator, Plan
from app.territories import divipola

Seen = dict[tuple[uuid.UUID, date, str], int]


@dataclass(frozen=True)
class Accepted:
    index: int
    indicator: Indicator
    period_end: date
    value: Decimal
    note: str | None
    dims: dict[str, str]
    dims_key: str  # canonical text of `dims`, '' for the total
    unlocked_by: LockException | None = None


def judge(
    plan: Plan,
    items: list[tuple[int, MeasurementItem]],
    indicators: list[Indicator],
    frozen: list[Cut],
    unlocks: Unlocks | None = None,
    units: dict[uuid.UUID, set[uuid.UUID]] | None = None,
) -> tuple[list[Accepted], list[RejectedItem]]:
    """Each item against its indicator, the plan's dimensions and years, the frozen cuts and
    the batch.

    `indicators` are the plan's indicators the items name (by code or id); `frozen` the
    plan's closed and published cuts; `unlocks` their lock exceptions and `units` the units
    answering for each indicator (what an exception is granted to). The first rule an item
    breaks is its reason; an item of a unit whose exception expired stops the batch (409).
    """
    by_code = {i.code: i for i in indicators}
    by_id = {i.id: i for i in indicators}
    accepted: list[Accepted] = []
    rejected: list[RejectedItem] = []
    seen: Seen = {}
    for index, item in items:
        indicator = (
            by_code.get(item.indicator_code)
            if item.indicator_code
            else by_id.get(item.indicator_id)
            if item.indicator_id
            else None
        )
        if indicator is None:
            ref = item.indicator_code or item.indicator_id
            rejected.append(_rejected(index, item, f"unknown indicator {ref} in this plan"))
            continue
        key = dims_key(item.dims) if item.dims else ""
        reason, unlocked_by = _problem(
            plan,
            item,
            indicator,
            frozen,
            seen,
            key,
            unlocks,
            (units or {}).get(indicator.id, set()),
        )
        if reason is not None:
            rejected.append(_rejected(index, item, reason))
            continue
        seen[(indicator.id, item.period_end, key)] = index
        accepted.append(
            Accepted(
                index,
                indicator,
                item.period_end,
                item.value,
                item.note,
                item.dims,
                key,
                unlocked_by,
            )
        )
    return accepted, rejected


def _rejected(index: int, item: MeasurementItem, reason: str) -> RejectedItem:
    return RejectedItem(
        index=index,
        reason=reason,
        indicator_code=item.indicator_code,
        period_end=item.period_end.isoformat(),
    )


def _problem(
    plan: Plan,
    item: MeasurementItem,
    indicator: Indicator,
    frozen: list[Cut],
    seen: Seen,
    key: str,
    unlocks: Unlocks | None,
    unit_ids: set[uuid.UUID],
) -> tuple[str | None, LockException | None]:
    if indicator.retired_at is not None:
        return f"indicator {indicator.code} is retired", None
    if item.dims and (problem := dims_problem(item.dims, plan.dimensions, divipola.problem)):
        return f"dims: {problem}", None
    if problem := plan.year_problem(item.period_end):
        return f"period_end {problem}", None
    cut = covering(frozen, item.period_end)
    unlocked_by = unlocks.find(cut, unit_ids) if cut is not None and unlocks else None
    if cut is not None and unlocked_by is None:
        return f"period_end {item.period_end} falls in cut {cut.code}, which is {cut.status}", None
    return _value_problem(item, indicator, seen, key), unlocked_by


def _value_problem(item: MeasurementItem, indicator: Indicator, seen: Seen, key: str) -> str | None:
    if indicator.min_value is not None and item.value < indicator.min_value:
        return f"value {item.value} is below the indicator's minimum {indicator.min_value}" + (
            " (negative values are not allowed)" if indicator.min_value == 0 else ""
        )
    if indicator.max_value is not None and item.value > indicator.max_value:
        return f"value {item.value} is above the indicator's maximum {indicator.max_value}"
    if (indicator.id, item.period_end, key) in seen:
        same = "indicator, period_end and dims" if key else "indicator and period_end"
        return f"duplicate of item {seen[(indicator.id, item.period_end, key)]} (same {same})"
    return None


def foreign_codes(
    actor: Actor, accepted: list[Accepted], units: dict[uuid.UUID, set[uuid.UUID]]
) -> list[str]:
    """Codes of the indicators the actor may not write for (`units`: who answers for each)."""
    return sorted(
        {a.indicator.code for a in accepted if not actor.may_write_for(units[a.indicator.id])}
    )
