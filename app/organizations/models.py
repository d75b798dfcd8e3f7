"""Organizations: the tenants. Nothing crosses between them."""

from sqlmodel import Field

from app.core.models import TableBase


class Organization(TableBase, table=True):
    __tablename__ = "organizations"

    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=40)
    nit: str | None = Field(default=None, max_length=20)
