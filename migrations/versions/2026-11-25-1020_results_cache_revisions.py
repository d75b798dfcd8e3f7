"""plan data version, results cache, cut revisions

Revision ID: 5c1f0e9a7b31
Revises: de2ef9889936
Create Date: 2026-11-25 10:20:00.000000+00:00

`plans.data_version` rises in the same transaction as every write that changes a plan's
results: statement-level triggers (one bump per statement, not per row) on each table whose
rows feed the results, and a row trigger on `plans` itself. `results_cache` holds computed
answers: revision 0 is the live entry of a (cut, kind, params), valid while its data_version
is the plan's; revision n >= 1 is the frozen form of the same entry, written when the cut is
published for the n-th time (`cut_revisions`), never updated.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5c1f0e9a7b31"
down_revision: str | Sequence[str] | None = "de2ef9889936"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, function) of the statement-level bumps: the function finds the plans touched from
# the statement's transition tables through the column it names.
BUMPED = {
    "nodes": "bump_plan_data_version_by_plan",
    "actions": "bump_plan_data_version_by_plan",
    "indicators": "bump_plan_data_version_by_plan",
    "budget_allocations": "bump_plan_data_version_by_plan",
    "cuts": "bump_plan_data_version_by_plan",
    "programming": "bump_plan_data_version_by_indicator",
    "measurements": "bump_plan_data_version_by_indicator",
    "contributions": "bump_plan_data_version_by_indicator",
    "action_units": "bump_plan_data_version_by_action",
    "units": "bump_plan_data_version_by_organization",
}

# The plans touched by the statement, from `rows` (a transition table): SQL per key kind.
PLANS_OF = {
    "bump_plan_data_version_by_plan": "SELECT plan_id FROM {rows}",
    "bump_plan_data_version_by_indicator": (
        "SELECT i.plan_id FROM indicators i WHERE i.id IN (SELECT indicator_id FROM {rows})"
    ),
    "bump_plan_data_version_by_action": (
        "SELECT a.plan_id FROM actions a WHERE a.id IN (SELECT action_id FROM {rows})"
    ),
    "bump_plan_data_version_by_organization": (
        "SELECT p.id FROM plans p WHERE p.organization_id IN (SELECT organization_id FROM {rows})"
    ),
}


def _function(name: str) -> str:
    of = PLANS_OF[name]
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE plans SET data_version = data_version + 1
        WHERE id IN ({of.format(rows="new_rows")});
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE plans SET data_version = data_version + 1
        WHERE id IN ({of.format(rows="old_rows")});
    ELSE
        UPDATE plans SET data_version = data_version + 1
        WHERE id IN ({of.format(rows="new_rows")} UNION {of.format(rows="old_rows")});
    END IF;
    RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    op.add_column(
        "plans",
        sa.Column("data_version", sa.BigInteger(), server_default=sa.text("1"), nullable=False),
    )
    op.create_table(
        "cut_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("cut_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        sa.Column(
            "published_by_username", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=True
        ),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_cut_revisions_number")),
        sa.ForeignKeyConstraint(
            ["cut_id"], ["cuts.id"], name=op.f("fk_cut_revisions_cut_id_cuts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["users.id"],
            name=op.f("fk_cut_revisions_published_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cut_revisions")),
        sa.UniqueConstraint("cut_id", "number", name=op.f("uq_cut_revisions_cut_id_number")),
    )
    op.create_index(
        op.f("ix_cut_revisions_published_by"), "cut_revisions", ["published_by"], unique=False
    )
    op.create_table(
        "results_cache",
        sa.Column("cut_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("params", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint("revision >= 0", name=op.f("ck_results_cache_revision")),
        sa.ForeignKeyConstraint(
            ["cut_id"], ["cuts.id"], name=op.f("fk_results_cache_cut_id_cuts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(
            "cut_id", "kind", "params", "revision", name=op.f("pk_results_cache")
        ),
    )
    # Payloads are read whole and are mostly digits: storing them uncompressed saves the
    # compression on every write and the decompression on every read.
    op.execute("ALTER TABLE results_cache ALTER COLUMN payload SET STORAGE EXTERNAL")

    # Published figures never change: neither a revision nor its frozen entries are updated.
    op.execute(
        """
CREATE FUNCTION refuse_frozen_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published revisions are immutable (%)', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""
    )
    op.execute(
        # Only `published_by` may change: set to NULL when the user is deleted.
        "CREATE TRIGGER cut_revisions_immutable BEFORE UPDATE ON cut_revisions FOR EACH ROW "
        "WHEN ((OLD.cut_id, OLD.number, OLD.reason, OLD.published_at, OLD.data_version, "
        "OLD.etag) IS DISTINCT FROM (NEW.cut_id, NEW.number, NEW.reason, NEW.published_at, "
        "NEW.data_version, NEW.etag)) EXECUTE FUNCTION refuse_frozen_change()"
    )
    op.execute(
        "CREATE TRIGGER results_cache_frozen_immutable BEFORE UPDATE ON results_cache "
        "FOR EACH ROW WHEN (OLD.revision > 0) EXECUTE FUNCTION refuse_frozen_change()"
    )

    # The plan's own columns (levels, bands, tolerance, status, name...) feed its results too.
    op.execute(
        """
CREATE FUNCTION bump_own_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.data_version IS NOT DISTINCT FROM OLD.data_version THEN
        NEW.data_version := OLD.data_version + 1;
    END IF;
    RETURN NEW;
END
$$;
"""
    )
    op.execute(
        "CREATE TRIGGER plans_data_version BEFORE UPDATE ON plans "
        "FOR EACH ROW EXECUTE FUNCTION bump_own_data_version()"
    )
    for name in PLANS_OF:
        op.execute(_function(name))
    for table, function in BUMPED.items():
        op.execute(
            f"CREATE TRIGGER {table}_bump_insert AFTER INSERT ON {table} "
            f"REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_bump_update AFTER UPDATE ON {table} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_bump_delete AFTER DELETE ON {table} "
            f"REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def downgrade() -> None:
    for table in BUMPED:
        for op_name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_{op_name} ON {table}")
    for name in PLANS_OF:
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP TRIGGER IF EXISTS plans_data_version ON plans")
    op.execute("DROP FUNCTION IF EXISTS bump_own_data_version()")
    op.drop_table("results_cache")
    op.drop_index(op.f("ix_cut_revisions_published_by"), table_name="cut_revisions")
    op.drop_table("cut_revisions")
    op.execute("DROP FUNCTION IF EXISTS refuse_frozen_change()")
    op.drop_column("plans", "data_version")
