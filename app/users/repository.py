"""Queries on users, their units, tokens and login throttles."""

import uuid
from collections import defaultdict
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Row, bindparam, case, delete, func, insert, or_, select, update
from sqlalchemy import text as sa_text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.core.db import flush_or_conflict
from app.units.models import Unit
from app.users.models import ApiToken, LoginThrottle, User, UserUnit

# The tables saved here.
UserRow = TypeVar("UserRow", User, ApiToken, LoginThrottle)

CONFLICTS = {"uq_users_username": "A user with this username already exists."}


def get(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def by_username(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()


def list_stmt(organization_id: uuid.UUID, *, role: str | None, active: bool | None) -> Select:
    stmt = (
        select(User)
        .where(col(User.organization_id) == organization_id)
        .order_by(col(User.username))
    )
    if role is not None:
        stmt = stmt.where(col(User.role) == role)
    if active is not None:
        stmt = stmt.where(col(User.active) == active)
    return stmt


def unit_ids_of(session: Session, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The units of many users in one statement."""
    out: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if user_ids:
        rows = session.execute(
            select(col(UserUnit.user_id), col(UserUnit.unit_id))
            .where(col(UserUnit.user_id).in_(user_ids))
            .order_by(col(UserUnit.unit_id))
        )
        for user_id, unit_id in rows:
            out[user_id].append(unit_id)
    return out


def resolve_units(
    session: Session, organization_id: uuid.UUID, refs: list[uuid.UUID | str]
) -> dict[uuid.UUID | str, uuid.UUID]:
    """Map unit ids or codes of the organization to ids; refs not found are left out."""
    ids = [r for r in refs if isinstance(r, uuid.UUID)]
    codes = [r for r in refs if isinstance(r, str)]
    rows = session.execute(
        select(col(Unit.id), col(Unit.code)).where(
            col(Unit.organization_id) == organization_id,
            or_(col(Unit.id).in_(ids), col(Unit.code).in_(codes)),
        )
    )
    found: dict[uuid.UUID | str, uuid.UUID] = {}
    for unit_id, code in rows:
        found[unit_id] = unit_id
        found[code] = unit_id
    return found


def set_units(session: Session, user: User, unit_ids: list[uuid.UUID]) -> None:
    session.execute(delete(UserUnit).where(col(UserUnit.user_id) == user.id))
    if unit_ids:
        session.execute(
            insert(UserUnit),
            [
                {"id": uuid.uuid4(), "user_id": user.id, "unit_id": u}
                for u in dict.fromkeys(unit_ids)
            ],
        )


def save(session: Session, obj: UserRow) -> UserRow:
    session.add(obj)
    flush_or_conflict(session, CONFLICTS)
    return obj


def delete_throttle(session: Session, throttle: LoginThrottle) -> None:
    session.delete(throttle)


def try_lock_login(session: Session, username: str) -> bool:
    """Take the transaction's lock on logging in as `username`, or False at once if another
    login for it holds it (no wait: a waiting request would hold a pooled connection)."""
    return bool(
        session.execute(
            sa_text("SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"login:{username}"},
        ).scalar_one()
    )


def throttle_for_update(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The throttle row of `key`, created if missing, locked until the transaction ends.

    Called under `try_lock_login`, so no other login for the username is in flight.
    """
    session.execute(
        pg_insert(LoginThrottle)
        .values(id=uuid.uuid4(), username=key, failures=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["username"])
    )
    return session.execute(
        select(LoginThrottle)
        .where(col(LoginThrottle.username) == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def throttle(session: Session, key: str) -> LoginThrottle | None:
    """The throttle row of `key`, read without locking it."""
    return session.execute(
        select(LoginThrottle).where(col(LoginThrottle.username) == key)
    ).scalar_one_or_none()


def count_failure(
    session: Session,
    key: str,
    now: datetime,
    *,
    window_started_after: datetime,
    max_failures: int,
    locked_until: datetime,
) -> None:
    """One more failure for `key` in one statement (no read first, safe in parallel): the
    window starts again when it is older than `window_started_after`; at `max_failures`
    the key is locked until `locked_until`."""
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    stmt = pg_insert(table).values(
        id=uuid.uuid4(), username=key, failures=1, window_started_at=now, updated_at=now
    )
    stale = table.c.window_started_at < window_started_after
    failures = case((stale, 1), else_=table.c.failures + 1)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["username"],
            set_={
                "failures": failures,
                "window_started_at": case((stale, now), else_=table.c.window_started_at),
                "locked_until": case(
                    (failures >= max_failures, locked_until), else_=table.c.locked_until
                ),
                "updated_at": now,
            },
        )
    )


def tokens_stmt(user_id: uuid.UUID) -> Select:
    return (
        select(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.kind) == "api")
        .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id))
    )


def get_token(session: Session, token_id: uuid.UUID) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def _actor_statement() -> Select:
    units = (
        select(func.coalesce(func.array_agg(col(UserUnit.unit_id)), sa_text("'{}'::uuid[]")))
        .where(col(UserUnit.user_id) == col(User.id))
        .scalar_subquery()
        .label("unit_ids")
    )
    return (
        select(
            col(ApiToken.id).label("token_id"),
            col(ApiToken.revoked_at),
            col(ApiToken.expires_at),
            col(ApiToken.last_used_at),
            col(User.id).label("user_id"),
            col(User.username),
            col(User.organization_id),
            col(User.role),
            col(User.is_platform_admin),
            col(User.active),
            units,
        )
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(col(ApiToken.token_hash) == bindparam("token_hash"))
    )


# Built once: every authenticated request runs it (Core columns, no ORM objects).
_ACTOR = _actor_statement()


def actor_row(session: Session, token_hash: str) -> Row | None:
    """The token's id, revocation, expiry and last use, its user's id, username,
    organization, role, platform flag and active flag, and the user's unit ids: one statement
    (None if no such token)."""
    return session.connection().execute(_ACTOR, {"token_hash": token_hash}).first()


def touch_token(session: Session, token_id: uuid.UUID, when: datetime) -> None:
    session.execute(update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=when))


def revoke_token(session: Session, token_id: uuid.UUID, when: datetime) -> None:
    session.execute(update(ApiToken).where(col(ApiToken.id) == token_id).values(revoked_at=when))


def revoke_tokens(
    session: Session, user_id: uuid.UUID, when: datetime, *, keep: uuid.UUID | None = None
) -> None:
    """Revoke every live token of a user, but `keep` (the one in use)."""
    stmt = update(ApiToken).where(
        col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None)
    )
    if keep is not None:
        stmt = stmt.where(col(ApiToken.id) != keep)
    session.execute(stmt.values(revoked_at=when))
