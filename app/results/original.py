"""Results against the original programming ("meta inicial"): the programming, targets and
weights in force when the plan was approved, from the versions reprogramming keeps."""

from __future__ import annotations

import uuid
from collections import namedtuple
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any, Literal, cast

from sqlalchemy import Row

from app.compute import DatedValue

ProgrammingChoice = Literal["original", "current"]


@cache
def _row_type(fields: tuple[str, ...]) -> type:
    return namedtuple("Row", fields)


def _replaced(row: Row, **changes: Any) -> Row:
    """The row with some fields changed (a named tuple reads like the row it replaces)."""
    values = row._asdict()
    values.update(changes)
    return cast(Row, _row_type(tuple(row._fields))(**values))


def _contribution(indicator_id: uuid.UUID, raw: Mapping) -> Any:
    return _ContributionRow(
        indicator_id,
        uuid.UUID(str(raw["node_id"])),
        Decimal(str(raw["weight"])),
        raw.get("weights_by_year") or None,
    )


_ContributionRow = namedtuple("_ContributionRow", "indicator_id node_id weight weights_by_year")


def as_approved(
    versions: Iterable[Row],
    nodes: list[Row],
    indicators: list[Row],
    explicit: dict[uuid.UUID, list[Any]],
    current_programming: Mapping[uuid.UUID, list[DatedValue]],
) -> tuple[list[Row], list[Row], dict[uuid.UUID, list[Any]], dict[uuid.UUID, list[DatedValue]]]:
    """Nodes, indicators, explicit contributions and programming as they were at approval.

    `current_programming` is today's (totals): kept for the indicators without versions. An
    element without versions has not changed since: it stays as it is. An indicator created
    after the approval had no programming nor target then: it is left without them (not due,
    out of every rollup).
    """
    by_indicator: dict[uuid.UUID, Row] = {}
    by_node: dict[uuid.UUID, Row] = {}
    for row in versions:
        if row.indicator_id is not None:
            by_indicator[row.indicator_id] = row
        elif row.node_id is not None:
            by_node[row.node_id] = row

    new_nodes = [
        _replaced(
            n,
            weight=by_node[n.id].weight,
            weights_by_year=by_node[n.id].weights_by_year,
        )
        if n.id in by_node and by_node[n.id].origin == "approval"
        else n
        for n in nodes
    ]
    programming: dict[uuid.UUID, list[DatedValue]] = {
        indicator_id: values
        for indicator_id, values in current_programming.items()
        if indicator_id not in by_indicator
    }
    new_indicators = []
    new_explicit = dict(explicit)
    for ind in indicators:
        version = by_indicator.get(ind.id)
        if version is None:
            new_indicators.append(ind)
        elif version.origin != "approval":
            new_indicators.append(_replaced(ind, target_value=None))
        else:
            new_indicators.append(
                _replaced(ind, target_value=version.target_value, weight=version.weight)
            )
            if version.period_ends:
                programming[ind.id] = [
                    DatedValue(d, v)
                    for d, v in zip(version.period_ends, version.values, strict=True)
                ]
            if version.contributions is None:
                new_explicit.pop(ind.id, None)
            else:
                new_explicit[ind.id] = [_contribution(ind.id, c) for c in version.contributions]
    return new_nodes, new_indicators, new_explicit, programming
