"""HTTP routes of users, logins and API tokens."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status
from sqlmodel import Session

from app.auth.deps import ActorDep, AdminDep
from app.core.db import SessionDep
from app.core.errors import problem, problem_responses
from app.core.etag import check_if_match, with_etag
from app.core.pagination import Page, PageDep
from app.organizations.dependencies import OrganizationDep
from app.users import service
from app.users.dependencies import UserDep
from app.users.models import User
from app.users.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenPublic,
    LoginRequest,
    PasswordChange,
    Role,
    TokenIssued,
    UserCreate,
    UserPublic,
    UserUpdate,
)

router = APIRouter(
    prefix="/api/v1", tags=["users"], responses=problem_responses(400, 401, 413, 422)
)
auth_router = APIRouter(
    prefix="/api/v1/auth", tags=["auth"], responses=problem_responses(400, 413, 422)
)


def _one(session: Session, user: User) -> UserPublic:
    return service.public(session, [user])[0]


@auth_router.post(
    "/login", response_model=TokenIssued, name="login", responses=problem_responses(401, 429)
)
def login(data: LoginRequest, session: SessionDep, request: Request):
    address = request.client.host if request.client else None
    outcome = service.login(session, data.username, data.password, address)
    # Failures answer without raising, so the failure count they recorded is committed.
    if outcome.retry_after_s is not None:
        return problem(
            429,
            "Too many failed logins for this username or from this address; try again later.",
            headers={"Retry-After": str(outcome.retry_after_s)},
        )
    if outcome.token is None or outcome.expires_at is None:
        return problem(401, "Wrong username or password.", headers={"WWW-Authenticate": "Bearer"})
    return TokenIssued(access_token=outcome.token, expires_at=outcome.expires_at)


@auth_router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    name="logout",
    responses=problem_responses(401),
)
def logout(session: SessionDep, actor: ActorDep) -> None:
    service.logout(session, actor)


@auth_router.get("/me", response_model=UserPublic, name="get_me", responses=problem_responses(401))
def get_me(session: SessionDep, actor: ActorDep, response: Response):
    return with_etag(response, _one(session, service.get_visible(session, actor, actor.user_id)))


@auth_router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    name="change_password",
    responses=problem_responses(401, 403),
)
def change_password(data: PasswordChange, session: SessionDep, actor: ActorDep):
    if not service.change_password(session, actor, data.current_password, data.new_password):
        return problem(403, "The current password is wrong.")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/organizations/{organization_id}/users",
    response_model=Page[UserPublic],
    name="list_users",
    responses=problem_responses(403, 404),
)
def list_users(
    organization: OrganizationDep,
    session: SessionDep,
    actor: AdminDep,
    page: PageDep,
    role: Role | None = None,
    active: bool | None = None,
):
    items, total = service.list_(session, organization, page, role=role, active=active)
    return Page(items=service.public(session, items), total=total)


@router.post(
    "/organizations/{organization_id}/users",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    name="create_user",
    responses=problem_responses(403, 404, 409),
)
def create_user(
    organization: OrganizationDep,
    data: UserCreate,
    session: SessionDep,
    actor: AdminDep,
    response: Response,
):
    user = service.create(session, organization, data)
    response.headers["Location"] = f"{router.prefix}/users/{user.id}"
    return with_etag(response, _one(session, user))


@router.get(
    "/users/{user_id}",
    response_model=UserPublic,
    name="get_user",
    responses=problem_responses(403, 404),
)
def get_user(user: UserDep, session: SessionDep, response: Response):
    return with_etag(response, _one(session, user))


@router.patch(
    "/users/{user_id}",
    response_model=UserPublic,
    name="update_user",
    responses=problem_responses(403, 404, 409, 412),
)
def update_user(
    user: UserDep,
    data: UserUpdate,
    session: SessionDep,
    actor: AdminDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
):
    check_if_match(if_match, _one(session, user))
    user = service.update_user(session, actor, user, data)
    return with_etag(response, _one(session, user))


@router.get(
    "/users/{user_id}/tokens",
    response_model=Page[ApiTokenPublic],
    name="list_api_tokens",
    responses=problem_responses(403, 404),
)
def list_api_tokens(user: UserDep, session: SessionDep, page: PageDep):
    items, total = service.list_tokens(session, user, page)
    return Page(items=[ApiTokenPublic.model_validate(t) for t in items], total=total)


@router.post(
    "/users/{user_id}/tokens",
    response_model=ApiTokenCreated,
    status_code=status.HTTP_201_CREATED,
    name="create_api_token",
    responses=problem_responses(403, 404),
)
def create_api_token(user: UserDep, data: ApiTokenCreate, session: SessionDep):
    token, row = service.create_api_token(session, user, data)
    return ApiTokenCreated.model_validate({**row.model_dump(), "token": token})


@router.delete(
    "/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    name="revoke_api_token",
    responses=problem_responses(403, 404),
)
def revoke_api_token(token_id: uuid.UUID, session: SessionDep, actor: ActorDep) -> None:
    service.revoke_token(session, actor, token_id)
