"""Who is calling: the bearer token resolved to an actor, and the checks routes make with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.db import SessionDep
from app.core.errors import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="A login token or an API token")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}

# Whose a token is, is the users package's knowledge (app.users.service.actor_for_token), and
# app.users imports app.auth (Actor, these dependencies). So the application hands the lookup
# over when it is built (app.main.create_app sets `app.state.actor_for_token`): the arrow
# between the two packages goes one way.
TokenLookup = Callable[[Session, str], Actor | None]


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
    lookup: TokenLookup = request.app.state.actor_for_token
    actor = lookup(session, credentials.credentials)
    if actor is None:
        raise Unauthorized("The token is invalid, expired or revoked.", headers=_CHALLENGE)
    return actor


# The checks below do no I/O: async, so that they run on the event loop without a hop to the
# thread pool (the token lookup above queries the database: it stays sync).
async def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
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

    async def check(actor: ActorDep) -> Actor:
        actor.require(*roles)
        return actor

    return check


async def platform_admin(actor: ActorDep) -> Actor:
    if not actor.is_platform_admin:
        raise Forbidden("Only a platform administrator may do this.")
    return actor


AdminDep = Annotated[Actor, Depends(requires("admin"))]
PlatformAdminDep = Annotated[Actor, Depends(platform_admin)]
EditorDep = Annotated[Actor, Depends(requires("admin", "coordinator"))]
WriterDep = Annotated[Actor, Depends(requires("admin", "coordinator", "reporter"))]
