"""HTTP routes of organizations."""

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.auth.deps import ActorDep, AdminDep, PlatformAdminDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.etag import check_if_match, with_etag
from app.core.pagination import Page, PageDep
from app.core.schemas import CODE_PATTERN, TEXT_PATTERN
from app.organizations import service
from app.organizations.dependencies import OrganizationDep
from app.organizations.schemas import OrganizationCreate, OrganizationPublic, OrganizationUpdate

router = APIRouter(
    prefix="/api/v1/organizations",
    tags=["organizations"],
    responses=problem_responses(400, 401, 413, 422),
)


@router.get("", response_model=Page[OrganizationPublic], name="list_organizations")
def list_organizations(
    session: SessionDep,
    actor: ActorDep,
    page: PageDep,
    code: Annotated[str | None, Query(max_length=40, pattern=CODE_PATTERN)] = None,
    q: Annotated[
        str | None, Query(max_length=100, pattern=TEXT_PATTERN, description="Part of the name")
    ] = None,
):
    # Everyone but a platform administrator sees only its own organization.
    only = None if actor.is_platform_admin else actor.organization_id
    items, total = service.list_(session, page, code=code, q=q, only=only)
    return Page(items=[OrganizationPublic.model_validate(o) for o in items], total=total)


@router.post(
    "",
    response_model=OrganizationPublic,
    status_code=status.HTTP_201_CREATED,
    name="create_organization",
    responses=problem_responses(403, 409),
)
def create_organization(
    actor: PlatformAdminDep, data: OrganizationCreate, session: SessionDep, response: Response
):
    organization = service.create(session, data)
    response.headers["Location"] = f"{router.prefix}/{organization.id}"
    return with_etag(response, OrganizationPublic.model_validate(organization))


@router.get(
    "/{organization_id}",
    response_model=OrganizationPublic,
    name="get_organization",
    responses=problem_responses(404),
)
def get_organization(organization: OrganizationDep, response: Response):
    return with_etag(response, OrganizationPublic.model_validate(organization))


@router.patch(
    "/{organization_id}",
    response_model=OrganizationPublic,
    name="update_organization",
    responses=problem_responses(403, 404, 409, 412),
)
def update_organization(
    organization: OrganizationDep,
    data: OrganizationUpdate,
    session: SessionDep,
    actor: AdminDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
):
    check_if_match(if_match, OrganizationPublic.model_validate(organization))
    organization = service.update(session, organization, data)
    return with_etag(response, OrganizationPublic.model_validate(organization))
