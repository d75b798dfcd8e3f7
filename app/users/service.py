"""Users, logins (throttled) and API tokens."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import Forbidden, Invalid, NotFound
from app.core.models import utcnow
from app.core.pagination import PageParams, paginate
from app.core.security import hash_password, new_token, token_digest, verify_password
from app.organizations.models import Organization
from app.users import repository
from app.users.models import ApiToken, User
from app.users.schemas import (
    USERNAME_PATTERN,
    ApiTokenCreate,
    UserCreate,
    UserPublic,
    UserUpdate,
)

SESSION_TTL = timedelta(hours=1)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
# Failed logins from one client address (any usernames) in FAILURE_WINDOW before it is locked
# out for LOCKOUT: password spraying across many usernames.
MAX_ADDRESS_FAILURES = 30
# Recording every use would turn each read into a write; once in a while is enough.
LAST_USED_GRANULARITY = timedelta(minutes=5)


def actor_for_token(session: Session, token: str) -> Actor | None:
    """Who sends this bearer token: None when it is unknown, expired, revoked or its user is
    inactive. One statement (two when the token's last use is recorded)."""
    now = utcnow()
    row = repository.actor_row(session, token_digest(token))
    if row is None:
        return None
    if row.revoked_at is not None or row.expires_at <= now or not row.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_GRANULARITY:
        repository.touch_token(session, row.token_id, now)
    return Actor(
        user_id=row.user_id,
        username=row.username,
        organization_id=row.organization_id,
        role=row.role,
        is_platform_admin=row.is_platform_admin,
        unit_ids=frozenset(row.unit_ids),
        token_id=row.token_id,
    )


def public(session: Session, users: list[User]) -> list[UserPublic]:
    units = repository.unit_ids_of(session, [u.id for u in users])
    return [
        UserPublic.model_validate({**u.model_dump(), "unit_ids": units.get(u.id, [])})
        for u in users
    ]


def get_visible(session: Session, actor: Actor, user_id: uuid.UUID) -> User:
    """A user the actor may look at: itself, or anyone of its organization for an admin."""
    user = repository.get(session, user_id)
    if user is None or not (actor.user_id == user_id or actor.sees(user.organization_id)):
        raise NotFound("user", user_id)
    if actor.user_id != user_id:
        actor.require("admin")
    return user


def list_(
    session: Session,
    organization: Organization,
    page: PageParams,
    *,
    role: str | None,
    active: bool | None,
) -> tuple[list[User], int]:
    return paginate(session, repository.list_stmt(organization.id, role=role, active=active), page)


def _unit_ids(
    session: Session, organization_id: uuid.UUID | None, refs: list[uuid.UUID | str]
) -> list[uuid.UUID]:
    # A platform administrator belongs to no organization, so no unit is found for one.
    found = repository.resolve_units(session, organization_id, refs) if organization_id else {}
    missing = [str(r) for r in refs if r not in found]
    if missing:
        raise Invalid(["unit_ids"], f"unknown units in this organization: {', '.join(missing)}")
    return [found[r] for r in refs]


def create(session: Session, organization: Organization, data: UserCreate) -> User:
    units = _unit_ids(session, organization.id, data.unit_ids)
    user = User(
        organization_id=organization.id,
        username=data.username,
        full_name=data.full_name,
        email=data.email,
        role=data.role,
        password_hash=hash_password(data.password),
    )
    repository.save(session, user)
    repository.set_units(session, user, units)
    return user


def update_user(session: Session, actor: Actor, user: User, data: UserUpdate) -> User:
    changes = data.model_dump(exclude_unset=True)
    if user.is_platform_admin and not actor.is_platform_admin:
        raise Forbidden("Only a platform administrator may change a platform administrator.")
    if user.id == actor.user_id and ("role" in changes or changes.get("active") is False):
        raise Forbidden("You cannot change your own role or deactivate yourself.")
    unit_refs = changes.pop("unit_ids", None)
    if "password" in changes:
        user.password_hash = hash_password(changes.pop("password"))
    user.sqlmodel_update(changes)
    new_units = (
        _unit_ids(session, user.organization_id, unit_refs) if unit_refs is not None else None
    )
    if user.role == "reporter":
        current = repository.unit_ids_of(session, [user.id]).get(user.id, [])
        if not (new_units if new_units is not None else current):
            raise Invalid(["unit_ids"], "a reporter must be bound to at least one unit")
    if new_units is not None:
        repository.set_units(session, user, new_units)
    repository.save(session, user)
    if changes.get("active") is False or "password" in data.model_fields_set:
        revoke_all(session, user)
    return user


def revoke_all(session: Session, user: User) -> None:
    repository.revoke_tokens(session, user.id, utcnow())


@dataclass(frozen=True)
class LoginOutcome:
    token: str | None = None
    expires_at: datetime | None = None
    retry_after_s: int | None = None


def login(
    session: Session, username: str, password: str, address: str | None = None
) -> LoginOutcome:
    """Check a password, throttling failures per username and per client address (rows in
    PostgreSQL, so the limits hold across replicas); the caller commits either way."""
    now = utcnow()
    address_key = f"@{address}" if address else None  # "@" never starts a username
    if address_key:
        by_address = repository.throttle(session, address_key)
        if by_address and by_address.locked_until and by_address.locked_until > now:
            return LoginOutcome(retry_after_s=_seconds_until(by_address.locked_until, now))
    # A name no user can have is not throttled by name (nor may it reach another key).
    possible = re.fullmatch(USERNAME_PATTERN, username) is not None
    if possible and not repository.try_lock_login(session, username):
        # One login per username at a time: parallel guesses wait outside, not in the pool.
        return LoginOutcome(retry_after_s=1)
    throttle = repository.throttle_for_update(session, username, now) if possible else None
    if throttle and throttle.locked_until and throttle.locked_until > now:
        return LoginOutcome(retry_after_s=_seconds_until(throttle.locked_until, now))
    user = repository.by_username(session, username) if possible else None
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        if throttle is not None:
            if now - throttle.window_started_at > FAILURE_WINDOW:
                throttle.failures, throttle.window_started_at = 0, now
            throttle.failures += 1
            if throttle.failures >= MAX_FAILURES:
                throttle.locked_until = now + LOCKOUT
            repository.save(session, throttle)
        if address_key:
            repository.count_failure(
                session,
                address_key,
                now,
                window_started_after=now - FAILURE_WINDOW,
                max_failures=MAX_ADDRESS_FAILURES,
                locked_until=now + LOCKOUT,
            )
        return LoginOutcome()
    if throttle is not None:
        repository.delete_throttle(session, throttle)
    token, row = _issue(user, kind="session", name="login", ttl=SESSION_TTL)
    repository.save(session, row)
    return LoginOutcome(token=token, expires_at=row.expires_at)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return int((moment - now).total_seconds()) + 1


def change_password(session: Session, actor: Actor, current: str, new: str) -> bool:
    user = repository.get(session, actor.user_id)
    if user is None or not verify_password(user.password_hash, current):
        return False
    user.password_hash = hash_password(new)
    repository.save(session, user)
    # Every other token of the user stops working; the one in use stays.
    repository.revoke_tokens(session, user.id, utcnow(), keep=actor.token_id)
    return True


def _issue(user: User, *, kind: str, name: str, ttl: timedelta) -> tuple[str, ApiToken]:
    token = new_token()
    row = ApiToken(
        user_id=user.id,
        kind=kind,
        name=name,
        token_hash=token_digest(token),
        prefix=token[:10],
        expires_at=utcnow() + ttl,
    )
    return token, row


def create_api_token(session: Session, user: User, data: ApiTokenCreate) -> tuple[str, ApiToken]:
    if not user.active:
        raise Forbidden("The user is inactive.")
    token, row = _issue(user, kind="api", name=data.name, ttl=timedelta(days=data.expires_in_days))
    repository.save(session, row)
    return token, row


def list_tokens(session: Session, user: User, page: PageParams) -> tuple[list[ApiToken], int]:
    return paginate(session, repository.tokens_stmt(user.id), page)


def revoke_token(session: Session, actor: Actor, token_id: uuid.UUID) -> None:
    row = repository.get_token(session, token_id)
    owner = repository.get(session, row.user_id) if row else None
    if (
        row is None
        or owner is None
        or not (owner.id == actor.user_id or actor.sees(owner.organization_id))
    ):
        raise NotFound("token", token_id)
    if owner.id != actor.user_id:
        actor.require("admin")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        repository.save(session, row)


def logout(session: Session, actor: Actor) -> None:
    repository.revoke_token(session, actor.token_id, utcnow())


def create_platform_admin(session: Session, username: str, full_name: str, password: str) -> User:
    user = User(
        organization_id=None,
        username=username,
        full_name=full_name,
        role="admin",
        is_platform_admin=True,
        password_hash=hash_password(password),
    )
    return repository.save(session, user)
