"""People and scripts that act on an organization's data, with their role and units."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import TableBase


class User(TableBase, table=True):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "(is_platform_admin AND organization_id IS NULL) OR "
            "(NOT is_platform_admin AND organization_id IS NOT NULL)",
            name="org_or_platform",
        ),
        sa.CheckConstraint("role IN ('admin', 'coordinator', 'reporter', 'viewer')", name="role"),
    )

    organization_id: uuid.UUID | None = Field(
        default=None,
        sa_type=sa.Uuid,
        index=True,
        sa_column_args=[sa.ForeignKey("organizations.id", ondelete="RESTRICT")],
    )
    username: str = Field(max_length=80, unique=True)
    full_name: str = Field(max_length=300)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(max_length=20)
    is_platform_admin: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    active: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    password_hash: str | None = Field(default=None, max_length=255)


class UserUnit(TableBase, table=True):
    """A reporter's binding to a unit: what it may write for."""

    __tablename__ = "user_units"
    __table_args__ = (sa.UniqueConstraint("user_id", "unit_id"),)

    user_id: uuid.UUID = Field(
        sa_type=sa.Uuid,
        nullable=False,
        sa_column_args=[sa.ForeignKey("users.id", ondelete="CASCADE")],
    )
    unit_id: uuid.UUID = Field(
        sa_type=sa.Uuid,
        nullable=False,
        index=True,
        sa_column_args=[sa.ForeignKey("units.id", ondelete="RESTRICT")],
    )


class ApiToken(TableBase, table=True):
    """A bearer token: a login session (short-lived) or a named token for scripts."""

    __tablename__ = "api_tokens"
    __table_args__ = (sa.CheckConstraint("kind IN ('session', 'api')", name="kind"),)

    user_id: uuid.UUID = Field(
        sa_type=sa.Uuid,
        nullable=False,
        index=True,
        sa_column_args=[sa.ForeignKey("users.id", ondelete="CASCADE")],
    )
    kind: str = Field(max_length=10)
    name: str = Field(max_length=120)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class LoginThrottle(TableBase, table=True):
    """Failed logins per username (existing or not), to slow down password guessing."""

    __tablename__ = "login_throttles"

    username: str = Field(max_length=80, unique=True)
    failures: int = Field(default=0)
    window_started_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    locked_until: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
