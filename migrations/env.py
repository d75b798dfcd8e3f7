"""Alembic environment: migrations target the models' metadata (with its naming convention)."""

import os
import time
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool, text

import app.models  # noqa: F401  (registers every table on the metadata)
from app.core.db import metadata, sqlalchemy_url
from app.core.migrations import MIGRATION_LOCK_KEY, MIGRATION_TIMEOUTS

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if not config.get_main_option("sqlalchemy.url") and os.environ.get("DATABASE_URL"):
    config.set_main_option(
        "sqlalchemy.url", sqlalchemy_url(os.environ["DATABASE_URL"]).replace("%", "%%")
    )

target_metadata = metadata


def include_name(name, type_, parent_names) -> bool:
    # procrastinate's queue tables come from its own schema file (see the queue migration),
    # not from our models: autogenerate and `alembic check` leave them alone.
    return not (type_ == "table" and name and name.startswith("procrastinate_"))


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        # `--sql` needs no server: the SQL is PostgreSQL's whether or not a URL is set.
        url=url or None,
        dialect_name=None if url else "postgresql",
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        _set_timeouts(context.execute)
        context.run_migrations()


def _set_timeouts(execute) -> None:
    # While the previous release serves: a statement that waits for a lock gives up (and the
    # deploy step fails, to be run again) instead of queueing every query behind it.
    for name, value in MIGRATION_TIMEOUTS.items():
        execute(f"SET {name} = '{value}'")


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    # One migrator at a time (replicas starting together, a deploy step and a `serve`): the
    # others wait here, and read the version table only once the first is done, so they find
    # the schema at head. A session lock, so that it also covers autocommit blocks (CREATE
    # INDEX CONCURRENTLY); released at the end, or when the connection closes.
    # The others poll between transactions rather than block in one: CREATE INDEX CONCURRENTLY
    # waits for every open transaction's snapshot, and a migrator blocked inside
    # pg_advisory_lock holds one while it waits for the lock the index builder holds: a
    # deadlock that PostgreSQL breaks by cancelling the build (an invalid index is left).
    while not connection.execute(
        text("SELECT pg_try_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
    ).scalar_one():
        connection.commit()
        time.sleep(0.2)
    connection.commit()
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            compare_server_default=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            _set_timeouts(lambda sql: connection.execute(text(sql)))
            context.run_migrations()
    finally:
        connection.rollback()
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
