"""Weighted rollups of advances: the plan tree in one pass, and groupings by unit or axis value.

Every rollup is the same weighted mean: over the parts whose advance is defined and whose
weight is positive, weights renormalised over them; nothing defined means None (not 0 %).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from app.compute.status import (
    DEFAULT_BANDS,
    Band,
    ExecutionState,
    StatusCode,
    band_for,
    execution_state,
    status_for,
)
from app.compute.types import HUNDRED, ZERO, shown_pct, to_decimal

ONE = Decimal(1)


class _Mean:
    """Running weighted mean; the single place where the rollup formula lives."""

    __slots__ = ("cap_at_100", "numerator", "denominator")

    def __init__(self, cap_at_100: bool) -> None:
        self.cap_at_100 = cap_at_100
        self.numerator = ZERO
        self.denominator = ZERO

    def take(self, value: Decimal | None, weight: Decimal) -> Decimal | None:
        """Take a part in; the advance it counts with (capped if asked), None if it does not
        count (undefined advance or zero weight)."""
        if weight < 0:
            raise ValueError(f"weights must be >= 0, got {weight}")
        if value is None or weight == 0:
            return None
        if self.cap_at_100 and value > HUNDRED:
            value = HUNDRED
        self.numerator += weight * value
        self.denominator += weight
        return value

    def add(self, value: Decimal | None, weight: Decimal) -> bool:
        """Take a part in; True when it counts (defined advance, positive weight)."""
        return self.take(value, weight) is not None

    def result(self) -> Decimal | None:
        if self.denominator == 0:
            return None
        return self.numerator / self.denominator


def weighted_mean(
    parts: Iterable[tuple[Decimal | None, Decimal]], cap_at_100: bool = False
) -> Decimal | None:
    """Weighted mean of (advance, weight) parts over the defined ones with positive weight.

    None when no part counts. With `cap_at_100` each advance is first cut down to 100.
    Raises ValueError on a negative weight.
    """
    mean = _Mean(cap_at_100)
    for value, weight in parts:
        mean.add(value, to_decimal(weight, "weight"))
    return mean.result()


def weight_for_year(weight: Decimal, weights_by_year: Mapping[int, Decimal], year: int) -> Decimal:
    """The weight in force in `year`: the year's own weight if given, else the default one."""
    return weights_by_year.get(year, weight)


def _checked_weights(
    weight: Decimal, weights_by_year: Mapping[int, Decimal]
) -> tuple[Decimal, Mapping[int, Decimal]]:
    weight = to_decimal(weight, "weight")
    by_year = {
        year: to_decimal(w, f"weights_by_year[{year}]") for year, w in weights_by_year.items()
    }
    for w in (weight, *by_year.values()):
        if w < 0:
            raise ValueError(f"weights must be >= 0, got {w}")
    return weight, by_year


@dataclass(frozen=True)
class NodeIn:
    """A node of the plan tree: its parent (None for a root) and its weight under it."""

    id: Hashable
    parent_id: Hashable | None = None
    weight: Decimal = ONE
    weights_by_year: Mapping[int, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        weight, by_year = _checked_weights(self.weight, self.weights_by_year)
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "weights_by_year", by_year)


@dataclass(frozen=True)
class Contribution:
    """An indicator counting towards a node with a weight (default 1), maybe set per year."""

    indicator_id: Hashable
    node_id: Hashable
    weight: Decimal = ONE
    weights_by_year: Mapping[int, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        weight, by_year = _checked_weights(self.weight, self.weights_by_year)
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "weights_by_year", by_year)


@dataclass(frozen=True)
class NodeResult:
    """A node's (or the plan's) advance and how many distinct indicators counted in it."""

    advance_pct: Decimal | None
    advance_pct_shown: Decimal | None
    counted: int


@dataclass(frozen=True)
class PartTrace:
    """One part of a weighted mean as it was taken: an indicator or a child node.

    `weight` is its raw weight for the year; `renormalised_weight` its share of the weights
    that counted (None when left out); `advance_used` the advance it counted with (capped
    at 100 when the plan caps). `left_out` says why it did not count: "not_due" (no defined
    advance) or "zero_weight".
    """

    kind: str  # "indicator" or "node"
    id: Hashable
    weight: Decimal
    advance: Decimal | None
    advance_used: Decimal | None
    renormalised_weight: Decimal | None
    left_out: str | None


@dataclass(frozen=True)
class MeanTrace:
    """A node's (or the plan's) weighted mean: Σ(weight × advance_used) / Σ(weight) over the
    parts that counted, and every part, in the order they were taken."""

    parts: tuple[PartTrace, ...]
    weighted_sum: Decimal
    weight_sum: Decimal
    result: Decimal | None
    cap_at_100: bool


