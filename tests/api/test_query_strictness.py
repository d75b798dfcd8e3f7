"""Parameters are held to their schema (issue 11, defect 5): what Python's parsers would take
but the OpenAPI does not allow is refused with 422, located; the spellings it allows pass."""

import pytest

from tests.helpers import assert_problem

# A fixed id: the parameter ids must be the same in every xdist worker.
U = "bf612922-4b59-4e08-810d-504cf7f05ce9"


@pytest.mark.parametrize(
    ("name", "value", "msg"),
    [
        ("organization_id", U.replace("-", ""), "UUID"),
        ("organization_id", "{" + U + "}", "UUID"),
        ("organization_id", "urn:uuid:" + U, "UUID"),
        ("year", "2020.0", "integer"),
        ("year", " 2020", "integer"),
        ("year", "2020 ", "integer"),
        ("year", "2_020", "integer"),
        ("year", "+2020", "integer"),
        ("limit", "5.0", "integer"),
        ("offset", "0.0", "integer"),
    ],
)
def test_spellings_outside_the_schema_are_refused(client, name, value, msg):
    problem = assert_problem(client.get("/api/v1/plans", params={name: value}), 422)
    [error] = problem["errors"]
    assert error["loc"] == ["query", name] and msg in error["msg"]


@pytest.mark.parametrize("name", ["year", "limit", "kind", "code", "organization_id"])
def test_a_single_value_parameter_given_twice_is_refused(client, name):
    values = {
        "year": ["2020", "2021"],
        "limit": ["5", "6"],
        "kind": ["pei", "pet"],
        "code": ["A", "B"],
        "organization_id": [U, U],
    }[name]
    r = client.get("/api/v1/plans", params=[(name, v) for v in values])
    problem = assert_problem(r, 422)
    assert problem["errors"] == [{"loc": ["query", name], "msg": "given more than once"}]


def test_an_unknown_or_nameless_parameter_is_refused(client):
    assert_problem(client.get("/api/v1/plans?code=0&=null"), 422)
    assert_problem(client.get("/api/v1/plans?colour=red"), 422)


def test_path_ids_are_canonical_uuids(client):
    org = client.post("/api/v1/organizations", json={"code": "Q", "name": "Q"}).json()
    assert client.get(f"/api/v1/organizations/{org['id']}").status_code == 200
    assert client.get(f"/api/v1/organizations/{org['id'].upper()}").status_code == 200
    problem = assert_problem(client.get(f"/api/v1/organizations/{org['id'].replace('-', '')}"), 422)
    assert problem["errors"][0]["loc"] == ["path", "organization_id"]


def test_the_schema_spellings_pass(client):
    params = {
        "year": "2020",
        "limit": "5",
        "offset": "0",
        "organization_id": U,
        "kind": "pei",
        "code": "X",
        "status": "draft",
    }
    r = client.get("/api/v1/plans", params=params)
    assert r.status_code == 200, r.text
    assert r.json() == {"items": [], "total": 0}
