"""`Idempotency-Key` on every POST that creates or imports (issue 11, defect 3).

The create routes are enumerated from the OpenAPI (a POST answering 201, or named create_* /
import_*); each one is exercised: the same key and body replay the first answer (status, body,
Location, ETag) and write nothing more, the same key with another body is 409 and writes
nothing. Concurrent requests with one key: tests/api/test_idempotency_concurrent.py.
"""

import uuid

import pytest
from sqlalchemy import func, select, text

from app.core.db import metadata
from app.demo.loader import load_structure
from app.demo.seeds import bogota
from app.main import create_app
from tests.api.test_spreadsheets import XLSX, officials_workbook
from tests.helpers import assert_problem

SCHEMA = create_app().openapi()
CREATES = sorted(
    op["operationId"]
    for path, ops in SCHEMA["paths"].items()
    for method, op in ops.items()
    if method == "post"
    and ("201" in op["responses"] or op["operationId"].startswith(("create_", "import_")))
)
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def rows(session) -> dict[str, int]:
    """How many rows every table holds: "writes nothing more" for any route."""
    return {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in metadata.sorted_tables
    }


@pytest.fixture(scope="module")
def world(module_client) -> dict:
    c = module_client
    loaded = load_structure(c, bogota.SEED)
    plan, org = loaded["plan"], loaded["organization"]
    cut = c.post(f"/api/v1/plans/{plan['id']}/cuts", json=bogota.SEED["cuts"][0]).json()
    indicators = c.get(f"/api/v1/plans/{plan['id']}/indicators", params={"limit": 100}).json()
    indicator = next(i for i in indicators["items"] if i["code"] == "IS-545")
    followup = f"/api/v1/cuts/{cut['id']}/followups/{indicator['id']}"
    assert c.put(followup, json={"narrative": "Avance del semestre."}).status_code == 201
    user = c.post(
        f"/api/v1/organizations/{org['id']}/users",
        json={
            "username": "idem.viewer",
            "full_name": "Consulta",
            "role": "viewer",
            "password": "una clave larga 123",
        },
    )
    assert user.status_code == 201, user.text
    # Two organizations with the units the officials' workbook names: one holds its plan
    # (imported into), the other receives it as a new plan.
    alc, alc2 = (
        c.post("/api/v1/organizations", json={"code": code, "name": "Alcaldía"}).json()
        for code in ("alc", "alc2")
    )
    for o in (alc, alc2):
        for code in ("DAPM", "DATIC"):
            c.post(f"/api/v1/organizations/{o['id']}/units", json={"code": code, "name": code})
    imported = c.post(
        "/api/v1/plans/import",
        params={"organization_id": alc["id"]},
        files={"file": ("plan.xlsx", officials_workbook(), XLSX)},
    )
    assert imported.status_code == 200, imported.text
    [workbook_plan] = c.get("/api/v1/plans", params={"code": "PA-2024"}).json()["items"]
    # A closed cut (lock exceptions) and an action of unit OAP (financial execution).
    closed = c.post(
        f"/api/v1/plans/{plan['id']}/cuts",
        json={"code": "2021-12", "cut_date": "2021-12-31", "label": "Diciembre 2021"},
    ).json()
    assert c.post(f"/api/v1/cuts/{closed['id']}/close").status_code == 200
    action = c.post(
        f"/api/v1/plans/{plan['id']}/actions",
        json={"code": "AF", "description": "Ejecutar", "node_code": "OBJ1", "unit_ids": ["OAP"]},
    )
    assert action.status_code == 201, action.text
    return {
        "closed_cut": closed,
        "org": org,
        "alc2": alc2,
        "plan": plan,
        "cut": cut,
        "followup": followup,
        "user": user.json(),
        "workbook_plan": workbook_plan,
    }


