"""Creating, reading and changing organizations."""

import uuid

from sqlmodel import Session

from app.core.errors import NotFound
from app.core.pagination import PageParams, paginate
from app.organizations import repository
from app.organizations.models import Organization
from app.organizations.schemas import OrganizationCreate, OrganizationUpdate


def get(session: Session, organization_id: uuid.UUID) -> Organization:
    organization = repository.get(session, organization_id)
    if organization is None:
        raise NotFound("organization", organization_id)
    return organization


def list_(
    session: Session, page: PageParams, *, code: str | None, q: str | None, only: uuid.UUID | None
) -> tuple[list[Organization], int]:
    return paginate(session, repository.list_stmt(code=code, q=q, only=only), page)


def create(session: Session, data: OrganizationCreate) -> Organization:
    return repository.save(session, Organization(**data.model_dump()))


def update(session: Session, organization: Organization, data: OrganizationUpdate) -> Organization:
    organization.sqlmodel_update(data.model_dump(exclude_unset=True))
    return repository.save(session, organization)
