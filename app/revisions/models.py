"""Publication revisions of a cut: each publication freezes the cut's figures, immutable."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import TableBase, fk


class CutRevision(TableBase, table=True):
    __tablename__ = "cut_revisions"
    __table_args__ = (
        sa.UniqueConstraint("cut_id", "number"),
        sa.CheckConstraint("number >= 1", name="number"),
    )

    cut_id: uuid.UUID = fk("cuts.id", ondelete="CASCADE", index=False)
    number: int
    reason: str | None = Field(default=None, max_length=2000)
    published_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    published_by: uuid.UUID | None = fk("users.id", ondelete="SET NULL", nullable=True)
    published_by_username: str | None = Field(default=None, max_length=150)
    data_version: int = Field(sa_type=sa.BigInteger)
    etag: str = Field(max_length=80)
