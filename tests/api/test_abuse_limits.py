"""Abuse limits (issue 11, proof 4), the fast part: each hostile request gets its documented
answer, and every answer carries the security headers. The slow body trickled for real and 50
parallel logins run against a uvicorn process in `make chaos` (bench/abuse.py)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from app.main import create_app
from app.users.service import MAX_ADDRESS_FAILURES, MAX_FAILURES
from tests.conftest import ApiClient
from tests.helpers import assert_problem

ORGS = "/api/v1/organizations"


def _deep(depth: int) -> bytes:
    return b'{"items": ' + b"[" * depth + b"]" * depth + b"}"


def test_a_20_mb_json_body_is_413(client):
    body = b'{"code": "x", "name": "' + b"a" * (20 * 1024 * 1024) + b'"}'
    assert_problem(
        client.post(ORGS, content=body, headers={"content-type": "application/json"}), 413
    )


def test_a_20_mb_measurement_batch_is_413(client):
    body = (
        b'{"items": ['
        + b'{"indicator_code": "X", "period_end": "2024-01-31", "value": 1},'
        * (20 * 1024 * 1024 // 62)
        + b"{}]}"
    )
    r = client.post(
        f"/api/v1/plans/{uuid.uuid4()}/measurements",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert_problem(r, 413)


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_json_nested_deeply_is_refused_without_a_crash(client, depth):
    r = client.post(ORGS, content=_deep(depth), headers={"content-type": "application/json"})
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("batch", ["measurements", "financial-execution"])
@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_a_batch_nested_deeply_is_400(client, depth, batch):
    org = client.post(ORGS, json={"code": "deep", "name": "Deep"}).json()
    plan = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "other",
            "code": "P",
            "name": "P",
            "first_year": 2024,
            "last_year": 2024,
            "levels": ["Objetivo"],
        },
    ).json()
    r = client.post(
        f"/api/v1/plans/{plan['id']}/{batch}",
        content=_deep(depth),
        headers={"content-type": "application/json"},
    )
    body = assert_problem(r, 400)
    assert body["detail"] == "The request body is not valid JSON."


@pytest.mark.parametrize("path", [ORGS, "/api/v1/plans", "/api/v1/webhooks"])
def test_a_page_above_the_documented_limit_is_422(client, path):
    body = assert_problem(client.get(path, params={"limit": 100_000}), 422)
    assert body["errors"][0]["loc"] == ["query", "limit"]
    assert client.get(path, params={"limit": 500}).status_code == 200


SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize(
    "method,path,status",
    [
        ("GET", "/health", 200),
        ("GET", ORGS, 200),
        ("GET", "/api/v1/nowhere", 404),
        ("POST", ORGS, 422),
        ("DELETE", ORGS, 405),
        ("GET", "/openapi.json", 200),
        ("GET", "/docs", 200),
    ],
)
def test_security_headers_on_every_answer(client, method, path, status):
    r = client.request(method, path, json={} if method == "POST" else None)
    assert r.status_code == status
    for name, value in SECURITY.items():
        assert r.headers[name] == value
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "server" not in r.headers


def test_security_headers_on_401_and_413(anon, client):
    for r in (
        anon.get(ORGS),
        client.post(
            ORGS, content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/json"}
        ),
    ):
        assert r.status_code in (401, 413)
        for name, value in SECURITY.items():
            assert r.headers[name] == value


def test_cors_refuses_origins_not_configured(settings, engine):
    # No CORS_ORIGINS (the default): no browser origin may read answers.
    default = ApiClient(create_app(settings, engine=engine))
    configured = ApiClient(
        create_app(
            settings.model_copy(update={"cors_origins": ["https://tangara.example"]}),
            engine=engine,
        )
    )
    try:
        preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        for c in (default, configured):
            r = c.request("OPTIONS", ORGS, headers=preflight)
            assert r.status_code != 200 or "access-control-allow-origin" not in r.headers
            assert "access-control-allow-origin" not in r.headers
            r = c.get("/health", headers={"Origin": "https://evil.example"})
            assert "access-control-allow-origin" not in r.headers
        r = configured.get("/health", headers={"Origin": "https://tangara.example"})
        assert r.headers["access-control-allow-origin"] == "https://tangara.example"
    finally:
        default.close()
        configured.close()


def _app_in_the_test(app, settings, engine, **changes):
    """An app with other settings whose requests work in the test's transaction."""
    other = create_app(settings.model_copy(update=changes), engine=engine)
    other.dependency_overrides.update(app.dependency_overrides)
    return other


