"""A body of a media type an operation does not take answers 415 problem+json naming the
types it takes (issue 11, defect 2): every operation with a request body, from the OpenAPI."""

import json
import uuid

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


def concrete(path: str) -> str:
    """The path with every parameter filled (the media type is checked before the ids)."""
    out = []
    for part in path.split("/"):
        out.append(str(uuid.uuid4()) if part.startswith("{") else part)
    return "/".join(out)


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
def test_wrong_media_type_is_415(client, method, path, accepted, content_type, body):
    if content_type in accepted:
        pytest.skip("this operation takes that type")
    headers = {"Content-Type": content_type} if content_type else {}
    r = client.request(method, concrete(path), content=body.encode(), headers=headers)
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


def test_anonymous_wrong_type_is_415_too(anon):
    r = anon.post(
        "/api/v1/organizations", content=b"name=x", headers={"Content-Type": "text/plain"}
    )
    assert_problem(r, 415)
