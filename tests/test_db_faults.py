"""Database faults, the fast part (issue 11, proof 2): an unreachable database, dropped
connections and an exhausted pool answer 503 problem+json with Retry-After, never 500, and the
pool recovers by itself. `make chaos` (bench/chaos.py) restarts a real PostgreSQL under load."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from app.core.db import make_engine
from app.main import create_app
from tests.conftest import ApiClient
from tests.helpers import assert_problem
from tests.processes import free_port

BOGUS = {"Authorization": "Bearer pf_" + "x" * 43}


def _unavailable(r) -> None:
    body = assert_problem(r, 503)
    assert body["detail"] == "The database is unavailable for the moment; retry shortly."
    assert r.headers["retry-after"] == "2"


def test_an_unreachable_database_answers_503_with_retry_after(settings):
    dead = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    engine = make_engine(dead, settings.model_copy(update={"db_pool_timeout_s": 1}))
    c = ApiClient(create_app(settings, engine=engine))
    try:
        _unavailable(c.get("/api/v1/organizations", headers=BOGUS))
        _unavailable(
            c.post(
                f"/api/v1/plans/{uuid.uuid4()}/measurements",
                json={"items": []},
                headers=BOGUS,
            )
        )
        assert_problem(c.get("/health/ready"), 503)
        assert c.get("/health").status_code == 200  # the process itself is up
    finally:
        c.close()
        engine.dispose()


def test_the_pool_recovers_from_connections_the_server_dropped(settings, engine):
    name = f"faults-{uuid.uuid4().hex[:8]}"
    own = _engine_named(settings, name)
    c = ApiClient(create_app(settings, engine=own))
    try:
        assert c.get("/health/ready").status_code == 200
        assert_problem(c.get("/api/v1/organizations", headers=BOGUS), 401)
        # The server ends every connection of the pool (a restart, a failover, an admin).
        with engine.connect() as admin:
            ended = admin.execute(
                text(
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                    "pg_stat_activity WHERE application_name = :name) t"
                ),
                {"name": name},
            ).scalar_one()
            admin.commit()
        assert ended >= 1
        # The next requests find the pool reconnected: no error at all.
        assert c.get("/health/ready").status_code == 200
        assert_problem(c.get("/api/v1/organizations", headers=BOGUS), 401)
    finally:
        c.close()
        own.dispose()


def test_a_read_whose_connection_was_already_dropped_is_run_again(settings, engine):
    # Without the checkout poll, the pool hands out the connection the server ended: the
    # first statement fails on it; a GET is run once more on a fresh connection, a POST is not.
    name = f"faults-{uuid.uuid4().hex[:8]}"
    own = _engine_named(settings, name, recover=False)
    c = ApiClient(create_app(settings, engine=own))

    def end_connections() -> None:
        with engine.connect() as admin:
            assert (
                admin.execute(
                    text(
                        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                        "pg_stat_activity WHERE application_name = :name) t"
                    ),
                    {"name": name},
                ).scalar_one()
                == 1
            )
            admin.commit()
            for _ in range(200):  # until the server process is gone
                gone = admin.execute(
                    text("SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = :n"),
                    {"n": name},
                ).scalar_one()
                admin.commit()
                if gone:
                    return
            raise AssertionError("the terminated connection is still there")

    try:
        assert_problem(c.get("/api/v1/organizations", headers=BOGUS), 401)
        end_connections()
        assert_problem(c.get("/api/v1/organizations", headers=BOGUS), 401)
        end_connections()
        assert c.get("/health/ready").status_code == 200
        end_connections()
        _unavailable(c.post("/api/v1/organizations", headers=BOGUS, json={}))
        assert_problem(c.get("/api/v1/organizations", headers=BOGUS), 401)
    finally:
        c.close()
        own.dispose()


def _engine_named(settings, name: str, *, recover: bool = True):
    from sqlalchemy import create_engine

    from app.core.db import _connect_args, recover_dropped_connections, sqlalchemy_url
    from app.core.metrics import InstrumentedQueuePool

    # As make_engine builds it (no pre-ping), with a name to find its connections by.
    own = create_engine(
        sqlalchemy_url(settings.database_url),
        pool_size=1 if not recover else 2,
        max_overflow=0,
        pool_timeout=2,
        poolclass=InstrumentedQueuePool,
        connect_args={**_connect_args(settings), "application_name": name},
    )
    if recover:
        recover_dropped_connections(own)
    return own


def test_an_exhausted_pool_answers_503_within_the_pool_timeout(settings):
    own = make_engine(
        settings.database_url,
        settings.model_copy(
            update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout_s": 0.2}
        ),
    )
    c = ApiClient(create_app(settings, engine=own))
    held = own.connect()  # the only connection, taken
    try:
        _unavailable(c.get("/api/v1/organizations", headers=BOGUS))
        held.close()
        assert_problem(c.get("/api/v1/organizations", headers=BOGUS), 401)
    finally:
        c.close()
        own.dispose()
