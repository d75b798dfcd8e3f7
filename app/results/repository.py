"""Queries behind the results: one statement per kind of row, whatever the plan's size.

Rows come back as plain tuples (no ORM identity map): a plan of 5,000 indicators with a year
of monthly measurements is tens of thousands of rows, and results only read them.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Row, func, select
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
    Plan,
    Programming,
)
from app.units.models import Unit


def cut_with_plan(session: Session, cut_id: uuid.UUID) -> tuple[Cut, Plan] | tuple[None, None]:
    row = session.execute(select(Cut, Plan).join(Plan, Plan.id == Cut.plan_id)
                          .where(Cut.id == cut_id)).first()
    return (row[0], row[1]) if row else (None, None)


def cuts_of(session: Session, plan_id: uuid.UUID) -> list[Cut]:
    return list(session.execute(select(Cut).where(Cut.plan_id == plan_id)
                                .order_by(Cut.cut_date, Cut.code)).scalars())


def nodes(session: Session, plan_id: uuid.UUID) -> list[Row]:
    """Parents before children (by level), then in the plan's order."""
    return list(session.execute(
        select(Node.id, Node.parent_id, Node.level, Node.code, Node.name, Node.weight,
               Node.weights_by_year, Node.retired_at)
        .where(Node.plan_id == plan_id)
        .order_by(Node.level, Node.order, Node.code)))


def actions(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return list(session.execute(
        select(Action.id, Action.node_id, Action.code, Action.description, Action.start_date,
               Action.due_date, Action.axis_values, Action.weight, Action.retired_at)
        .where(Action.plan_id == plan_id)
        .order_by(Action.order, Action.code)))


def action_units(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return list(session.execute(
        select(ActionUnit.action_id, ActionUnit.unit_id)
        .join(Action, Action.id == ActionUnit.action_id)
        .where(Action.plan_id == plan_id)
        .order_by(ActionUnit.created_at, ActionUnit.unit_id)))


def units(session: Session, organization_id: uuid.UUID) -> list[Row]:
    return list(session.execute(
        select(Unit.id, Unit.code, Unit.name)
        .where(Unit.organization_id == organization_id)
        .order_by(Unit.code, Unit.id)))


def indicators(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return list(session.execute(
        select(Indicator.id, Indicator.action_id, Indicator.node_id, Indicator.code,
               Indicator.name, Indicator.unit_of_measure, Indicator.accumulation,
               Indicator.baseline_value, Indicator.target_value, Indicator.unit_id,
               Indicator.axis_values, Indicator.weight, Indicator.retired_at)
        .where(Indicator.plan_id == plan_id)
        .order_by(Indicator.order, Indicator.code)))


def contributions(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return list(session.execute(
        select(Contribution.indicator_id, Contribution.node_id, Contribution.weight,
               Contribution.weights_by_year)
        .join(Indicator, Indicator.id == Contribution.indicator_id)
        .where(Indicator.plan_id == plan_id)
        .order_by(Contribution.created_at, Contribution.node_id)))


def programming(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return list(session.execute(
        select(Programming.indicator_id, Programming.period_end, Programming.value)
        .join(Indicator, Indicator.id == Programming.indicator_id)
        .where(Indicator.plan_id == plan_id)))


def measurements(session: Session, plan_id: uuid.UUID, up_to: date) -> list[Row]:
    """Every measurement of the plan for a period ending on or before `up_to`."""
    return list(session.execute(
        select(Measurement.indicator_id, Measurement.period_end, Measurement.value)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .where(Indicator.plan_id == plan_id, Measurement.period_end <= up_to)))


def followups_evidence(session: Session, cut_id: uuid.UUID) -> list[Row]:
    """Each follow-up of the cut with how many pieces of evidence it has."""
    return list(session.execute(
        select(FollowUp.id, FollowUp.indicator_id, FollowUp.status,
               func.count(Evidence.id).label("evidence_count"))
        .outerjoin(Evidence, Evidence.followup_id == FollowUp.id)
        .where(FollowUp.cut_id == cut_id)
        .group_by(FollowUp.id, FollowUp.indicator_id, FollowUp.status)))


def allocations(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return list(session.execute(
        select(BudgetAllocation.unit_id, BudgetAllocation.action_id, BudgetAllocation.node_id,
               BudgetAllocation.year, BudgetAllocation.planned, BudgetAllocation.executed)
        .where(BudgetAllocation.plan_id == plan_id)))
