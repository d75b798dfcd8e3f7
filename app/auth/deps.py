"""Who is calling: the bearer token resolved to an actor, and the checks routes make with it."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.db import SessionDep
from app.core.errors import Forbidden, Unauthorized
from app.core.models import utcnow
from app.core.security import token_digest
from app.users import repository as users

_bearer = HTTPBearer(auto_error=False, description="A login token or an API token")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
# Recording every use would turn each read into a write; once in a while is enough.
_LAST_USED_GRANULARITY = timedelta(minutes=5)


def resolve_token(session: Session, token: str) -> Actor | None:
    now = utcnow()
    row = users.actor_row(session, token_digest(token))
    if row is None:
        return None
    api_token, user, unit_ids = row
    if api_token.revoked_at is not None or api_token.expires_at <= now or not user.active:
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at > _LAST_USED_GRANULARITY:
        users.touch_token(session, api_token.id, now)
    return Actor(
        user_id=user.id,
        username=user.username,
        organization_id=user.organization_id,
        role=user.role,
        is_platform_admin=user.is_platform_admin,
        unit_ids=frozenset(unit_ids),
        token_id=api_token.id,
    )


def optional_actor(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor | None:
    """The caller, or None when anonymous; a token that is sent must be valid."""
    if credentials is None:
        if "authorization" in request.headers:
            raise Unauthorized(
                "The Authorization header must be `Bearer <token>`.", headers=_CHALLENGE
            )
        return None
    actor = resolve_token(session, credentials.credentials)
    if actor is None:
        raise Unauthorized("The token is invalid, expired or revoked.", headers=_CHALLENGE)
    return actor


def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise Unauthorized("Log in and send `Authorization: Bearer <token>`.", headers=_CHALLENGE)
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]
OptionalActorDep = Annotated[Actor | None, Depends(optional_actor)]


def requires(*roles: str):
    """A dependency that lets through the given roles (and platform administrators) only.

    As a dependency it runs before the body is validated: a caller without the role learns
    nothing about what the body should hold.
    """

    def check(actor: ActorDep) -> Actor:
        actor.require(*roles)
        return actor

    return check


def platform_admin(actor: ActorDep) -> Actor:
    if not actor.is_platform_admin:
        raise Forbidden("Only a platform administrator may do this.")
    return actor


AdminDep = Annotated[Actor, Depends(requires("admin"))]
PlatformAdminDep = Annotated[Actor, Depends(platform_admin)]
EditorDep = Annotated[Actor, Depends(requires("admin", "coordinator"))]
WriterDep = Annotated[Actor, Depends(requires("admin", "coordinator", "reporter"))]
