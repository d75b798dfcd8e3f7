"""Queries the workbook needs besides those of plans: units, cuts and measurements of a plan."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlmodel import Session, col

from app.cuts.models import Cut
from app.measurements.models import Measurement
from app.plans.models import Indicator
from app.units.models import Unit


def units_of(session: Session, organization_id: uuid.UUID | None) -> list[Unit]:
    if organization_id is None:
        return []
    return list(
        session.execute(
            select(Unit)
            .where(col(Unit.organization_id) == organization_id)
            .order_by(col(Unit.code))
        ).scalars()
    )


def cuts_of(session: Session, plan_id: uuid.UUID) -> list[Cut]:
    return list(
        session.execute(
            select(Cut)
            .where(col(Cut.plan_id) == plan_id)
            .order_by(col(Cut.cut_date), col(Cut.code))
        ).scalars()
    )


def measurements_of(session: Session, plan_id: uuid.UUID) -> list[tuple]:
    """(indicator code, period end, value, note) of every measurement of the plan (totals:
    the disaggregated values are not in the workbook)."""
    return list(
        session.execute(
            select(
                col(Indicator.code),
                col(Measurement.period_end),
                col(Measurement.value),
                col(Measurement.note),
            )
            .join(Indicator, col(Indicator.id) == col(Measurement.indicator_id))
            .where(col(Indicator.plan_id) == plan_id, col(Measurement.dims_key) == "")
            .order_by(col(Indicator.order), col(Indicator.code), col(Measurement.period_end))
        ).all()
    )


def indicator_codes(session: Session, plan_id: uuid.UUID) -> list[str]:
    return list(
        session.execute(
            select(col(Indicator.code)).where(col(Indicator.plan_id) == plan_id)
        ).scalars()
    )
