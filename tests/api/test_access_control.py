"""Tenancy and roles, enumerated from the OpenAPI schema so that no route can skip them.

A new route fails these tests until it is listed in ACCESS below (who may call it) and its
path parameters have an object in `objects` to aim at.
"""

import re

import pytest

from app.main import create_app
from tests.helpers import assert_problem

ANY = {"admin", "coordinator", "reporter", "viewer"}
EDITORS = {"admin", "coordinator"}
WRITERS = {"admin", "coordinator", "reporter"}
PUBLIC = "public"
AUTHENTICATED = "authenticated"
PLATFORM = "platform"
# Readable by any role of the organization, and anonymously once a cut is published.
PUBLISHED = "published"

# operation id -> who may call it (roles of the object's organization, or a marker).
ACCESS: dict[str, set[str] | str] = {
    "get_health": PUBLIC,
    "get_readiness": PUBLIC,
    "login": PUBLIC,
    "logout": AUTHENTICATED,
    "get_me": AUTHENTICATED,
    "change_password": AUTHENTICATED,
    "list_organizations": AUTHENTICATED,
    "create_organization": PLATFORM,
    "get_organization": ANY,
    "update_organization": {"admin"},
    "list_units": ANY,
    "create_unit": {"admin"},
    "get_unit": ANY,
    "update_unit": {"admin"},
    "delete_unit": {"admin"},
    "list_users": {"admin"},
    "create_user": {"admin"},
    "get_user": {"admin"},
    "update_user": {"admin"},
    "list_api_tokens": {"admin"},
    "create_api_token": {"admin"},
    "revoke_api_token": {"admin"},
    "list_plans": AUTHENTICATED,
    "create_plan": EDITORS,
    "get_plan": ANY,
    "update_plan": EDITORS,
    "delete_plan": EDITORS,
    "get_plan_tree": PUBLISHED,
    "list_plan_changes": ANY,
    "list_nodes": ANY,
    "create_node": EDITORS,
    "get_node": ANY,
    "update_node": EDITORS,
    "delete_node": EDITORS,
    "list_actions": ANY,
    "create_action": EDITORS,
    "get_action": ANY,
    "update_action": EDITORS,
    "delete_action": EDITORS,
    "list_indicators": ANY,
    "create_indicator": EDITORS,
    "get_indicator": ANY,
    "update_indicator": EDITORS,
    "delete_indicator": EDITORS,
    "get_programming": ANY,
    "replace_programming": EDITORS,
    "list_budget_allocations": ANY,
    "create_budget_allocation": EDITORS,
    "get_budget_allocation": ANY,
    "update_budget_allocation": EDITORS,
    "delete_budget_allocation": EDITORS,
    "list_cuts": ANY,
    "create_cut": EDITORS,
    "get_cut": PUBLISHED,
    "update_cut": EDITORS,
    "close_cut": EDITORS,
    "reopen_cut": EDITORS,
    "publish_cut": EDITORS,
    "import_measurements": WRITERS,
    "list_measurements": ANY,
    "list_followups": ANY,
    "get_followup": ANY,
    "write_followup": WRITERS,
    "submit_followup": WRITERS,
    "approve_followup": EDITORS,
    "return_followup": EDITORS,
    "add_evidence": WRITERS,
    "list_evidence": ANY,
    "get_evidence": ANY,
    "download_evidence": ANY,
    "delete_evidence": WRITERS,
    "get_cut_results": PUBLISHED,
    "get_results_by_unit": PUBLISHED,
    "get_results_by_axis": PUBLISHED,
    "get_results_by_band": PUBLISHED,
    "get_results_by_status": PUBLISHED,
    "list_cut_revisions": PUBLISHED,
    "get_cut_revision": PUBLISHED,
    "get_cut_revision_diff": PUBLISHED,
    "get_cut_alerts": ANY,
    "get_plan_alerts": ANY,
    "get_reporting_status": ANY,
    "get_evidence_completeness": ANY,
    "get_unit_digest": ANY,
    "get_plan_trend": ANY,
    "get_plan_budget": ANY,
    "import_financial_execution": WRITERS,
    "list_financial_execution": ANY,
    "get_financial_advance": ANY,
    "get_job": ANY,
    # Its creator, or the organization's editors.
    "retry_job": EDITORS,
    "create_report": ANY,
    "list_reports": PUBLISHED,
    "get_report": PUBLISHED,
    "download_report": PUBLISHED,
    "get_workbook_template": AUTHENTICATED,
    "get_plan_workbook": ANY,
    "import_plan_workbook": EDITORS,
    "import_into_plan": WRITERS,
    "export_cut_results": PUBLISHED,
    "list_webhooks": {"admin"},
    "create_webhook": {"admin"},
    "get_webhook": {"admin"},
    "update_webhook": {"admin"},
    "delete_webhook": {"admin"},
    "list_webhook_deliveries": {"admin"},
    "redeliver_webhook_delivery": {"admin"},
}

