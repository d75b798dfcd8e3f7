"""Queries on units."""

import uuid

from sqlalchemy import select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.core.db import flush_or_conflict
from app.units.models import Unit

CONFLICTS = {
    "uq_units_organization_id_code": "A unit with this code already exists in the organization.",
}


def get(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.get(Unit, unit_id)


def list_stmt(
    organization_id: uuid.UUID,
    *,
    code: str | None = None,
    q: str | None = None,
    active: bool | None = None,
) -> Select:
    stmt = (
        select(Unit)
        .where(col(Unit.organization_id) == organization_id)
        .order_by(col(Unit.code), col(Unit.id))
    )
    if code is not None:
        stmt = stmt.where(col(Unit.code) == code)
    if q:
        stmt = stmt.where(col(Unit.name).icontains(q, autoescape=True))
    if active is not None:
        stmt = stmt.where(col(Unit.active) == active)
    return stmt


def save(session: Session, unit: Unit) -> Unit:
    session.add(unit)
    flush_or_conflict(session, CONFLICTS)
    return unit


def delete(session: Session, unit: Unit) -> None:
    session.delete(unit)
    flush_or_conflict(session)
