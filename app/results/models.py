"""The results cache: computed answers keyed by cut, kind, parameters and plan data version.

Revision 0 is the live entry of a (cut, kind, params): valid while its `data_version` is the
plan's. Revision n >= 1 is the frozen form of the same entry, written when the cut was
published for the n-th time (`app.revisions`); the database refuses to update it.
"""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import utcnow


class ResultsCacheEntry(SQLModel, table=True):
    __tablename__ = "results_cache"
    __table_args__ = (sa.CheckConstraint("revision >= 0", name="revision"),)

    cut_id: uuid.UUID = Field(
        sa_type=sa.Uuid,
        primary_key=True,
        sa_column_args=[sa.ForeignKey("cuts.id", ondelete="CASCADE")],
    )
    kind: str = Field(primary_key=True, max_length=40)
    params: str = Field(primary_key=True, max_length=500)
    revision: int = Field(primary_key=True)
    data_version: int = Field(sa_type=sa.BigInteger)
    # The JSON body, as text: read back without the hex decoding of bytea (a third of the time).
    payload: str = Field(sa_type=sa.Text)
    etag: str = Field(max_length=80)
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_type=sa.DateTime(timezone=True),
        sa_column_kwargs={"server_default": sa.func.now()},
    )