def test_a_body_trickled_past_the_deadline_is_408(app, settings, engine, root_token):
    slow = _app_in_the_test(
        app, settings, engine, body_read_timeout_s=0.3, body_min_rate_bytes_s=1000
    )
    c = ApiClient(slow, headers={"Authorization": f"Bearer {root_token}"})
    sent = []

    async def trickle():
        for byte in b'{"code": "slow", "name": "Slow"}':
            sent.append(byte)
            yield bytes([byte])
            await asyncio.sleep(0.05)

    try:
        r = c.post(ORGS, content=trickle(), headers={"content-type": "application/json"})
        body = assert_problem(r, 408)
        assert body["detail"].startswith("The request body did not arrive within the time")
        assert r.headers["x-content-type-options"] == "nosniff"
        assert len(sent) < 32  # cut before the end
    finally:
        c.close()


def test_a_body_sent_in_time_is_not_cut(app, settings, engine):
    c = ApiClient(_app_in_the_test(app, settings, engine, body_read_timeout_s=5))

    async def chunks():
        for part in (b'{"username": "a', b'bc", "password": "x"}'):
            yield part
            await asyncio.sleep(0.01)

    try:
        r = c.post(
            "/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
        )
        assert_problem(r, 401)
    finally:
        c.close()


def test_failed_logins_for_one_username_are_429_with_retry_after(anon):
    name = f"victima{uuid.uuid4().hex[:6]}"
    answers = [
        anon.post("/api/v1/auth/login", json={"username": name, "password": "x"}).status_code
        for _ in range(MAX_FAILURES + 3)
    ]
    assert answers == [401] * MAX_FAILURES + [429] * 3
    r = anon.post("/api/v1/auth/login", json={"username": name, "password": "x"})
    body = assert_problem(r, 429)
    assert 1 <= int(r.headers["retry-after"]) <= 15 * 60 + 1
    assert "username or from this address" in body["detail"]


def test_failed_logins_from_one_address_lock_it_out_for_every_username(anon, client, make_token):
    org = client.post(ORGS, json={"code": "spray", "name": "Spray"}).json()
    make_token(org["id"], username="legitimo.usuario")
    for i in range(MAX_ADDRESS_FAILURES):
        r = anon.post("/api/v1/auth/login", json={"username": f"spray{i}", "password": "x"})
        assert r.status_code == 401
    # Even the right password of another user waits: the address is locked out.
    r = anon.post("/api/v1/auth/login", json={"username": "legitimo.usuario", "password": "x"})
    assert_problem(r, 429)
    assert int(r.headers["retry-after"]) > 0


def test_a_name_no_user_can_have_cannot_touch_another_address_throttle(anon, session):
    from sqlalchemy import text

    # "@" starts the keys of addresses; no username starts with it.
    for _ in range(MAX_FAILURES + 1):
        r = anon.post("/api/v1/auth/login", json={"username": "@10.9.8.7", "password": "x"})
        assert r.status_code == 401
    rows = session.execute(
        text("SELECT username, failures FROM login_throttles WHERE username LIKE '@%'")
    ).all()
    # Only the address the requests came from counted them.
    assert [tuple(r) for r in rows] == [("@127.0.0.1", MAX_FAILURES + 1)]
