"""Columns every table shares: a UUID id and UTC creation/update times; exact-number types."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# Exact decimals for amounts, values and weights: never floats.
NUMERIC = sa.Numeric(24, 6)


def utcnow() -> datetime:
    return datetime.now(UTC)


class TableBase(SQLModel):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_type=sa.DateTime(timezone=True),
        sa_column_kwargs={"server_default": sa.func.now()},
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_type=sa.DateTime(timezone=True),
        sa_column_kwargs={"server_default": sa.func.now(), "onupdate": utcnow},
    )


def fk(
    target: str,
    *,
    ondelete: str = "RESTRICT",
    nullable: bool = False,
    index: bool = True,
    default=None,
):
    """A UUID foreign key column."""
    kwargs = {} if not nullable else {"default": default}
    return Field(
        sa_type=sa.Uuid,
        nullable=nullable,
        index=index,
        sa_column_args=[sa.ForeignKey(target, ondelete=ondelete)],
        **kwargs,
    )


def json_field(default_factory):
    return Field(
        default_factory=default_factory,
        sa_type=JSONB,
        sa_column_kwargs={
            "server_default": sa.text("'[]'::jsonb")
            if default_factory is list
            else sa.text("'{}'::jsonb")
        },
    )


def dims_key_field():
    """The canonical text of a value's dimensions ("sex=F;territory=19001"), '' for a total:
    what unique keys and upserts compare, where the JSONB `dims` beside it is what is read."""
    return Field(default="", sa_type=sa.Text, sa_column_kwargs={"server_default": ""})
