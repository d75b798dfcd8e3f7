"""The stored answers of `Idempotency-Key` requests."""

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from app.core.models import TableBase, fk


class IdempotencyKey(TableBase, table=True):
    """A POST that creates or imports, answered once: the same key and body within 24 h
    replays this answer.

    The row is inserted first, in the request's transaction, before the request writes
    anything (a concurrent request with the same key waits on the unique index, then finds
    it); the answer (status, body, headers) is filled in by the same transaction, so a key is
    never stored without the writes it answered for, nor the writes without the key.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    user_id: uuid.UUID = fk("users.id", ondelete="CASCADE", index=False)
    key: str = Field(max_length=200)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    body_sha256: str = Field(max_length=64)
    status_code: int | None = None
    response: dict | list | None = Field(default=None, sa_type=JSONB)
    headers: dict | None = Field(default=None, sa_type=JSONB)