OPERATIONS = [
    (path, method.upper(), op["operationId"])
    for path, ops in create_app().openapi()["paths"].items()
    for method, op in ops.items()
]


def test_every_route_has_an_access_rule():
    missing = sorted(op for _, _, op in OPERATIONS if op not in ACCESS)
    assert not missing, f"add these operations to ACCESS: {missing}"


@pytest.fixture(scope="module")
def world(module_client, module_make_token, module_as_token):
    """Two organizations; in the first, one object of every kind and a token per role.

    Built once for the module; each test's changes to it are rolled back after the test."""
    client, make_token, as_token = module_client, module_make_token, module_as_token
    org = client.post("/api/v1/organizations", json={"code": "org-a", "name": "A"}).json()
    other = client.post("/api/v1/organizations", json={"code": "org-b", "name": "B"}).json()
    unit = client.post(
        f"/api/v1/organizations/{org['id']}/units", json={"code": "DAPM", "name": "Planeación"}
    ).json()
    tokens = {
        role: make_token(org["id"], role, [unit["id"]] if role == "reporter" else [])
        for role in ANY
    }
    # Built without the API: hashing a password per test would dominate the suite's time.
    target = (
        as_token(make_token(org["id"], "viewer", username="target")).get("/api/v1/auth/me").json()
    )
    api_token = client.get(f"/api/v1/users/{target['id']}/tokens").json()["items"][0]
    plan = client.post(
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
    node = client.post(f"{base}/nodes", json={"code": "OE1", "name": "O"}).json()
    action = client.post(
        f"{base}/actions", json={"code": "A1", "description": "a", "node_code": "OE1"}
    ).json()
    indicator = client.post(
        f"{base}/indicators", json={"code": "M1", "name": "m", "action_code": "A1"}
    ).json()
    allocation = client.post(
        f"{base}/budget-allocations", json={"unit_code": "DAPM", "node_code": "OE1", "planned": 10}
    ).json()
    cut = client.post(
        f"{base}/cuts", json={"code": "C1", "cut_date": "2023-06-30", "label": "Corte"}
    ).json()
    client.put(f"/api/v1/cuts/{cut['id']}/followups/{indicator['id']}", json={"narrative": "n"})
    evidence = client.post(
        f"/api/v1/cuts/{cut['id']}/followups/{indicator['id']}/evidence",
        json={"title": "Acta", "url": "https://example.org/acta"},
    ).json()
    # Queued only: no worker runs in these tests.
    job = client.post(f"/api/v1/cuts/{cut['id']}/reports", json={"format": "xlsx"}).json()
    # A public address written as such: registering it resolves no name.
    webhook = (
        as_token(tokens["admin"])
        .post("/api/v1/webhooks", json={"url": "https://93.184.215.14/h", "events": ["cut.closed"]})
        .json()
    )
    objects = {
        "job_id": job["id"],
        "report_id": job["links"]["report"].rsplit("/", 1)[1],
        "organization_id": org["id"],
        "unit_id": unit["id"],
        "user_id": target["id"],
        "cut_id": cut["id"],
        "evidence_id": evidence["id"],
        "token_id": api_token["id"],
        "plan_id": plan["id"],
        "node_id": node["id"],
        "action_id": action["id"],
        "indicator_id": indicator["id"],
        "allocation_id": allocation["id"],
        "axis": "component",
        "number": "1",  # a cut's revision
        "webhook_id": webhook["id"],
        # Never looked up: the endpoint's check answers first.
        "delivery_id": "00000000-0000-4000-8000-000000000000",
    }
    return {"objects": objects, "tokens": tokens, "outsider": make_token(other["id"], "admin")}


# Path parameter -> the name a 404 gives its object.
NAMES = {
    "organization_id": "organization",
    "unit_id": "unit",
    "user_id": "user",
    "token_id": "token",
    "plan_id": "plan",
    "node_id": "node",
    "action_id": "action",
    "indicator_id": "indicator",
    "allocation_id": "budget allocation",
    "cut_id": "cut",
    "evidence_id": "evidence",
    "webhook_id": "webhook",
    "job_id": "job",
    "report_id": "report",
}


def _url(path: str, objects: dict) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        assert name in objects, f"no object for path parameter {name}: add one to `world`"
        return objects[name]

    return re.sub(r"\{(\w+)\}", fill, path)


def _object_routes():
    return [(p, m, op) for p, m, op in OPERATIONS if "{" in p and ACCESS.get(op) != PUBLIC]


@pytest.mark.parametrize(
    ("path", "method", "op"), _object_routes(), ids=[op for _, _, op in _object_routes()]
)
def test_other_organization_gets_404(world, as_token, path, method, op):
    outsider = as_token(world["outsider"])
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    r = outsider.request(method, _url(path, world["objects"]), **kwargs)
    assert_problem(r, 404)
    # The answer names only the object the caller asked for (its first path parameter), as if
    # it did not exist: nothing about the organization it belongs to.
    first = re.search(r"\{(\w+)\}", path).group(1)
    body = r.json()
    assert re.fullmatch(r"[0-9a-f]{32}", body.pop("request_id"))
    assert body == {
        "type": "https://plan-followup.example/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": f"{NAMES[first]} {world['objects'][first]} not found",
        "instance": _url(path, world["objects"]),
    }


@pytest.mark.parametrize(
    ("path", "method", "op"),
    [o for o in OPERATIONS if ACCESS.get(o[2]) not in (PUBLIC, PUBLISHED)],
    ids=[o[2] for o in OPERATIONS if ACCESS.get(o[2]) not in (PUBLIC, PUBLISHED)],
)
def test_anonymous_gets_401(anon, world, path, method, op):
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    assert_problem(anon.request(method, _url(path, world["objects"]), **kwargs), 401)


def test_published_is_public_and_nothing_else(world, anon, client):
    objects = world["objects"]
    tree = f"/api/v1/plans/{objects['plan_id']}/tree"
    cut = f"/api/v1/cuts/{objects['cut_id']}"
    assert_problem(anon.get(tree), 404)
    assert_problem(anon.get(cut), 404)
    client.post(f"{cut}/close")
    client.post(f"{cut}/publish")
    assert anon.get(tree).status_code == 200
    assert anon.get(cut).json()["status"] == "published"
    # Everything else still needs a token.
    assert_problem(anon.get(f"/api/v1/plans/{objects['plan_id']}"), 401)
    assert_problem(anon.get(f"{cut}/followups"), 401)


def _role_cases():
    for path, method, op in OPERATIONS:
        rule = ACCESS.get(op)
        if isinstance(rule, set):
            for role in sorted(ANY - rule):
                yield pytest.param(path, method, role, id=f"{op}-{role}")
        elif rule == PLATFORM:
            for role in sorted(ANY):
                yield pytest.param(path, method, role, id=f"{op}-{role}")


@pytest.mark.parametrize(("path", "method", "role"), list(_role_cases()))
def test_role_not_enough_gets_403(world, as_token, session, path, method, role):
    caller = as_token(world["tokens"][role])
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    assert_problem(caller.request(method, _url(path, world["objects"]), **kwargs), 403)


def test_lists_show_only_own_organization(world, as_token):
    outsider = as_token(world["outsider"])
    listed = outsider.get("/api/v1/organizations").json()
    assert [o["code"] for o in listed["items"]] == ["org-b"]


def test_mass_assignment_refused(world, as_token, client):
    admin = as_token(world["tokens"]["admin"])
    objects = world["objects"]
    r = admin.post(
        f"/api/v1/organizations/{objects['organization_id']}/units",
        json={"code": "X", "name": "Y", "organization_id": objects["organization_id"]},
    )
    assert_problem(r, 422)
    r = admin.post(
        f"/api/v1/organizations/{objects['organization_id']}/users",
        json={
            "username": "sneaky",
            "full_name": "S",
            "role": "admin",
            "password": "x" * 12,
            "is_platform_admin": True,
        },
    )
    assert_problem(r, 422)
    r = admin.patch(
        f"/api/v1/users/{objects['user_id']}", json={"organization_id": objects["organization_id"]}
    )
    assert_problem(r, 422)
    me = admin.get("/api/v1/auth/me").json()
    assert_problem(admin.patch(f"/api/v1/users/{me['id']}", json={"role": "viewer"}), 403)