class _Tracer:
    """Records the parts of one mean when tracing; costs nothing otherwise."""

    __slots__ = ("mean", "parts")

    def __init__(self, mean: _Mean) -> None:
        self.mean = mean
        self.parts: list[tuple[str, Hashable, Decimal, Decimal | None, Decimal | None]] = []

    def take(self, kind: str, part_id: Hashable, value: Decimal | None, weight: Decimal) -> bool:
        used = self.mean.take(value, weight)
        self.parts.append((kind, part_id, weight, value, used))
        return used is not None

    def done(self) -> MeanTrace:
        total = self.mean.denominator
        return MeanTrace(
            parts=tuple(
                PartTrace(
                    kind=kind,
                    id=part_id,
                    weight=weight,
                    advance=value,
                    advance_used=used,
                    renormalised_weight=None if used is None else weight / total,
                    left_out=None
                    if used is not None
                    else "not_due"
                    if value is None
                    else "zero_weight",
                )
                for kind, part_id, weight, value, used in self.parts
            ),
            weighted_sum=self.mean.numerator,
            weight_sum=total,
            result=self.mean.result(),
            cap_at_100=self.mean.cap_at_100,
        )


@dataclass(frozen=True)
class RollupResult:
    nodes: Mapping[Hashable, NodeResult]
    plan: NodeResult
    # Filled only by rollup_tree(..., trace=True): how each mean was made.
    node_traces: Mapping[Hashable, MeanTrace] = field(default_factory=dict)
    plan_trace: MeanTrace | None = None


def _post_order(
    node_ids: Sequence[Hashable], children: Mapping[Hashable, list[Hashable]], roots: list[Hashable]
) -> list[Hashable]:
    # Iterative, so a deep (or malformed) tree cannot hit the recursion limit.
    order: list[Hashable] = []
    stack: list[tuple[Hashable, bool]] = [(root, False) for root in reversed(roots)]
    while stack:
        node_id, expanded = stack.pop()
        if expanded:
            order.append(node_id)
            continue
        stack.append((node_id, True))
        stack.extend((child, False) for child in reversed(children.get(node_id, ())))
    if len(order) != len(node_ids):
        reached = set(order)
        stuck = [n for n in node_ids if n not in reached]
        raise ValueError(f"nodes {stuck[:5]!r} are not under any root: the tree has a cycle")
    return order


def _merge(into: set[Hashable], other: set[Hashable]) -> set[Hashable]:
    # Merging the smaller set into the larger keeps the whole tree O(n log n) at worst.
    if len(into) < len(other):
        into, other = other, into
    into |= other
    return into


def rollup_tree(
    nodes: Iterable[NodeIn],
    contributions: Iterable[Contribution],
    indicator_advance: Mapping[Hashable, Decimal | None],
    year: int,
    cap_at_100: bool = False,
    trace: bool = False,
) -> RollupResult:
    """Advance of every node and of the plan at a cut of `year`, in one pass over the tree.

    A node's advance is the weighted mean of its child nodes' advances (with the children's
    weights) and of its contributing indicators' advances (with the contributions' weights);
    the plan's is the same over the root nodes. Weights for `year` override default weights.
    An indicator missing from `indicator_advance`, or mapped to None, is not due and left
    out. `counted` is the number of distinct indicators that took part, directly or through
    descendants (an indicator feeding two objectives counts once in their common ancestor).
    With `trace`, the result also holds how each mean was made (`node_traces`, `plan_trace`).
    Raises ValueError on duplicate node ids, unknown parents or nodes, cycles, negative weights.
    """
    by_id: dict[Hashable, NodeIn] = {}
    for node in nodes:
        if node.id in by_id:
            raise ValueError(f"node {node.id!r} is given twice")
        by_id[node.id] = node

    children: dict[Hashable, list[Hashable]] = {}
    roots: list[Hashable] = []
    for node in by_id.values():
        if node.parent_id is None:
            roots.append(node.id)
        elif node.parent_id not in by_id:
            raise ValueError(f"node {node.id!r} has an unknown parent {node.parent_id!r}")
        else:
            children.setdefault(node.parent_id, []).append(node.id)

    feeding: dict[Hashable, list[Contribution]] = {}
    for contribution in contributions:
        if contribution.node_id not in by_id:
            raise ValueError(
                f"indicator {contribution.indicator_id!r} contributes to an unknown node "
                f"{contribution.node_id!r}"
            )
        feeding.setdefault(contribution.node_id, []).append(contribution)

    results: dict[Hashable, NodeResult] = {}
    traces: dict[Hashable, MeanTrace] = {}
    counted_sets: dict[Hashable, set[Hashable]] = {}
    for node_id in _post_order(list(by_id), children, roots):
        mean = _Mean(cap_at_100)
        tracer = _Tracer(mean) if trace else None
        counted: set[Hashable] = set()
        for contribution in feeding.get(node_id, ()):
            weight = weight_for_year(contribution.weight, contribution.weights_by_year, year)
            value = indicator_advance.get(contribution.indicator_id)
            if (
                tracer.take("indicator", contribution.indicator_id, value, weight)
                if tracer
                else mean.add(value, weight)
            ):
                counted.add(contribution.indicator_id)
        for child_id in children.get(node_id, ()):
            child = by_id[child_id]
            weight = weight_for_year(child.weight, child.weights_by_year, year)
            child_set = counted_sets.pop(child_id)
            value = results[child_id].advance_pct
            if tracer.take("node", child_id, value, weight) if tracer else mean.add(value, weight):
                counted = _merge(counted, child_set)
        advance = mean.result()
        results[node_id] = NodeResult(advance, shown_pct(advance), len(counted))
        counted_sets[node_id] = counted
        if tracer:
            traces[node_id] = tracer.done()

    plan_mean = _Mean(cap_at_100)
    plan_tracer = _Tracer(plan_mean) if trace else None
    plan_counted: set[Hashable] = set()
    for root_id in roots:
        root = by_id[root_id]
        weight = weight_for_year(root.weight, root.weights_by_year, year)
        value = results[root_id].advance_pct
        if (
            plan_tracer.take("node", root_id, value, weight)
            if plan_tracer
            else plan_mean.add(value, weight)
        ):
            plan_counted = _merge(plan_counted, counted_sets[root_id])
    plan_advance = plan_mean.result()

    ordered = {node_id: results[node_id] for node_id in by_id}
    plan = NodeResult(plan_advance, shown_pct(plan_advance), len(plan_counted))
    if not trace:
        return RollupResult(ordered, plan)
    return RollupResult(
        ordered,
        plan,
        node_traces={node_id: traces[node_id] for node_id in by_id},
        plan_trace=plan_tracer.done() if plan_tracer else None,
    )


