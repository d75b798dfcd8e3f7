"""A body of a media type an operation does not take answers 415 problem+json naming the
types it takes (issue 11, defect 2): every operation with a request body, from the OpenAPI."""

import json
import re

import pytest

from app.main import create_app
from tests.helpers import assert_problem

SCHEMA = create_app().openapi()
BODY_OPERATIONS = [
    (method.upper(), path, tuple(op["requestBody"]["content"]))
    for path, ops in SCHEMA["paths"].items()
    for method, op in ops.items()
    if op.get("requestBody")
]


@pytest.fixture(scope="module")
def objects(module_client, module_make_token, module_as_token) -> dict:
    """One object of each kind a body operation names in its path (the 415 comes after the
    route has found them and checked the caller, as every other input's error does)."""
    c = module_client
    org = c.post("/api/v1/organizations", json={"code": "mt", "name": "Media"}).json()
    unit = c.post(f"/api/v1/organizations/{org['id']}/units", json={"code": "U", "name": "U"})
    plan = c.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "pet",
            "code": "P",
            "name": "P",
            "first_year": 2023,
            "last_year": 2024,
            "levels": ["Objetivo"],
        },
    ).json()
    base = f"/api/v1/plans/{plan['id']}"
    node = c.post(f"{base}/nodes", json={"code": "N", "name": "N"}).json()
    action = c.post(f"{base}/actions", json={"code": "A", "description": "a", "node_code": "N"})
    indicator = c.post(f"{base}/indicators", json={"code": "I", "name": "i", "action_code": "A"})
    allocation = c.post(
        f"{base}/budget-allocations", json={"unit_code": "U", "node_code": "N", "planned": 1}
    )
    cut = c.post(f"{base}/cuts", json={"code": "C", "cut_date": "2023-06-30", "label": "C"})
    followup = f"/api/v1/cuts/{cut.json()['id']}/followups/{indicator.json()['id']}"
    assert c.put(followup, json={"narrative": "n"}).status_code == 201
    admin = module_make_token(org["id"], "admin")
    me = module_as_token(admin).get("/api/v1/auth/me").json()
    webhook = module_as_token(admin).post(
        "/api/v1/webhooks", json={"url": "https://93.184.215.14/h", "events": ["cut.closed"]}
    )
    return {
        "organization_id": org["id"],
        "unit_id": unit.json()["id"],
        "user_id": me["id"],
        "plan_id": plan["id"],
        "node_id": node["id"],
        "action_id": action.json()["id"],
        "indicator_id": indicator.json()["id"],
        "allocation_id": allocation.json()["id"],
        "cut_id": cut.json()["id"],
        "webhook_id": webhook.json()["id"],
    }


def concrete(path: str, objects: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: objects[m.group(1)], path)


def test_the_operations_with_a_body_are_enumerated():
    assert len(BODY_OPERATIONS) >= 30
    json_only = [o for o in BODY_OPERATIONS if o[2] == ("application/json",)]
    assert len(json_only) >= 25


@pytest.mark.parametrize(("method", "path", "accepted"), BODY_OPERATIONS)
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", json.dumps({"code": "X", "name": "y"})),
        ("application/x-www-form-urlencoded", "code=X&name=y"),
        (None, json.dumps({"code": "X"})),
    ],
    ids=["json-as-text", "form-encoded", "undeclared"],
)
def test_wrong_media_type_is_415(client, objects, method, path, accepted, content_type, body):
    if content_type in accepted:
        pytest.skip("this operation takes that type")
    headers = {"Content-Type": content_type} if content_type else {}
    r = client.request(method, concrete(path, objects), content=body.encode(), headers=headers)
    if content_type is None:
        # httpx adds no Content-Type of its own to raw content
        assert "content-type" not in r.request.headers
    problem = assert_problem(r, 415)
    assert problem["accepted"] == list(accepted)
    for media_type in accepted:
        assert media_type in problem["detail"]
    header = {"POST": "accept-post", "PATCH": "accept-patch", "PUT": "accept-put"}[method]
    assert r.headers[header] == ", ".join(accepted)


def test_the_right_type_still_passes(client):
    # JSON with a charset parameter is JSON; a body-less POST is left to the route (422).
    org = client.post("/api/v1/organizations", json={"code": "MT", "name": "Media"}).json()
    r = client.post(
        f"/api/v1/organizations/{org['id']}/units",
        content=json.dumps({"code": "SP", "name": "Secretaría de Planeación"}).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert r.status_code == 201, r.text
    missing = client.post(f"/api/v1/organizations/{org['id']}/units")
    assert_problem(missing, 422)


def test_who_may_call_is_answered_first(client, anon, as_token, make_token, objects):
    # As for every other input: 401 without a token, 404 for another organization's object.
    r = anon.post("/api/v1/organizations", content=b"x", headers={"Content-Type": "text/plain"})
    assert_problem(r, 401)
    elsewhere = client.post("/api/v1/organizations", json={"code": "otra", "name": "Otra"})
    other = as_token(make_token(elsewhere.json()["id"], "admin"))
    r = other.patch(
        f"/api/v1/plans/{objects['plan_id']}",
        content=b"name=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_problem(r, 404)
