"""Organizations and units through the HTTP API: CRUD, filters, pagination, bad input."""

import uuid

import pytest
from sqlalchemy import func, select

from app.organizations.models import Organization
from app.units.models import Unit
from tests.helpers import assert_problem

ORGS = "/api/v1/organizations"


def make_org(client, **overrides) -> dict:
    body = {
        "code": "gob-cauca",
        "name": "Gobernación del Cauca",
        "kind": "gobernacion",
        "nit": "891580016-8",
    } | overrides
    r = client.post(ORGS, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def make_unit(client, org_id: str, **overrides) -> dict:
    body = {"code": "DAPM", "name": "Departamento Administrativo de Planeación"} | overrides
    r = client.post(f"{ORGS}/{org_id}/units", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()[0]


def test_create_read_organization(client):
    r = client.post(
        ORGS,
        json={"code": "alc-cali", "name": "  Alcaldía de Santiago de Cali ", "kind": "alcaldia"},
    )
    assert r.status_code == 201
    org = r.json()
    assert org["code"] == "alc-cali"
    assert org["name"] == "Alcaldía de Santiago de Cali"
    assert org["kind"] == "alcaldia"
    assert org["nit"] is None
    uuid.UUID(org["id"])
    assert org["created_at"].endswith(("Z", "+00:00"))
    assert r.headers["location"] == f"{ORGS}/{org['id']}"
    assert r.headers["etag"]

    got = client.get(f"{ORGS}/{org['id']}")
    assert got.status_code == 200
    assert got.json() == org
    assert got.headers["etag"] == r.headers["etag"]


def test_list_organizations_filters_and_pages(client):
    for i in range(7):
        make_org(client, code=f"org-{i}", name=f"Entidad {i}")
    make_org(client, code="sec-general", name="Secretaría General de Bogotá")

    page = client.get(ORGS, params={"limit": 3, "offset": 2}).json()
    assert page["total"] == 8
    assert [o["code"] for o in page["items"]] == ["org-2", "org-3", "org-4"]

    by_name = client.get(ORGS, params={"q": "general"}).json()
    assert by_name["total"] == 1 and by_name["items"][0]["code"] == "sec-general"
    assert client.get(ORGS, params={"code": "org-5"}).json()["total"] == 1
    # LIKE wildcards in the search are taken literally.
    assert client.get(ORGS, params={"q": "%"}).json()["total"] == 0


@pytest.mark.parametrize("limit", [0, 501, -1])
def test_list_limit_is_bounded(client, limit):
    body = assert_problem(client.get(ORGS, params={"limit": limit}), 422)
    assert body["errors"][0]["loc"] == ["query", "limit"]


def test_patch_organization_with_if_match(client):
    org = make_org(client)
    etag = client.get(f"{ORGS}/{org['id']}").headers["etag"]

    r = client.patch(
        f"{ORGS}/{org['id']}",
        json={"name": "Gobernación del Cauca (PET)"},
        headers={"If-Match": etag},
    )
    assert r.status_code == 200
    assert r.json()["name"] == "Gobernación del Cauca (PET)"
    assert r.json()["code"] == "gob-cauca"
    assert r.headers["etag"] != etag

    stale = client.patch(f"{ORGS}/{org['id']}", json={"name": "Otra"}, headers={"If-Match": etag})
    assert_problem(stale, 412)
    assert client.get(f"{ORGS}/{org['id']}").json()["name"] == "Gobernación del Cauca (PET)"


def test_patch_null_on_required_field_is_refused(client):
    org = make_org(client)
    body = assert_problem(client.patch(f"{ORGS}/{org['id']}", json={"name": None}), 422)
    assert body["errors"][0]["loc"] == ["body", "name"]
    # nit is optional: it may be cleared.
    r = client.patch(f"{ORGS}/{org['id']}", json={"nit": None})
    assert r.status_code == 200 and r.json()["nit"] is None


def test_duplicate_organization_code_conflicts(client, session):
    make_org(client)
    body = assert_problem(client.post(ORGS, json={"code": "gob-cauca", "name": "Otra"}), 409)
    assert "code" in body["detail"]
    assert count(session, Organization) == 1


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({"name": "Sin código"}, ["body", "code"]),
        ({"code": "x", "name": "y", "role": "admin"}, ["body", "role"]),
        ({"code": "x", "name": "y" * 301}, ["body", "name"]),
        ({"code": "x", "name": 12}, ["body", "name"]),
        ({"code": "bad code!", "name": "y"}, ["body", "code"]),
        ({"code": "x", "name": "y", "kind": "empresa"}, ["body", "kind"]),
        ({"code": "x", "name": "y", "nit": "abc"}, ["body", "nit"]),
        ({"code": "x", "name": "   "}, ["body", "name"]),
    ],
)
def test_bad_organization_bodies_write_nothing(client, session, payload, loc):
    body = assert_problem(client.post(ORGS, json=payload), 422)
    assert loc in [e["loc"] for e in body["errors"]]
    assert count(session, Organization) == 0


