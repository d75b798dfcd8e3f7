"""idempotency keys for every create: the key is taken first, the answer filled in after

Revision ID: c4a1d2e3f5b7
Revises: e03a957181a5
Create Date: 2026-11-25 10:25:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c4a1d2e3f5b7"
down_revision: str | Sequence[str] | None = "e03a957181a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The row is inserted before the request writes (status and answer still unknown) and
    # completed in the same transaction; the answer's headers (Location, ETag) are replayed too.
    op.add_column(
        "idempotency_keys",
        sa.Column("headers", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.alter_column("idempotency_keys", "status_code", existing_type=sa.Integer(), nullable=True)
    op.alter_column(
        "idempotency_keys",
        "response",
        existing_type=postgresql.JSONB(astext_type=sa.Text()),
        nullable=True,
    )


def downgrade() -> None:
    op.execute("DELETE FROM idempotency_keys WHERE status_code IS NULL OR response IS NULL")
    op.alter_column(
        "idempotency_keys",
        "response",
        existing_type=postgresql.JSONB(astext_type=sa.Text()),
        nullable=False,
    )
    op.alter_column("idempotency_keys", "status_code", existing_type=sa.Integer(), nullable=False)
    op.drop_column("idempotency_keys", "headers")
