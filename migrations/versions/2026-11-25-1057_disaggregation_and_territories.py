"""disaggregation: dimension values of planned and measured values, plan dimensions, total mode

Programming and measurements gain `dims` (JSONB, {} for the total) and `dims_key` (its
canonical text, '' for the total); their unique key becomes (indicator_id, period_end,
dims_key), so that a total and its disaggregated values live side by side and the existing
upserts (`ON CONFLICT (indicator_id, period_end, dims_key)`) stay one statement. Existing rows
are totals: the new columns' constant defaults say so without a table rewrite. The new unique
indexes are built CONCURRENTLY and then adopted as constraints; the old (indicator_id,
period_end) constraints are dropped last (see .squawk.toml). Plans gain `dimensions` (the
declared disaggregation dimensions besides territory); indicators gain `total_mode`.

Revision ID: e03a957181a5
Revises: 00986d0affc1
Create Date: 2026-11-25 10:57:37.406850+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e03a957181a5"
down_revision: str | Sequence[str] | None = "00986d0affc1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("measurements", "programming")


def upgrade() -> None:
    # The CONCURRENTLY builds below commit what comes before them: these statements may be
    # run again if a later step fails, hence IF NOT EXISTS / DROP ... IF EXISTS.
    op.execute(
        "ALTER TABLE plans ADD COLUMN IF NOT EXISTS dimensions JSONB DEFAULT '[]'::jsonb NOT NULL"
    )
    op.execute(
        "ALTER TABLE indicators ADD COLUMN IF NOT EXISTS total_mode VARCHAR(10) "
        "DEFAULT 'posted' NOT NULL"
    )
    op.execute("ALTER TABLE indicators DROP CONSTRAINT IF EXISTS ck_indicators_total_mode")
    op.execute(
        "ALTER TABLE indicators ADD CONSTRAINT ck_indicators_total_mode "
        "CHECK (total_mode IN ('posted', 'sum')) NOT VALID"
    )
    op.execute("ALTER TABLE indicators VALIDATE CONSTRAINT ck_indicators_total_mode")
    for table in TABLES:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS dims JSONB "
            "DEFAULT '{}'::jsonb NOT NULL"
        )
        op.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS dims_key TEXT DEFAULT '' NOT NULL")
    with op.get_context().autocommit_block():
        for table in TABLES:
            op.execute(
                f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "
                f"uq_{table}_indicator_id_period_end_dims_key "
                f"ON {table} (indicator_id, period_end, dims_key)"
            )
    for table in TABLES:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT uq_{table}_indicator_id_period_end_dims_key "
            f"UNIQUE USING INDEX uq_{table}_indicator_id_period_end_dims_key"
        )
        op.drop_constraint(f"uq_{table}_indicator_id_period_end", table, type_="unique")


def downgrade() -> None:
    # Only the totals fit the old key: the disaggregated values go.
    for table in TABLES:
        op.execute(f"DELETE FROM {table} WHERE dims_key <> ''")
        op.create_unique_constraint(
            f"uq_{table}_indicator_id_period_end", table, ["indicator_id", "period_end"]
        )
        op.drop_constraint(f"uq_{table}_indicator_id_period_end_dims_key", table, type_="unique")
        op.drop_column(table, "dims_key")
        op.drop_column(table, "dims")
    op.execute("ALTER TABLE indicators DROP CONSTRAINT ck_indicators_total_mode")
    op.drop_column("indicators", "total_mode")
    op.drop_column("plans", "dimensions")