def test_malformed_json_is_400(client, session):
    r = client.post(ORGS, content=b'{"code": "x", ', headers={"content-type": "application/json"})
    assert_problem(r, 400)
    assert count(session, Organization) == 0


def test_unknown_organization_is_404(client):
    assert_problem(client.get(f"{ORGS}/{uuid.uuid4()}"), 404)
    assert_problem(client.patch(f"{ORGS}/{uuid.uuid4()}", json={"name": "x"}), 404)
    body = assert_problem(client.get(f"{ORGS}/not-a-uuid"), 422)
    assert body["errors"][0]["loc"] == ["path", "organization_id"]


def test_units_crud(client):
    org = make_org(client)
    unit = make_unit(client, org["id"], acronym="DAPM")
    assert unit["organization_id"] == org["id"]
    assert unit["active"] is True

    got = client.get(f"/api/v1/units/{unit['id']}")
    assert got.json() == unit
    r = client.patch(
        f"/api/v1/units/{unit['id']}",
        json={"active": False},
        headers={"If-Match": got.headers["etag"]},
    )
    assert r.status_code == 200 and r.json()["active"] is False

    make_unit(client, org["id"], code="DATIC", name="Departamento Administrativo de TIC")
    listed = client.get(f"{ORGS}/{org['id']}/units").json()
    assert [u["code"] for u in listed["items"]] == ["DAPM", "DATIC"]
    assert client.get(f"{ORGS}/{org['id']}/units", params={"active": "true"}).json()["total"] == 1

    assert client.delete(f"/api/v1/units/{unit['id']}").status_code == 204
    assert_problem(client.get(f"/api/v1/units/{unit['id']}"), 404)


def test_unit_code_unique_within_organization_only(client, session):
    cauca = make_org(client)
    cali = make_org(client, code="alc-cali", name="Alcaldía de Cali")
    make_unit(client, cauca["id"])
    make_unit(client, cali["id"])  # same code, other organization: fine
    dup = client.post(f"{ORGS}/{cauca['id']}/units", json={"code": "DAPM", "name": "Otra"})
    body = assert_problem(dup, 409)
    assert "code" in body["detail"]
    assert count(session, Unit) == 2


def test_unit_rename_to_existing_code_conflicts(client):
    org = make_org(client)
    make_unit(client, org["id"])
    other = make_unit(client, org["id"], code="DATIC", name="TIC")
    assert_problem(client.patch(f"/api/v1/units/{other['id']}", json={"code": "DAPM"}), 409)
    assert client.get(f"/api/v1/units/{other['id']}").json()["code"] == "DATIC"


def test_units_of_unknown_organization(client):
    assert_problem(client.get(f"{ORGS}/{uuid.uuid4()}/units"), 404)
    assert_problem(
        client.post(f"{ORGS}/{uuid.uuid4()}/units", json={"code": "A", "name": "B"}), 404
    )


def test_unit_delete_honours_if_match(client):
    org = make_org(client)
    unit = make_unit(client, org["id"])
    assert_problem(client.delete(f"/api/v1/units/{unit['id']}", headers={"If-Match": '"x"'}), 412)
    assert client.get(f"/api/v1/units/{unit['id']}").status_code == 200


def test_control_characters_refused_in_bodies_and_filters(client, session):
    body = assert_problem(client.post(ORGS, json={"code": "x", "name": "a\u0000b"}), 422)
    assert body["errors"][0]["loc"] == ["body", "name"]
    assert_problem(client.get(ORGS, params={"code": "\u0000"}), 422)
    assert_problem(client.get(ORGS, params={"q": "a\u0000"}), 422)
    assert count(session, Organization) == 0
