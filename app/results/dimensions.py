"""Results by disaggregation dimension: by territory (DIVIPOLA), by any dimension the plan
declares, and the whole results restricted to one territory's series.

The series of a dimension value is made by `app.compute.dimensions.total_series` (a value
never counted twice) and its figures by `breakdown_advance` (the same rules as the total's);
rollups reuse `structure.evaluation_of` and `app.compute.group_rollup`. Each answer loads the
plan's structure and its disaggregated values: nine statements whatever the plan's size.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row
from sqlmodel import Session

from app.compute import IndicatorAdvance, RatedItem, band_for, group_rollup, status_for
from app.compute.dimensions import (
    TERRITORY,
    KeyedValue,
    breakdown_advance,
    dimension_values,
    parse_key,
    total_series,
)
from app.core.errors import DomainError, Invalid
from app.cuts.models import Cut
from app.measurements.models import Measurement
from app.plans.models import Plan, Programming
from app.results import repository
from app.results.schemas import (
    BreakdownIndicator,
    CutResults,
    DimensionResults,
    DimensionValueResults,
    ResultBand,
    StatusOut,
)
from app.results.service import cut_ref, shape_results
from app.results.structure import Structure, evaluation_of, load_structure
from app.territories import divipola

TERRITORY_LABEL = "Territorio"


class UnknownDimension(DomainError):
    status = 404


@dataclass
class Breakdowns:
    """The plan's disaggregated values by indicator, keyed by their dimension values."""

    programming: dict[uuid.UUID, list[KeyedValue]]
    measurements: dict[uuid.UUID, list[KeyedValue]]

    def keys(self) -> list[str]:
        return [
            v.key
            for series in (*self.programming.values(), *self.measurements.values())
            for v in series
        ]

    def by_value(self, dimension: str) -> dict[str, Breakdowns]:
        """The same values split by their value of `dimension` (a municipality's also under
        its department), so that each value's series reads only its own values."""
        split: dict[str, Breakdowns] = defaultdict(lambda: Breakdowns({}, {}))
        for attr in ("programming", "measurements"):
            for indicator_id, values in getattr(self, attr).items():
                for v in values:
                    value = parse_key(v.key).get(dimension)
                    if value is None:
                        continue
                    targets = [value]
                    if dimension == TERRITORY and len(value) > 2:
                        targets.append(value[:2])
                    for target in targets:
                        getattr(split[target], attr).setdefault(indicator_id, []).append(v)
        return split


def _keyed(rows: list[Row]) -> dict[uuid.UUID, list[KeyedValue]]:
    out: dict[uuid.UUID, list[KeyedValue]] = defaultdict(list)
    for indicator_id, key, period_end, value in rows:
        out[indicator_id].append(KeyedValue(key, period_end, value))
    return out


def load_breakdowns(
    session: Session, plan: Plan, up_to: date, dimension: str | None = None
) -> Breakdowns:
    """Two statements: the plan's disaggregated programming, and its disaggregated
    measurements for periods ending by `up_to` (only those carrying `dimension`, if given)."""
    return Breakdowns(
        programming=_keyed(
            repository.disaggregated(session, Programming, plan.id, dimension=dimension)
        ),
        measurements=_keyed(
            repository.disaggregated(
                session, Measurement, plan.id, up_to=up_to, dimension=dimension
            )
        ),
    )


def declared_values(plan: Plan, dimension: str) -> tuple[str, list[tuple[str, str]] | None]:
    """The dimension's label and its declared (code, label) values; None for territory, whose
    values are DIVIPOLA's. 404 naming the plan's dimensions for any other code."""
    if dimension == TERRITORY:
        return TERRITORY_LABEL, None
    for d in plan.dimensions:
        if d["code"] == dimension:
            return d["label"], [(v["code"], v["label"]) for v in d["values"]]
    have = ", ".join([TERRITORY, *(d["code"] for d in plan.dimensions)])
    raise UnknownDimension(f"dimension {dimension!r} not found; the plan's dimensions are: {have}")


