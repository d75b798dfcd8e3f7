"""Running Alembic from code: the run command, the readiness probe and the tests use it."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.core.config import PROJECT_ROOT
from app.core.db import sqlalchemy_url


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    # Run from the service: keep its (JSON) logging instead of alembic.ini's console handler.
    cfg.attributes["skip_logging"] = True
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if database_url:
        # '%' would be read as interpolation by configparser.
        cfg.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url).replace("%", "%%"))
    return cfg


# The key of the PostgreSQL advisory lock every migration run takes (migrations/env.py): any
# number of processes may migrate at once; one applies the scripts, the others wait, then find
# the schema at head and do nothing. (A fixed 63-bit number: b"plan-fup" read as an integer.)
MIGRATION_LOCK_KEY = int.from_bytes(b"plan-fup", "big") & (2**63 - 1)


def upgrade_head(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())
