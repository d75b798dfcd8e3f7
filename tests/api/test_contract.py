"""The HTTP contract of API.md kept where a new user found it broken (issue 11)."""

import pytest

from tests.helpers import assert_problem


@pytest.fixture
def org(client) -> dict:
    org = client.post("/api/v1/organizations", json={"code": "org", "name": "Entidad"}).json()
    unit = client.post(
        f"/api/v1/organizations/{org['id']}/units", json={"code": "OAP", "name": "OAP"}
    ).json()
    return org | {"unit": unit}


@pytest.fixture
def plan(client, org) -> dict:
    r = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "pet",
            "code": "PET",
            "name": "Plan",
            "first_year": 2023,
            "last_year": 2024,
            "levels": ["Objetivo"],
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


# --- defect 1: a unit given by its id (a UUID) where an id or a code is accepted ------------


def test_action_units_by_id_or_code(client, org, plan):
    unit_id = org["unit"]["id"]
    base = f"/api/v1/plans/{plan['id']}"
    assert client.post(f"{base}/nodes", json={"code": "OE1", "name": "Objetivo"}).status_code == 201
    by_id = client.post(
        f"{base}/actions",
        json={"code": "A1", "description": "Hacer", "node_code": "OE1", "unit_ids": [unit_id]},
    )
    assert by_id.status_code == 201, by_id.text
    assert by_id.json()["unit_ids"] == [unit_id]
    by_code = client.post(
        f"{base}/actions",
        json={"code": "A2", "description": "Hacer", "node_code": "OE1", "unit_ids": ["OAP"]},
    )
    assert by_code.json()["unit_ids"] == [unit_id]
    patched = client.patch(f"/api/v1/actions/{by_code.json()['id']}", json={"unit_ids": [unit_id]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["unit_ids"] == [unit_id]


def test_user_units_by_id_or_code(client, org):
    unit_id = org["unit"]["id"]
    r = client.post(
        f"/api/v1/organizations/{org['id']}/users",
        json={
            "username": "rep1",
            "full_name": "Reportero",
            "role": "reporter",
            "password": "a long passphrase 1",
            "unit_ids": [unit_id],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["unit_ids"] == [unit_id]
    patched = client.patch(f"/api/v1/users/{r.json()['id']}", json={"unit_ids": ["OAP"]})
    assert patched.json()["unit_ids"] == [unit_id]


def test_an_unknown_unit_id_is_named(client, plan):
    base = f"/api/v1/plans/{plan['id']}"
    client.post(f"{base}/nodes", json={"code": "OE1", "name": "Objetivo"})
    missing = "00000000-0000-4000-8000-000000000000"
    problem = assert_problem(
        client.post(
            f"{base}/actions",
            json={"code": "A1", "description": "x", "node_code": "OE1", "unit_ids": [missing]},
        ),
        422,
    )
    assert missing in problem["detail"]