def requests_for(op: str, w: dict) -> tuple[str, dict, dict]:
    """(path, request A, request B): two different valid requests of the operation."""
    plan = f"/api/v1/plans/{w['plan']['id']}"

    def two(path: str, a: dict, b: dict) -> tuple[str, dict, dict]:
        return path, {"json": a}, {"json": b}

    match op:
        case "create_organization":
            return two(
                "/api/v1/organizations", {"code": "IA", "name": "A"}, {"code": "IB", "name": "B"}
            )
        case "create_unit":
            return two(
                f"/api/v1/organizations/{w['org']['id']}/units",
                {"code": "UA", "name": "Unidad A"},
                {"code": "UB", "name": "Unidad B"},
            )
        case "create_user":
            user = {"full_name": "Ana", "role": "viewer", "password": "una clave larga 123"}
            return two(
                f"/api/v1/organizations/{w['org']['id']}/users",
                {**user, "username": "idem.a"},
                {**user, "username": "idem.b"},
            )
        case "create_api_token":
            return two(f"/api/v1/users/{w['user']['id']}/tokens", {"name": "A"}, {"name": "B"})
        case "import_plan_workbook":
            params = {"organization_id": w["alc2"]["id"]}
            a = officials_workbook(cost="1")
            b = officials_workbook(cost="2")
            return (
                "/api/v1/plans/import",
                {"params": {**params, "dry_run": "true"}, "files": {"file": ("a.xlsx", a, XLSX)}},
                {"params": {**params, "dry_run": "true"}, "files": {"file": ("a.xlsx", b, XLSX)}},
            )
        case "import_into_plan":
            path = f"/api/v1/plans/{w['workbook_plan']['id']}/import"
            a, b = officials_workbook(cost="5"), officials_workbook(cost="6")
            return (
                path,
                {"files": {"file": ("a.xlsx", a, XLSX)}},
                {"files": {"file": ("b.xlsx", b, XLSX)}},
            )
        case "create_plan":
            body = {"kind": "pei", "name": "Plan", "first_year": 2024, "last_year": 2027}
            return two(
                "/api/v1/plans",
                {**body, "code": "PA", "organization_id": w["org"]["id"]},
                {**body, "code": "PB", "organization_id": w["org"]["id"]},
            )
        case "create_node":
            return two(
                f"{plan}/nodes",
                {"code": "N-A", "name": "Nodo A"},
                {"code": "N-B", "name": "Nodo B"},
            )
        case "create_action":
            body = {"description": "Formular", "node_code": "OBJ1", "unit_ids": ["OAP"]}
            return two(f"{plan}/actions", {**body, "code": "AX"}, {**body, "code": "AY"})
        case "create_indicator":
            body = {"name": "Nuevo", "node_code": "OBJ1", "accumulation": "sum"}
            return two(f"{plan}/indicators", {**body, "code": "IX"}, {**body, "code": "IY"})
        case "create_budget_allocation":
            body = {"unit_code": "OAP", "node_code": "OBJ1", "year": 2023}
            return two(
                f"{plan}/budget-allocations", {**body, "planned": 10}, {**body, "planned": 20}
            )
        case "create_cut":
            body = {"cut_date": "2023-12-31", "label": "Diciembre"}
            return two(f"{plan}/cuts", {**body, "code": "2023-12"}, {**body, "code": "2023-13"})
        case "import_measurements":
            item = {"indicator_code": "IS-545", "period_end": "2023-03-31"}
            return two(
                f"{plan}/measurements",
                {"items": [{**item, "value": 1}]},
                {"items": [{**item, "value": 2}]},
            )
        case "add_evidence":
            form = {"kind": "acta", "title": "Acta"}
            return (
                f"{w['followup']}/evidence",
                {"files": {"file": ("acta.pdf", PDF, "application/pdf")}, "data": form},
                {"files": {"file": ("foto.png", PNG, "image/png")}, "data": form},
            )
        case "create_report":
            return two(
                f"/api/v1/cuts/{w['cut']['id']}/reports", {"format": "pdf"}, {"format": "xlsx"}
            )
        case "grant_lock_exception":
            body = {"unit_code": "OAP", "until": "2099-01-01T00:00:00Z"}
            return two(
                f"/api/v1/cuts/{w['closed_cut']['id']}/lock-exceptions",
                {**body, "reason": "Corrección A"},
                {**body, "reason": "Corrección B"},
            )
        case "import_financial_execution":
            item = {"action_code": "AF", "unit_code": "OAP", "period_end": "2023-03-31", "paid": 0}
            return two(
                f"{plan}/financial-execution",
                {"items": [{**item, "committed": 1}]},
                {"items": [{**item, "committed": 2}]},
            )
        case "create_webhook":
            body = {"url": "https://93.184.215.14/h"}
            return two(
                "/api/v1/webhooks",
                {**body, "events": ["cut.closed"]},
                {**body, "events": ["cut.published"]},
            )
    raise AssertionError(f"no requests for {op}: add them here")