def scoped_advances(
    structure: Structure,
    data: Breakdowns,
    scope: Mapping[str, str],
    cut_date: date,
    *,
    every_indicator: bool = False,
) -> dict[uuid.UUID, IndicatorAdvance]:
    """Each indicator's figures on the series of the population `scope` names; only those
    with values there unless `every_indicator` (the others then come out not due)."""
    advances: dict[uuid.UUID, IndicatorAdvance] = {}
    for ind in structure.indicators:
        planned = total_series(ind.total_mode, data.programming.get(ind.id, ()), scope)
        measured = total_series(ind.total_mode, data.measurements.get(ind.id, ()), scope)
        if planned or measured or every_indicator:
            advances[ind.id] = breakdown_advance(ind.accumulation, planned, measured, cut_date)
    return advances


def by_dimension(session: Session, cut: Cut, plan: Plan, dimension: str) -> DimensionResults:
    """Per value of the dimension, each indicator's figures on that value's series and their
    weighted mean. Territory lists the DIVIPOLA codes that carry values, in code order; a
    declared dimension lists all its declared values, in the plan's order."""
    label, declared = declared_values(plan, dimension)
    structure = load_structure(session, plan)
    data = load_breakdowns(session, plan, cut.cut_date, dimension)
    if declared is None:
        values = [
            (code, divipola.name_of(code) or code)
            for code in sorted(dimension_values(data.keys(), dimension))
        ]
    else:
        values = declared
    bands = structure.bands
    tolerance = structure.tolerance_pct
    band_out = {b.code: ResultBand(code=b.code, label=b.label, color=b.color) for b in bands}

    def status(advance):
        found = status_for(advance, tolerance)
        return StatusOut(code=found.code.value, label=found.label)

    def band(advance):
        found = band_for(advance, bands)
        return None if found is None else band_out[found.code]

    split = data.by_value(dimension)
    items = []
    for code, value_label in values:
        advances = scoped_advances(structure, split[code], {dimension: code}, cut.cut_date)
        indicators = [ind for ind in structure.indicators if ind.id in advances]
        group = next(
            iter(
                group_rollup(
                    [
                        RatedItem(ind.id, advances[ind.id].advance_pct, ind.weight)
                        for ind in indicators
                    ],
                    lambda _: None,
                    bands=bands,
                    tolerance_pct=tolerance,
                    cap_at_100=plan.cap_at_100,
                )
            ),
            None,
        )
        items.append(
            DimensionValueResults(
                code=code,
                label=value_label,
                advance_pct=group.advance_pct if group else None,
                advance_pct_shown=group.advance_pct_shown if group else None,
                band=band(group.advance_pct if group else None),
                count=group.count if group else 0,
                counted=group.counted if group else 0,
                by_band=dict(group.by_band) if group else {b.code: 0 for b in bands},
                by_status=dict(group.by_status)
                if group
                else {s: 0 for s in ("on_track", "lagging", "over_executed", "not_due")},
                indicators=[
                    BreakdownIndicator(
                        indicator_id=ind.id,
                        code=ind.code,
                        name=ind.name,
                        accumulation=ind.accumulation,
                        total_mode=ind.total_mode,
                        programmed_year=adv.programmed_year,
                        programmed_to_date=adv.programmed_to_date,
                        executed_to_date=adv.executed_to_date,
                        advance_pct=adv.advance_pct,
                        advance_pct_shown=adv.advance_pct_shown,
                        year_advance_pct=adv.year_advance_pct,
                        year_advance_pct_shown=adv.year_advance_pct_shown,
                        not_due=adv.not_due,
                        missing_report=adv.missing_report,
                        last_measured_on=adv.last_measured_on,
                        status=status(adv.advance_pct),
                        band=band(adv.advance_pct),
                    )
                    for ind in indicators
                    for adv in (advances[ind.id],)
                ],
            )
        )
    return DimensionResults(cut=cut_ref(cut), dimension=dimension, label=label, items=items)


def results_for_territory(session: Session, cut: Cut, plan: Plan, territory: str) -> CutResults:
    """The cut's results with every indicator on the series of one territory (a department
    takes in its municipalities' values where the indicator sums them); nodes, actions and
    the plan roll those up as usual. An indicator without values there is not due."""
    problem = divipola.problem(territory)
    if problem:
        raise Invalid(["query", "territory"], problem)
    structure = load_structure(session, plan)
    data = load_breakdowns(session, plan, cut.cut_date, TERRITORY)
    advances = scoped_advances(
        structure, data, {TERRITORY: territory}, cut.cut_date, every_indicator=True
    )
    return shape_results(structure, evaluation_of(structure, advances, cut.cut_date), cut)
