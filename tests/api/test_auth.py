"""Logins, tokens, anonymous callers and the first administrator."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.cli import main as cli_main
from app.core.models import utcnow
from app.core.security import token_digest
from app.users.models import ApiToken, LoginThrottle, User
from tests.conftest import TEST_PASSWORD
from tests.helpers import assert_problem


@pytest.fixture
def org(client) -> dict:
    r = client.post("/api/v1/organizations", json={"code": "sec-gen", "name": "Secretaría General"})
    assert r.status_code == 201
    return r.json()


def _create_user(client, org_id, **overrides) -> dict:
    body = {
        "username": "ana.planeacion",
        "full_name": "Ana Planeación",
        "role": "coordinator",
        "password": "una clave bien larga",
    } | overrides
    r = client.post(f"/api/v1/organizations/{org_id}/users", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_login_then_me_then_logout(client, anon, as_token, org):
    user = _create_user(client, org["id"])
    assert "password" not in user and "password_hash" not in user

    r = anon.post(
        "/api/v1/auth/login",
        json={"username": "Ana.Planeacion", "password": "una clave bien larga"},
    )
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    assert r.json()["token_type"] == "bearer"
    me = as_token(token).get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["username"] == "ana.planeacion"
    assert me.json()["role"] == "coordinator"

    assert as_token(token).post("/api/v1/auth/logout").status_code == 204
    assert_problem(as_token(token).get("/api/v1/auth/me"), 401)


def test_wrong_password_is_401_and_throttled(client, anon, org, session):
    _create_user(client, org["id"])
    for _ in range(5):
        r = anon.post(
            "/api/v1/auth/login", json={"username": "ana.planeacion", "password": "wrong password"}
        )
        assert_problem(r, 401)
    # Locked now, even with the right password.
    r = anon.post(
        "/api/v1/auth/login",
        json={"username": "ana.planeacion", "password": "una clave bien larga"},
    )
    assert_problem(r, 429)
    assert int(r.headers["retry-after"]) > 0
    throttle = session.execute(
        select(LoginThrottle).where(LoginThrottle.username == "ana.planeacion")
    ).scalar_one()
    assert throttle.failures == 5
    # The client's address counted them too (app/users/service.py, MAX_ADDRESS_FAILURES).
    by_address = session.execute(
        select(LoginThrottle).where(LoginThrottle.username == "@127.0.0.1")
    ).scalar_one()
    assert by_address.failures == 5


def test_unknown_username_is_throttled_too(anon):
    for _ in range(5):
        assert_problem(
            anon.post("/api/v1/auth/login", json={"username": "nadie", "password": "x"}), 401
        )
    assert_problem(
        anon.post("/api/v1/auth/login", json={"username": "nadie", "password": "x"}), 429
    )


def test_password_stored_hashed(client, org, session):
    _create_user(client, org["id"])
    user = session.execute(select(User).where(User.username == "ana.planeacion")).scalar_one()
    assert user.password_hash.startswith("$argon2")
    assert "una clave" not in user.password_hash


def test_api_token_shown_once_stored_as_hash(client, as_token, org, session):
    user = _create_user(client, org["id"])
    r = client.post(
        f"/api/v1/users/{user['id']}/tokens",
        json={"name": "script de avances", "expires_in_days": 30},
    )
    assert r.status_code == 201, r.text
    secret = r.json()["token"]
    assert secret.startswith("pf_") and r.json()["prefix"] == secret[:10]

    row = session.get(ApiToken, r.json()["id"])
    assert row.token_hash == token_digest(secret) and secret not in row.token_hash
    listed = client.get(f"/api/v1/users/{user['id']}/tokens").json()
    assert listed["total"] == 1 and "token" not in listed["items"][0]

    script = as_token(secret)
    assert script.get("/api/v1/auth/me").json()["username"] == "ana.planeacion"
    assert client.delete(f"/api/v1/tokens/{r.json()['id']}").status_code == 204
    assert_problem(script.get("/api/v1/auth/me"), 401)


def test_expired_token_is_401(make_token, as_token, session, org):
    token = make_token(org["id"], "viewer")
    session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == token_digest(token))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    body = assert_problem(as_token(token).get("/api/v1/auth/me"), 401)
    assert "expired" in body["detail"]


@pytest.mark.parametrize("header", ["Bearer pf_nonsense", "Basic dXNlcjpwYXNz", "Bearer", "pf_x"])
def test_malformed_or_unknown_tokens_are_401(app, header):
    from tests.conftest import ApiClient

    c = ApiClient(app, headers={"Authorization": header})
    try:
        r = c.get("/api/v1/organizations")
        assert_problem(r, 401)
        assert r.headers["www-authenticate"] == "Bearer"
    finally:
        c.close()


def test_anonymous_gets_401_on_private_routes(anon):
    assert_problem(anon.get("/api/v1/organizations"), 401)
    assert_problem(anon.post("/api/v1/organizations", json={"code": "x", "name": "y"}), 401)
    assert anon.get("/health").status_code == 200


def test_deactivated_user_loses_access(client, as_token, make_token, org):
    token = make_token(org["id"], "viewer", username="pepe")
    me = as_token(token).get("/api/v1/auth/me").json()
    assert client.patch(f"/api/v1/users/{me['id']}", json={"active": False}).status_code == 200
    assert_problem(as_token(token).get("/api/v1/auth/me"), 401)


def test_password_change_revokes_other_tokens(anon, as_token, client, org):
    _create_user(client, org["id"])

    def login(pw):
        return anon.post("/api/v1/auth/login", json={"username": "ana.planeacion", "password": pw})

    first, second = (
        login("una clave bien larga").json()["access_token"],
        login("una clave bien larga").json()["access_token"],
    )
    r = as_token(first).post(
        "/api/v1/auth/password",
        json={
            "current_password": "una clave bien larga",
            "new_password": "otra clave aún más larga",
        },
    )
    assert r.status_code == 204
    assert as_token(first).get("/api/v1/auth/me").status_code == 200
    assert_problem(as_token(second).get("/api/v1/auth/me"), 401)
    assert login("otra clave aún más larga").status_code == 200
    bad = as_token(first).post(
        "/api/v1/auth/password",
        json={"current_password": "nope", "new_password": "otra clave aún más larga"},
    )
    assert_problem(bad, 403)


def test_reporter_needs_units_and_units_of_own_org(client, org):
    r = client.post(
        f"/api/v1/organizations/{org['id']}/users",
        json={"username": "rep", "full_name": "R", "role": "reporter", "password": "x" * 12},
    )
    assert_problem(r, 422)
    other = client.post("/api/v1/organizations", json={"code": "otra", "name": "Otra"}).json()
    foreign = client.post(
        f"/api/v1/organizations/{other['id']}/units", json={"code": "DAPM", "name": "Planeación"}
    ).json()
    r = client.post(
        f"/api/v1/organizations/{org['id']}/users",
        json={
            "username": "rep",
            "full_name": "R",
            "role": "reporter",
            "password": "x" * 12,
            "unit_ids": [foreign["id"]],
        },
    )
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body", "unit_ids"]
    own = client.post(
        f"/api/v1/organizations/{org['id']}/units", json={"code": "DAPM", "name": "Planeación"}
    ).json()
    user = _create_user(client, org["id"], username="rep", role="reporter", unit_ids=["DAPM"])
    assert user["unit_ids"] == [own["id"]]


def test_duplicate_username_conflicts(client, org):
    _create_user(client, org["id"])
    r = client.post(
        f"/api/v1/organizations/{org['id']}/users",
        json={
            "username": "ana.planeacion",
            "full_name": "Otra",
            "role": "viewer",
            "password": "x" * 12,
        },
    )
    assert_problem(r, 409)


def test_create_admin_command(database_url, monkeypatch, engine, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PLAN_FOLLOWUP_ADMIN_PASSWORD", TEST_PASSWORD)
    from app.core.config import get_settings

    get_settings.cache_clear()
    try:
        cli_main(["create-admin", "--username", "First.Admin"])
    finally:
        get_settings.cache_clear()
    assert "first.admin" in capsys.readouterr().out
    with engine.begin() as conn:  # committed for real: clean it up
        user = conn.execute(select(User).where(User.username == "first.admin")).one()
        assert user.is_platform_admin and user.organization_id is None
        assert user.password_hash.startswith("$argon2")
        conn.execute(User.__table__.delete().where(User.id == user.id))


def test_create_admin_refuses_short_password(monkeypatch):
    monkeypatch.setenv("PLAN_FOLLOWUP_ADMIN_PASSWORD", "short")
    with pytest.raises(SystemExit, match="12 to 256"):
        cli_main(["create-admin", "--username", "root2"])
