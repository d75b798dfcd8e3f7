"""the job queue: procrastinate's schema (version 3.10.0)

Revision ID: 7c1e0a5b2d40
Revises: d6bac51a661c
Create Date: 2026-11-25 07:45:00+00:00

procrastinate ships its schema as SQL; a copy of the file of the pinned version lives in
migrations/sql so this migration always creates the same thing. Upgrading procrastinate past
3.10 means a new migration applying its files in procrastinate/sql/migrations between the
two versions.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "7c1e0a5b2d40"
down_revision: str | Sequence[str] | None = "d6bac51a661c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = Path(__file__).resolve().parents[1] / "sql" / "procrastinate-3.10.0.sql"


def upgrade() -> None:
    # Sent through psycopg itself without parameters, so the '%' of its RAISE messages are
    # not read as placeholders; it runs in the migration's transaction.
    op.get_bind().connection.driver_connection.execute(SCHEMA.read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute(
        """
        DO $$
        DECLARE r record;
        BEGIN
            FOR r IN SELECT tablename FROM pg_tables
                     WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate\\_%'
            LOOP
                EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename);
            END LOOP;
            FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%'
            LOOP
                EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', r.sig);
            END LOOP;
            FOR r IN SELECT t.typname FROM pg_type t
                     JOIN pg_namespace n ON n.oid = t.typnamespace
                     WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\\_%'
                       AND t.typtype IN ('e', 'c')
            LOOP
                EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', r.typname);
            END LOOP;
        END $$;
        """
    )
