"""Queries on the stored answers of `Idempotency-Key` requests."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col

from app.core.idempotency.models import IdempotencyKey


def forget_older(session: Session, user_id: uuid.UUID, key: str, before: datetime) -> None:
    """Forget the key if it was first used before `before` (past its time to live)."""
    session.execute(
        delete(IdempotencyKey).where(
            col(IdempotencyKey.user_id) == user_id,
            col(IdempotencyKey.key) == key,
            col(IdempotencyKey.created_at) < before,
        )
    )


def insert_first(
    session: Session, *, user_id: uuid.UUID, key: str, method: str, path: str, digest: str
) -> uuid.UUID | None:
    """Take the key: its new row's id, or None when it is already taken.

    A concurrent request holding the same key uncommitted makes this statement wait for its
    transaction (unique index): after its commit this answers None, after its rollback the
    key is ours.
    """
    row_id = session.execute(
        insert(IdempotencyKey)
        .values(
            id=uuid.uuid4(), user_id=user_id, key=key, method=method, path=path, body_sha256=digest
        )
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(col(IdempotencyKey.id))
    ).scalar_one_or_none()
    return row_id


def taken(session: Session, user_id: uuid.UUID, key: str) -> IdempotencyKey | None:
    return session.execute(
        select(IdempotencyKey).where(
            col(IdempotencyKey.user_id) == user_id, col(IdempotencyKey.key) == key
        )
    ).scalar_one_or_none()


def record_answer(
    session: Session,
    row_id: uuid.UUID,
    status_code: int,
    response: dict | list | None,
    headers: dict[str, str],
) -> None:
    session.execute(
        update(IdempotencyKey)
        .where(col(IdempotencyKey.id) == row_id)
        .values(status_code=status_code, response=response, headers=headers)
    )


def release(session: Session, row_id: uuid.UUID) -> None:
    session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.id) == row_id))


def delete_expired(session: Session, before: datetime) -> int:
    result = session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.created_at) < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult at runtime
