"""Units ("dependencias", "organismos"): the offices of an organization that answer for actions."""

import uuid

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import TableBase


class Unit(TableBase, table=True):
    __tablename__ = "units"
    __table_args__ = (sa.UniqueConstraint("organization_id", "code"),)

    organization_id: uuid.UUID = Field(
        sa_column_args=[sa.ForeignKey("organizations.id", ondelete="RESTRICT")],
        sa_type=sa.Uuid,
        nullable=False,
        index=True,
    )
    code: str = Field(max_length=40)
    name: str = Field(max_length=300)
    acronym: str | None = Field(default=None, max_length=40)
    active: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
