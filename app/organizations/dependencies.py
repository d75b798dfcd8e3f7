"""What organization routes (and those of users and units under them) load and check."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from app.auth.deps import ActorDep
from app.core.db import SessionDep
from app.organizations import service
from app.organizations.models import Organization


def valid_organization(
    organization_id: uuid.UUID, session: SessionDep, actor: ActorDep
) -> Organization:
    actor.check_sees(organization_id, "organization", organization_id)
    return service.get(session, organization_id)


OrganizationDep = Annotated[Organization, Depends(valid_organization)]
