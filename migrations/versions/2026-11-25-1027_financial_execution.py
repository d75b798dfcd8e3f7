"""financial execution: money committed and paid per action, unit and period; the plan's
physical/financial gap threshold

Revision ID: 01e7f9fe09bd
Revises: 5c1e0a7f3b21
Create Date: 2026-11-25 10:27:41.759388+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "01e7f9fe09bd"
down_revision: str | Sequence[str] | None = "5c1e0a7f3b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A constant default: PostgreSQL adds the column without rewriting the table.
    op.add_column(
        "plans",
        sa.Column(
            "financial_gap_threshold_pct",
            sa.Numeric(24, 6),
            server_default="30",
            nullable=False,
        ),
    )
    op.create_table(
        "financial_executions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("action_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("committed", sa.Numeric(24, 6), nullable=False),
        sa.Column("paid", sa.Numeric(24, 6), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "committed >= 0 AND paid >= 0", name=op.f("ck_financial_executions_amounts")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_financial_executions_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_financial_executions_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["users.id"],
            name=op.f("fk_financial_executions_recorded_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_financial_executions_unit_id_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_executions")),
        sa.UniqueConstraint(
            "action_id",
            "unit_id",
            "period_end",
            name=op.f("uq_financial_executions_action_id_unit_id_period_end"),
        ),
    )
    op.create_index(
        op.f("ix_financial_executions_plan_id"), "financial_executions", ["plan_id"], unique=False
    )
    op.create_index(
        op.f("ix_financial_executions_unit_id"), "financial_executions", ["unit_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_financial_executions_unit_id"), table_name="financial_executions")
    op.drop_index(op.f("ix_financial_executions_plan_id"), table_name="financial_executions")
    op.drop_table("financial_executions")
    op.drop_column("plans", "financial_gap_threshold_pct")
