"""Queries behind the alerts, the reporting status and the unit digest: one statement each,
whatever the plan's size. Rows are plain tuples through the Core connection, as in results."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy import Row, and_, func, select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.cuts.models import Cut
from app.evidence.models import Evidence
from app.followups.models import FollowUp
from app.measurements.models import Measurement
from app.plans.models import Indicator, Plan

# Plans whose units report: approved or in execution (a draft is still being built, a closed
# plan reports no more).
REPORTING_PLAN_STATUSES = ("approved", "in_execution")


def _all(session: Session, stmt: Select) -> list[Row]:
    return list(session.connection().execute(stmt).all())


def reporting(session: Session, plan_id: uuid.UUID, up_to: date) -> list[Row]:
    """Per indicator of the plan: its own reporting frequency and grace (null: the plan's) and
    its measurements for periods ending on or before `up_to` — period ends, values and the
    day (UTC) each was first recorded. Arrays are null for an indicator never measured."""
    measured = col(Measurement.id).is_not(None)
    recorded_on = sa.cast(func.timezone("UTC", col(Measurement.created_at)), sa.Date)
    return _all(
        session,
        select(
            col(Indicator.id),
            col(Indicator.reporting_frequency),
            col(Indicator.reporting_grace_days),
            func.array_agg(col(Measurement.period_end)).filter(measured).label("period_ends"),
            func.array_agg(col(Measurement.value)).filter(measured).label("values"),
            func.array_agg(recorded_on).filter(measured).label("recorded_on"),
            func.array_agg(col(Measurement.dims_key)).filter(measured).label("dims_keys"),
        )
        .outerjoin(
            Measurement,
            and_(
                col(Measurement.indicator_id) == col(Indicator.id),
                col(Measurement.period_end) <= up_to,
                # Totals; a summed indicator's disaggregated values make its total.
                (col(Measurement.dims_key) == "") | (col(Indicator.total_mode) == "sum"),
            ),
        )
        .where(col(Indicator.plan_id) == plan_id)
        .group_by(col(Indicator.id)),
    )


def _followups() -> Select:
    return (
        select(
            col(FollowUp.id),
            col(FollowUp.cut_id),
            col(Cut.cut_date),
            col(FollowUp.indicator_id),
            col(FollowUp.status),
            col(FollowUp.return_comment),
            func.count(col(Evidence.id)).label("evidence_count"),
        )
        .join(Cut, col(Cut.id) == col(FollowUp.cut_id))
        .outerjoin(Evidence, col(Evidence.followup_id) == col(FollowUp.id))
        .group_by(col(FollowUp.id), col(Cut.cut_date))
        .order_by(col(Cut.cut_date), col(FollowUp.created_at), col(FollowUp.id))
    )


def followups_of_cut(session: Session, cut_id: uuid.UUID) -> list[Row]:
    """Each follow-up of the cut with its cut's date and how many pieces of evidence it has."""
    return _all(session, _followups().where(col(FollowUp.cut_id) == cut_id))


def followups_of_open_cuts(session: Session, plan_id: uuid.UUID, as_of: date) -> list[Row]:
    """The same for every open cut of the plan dated on or before `as_of`: what can still
    be acted upon."""
    return _all(
        session,
        _followups().where(
            col(Cut.plan_id) == plan_id, col(Cut.status) == "open", col(Cut.cut_date) <= as_of
        ),
    )


def reporting_plans(
    session: Session, organization_id: uuid.UUID, year: int, plan_id: uuid.UUID | None
) -> list[Plan]:
    """The organization's plans whose units report in `year` (or the one plan asked for, in
    any status)."""
    stmt = select(Plan).where(col(Plan.organization_id) == organization_id)
    if plan_id is not None:
        stmt = stmt.where(col(Plan.id) == plan_id)
    else:
        stmt = stmt.where(
            col(Plan.status).in_(REPORTING_PLAN_STATUSES),
            col(Plan.first_year) <= year,
            col(Plan.last_year) >= year,
        )
    return list(session.execute(stmt.order_by(col(Plan.code))).scalars())
