"""What the readiness probe reads from the database."""

from __future__ import annotations

from sqlalchemy import Engine, text


def schema_revisions(engine: Engine) -> set[str]:
    """The Alembic revisions the database is at (raises when it is unreachable)."""
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
