"""Creating, reading, changing and removing units."""

import uuid

from sqlmodel import Session

from app.core.errors import NotFound
from app.core.pagination import PageParams, paginate
from app.organizations.models import Organization
from app.units import repository
from app.units.models import Unit
from app.units.schemas import UnitCreate, UnitUpdate


def get(session: Session, unit_id: uuid.UUID) -> Unit:
    unit = repository.get(session, unit_id)
    if unit is None:
        raise NotFound("unit", unit_id)
    return unit


def list_(
    session: Session,
    organization: Organization,
    page: PageParams,
    *,
    code: str | None,
    q: str | None,
    active: bool | None,
) -> tuple[list[Unit], int]:
    stmt = repository.list_stmt(organization.id, code=code, q=q, active=active)
    return paginate(session, stmt, page)


def create(session: Session, organization: Organization, data: UnitCreate) -> Unit:
    return repository.save(session, Unit(organization_id=organization.id, **data.model_dump()))


def update(session: Session, unit: Unit, data: UnitUpdate) -> Unit:
    unit.sqlmodel_update(data.model_dump(exclude_unset=True))
    return repository.save(session, unit)


def delete(session: Session, unit: Unit) -> None:
    # Actions and indicators reference units with ON DELETE RESTRICT: a unit in use is a 409.
    repository.delete(session, unit)