class Rated(Protocol):
    """Anything with an advance and a weight: an indicator's or an action's result."""

    @property
    def advance_pct(self) -> Decimal | None: ...

    @property
    def weight(self) -> Decimal: ...


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class RatedItem(Generic[K]):
    """A ready-made `Rated`: an id, its advance at the cut and its weight (default 1)."""

    id: K
    advance_pct: Decimal | None
    weight: Decimal = ONE

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", to_decimal(self.weight, "weight"))


@dataclass(frozen=True)
class GroupResult:
    """One group of a "by unit" / "by axis value" rollup.

    `count` is every item in the group, `counted` those that took part in the mean; not-due
    items have no band, so `count - sum(by_band.values())` of them are not due. Every band,
    status and execution state is a key, with 0 where nothing falls in it.
    """

    key: Hashable
    advance_pct: Decimal | None
    advance_pct_shown: Decimal | None
    count: int
    counted: int
    by_band: Mapping[str, int]
    by_status: Mapping[str, int]
    by_execution_state: Mapping[str, int]


R = TypeVar("R", bound=Rated)


def group_rollup(
    items: Iterable[R],
    key: Callable[[R], Hashable],
    *,
    bands: Sequence[Band] = DEFAULT_BANDS,
    tolerance_pct: Decimal = ZERO,
    cap_at_100: bool = False,
) -> list[GroupResult]:
    """Weighted mean of the items' advances per `key(item)`, with counts by band and status.

    Groups come in the order their key first appears. An item that belongs to several groups
    (an action shared by two units) is passed once per group by the caller.
    """
    means: dict[Hashable, _Mean] = {}
    counts: dict[Hashable, list[int]] = {}
    by_band: dict[Hashable, dict[str, int]] = {}
    by_status: dict[Hashable, dict[str, int]] = {}
    by_state: dict[Hashable, dict[str, int]] = {}
    for item in items:
        group = key(item)
        if group not in means:
            means[group] = _Mean(cap_at_100)
            counts[group] = [0, 0]
            by_band[group] = {band.code: 0 for band in bands}
            by_status[group] = {code.value: 0 for code in StatusCode}
            by_state[group] = {state.value: 0 for state in ExecutionState}
        advance = item.advance_pct
        counts[group][0] += 1
        if means[group].add(advance, to_decimal(item.weight, "weight")):
            counts[group][1] += 1
        band = band_for(advance, bands)
        if band is not None:
            by_band[group][band.code] += 1
        by_status[group][status_for(advance, tolerance_pct).code.value] += 1
        by_state[group][execution_state(advance).value] += 1

    results = []
    for group, mean in means.items():
        advance = mean.result()
        results.append(
            GroupResult(
                key=group,
                advance_pct=advance,
                advance_pct_shown=shown_pct(advance),
                count=counts[group][0],
                counted=counts[group][1],
                by_band=by_band[group],
                by_status=by_status[group],
                by_execution_state=by_state[group],
            )
        )
    return results
