"""Queries on organizations."""

import uuid

from sqlalchemy import select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.core.db import flush_or_conflict
from app.organizations.models import Organization

CONFLICTS = {"uq_organizations_code": "An organization with this code already exists."}


def get(session: Session, organization_id: uuid.UUID) -> Organization | None:
    return session.get(Organization, organization_id)


def list_stmt(
    *, code: str | None = None, q: str | None = None, only: uuid.UUID | None = None
) -> Select:
    stmt = select(Organization).order_by(col(Organization.code), col(Organization.id))
    if only is not None:
        stmt = stmt.where(col(Organization.id) == only)
    if code is not None:
        stmt = stmt.where(col(Organization.code) == code)
    if q:
        stmt = stmt.where(col(Organization.name).icontains(q, autoescape=True))
    return stmt


def save(session: Session, organization: Organization) -> Organization:
    session.add(organization)
    flush_or_conflict(session, CONFLICTS)
    return organization
