"""The plan as the results see it: its visible elements, loaded with a fixed number of
statements, and every figure of them at a cut date (from `app.compute`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Row
from sqlmodel import Session

from app.compute import (
    DEFAULT_BANDS,
    Accumulation,
    AdvanceTrace,
    Band,
    Contribution,
    DatedValue,
    IndicatorAdvance,
    IndicatorSeries,
    NodeIn,
    RollupResult,
    action_advance,
    compute_advance,
    rollup_tree,
    trace_advance,
    without_retired,
)
from app.compute.dimensions import KeyedValue, TotalMode, total_series
from app.compute.forecast import NO_FORECAST, YearEndForecast, forecast_year_end
from app.compute.types import ZERO
from app.cuts.models import Cut
from app.plans.models import Plan
from app.results import repository
from app.results.original import ProgrammingChoice, as_approved
from app.results.schemas import UnitRef


def _weights_by_year(raw: Mapping | None) -> dict[int, Decimal]:
    # Stored as JSON {"2023": "0.5"}: keys are strings, amounts exact decimal strings.
    return {int(year): Decimal(str(weight)) for year, weight in (raw or {}).items()}


def _bands(plan: Plan) -> tuple[Band, ...]:
    if not plan.bands:
        return DEFAULT_BANDS
    return tuple(
        Band(Decimal(str(b["lower_bound"])), b["code"], b["label"], b["color"]) for b in plan.bands
    )


@dataclass
class Structure:
    """The visible elements of a plan (retired ones and what hangs from them left out)."""

    plan: Plan
    nodes: list[Row]  # in tree order: each node before its children
    actions: list[Row]
    indicators: list[Row]
    units: dict[uuid.UUID, Row]
    action_units: dict[uuid.UUID, list[uuid.UUID]]
    node_inputs: list[NodeIn]
    contributions: list[Contribution]
    programming: dict[uuid.UUID, list[DatedValue]]
    bands: tuple[Band, ...]
    tolerance_pct: Decimal
    action_by_id: dict[uuid.UUID, Row] = field(default_factory=dict)
    indicator_units: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)
    indicator_node: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)

    def unit_refs(self, unit_ids: Iterable[uuid.UUID]) -> dict:
        """`unit` (the first) and `units` (all) of an answer item."""
        refs = [
            UnitRef(unit_id=u, code=self.units[u].code, name=self.units[u].name)
            for u in unit_ids
            if u in self.units
        ]
        return {"unit": refs[0] if refs else None, "units": refs}

    def axis_value(self, indicator: Row, axis: str) -> str | None:
        """Its own value on the axis, else its action's."""
        own = (indicator.axis_values or {}).get(axis)
        if own is not None or indicator.action_id is None:
            return own
        return (self.action_by_id[indicator.action_id].axis_values or {}).get(axis)


def tree_order(nodes: list[Row]) -> list[Row]:
    """Depth first: each node right before its subtree, siblings in their given order."""
    children: dict[uuid.UUID | None, list[Row]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    ordered: list[Row] = []
    stack = list(reversed(children[None]))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.id, ())))
    return ordered


def load_structure(
    session: Session, plan: Plan, against: ProgrammingChoice = "current"
) -> Structure:
    """Seven statements whatever the plan's size (eight against the original programming)."""
    nodes, actions, indicators = without_retired(
        repository.nodes(session, plan.id),
        repository.actions(session, plan.id),
        repository.indicators(session, plan.id),
    )
    nodes = tree_order(nodes)

    action_units: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for action_id, unit_id in repository.action_units(session, plan.id):
        action_units[action_id].append(unit_id)
    units = {u.id: u for u in repository.units(session, plan.organization_id)}

    explicit: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for c in repository.contributions(session, plan.id):
        explicit[c.indicator_id].append(c)
    if against == "original":
        nodes, indicators, explicit, programming = as_approved(
            repository.original_versions(session, plan.id),
            nodes,
            indicators,
            explicit,
            dated_values(repository.programming(session, plan.id)),
        )
    else:
        programming = dated_values(repository.programming(session, plan.id))

    structure = Structure(
        plan=plan,
        nodes=nodes,
        actions=actions,
        indicators=indicators,
        units=units,
        action_units=action_units,
        node_inputs=[
            NodeIn(n.id, n.parent_id, n.weight, _weights_by_year(n.weights_by_year)) for n in nodes
        ],
        contributions=[],
        programming=programming,
        bands=_bands(plan),
        tolerance_pct=plan.tolerance_pct or ZERO,
        action_by_id={a.id: a for a in actions},
    )

    visible_nodes = {n.id for n in nodes}
    for ind in indicators:
        action = structure.action_by_id.get(ind.action_id) if ind.action_id else None
        node_id = ind.node_id if ind.node_id is not None else (action.node_id if action else None)
        structure.indicator_node[ind.id] = node_id
        structure.indicator_units[ind.id] = (
            [ind.unit_id]
            if ind.unit_id is not None
            else list(action_units.get(ind.action_id, ()))
            if action
            else []
        )
        if ind.id in explicit:
            # Explicit contributions replace the default one; those to hidden nodes drop out.
            structure.contributions.extend(
                Contribution(ind.id, c.node_id, c.weight, _weights_by_year(c.weights_by_year))
                for c in explicit[ind.id]
                if c.node_id in visible_nodes
            )
        elif node_id is not None:
            # By default it feeds the node it hangs from (or its action's) with its own weight,
            # the same weight its action's mean gives it.
            structure.contributions.append(Contribution(ind.id, node_id, ind.weight))
    return structure