def test_every_create_route_is_enumerated_and_documents_the_key():
    assert len(CREATES) == 18, CREATES
    for ops in SCHEMA["paths"].values():
        for op in ops.values():
            if op.get("operationId") in CREATES:
                headers = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
                assert "Idempotency-Key" in headers, op["operationId"]
                assert "409" in op["responses"], op["operationId"]


@pytest.mark.parametrize("op", CREATES)
def test_same_key_replays_and_another_body_is_409(client, session, world, op, as_token, make_token):
    path, a, b = requests_for(op, world)
    if op == "create_webhook":  # webhooks belong to an organization: its admin registers them
        client = as_token(make_token(world["org"]["id"], "admin"))
    key = {"Idempotency-Key": f"{op}-{uuid.uuid4()}"}
    first = client.post(path, headers=key, **a)
    assert 200 <= first.status_code < 300, first.text
    assert "idempotency-replayed" not in first.headers
    before = rows(session)

    again = client.post(path, headers=key, **a)
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"
    for header in ("location", "etag", "content-type"):
        assert again.headers.get(header) == first.headers.get(header), header
    assert rows(session) == before  # nothing more written

    other = client.post(path, headers=key, **b)
    problem = assert_problem(other, 409)
    assert "Idempotency-Key" in problem["detail"]
    assert rows(session) == before

    # Without the key (or with another one) the route works as always.
    fresh = client.post(path, headers={"Idempotency-Key": f"{op}-{uuid.uuid4()}"}, **b)
    assert 200 <= fresh.status_code < 300, fresh.text


def test_a_json_body_is_the_same_whatever_its_spacing_and_key_order(client, world):
    key = {"Idempotency-Key": "org-spacing", "Content-Type": "application/json"}
    first = client.post("/api/v1/organizations", headers=key, content=b'{"code":"S1","name":"S"}')
    again = client.post(
        "/api/v1/organizations", headers=key, content=b'{ "name": "S",  "code": "S1" }'
    )
    assert first.status_code == 201 and again.status_code == 201
    assert again.json()["id"] == first.json()["id"]


def test_keys_are_per_user(client, world, make_token, as_token):
    other = as_token(make_token(platform=True, username="root2"))
    key = {"Idempotency-Key": "shared-key"}
    mine = client.post("/api/v1/organizations", headers=key, json={"code": "K1", "name": "K"})
    theirs = other.post("/api/v1/organizations", headers=key, json={"code": "K2", "name": "K"})
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_failed_request_leaves_the_key_free(client, world, session):
    key = {"Idempotency-Key": "retry-after-error"}
    plan = f"/api/v1/plans/{world['plan']['id']}"
    dup = client.post(f"{plan}/nodes", headers=key, json={"code": "OBJ1", "name": "Ya existe"})
    assert_problem(dup, 409)
    ok = client.post(f"{plan}/nodes", headers=key, json={"code": "N-7", "name": "Siete"})
    assert ok.status_code == 201, ok.text


def test_a_key_older_than_a_day_is_forgotten(client, world, session, connection):
    key = {"Idempotency-Key": "old-key"}
    body = {"code": "OLD", "name": "Vieja"}
    first = client.post("/api/v1/organizations", headers=key, json=body)
    assert first.status_code == 201
    connection.execute(
        text(
            "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
            "WHERE key = 'old-key'"
        )
    )
    # The same body after a day is a new request: here a duplicate code.
    assert_problem(client.post("/api/v1/organizations", headers=key, json=body), 409)
    assert "idempotency" not in client.post(
        "/api/v1/organizations", headers=key, json={"code": "NEW", "name": "Nueva"}
    ).headers.get("idempotency-replayed", "")
