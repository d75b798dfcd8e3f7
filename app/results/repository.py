"""Queries behind the results: one statement per kind of row, whatever the plan's size.

Rows come back as plain tuples through the Core connection (no ORM identity map, no ORM row
processing): a plan of 5,000 indicators has tens of thousands of dated values, and results
only read them. Dated values come aggregated per indicator, which halves the decoding time.
Empty JSON objects come back as NULL, so that only what holds something is decoded.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy import Row, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import Select
from sqlmodel import Session

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


def _unless_empty(column):
    """The JSON object, or NULL when it is {} (most are: nothing to decode)."""
    return func.nullif(column, sa.text("'{}'::jsonb"), type_=JSONB).label(column.key)


def _dated(model, plan_id: uuid.UUID, up_to: date | None = None) -> Select:
    """(indicator_id, [period_end…], [value…]) for every indicator of the plan with values."""
    stmt = (
        select(
            model.indicator_id,
            func.array_agg(model.period_end).label("period_ends"),
            func.array_agg(model.value).label("values"),
        )
        .join(Indicator, Indicator.id == model.indicator_id)
        .where(Indicator.plan_id == plan_id)
        .group_by(model.indicator_id)
    )
    if up_to is not None:
        stmt = stmt.where(model.period_end <= up_to)
    return stmt


def cuts_of(session: Session, plan_id: uuid.UUID) -> list[Cut]:
    return list(
        session.execute(
            select(Cut).where(Cut.plan_id == plan_id).order_by(Cut.cut_date, Cut.code)
        ).scalars()
    )


def nodes(session: Session, plan_id: uuid.UUID) -> list[Row]:
    """Parents before children (by level), then in the plan's order."""
    return _all(
        session,
        select(
            Node.id,
            Node.parent_id,
            Node.level,
            Node.code,
            Node.name,
            Node.weight,
            _unless_empty(Node.weights_by_year),
            Node.retired_at,
        )
        .where(Node.plan_id == plan_id)
        .order_by(Node.level, Node.order, Node.code),
    )


def actions(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            Action.id,
            Action.node_id,
            Action.code,
            Action.description,
            Action.start_date,
            Action.due_date,
            _unless_empty(Action.axis_values),
            Action.weight,
            Action.retired_at,
        )
        .where(Action.plan_id == plan_id)
        .order_by(Action.order, Action.code),
    )


def action_units(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(ActionUnit.action_id, ActionUnit.unit_id)
        .join(Action, Action.id == ActionUnit.action_id)
        .where(Action.plan_id == plan_id)
        .order_by(ActionUnit.created_at, ActionUnit.unit_id),
    )


def units(session: Session, organization_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(Unit.id, Unit.code, Unit.name)
        .where(Unit.organization_id == organization_id)
        .order_by(Unit.code, Unit.id),
    )


def indicators(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            Indicator.id,
            Indicator.action_id,
            Indicator.node_id,
            Indicator.code,
            Indicator.name,
            Indicator.unit_of_measure,
            Indicator.accumulation,
            Indicator.baseline_value,
            Indicator.target_value,
            Indicator.unit_id,
            _unless_empty(Indicator.axis_values),
            Indicator.weight,
            Indicator.retired_at,
        )
        .where(Indicator.plan_id == plan_id)
        .order_by(Indicator.order, Indicator.code),
    )


def contributions(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            Contribution.indicator_id,
            Contribution.node_id,
            Contribution.weight,
            _unless_empty(Contribution.weights_by_year),
        )
        .join(Indicator, Indicator.id == Contribution.indicator_id)
        .where(Indicator.plan_id == plan_id)
        .order_by(Contribution.created_at, Contribution.node_id),
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
            FollowUp.id,
            FollowUp.indicator_id,
            FollowUp.status,
            func.count(Evidence.id).label("evidence_count"),
        )
        .outerjoin(Evidence, Evidence.followup_id == FollowUp.id)
        .where(FollowUp.cut_id == cut_id)
        .group_by(FollowUp.id, FollowUp.indicator_id, FollowUp.status),
    )


def allocations(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            BudgetAllocation.unit_id,
            BudgetAllocation.action_id,
            BudgetAllocation.node_id,
            BudgetAllocation.year,
            BudgetAllocation.planned,
            BudgetAllocation.executed,
        ).where(BudgetAllocation.plan_id == plan_id),
    )
