"""Retirement: what a retired node or action takes out of view."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from app.compute import hidden_by_retirement, indicator_visible, without_retired

NOW = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class N:
    id: uuid.UUID
    parent_id: uuid.UUID | None = None
    retired_at: datetime | None = None


@dataclass
class A:
    id: uuid.UUID
    node_id: uuid.UUID | None = None
    retired_at: datetime | None = None


@dataclass
class I:  # noqa: E742
    action_id: uuid.UUID | None = None
    node_id: uuid.UUID | None = None
    retired_at: datetime | None = None


def ids(n: int) -> list[uuid.UUID]:
    return [uuid.uuid4() for _ in range(n)]


def test_a_retired_node_hides_its_subtree_and_its_actions():
    root, kept, retired, child = ids(4)
    nodes = [N(root), N(kept, root), N(retired, root, NOW), N(child, retired)]
    a_kept, a_under, a_retired, a_plan = ids(4)
    actions = [A(a_kept, kept), A(a_under, child), A(a_retired, kept, NOW), A(a_plan)]
    assert hidden_by_retirement(nodes, actions) == {retired, child, a_under, a_retired}


def test_indicators_are_visible_unless_retired_or_under_something_hidden():
    node, action = ids(2)
    hidden = {node, action}
    assert indicator_visible(I(), hidden)
    assert indicator_visible(I(action_id=uuid.uuid4()), hidden)
    assert not indicator_visible(I(retired_at=NOW), hidden)
    assert not indicator_visible(I(action_id=action), hidden)
    assert not indicator_visible(I(node_id=node), hidden)


def test_without_retired_keeps_each_list_in_its_order():
    root, retired = ids(2)
    nodes = [N(root), N(retired, root, NOW)]
    a1, a2, a3 = ids(3)
    actions = [A(a3, root), A(a1, retired), A(a2)]
    indicators = [I(action_id=a2), I(action_id=a1), I(node_id=root), I(node_id=retired)]
    kept = without_retired(nodes, actions, indicators)
    assert kept == ([nodes[0]], [actions[0], actions[2]], [indicators[0], indicators[2]])
