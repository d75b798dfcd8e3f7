"""Queries the workbook needs besides those of plans: units, cuts and measurements of a plan."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlmodel import Session

from app.cuts.models import Cut
from app.measurements.models import Measurement
from app.plans.models import Indicator
from app.units.models import Unit


def units_of(session: Session, organization_id: uuid.UUID | None) -> list[Unit]:
    if organization_id is None:
        return []
    return list(
        session.execute(
            select(Unit).where(Unit.organization_id == organization_id).order_by(Unit.code)
        ).scalars()
    )


def cuts_of(session: Session, plan_id: uuid.UUID) -> list[Cut]:
    return list(
        session.execute(
            select(Cut).where(Cut.plan_id == plan_id).order_by(Cut.cut_date, Cut.code)
        ).scalars()
    )


def measurements_of(session: Session, plan_id: uuid.UUID) -> list[tuple]:
    """(indicator code, period end, value, note) of every measurement of the plan."""
    return list(
        session.execute(
            select(Indicator.code, Measurement.period_end, Measurement.value, Measurement.note)
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .where(Indicator.plan_id == plan_id)
            .order_by(Indicator.order, Indicator.code, Measurement.period_end)
        ).all()
    )


def indicator_codes(session: Session, plan_id: uuid.UUID) -> list[str]:
    return list(
        session.execute(select(Indicator.code).where(Indicator.plan_id == plan_id)).scalars()
    )
