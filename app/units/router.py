"""HTTP routes of units: listed and created under their organization, then addressed by id."""

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.auth.deps import AdminDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.etag import check_if_match, with_etag
from app.core.pagination import Page, PageDep
from app.core.schemas import CODE_PATTERN, TEXT_PATTERN
from app.organizations.dependencies import OrganizationDep
from app.units import service
from app.units.dependencies import UnitDep
from app.units.schemas import UnitCreate, UnitPublic, UnitUpdate

router = APIRouter(
    prefix="/api/v1", tags=["units"], responses=problem_responses(400, 401, 413, 422)
)


@router.get(
    "/organizations/{organization_id}/units",
    response_model=Page[UnitPublic],
    name="list_units",
    responses=problem_responses(404),
)
def list_units(
    organization: OrganizationDep,
    session: SessionDep,
    page: PageDep,
    code: Annotated[str | None, Query(max_length=40, pattern=CODE_PATTERN)] = None,
    q: Annotated[
        str | None, Query(max_length=100, pattern=TEXT_PATTERN, description="Part of the name")
    ] = None,
    active: bool | None = None,
):
    items, total = service.list_(session, organization, page, code=code, q=q, active=active)
    return Page(items=[UnitPublic.model_validate(u) for u in items], total=total)


@router.post(
    "/organizations/{organization_id}/units",
    response_model=UnitPublic,
    status_code=status.HTTP_201_CREATED,
    name="create_unit",
    responses=problem_responses(403, 404, 409),
)
def create_unit(
    organization: OrganizationDep,
    data: UnitCreate,
    session: SessionDep,
    actor: AdminDep,
    response: Response,
):
    unit = service.create(session, organization, data)
    response.headers["Location"] = f"{router.prefix}/units/{unit.id}"
    return with_etag(response, UnitPublic.model_validate(unit))


@router.get(
    "/units/{unit_id}", response_model=UnitPublic, name="get_unit", responses=problem_responses(404)
)
def get_unit(unit: UnitDep, response: Response):
    return with_etag(response, UnitPublic.model_validate(unit))


@router.patch(
    "/units/{unit_id}",
    response_model=UnitPublic,
    name="update_unit",
    responses=problem_responses(403, 404, 409, 412),
)
def update_unit(
    unit: UnitDep,
    data: UnitUpdate,
    session: SessionDep,
    actor: AdminDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
):
    check_if_match(if_match, UnitPublic.model_validate(unit))
    unit = service.update(session, unit, data)
    return with_etag(response, UnitPublic.model_validate(unit))


@router.delete(
    "/units/{unit_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    name="delete_unit",
    responses=problem_responses(403, 404, 409, 412),
)
def delete_unit(
    unit: UnitDep,
    session: SessionDep,
    actor: AdminDep,
    if_match: Annotated[str | None, Header()] = None,
) -> None:
    check_if_match(if_match, UnitPublic.model_validate(unit))
    service.delete(session, unit)
