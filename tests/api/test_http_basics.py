"""Cross-cutting HTTP behaviour: health, problem+json for every error, limits, CORS, ids."""

import logging

from fastapi import APIRouter

from app.core.config import Settings
from app.main import create_app
from tests.conftest import ApiClient
from tests.helpers import assert_problem


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_ready_when_schema_at_head(client):
    r = client.get("/health/ready")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready" and body["database"] == "ok"
    assert body["schema_revision"]


def test_not_ready_without_schema(fresh_database):
    url = fresh_database()  # empty: no migrations applied
    app = create_app(Settings(database_url=url, log_json=False))
    c = ApiClient(app)
    try:
        body = assert_problem(c.get("/health/ready"), 503)
        assert "schema" in body["detail"]
        assert "alembic_version" not in body["detail"]
    finally:
        c.close()
        app.state.engine.dispose()


def test_not_ready_without_database():
    app = create_app(
        Settings(
            database_url="postgresql://nobody@127.0.0.1:1/none", db_pool_timeout_s=1, log_json=False
        )
    )
    c = ApiClient(app)
    try:
        assert_problem(c.get("/health/ready"), 503)
    finally:
        c.close()


def test_unknown_route_and_wrong_method_are_problems(client):
    body = assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert "/api/v1/nothing-here" in body["detail"]
    body = assert_problem(client.put("/api/v1/organizations", json={}), 405)
    assert "PUT" in body["detail"]


def test_unexpected_error_hides_internals_and_logs_request_id(settings, engine, caplog):
    app = create_app(settings, engine=engine)
    boom = APIRouter()

    @boom.get("/boom")
    def explode():
        raise RuntimeError("SELECT secret FROM users -- internal detail")

    app.include_router(boom)
    c = ApiClient(app)
    try:
        with caplog.at_level(logging.ERROR):
            r = c.get("/boom", headers={"X-Request-ID": "req-123"})
    finally:
        c.close()
    body = assert_problem(r, 500)
    assert "SELECT" not in r.text and "Traceback" not in r.text
    assert body["request_id"] == "req-123"
    assert r.headers["x-request-id"] == "req-123"
    record = next(rec for rec in caplog.records if rec.levelno == logging.ERROR)
    assert record.exc_info is not None
    assert record.request_id == "req-123"


def test_request_id_generated_when_absent_or_unsafe(client):
    r = client.get("/health")
    assert len(r.headers["x-request-id"]) == 32
    r = client.get("/health", headers={"X-Request-ID": "bad id\nwith newline"})
    assert r.headers["x-request-id"] != "bad id\nwith newline"


def test_body_too_large_declared(client):
    big = b'{"code": "x", "name": "' + b"a" * (1100 * 1024) + b'"}'
    body = assert_problem(
        client.post(
            "/api/v1/organizations", content=big, headers={"content-type": "application/json"}
        ),
        413,
    )
    assert str(1024 * 1024) in body["detail"]


def test_body_too_large_streamed_without_length(client):
    async def chunks():
        for _ in range(1100):
            yield b"a" * 1024

    r = client.post(
        "/api/v1/organizations", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(r, 413)


def test_cors_origins_configurable(settings, engine):
    app = create_app(
        settings.model_copy(update={"cors_origins": ["https://tangara.example"]}), engine=engine
    )
    c = ApiClient(app)
    try:
        r = c.request(
            "OPTIONS",
            "/api/v1/organizations",
            headers={"Origin": "https://tangara.example", "Access-Control-Request-Method": "GET"},
        )
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == "https://tangara.example"
        r = c.request(
            "OPTIONS",
            "/api/v1/organizations",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert "access-control-allow-origin" not in r.headers
    finally:
        c.close()


def test_unknown_query_parameter_is_refused(client):
    body = assert_problem(client.get("/api/v1/organizations", params={"kode": "x"}), 422)
    assert body["errors"] == [{"loc": ["query", "kode"], "msg": "unknown query parameter"}]
    assert client.get("/api/v1/organizations", params={"code": "x", "limit": 5}).status_code == 200
