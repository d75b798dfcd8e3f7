"""Retirement: a retired node or action takes out of view everything that hangs from it.

Rows are any objects with the attributes named below (ORM objects or plain result rows).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar


class NodeLike(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def parent_id(self) -> uuid.UUID | None: ...
    @property
    def retired_at(self) -> datetime | None: ...


class ActionLike(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def node_id(self) -> uuid.UUID | None: ...
    @property
    def retired_at(self) -> datetime | None: ...


class IndicatorLike(Protocol):
    @property
    def action_id(self) -> uuid.UUID | None: ...
    @property
    def node_id(self) -> uuid.UUID | None: ...
    @property
    def retired_at(self) -> datetime | None: ...


N = TypeVar("N", bound=NodeLike)
A = TypeVar("A", bound=ActionLike)
I = TypeVar("I", bound=IndicatorLike)  # noqa: E741


def hidden_by_retirement(nodes: Iterable[NodeLike], actions: Iterable[ActionLike]) -> set:
    """Ids of retired nodes and actions and of all that hangs from them.

    `nodes` come parents first (by level).
    """
    hidden: set = set()
    for n in nodes:
        if n.retired_at is not None or n.parent_id in hidden:
            hidden.add(n.id)
    for a in actions:
        if a.retired_at is not None or a.node_id in hidden:
            hidden.add(a.id)
    return hidden


def indicator_visible(indicator: IndicatorLike, hidden: set) -> bool:
    """Not retired itself, and hanging from nothing hidden."""
    return (
        indicator.retired_at is None
        and indicator.action_id not in hidden
        and indicator.node_id not in hidden
    )


def without_retired(
    nodes: Sequence[N], actions: Sequence[A], indicators: Sequence[I]
) -> tuple[list[N], list[A], list[I]]:
    """The elements left in view, each list in its given order (nodes parents first)."""
    hidden = hidden_by_retirement(nodes, actions)
    return (
        [n for n in nodes if n.id not in hidden],
        [a for a in actions if a.id not in hidden],
        [i for i in indicators if indicator_visible(i, hidden)],
    )
