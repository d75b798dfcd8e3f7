"""Results against the original programming ("meta inicial"): the programming, targets and
weights in force when the plan was approved, from the versions reprogramming keeps."""

from __future__ import annotations

import uuid
from collections import namedtuple
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal, cast

from sqlalchemy import Row

from app.compute import DatedValue

ProgrammingChoice = Literal["original", "current"]


def _replaced(row: Row, **changes: Any) -> Row:
    """The row with some fields changed (a named tuple reads like the row it replaces)."""
    fields = row._fields
    cls = namedtuple("Row", fields)  # type: ignore[misc]  # fields known only at run time
    values = row._asdict()
    values.update(changes)
    return cast(Row, cls(**values))


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
    programming: dict[uuid.UUID, list[DatedValue]],
) -> tuple[list[Row], list[Row], dict[uuid.UUID, list[Any]], dict[uuid.UUID, list[DatedValue]]]:
    """Nodes, indicators, explicit contributions and programming as they were at approval.

    An element without versions has not changed since: it stays as it is. An indicator
    created after the approval had no programming nor target then: it is left without them
    (not due, out of every rollup).
    """
    by_indicator: dict[uuid.UUID, Row] = {}
    by_node: dict[uuid.UUID, Row] = {}
    for version in versions:
        if version.indicator_id is not None:
            by_indicator[version.indicator_id] = version
        elif version.node_id is not None:
            by_node[version.node_id] = version

    new_nodes = [
        _replaced(
            n,
            weight=Decimal(str(by_node[n.id].weight)),
            weights_by_year=by_node[n.id].weights_by_year,
        )
        if n.id in by_node and by_node[n.id].origin == "approval"
        else n
        for n in nodes
    ]
    new_indicators = []
    new_explicit = dict(explicit)
    new_programming = dict(programming)
    for ind in indicators:
        v = by_indicator.get(ind.id)
        if v is None:
            new_indicators.append(ind)
            continue
        if v.origin != "approval":
            new_indicators.append(_replaced(ind, target_value=None))
            new_programming.pop(ind.id, None)
            continue
        new_indicators.append(
            _replaced(
                ind,
                target_value=None if v.target_value is None else Decimal(str(v.target_value)),
                weight=Decimal(str(v.weight)),
            )
        )
        new_programming[ind.id] = [
            DatedValue(date.fromisoformat(p["period_end"]), Decimal(str(p["value"])))
            for p in v.programming or []
        ]
        if v.contributions is None:
            new_explicit.pop(ind.id, None)
        else:
            new_explicit[ind.id] = [_contribution(ind.id, c) for c in v.contributions]
    return new_nodes, new_indicators, new_explicit, new_programming
