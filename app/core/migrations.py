"""Running Alembic from code: the run command, the readiness probe and the tests use it."""

from __future__ import annotations

from pathlib import Path

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
# Set at the start of every migration run (and written at the top of its `--sql` output).
MIGRATION_TIMEOUTS = {"lock_timeout": "10s", "statement_timeout": "15min"}


def upgrade_head(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


NOT_LINTED = "not-linted"


def write_revision_sql(
    directory: Path, exceptions: dict[str, dict[str, str]] | None = None
) -> list[Path]:
    """Write the SQL of each migration (`alembic upgrade <down>:<rev> --sql`), one file each.

    `make lint` runs squawk over them. Files are named after the scripts. `exceptions` maps a
    script's name (without .py) to {rule: reason}: each rule is switched off for that file
    only (`-- squawk-ignore-file`), and the rule "not-linted" leaves the script out (one that
    cannot be rendered as SQL). A script that cannot be rendered otherwise is an error.
    """
    import io

    exceptions = exceptions or {}
    directory.mkdir(parents=True, exist_ok=True)
    script = ScriptDirectory.from_config(alembic_config())
    written = []
    for rev in reversed(list(script.walk_revisions())):
        name = Path(rev.path).stem
        allowed = exceptions.get(name, {})
        if NOT_LINTED in allowed:
            continue
        buffer = io.StringIO()
        cfg = alembic_config()
        cfg.output_buffer = buffer
        down = rev.down_revision
        if isinstance(down, tuple | list):  # a merge: its SQL is the version bookkeeping
            down = None
        try:
            command.upgrade(cfg, f"{down}:{rev.revision}" if down else rev.revision, sql=True)
        except Exception as exc:
            raise RuntimeError(
                f"{rev.path}: `alembic upgrade --sql` cannot render it ({exc}); use "
                f'op.execute(...) for raw SQL, or record [migration_exceptions."{name}"] '
                f'{NOT_LINTED} = "why" in .squawk.toml'
            ) from exc
        header = "".join(
            f"-- {reason}\n-- squawk-ignore-file {rule}\n" for rule, reason in allowed.items()
        )
        target = directory / f"{name}.sql"
        target.write_text(header + buffer.getvalue(), encoding="utf-8")
        written.append(target)
    return written


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())
