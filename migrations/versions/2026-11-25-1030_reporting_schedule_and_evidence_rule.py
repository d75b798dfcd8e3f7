"""reporting schedule of indicators and the plan's evidence rule

Plans gain their indicators' default reporting frequency and grace period and an evidence
rule (how many pieces, for which follow-ups, warn or block); indicators may override the
schedule. New columns carry constant defaults (no table rewrite); their checks are added
NOT VALID and validated at once: the checked columns are new and every existing row
holds their default, so the scan of these small tables finds nothing (see .squawk.toml).

Revision ID: 5c1e0a7f3b21
Revises: 97d8369d62b8
Create Date: 2026-11-25 10:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1e0a7f3b21"
down_revision: str | Sequence[str] | None = "97d8369d62b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FREQUENCIES = "'monthly', 'bimonthly', 'quarterly', 'semiannual', 'annual'"

# (table, constraint name, condition)
CHECKS = [
    ("plans", "ck_plans_frequency", f"reporting_frequency IN ({FREQUENCIES})"),
    ("plans", "ck_plans_grace_days", "reporting_grace_days >= 0"),
    ("plans", "ck_plans_evidence_min_count", "evidence_min_count >= 0"),
    ("plans", "ck_plans_evidence_scope", "evidence_scope IN ('on_track', 'any_reported')"),
    ("plans", "ck_plans_evidence_mode", "evidence_mode IN ('warn', 'block')"),
    (
        "indicators",
        "ck_indicators_frequency",
        f"reporting_frequency IS NULL OR reporting_frequency IN ({FREQUENCIES})",
    ),
    (
        "indicators",
        "ck_indicators_grace_days",
        "reporting_grace_days IS NULL OR reporting_grace_days >= 0",
    ),
]


def upgrade() -> None:
    op.add_column(
        "plans",
        sa.Column(
            "reporting_frequency",
            sa.String(length=20),
            server_default="quarterly",
            nullable=False,
        ),
    )
    op.add_column(
        "plans",
        sa.Column("reporting_grace_days", sa.Integer(), server_default="10", nullable=False),
    )
    op.add_column(
        "plans",
        sa.Column("evidence_min_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "plans",
        sa.Column(
            "evidence_scope", sa.String(length=20), server_default="on_track", nullable=False
        ),
    )
    op.add_column(
        "plans",
        sa.Column("evidence_mode", sa.String(length=20), server_default="warn", nullable=False),
    )
    op.add_column(
        "indicators", sa.Column("reporting_frequency", sa.String(length=20), nullable=True)
    )
    op.add_column("indicators", sa.Column("reporting_grace_days", sa.Integer(), nullable=True))
    for table, name, condition in CHECKS:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition}) NOT VALID")
    for table, name, _ in CHECKS:
        op.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")


def downgrade() -> None:
    for table, name, _ in reversed(CHECKS):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    op.drop_column("indicators", "reporting_grace_days")
    op.drop_column("indicators", "reporting_frequency")
    op.drop_column("plans", "evidence_mode")
    op.drop_column("plans", "evidence_scope")
    op.drop_column("plans", "evidence_min_count")
    op.drop_column("plans", "reporting_grace_days")
    op.drop_column("plans", "reporting_frequency")
