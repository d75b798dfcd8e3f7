"""public read model: per-address request counters of the public routes

Revision ID: 3f7a2c9d1e60
Revises: c4a1d2e3f5b7
Create Date: 2026-11-25 11:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "3f7a2c9d1e60"
down_revision: str | Sequence[str] | None = "c4a1d2e3f5b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "public_rate_limits",
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_public_rate_limits")),
    )


def downgrade() -> None:
    op.drop_table("public_rate_limits")
