"""`Idempotency-Key` on POSTs: the same key and body within 24 h answers the first answer."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Annotated

from fastapi import Header
from fastapi.responses import JSONResponse
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import Conflict
from app.core.models import utcnow
from app.measurements.models import IdempotencyKey

TTL = timedelta(hours=24)

IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Retry safely: the same key and body within 24 h return the first answer",
    ),
]


def body_digest(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def replay(
    session: Session, actor: Actor, key: str | None, method: str, path: str, digest: str
) -> JSONResponse | None:
    """The stored answer for this key, or None to process the request; 409 on another body."""
    if key is None:
        return None
    row = session.execute(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == actor.user_id, IdempotencyKey.key == key
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    if utcnow() - row.created_at > TTL:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
        return None
    if (row.method, row.path, row.body_sha256) != (method, path, digest):
        raise Conflict("This Idempotency-Key was already used with another request.")
    return JSONResponse(
        row.response, status_code=row.status_code, headers={"Idempotency-Replayed": "true"}
    )


def remember(
    session: Session,
    actor: Actor,
    key: str | None,
    method: str,
    path: str,
    digest: str,
    status_code: int,
    response: dict,
) -> None:
    if key is None:
        return
    stmt = (
        insert(IdempotencyKey)
        .values(
            user_id=actor.user_id,
            key=key,
            method=method,
            path=path,
            body_sha256=digest,
            status_code=status_code,
            response=response,
        )
        .on_conflict_do_nothing()
    )
    session.execute(stmt)