def dated_values(rows: Iterable[Row]) -> dict[uuid.UUID, list[DatedValue]]:
    """{indicator_id: values} from rows of (indicator_id, period_ends, values, dims_keys):
    the total series, disaggregated values (only sum-mode indicators' come) added once."""
    out: dict[uuid.UUID, list[DatedValue]] = {}
    for indicator_id, ends, values, keys in rows:
        if any(keys):
            out[indicator_id] = total_series(TotalMode.SUM, map(KeyedValue, keys, ends, values))
        else:
            # array_agg keeps no order: the series goes by period end (explain lists it so).
            out[indicator_id] = sorted(
                (DatedValue(d, v) for d, v in zip(ends, values, strict=True)),
                key=lambda dv: dv.period_end,
            )
    return out


@dataclass
class Evaluation:
    """Every figure of the plan at one cut date."""

    cut_date: date
    advances: dict[uuid.UUID, IndicatorAdvance]
    rollup: RollupResult
    action_advance: dict[uuid.UUID, tuple[Decimal | None, int]]
    series: dict[uuid.UUID, IndicatorSeries] = field(default_factory=dict)
    # Only when traced (?explain=true): what each indicator's figures were computed from.
    traces: dict[uuid.UUID, AdvanceTrace] = field(default_factory=dict)

    def forecast(self, indicator_id: uuid.UUID) -> YearEndForecast:
        """The indicator's year-end forecast from this cut (computed when asked); none for an
        evaluation made without the series (a territory's view)."""
        series = self.series.get(indicator_id)
        return NO_FORECAST if series is None else forecast_year_end(series, self.cut_date)


def evaluate(
    structure: Structure,
    measurements: Mapping[uuid.UUID, list[DatedValue]],
    cut_date: date,
    trace: bool = False,
) -> Evaluation:
    advances: dict[uuid.UUID, IndicatorAdvance] = {}
    all_series: dict[uuid.UUID, IndicatorSeries] = {}
    traces: dict[uuid.UUID, AdvanceTrace] = {}
    for ind in structure.indicators:
        all_series[ind.id] = series = IndicatorSeries(
            accumulation=Accumulation(ind.accumulation),
            programming=structure.programming.get(ind.id, ()),
            measurements=measurements.get(ind.id, ()),
            baseline=ind.baseline_value if ind.baseline_value is not None else ZERO,
            target=ind.target_value,
        )
        if trace:
            advances[ind.id], traces[ind.id] = trace_advance(series, cut_date)
        else:
            advances[ind.id] = compute_advance(series, cut_date)
    return evaluation_of(structure, advances, cut_date, all_series, traces, trace)


def evaluation_of(
    structure: Structure,
    advances: dict[uuid.UUID, IndicatorAdvance],
    cut_date: date,
    all_series: dict[uuid.UUID, IndicatorSeries] | None = None,
    traces: dict[uuid.UUID, AdvanceTrace] | None = None,
    trace: bool = False,
) -> Evaluation:
    """The rollups of the nodes, the plan and the actions over these indicator figures."""
    plan = structure.plan
    rollup = rollup_tree(
        structure.node_inputs,
        structure.contributions,
        {i: a.advance_pct for i, a in advances.items()},
        cut_date.year,
        cap_at_100=plan.cap_at_100,
        trace=trace,
    )

    parts: dict[uuid.UUID, list[tuple[Decimal | None, Decimal]]] = defaultdict(list)
    for ind in structure.indicators:
        if ind.action_id is not None:
            parts[ind.action_id].append((advances[ind.id].advance_pct, ind.weight))
    actions = {
        a.id: action_advance(parts.get(a.id, ()), cap_at_100=plan.cap_at_100)
        for a in structure.actions
    }
    return Evaluation(cut_date, advances, rollup, actions, all_series or {}, traces or {})


def at_cut(
    session: Session,
    cut: Cut,
    plan: Plan,
    against: ProgrammingChoice = "current",
    trace: bool = False,
    structure: Structure | None = None,
) -> tuple[Structure, Evaluation]:
    """The plan's figures at the cut: eight statements whatever the plan's size (one when
    the plan's `structure` is already loaded). With `trace`, the evaluation also holds what
    each figure was computed from."""
    if structure is None:
        structure = load_structure(session, plan, against)
    measured = dated_values(repository.measurements(session, plan.id, cut.cut_date))
    return structure, evaluate(structure, measured, cut.cut_date, trace)
