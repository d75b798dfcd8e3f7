"""Queries behind the results: one statement per kind of row, whatever the plan's size.

Rows come back as plain tuples through the Core connection (no ORM identity map, no ORM row
processing): a plan of 5,000 indicators has tens of thousands of dated values, and results
only read them. Dated values come aggregated per indicator, which halves the decoding time.
Empty JSON objects come back as NULL, so that only what holds something is decoded.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Row, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, QueryableAttribute
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import Label
from sqlmodel import Session, col

from app.cuts.models import Cut
from app.evidence.models import Evidence
from app.followups.models import FollowUp
from app.measurements.models import Measurement
from app.plans.models import (
    Action,
    ActionUnit,
    BudgetAllocation,
    Contribution,
    Indicator,
    Node,
    Programming,
)
from app.units.models import Unit


def _all(session: Session, stmt: Select) -> list[Row]:
    return list(session.connection().execute(stmt).all())


def _unless_empty(column: Mapped[Any]) -> Label[Any]:
    """The JSON object, or NULL when it is {} (most are: nothing to decode)."""
    if not isinstance(column, QueryableAttribute):
        raise TypeError(f"not a model's column: {column!r}")
    return func.nullif(column, sa.text("'{}'::jsonb"), type_=JSONB).label(column.key)


def _dated(
    model: type[Programming] | type[Measurement], plan_id: uuid.UUID, up_to: date | None = None
) -> Select:
    """(indicator_id, [period_end…], [value…], [dims_key…]) for every indicator of the plan
    with values: its totals, and for an indicator whose total is the sum of its disaggregated
    values (`total_mode` sum) those too (app.compute.dimensions makes the total of them)."""
    stmt = (
        select(
            col(model.indicator_id),
            func.array_agg(col(model.period_end)).label("period_ends"),
            func.array_agg(col(model.value)).label("values"),
            func.array_agg(col(model.dims_key)).label("dims_keys"),
        )
        .join(Indicator, col(Indicator.id) == col(model.indicator_id))
        .where(
            col(Indicator.plan_id) == plan_id,
            (col(model.dims_key) == "") | (col(Indicator.total_mode) == "sum"),
        )
        .group_by(col(model.indicator_id))
    )
    if up_to is not None:
        stmt = stmt.where(col(model.period_end) <= up_to)
    return stmt


def disaggregated(
    session: Session,
    model: type[Programming] | type[Measurement],
    plan_id: uuid.UUID,
    *,
    up_to: date | None = None,
    dimension: str | None = None,
) -> list[Row]:
    """(indicator_id, dims_key, period_end, value) of the plan's disaggregated values (those
    carrying `dimension`, when given), for periods ending on or before `up_to`."""
    stmt = (
        select(
            col(model.indicator_id), col(model.dims_key), col(model.period_end), col(model.value)
        )
        .join(Indicator, col(Indicator.id) == col(model.indicator_id))
        .where(col(Indicator.plan_id) == plan_id, col(model.dims_key) != "")
    )
    if dimension is not None:
        stmt = stmt.where(sa.type_coerce(col(model.dims), JSONB).has_key(dimension))
    if up_to is not None:
        stmt = stmt.where(col(model.period_end) <= up_to)
    return _all(session, stmt)


def cuts_of(session: Session, plan_id: uuid.UUID) -> list[Cut]:
    return list(
        session.execute(
            select(Cut)
            .where(col(Cut.plan_id) == plan_id)
            .order_by(col(Cut.cut_date), col(Cut.code))
        ).scalars()
    )


def nodes(session: Session, plan_id: uuid.UUID) -> list[Row]:
    """Parents before children (by level), then in the plan's order."""
    return _all(
        session,
        select(
            col(Node.id),
            col(Node.parent_id),
            col(Node.level),
            col(Node.code),
            col(Node.name),
            col(Node.weight),
            _unless_empty(col(Node.weights_by_year)),
            col(Node.retired_at),
        )
        .where(col(Node.plan_id) == plan_id)
        .order_by(col(Node.level), col(Node.order), col(Node.code)),
    )


def actions(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            col(Action.id),
            col(Action.node_id),
            col(Action.code),
            col(Action.description),
            col(Action.start_date),
            col(Action.due_date),
            _unless_empty(col(Action.axis_values)),
            col(Action.weight),
            col(Action.retired_at),
        )
        .where(col(Action.plan_id) == plan_id)
        .order_by(col(Action.order), col(Action.code)),
    )


def action_units(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(col(ActionUnit.action_id), col(ActionUnit.unit_id))
        .join(Action, col(Action.id) == col(ActionUnit.action_id))
        .where(col(Action.plan_id) == plan_id)
        .order_by(col(ActionUnit.created_at), col(ActionUnit.unit_id)),
    )


def units(session: Session, organization_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(col(Unit.id), col(Unit.code), col(Unit.name))
        .where(col(Unit.organization_id) == organization_id)
        .order_by(col(Unit.code), col(Unit.id)),
    )


def indicators(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            col(Indicator.id),
            col(Indicator.action_id),
            col(Indicator.node_id),
            col(Indicator.code),
            col(Indicator.name),
            col(Indicator.unit_of_measure),
            col(Indicator.accumulation),
            col(Indicator.baseline_value),
            col(Indicator.target_value),
            col(Indicator.unit_id),
            _unless_empty(col(Indicator.axis_values)),
            col(Indicator.weight),
            col(Indicator.retired_at),
            col(Indicator.total_mode),
        )
        .where(col(Indicator.plan_id) == plan_id)
        .order_by(col(Indicator.order), col(Indicator.code)),
    )


def contributions(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            col(Contribution.indicator_id),
            col(Contribution.node_id),
            col(Contribution.weight),
            _unless_empty(col(Contribution.weights_by_year)),
        )
        .join(Indicator, col(Indicator.id) == col(Contribution.indicator_id))
        .where(col(Indicator.plan_id) == plan_id)
        .order_by(col(Contribution.created_at), col(Contribution.node_id)),
    )


def programming(session: Session, plan_id: uuid.UUID) -> list[Row]:
    """(indicator_id, period_ends, values) of every programmed indicator of the plan."""
    return _all(session, _dated(Programming, plan_id))


def measurements(session: Session, plan_id: uuid.UUID, up_to: date) -> list[Row]:
    """(indicator_id, period_ends, values) measured for periods ending on or before `up_to`."""
    return _all(session, _dated(Measurement, plan_id, up_to))


def followups_evidence(session: Session, cut_id: uuid.UUID) -> list[Row]:
    """Each follow-up of the cut with how many pieces of evidence it has."""
    return _all(
        session,
        select(
            col(FollowUp.id),
            col(FollowUp.indicator_id),
            col(FollowUp.status),
            func.count(col(Evidence.id)).label("evidence_count"),
        )
        .outerjoin(Evidence, col(Evidence.followup_id) == col(FollowUp.id))
        .where(col(FollowUp.cut_id) == cut_id)
        .group_by(col(FollowUp.id), col(FollowUp.indicator_id), col(FollowUp.status)),
    )


def allocations(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            col(BudgetAllocation.unit_id),
            col(BudgetAllocation.action_id),
            col(BudgetAllocation.node_id),
            col(BudgetAllocation.year),
            col(BudgetAllocation.planned),
            col(BudgetAllocation.executed),
        ).where(col(BudgetAllocation.plan_id) == plan_id),
    )
