"""deleting a plan or an element cascades to what hangs from it

The service decides what may be deleted (a draft's element with all that hangs from it; an
approved plan's element only when nothing depends on it); the database then removes the
dependent rows itself, so the plans package need not know the tables built on it.

Revision ID: d6bac51a661c
Revises: 544e4e09d4db
Create Date: 2026-11-25 07:41:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d6bac51a661c"
down_revision: str | Sequence[str] | None = "544e4e09d4db"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, referred table): each foreign key goes from RESTRICT to CASCADE.
CASCADES = [
    ("change_records", "plan_id", "plans"),
    ("nodes", "plan_id", "plans"),
    ("nodes", "parent_id", "nodes"),
    ("actions", "plan_id", "plans"),
    ("actions", "node_id", "nodes"),
    ("indicators", "plan_id", "plans"),
    ("indicators", "action_id", "actions"),
    ("indicators", "node_id", "nodes"),
    ("contributions", "node_id", "nodes"),
    ("budget_allocations", "plan_id", "plans"),
    ("budget_allocations", "action_id", "actions"),
    ("budget_allocations", "node_id", "nodes"),
    ("cuts", "plan_id", "plans"),
    ("measurements", "indicator_id", "indicators"),
    ("followups", "cut_id", "cuts"),
    ("followups", "indicator_id", "indicators"),
    ("evidence", "followup_id", "followups"),
]


def _set(ondelete: str) -> None:
    for table, column, referred in CASCADES:
        name = f"fk_{table}_{column}_{referred}"
        op.drop_constraint(name, table, type_="foreignkey")
        op.create_foreign_key(name, table, referred, [column], ["id"], ondelete=ondelete)


def upgrade() -> None:
    _set("CASCADE")


def downgrade() -> None:
    _set("RESTRICT")
