"""Tenancy at the level of fields (issue 11, proof 5), beside the route matrix of
test_access_control.py.

- A unit reporter cannot change weights, targets, programming, plan or cut state, another
  unit's values, or its own role, whatever body it sends to whatever route.
- A coordinator (or an administrator) cannot reach another organization by putting that
  organization's ids in a body: every body field that takes an id, enumerated from the
  OpenAPI so that a new one fails `test_every_id_field_in_a_body_is_tried` until it is tried.
"""

from __future__ import annotations

import pytest

from app.main import create_app
from tests.helpers import assert_problem

YEARS = {"first_year": 2023, "last_year": 2024, "levels": ["Objetivo"]}


def _plan(client, org_id: str, code: str) -> dict:
    plan = client.post(
        "/api/v1/plans",
        json={"organization_id": org_id, "kind": "other", "code": code, "name": code, **YEARS},
    ).json()
    return plan


@pytest.fixture(scope="module")
def w(module_client, module_make_token):
    """Organization A (units U1, U2; a plan with a node, an action and two indicators, one per
    unit; a cut) and organization B with the same kinds of objects under other codes."""
    c = module_client
    out: dict = {}
    for org_code, suffix in (("ten-a", ""), ("ten-b", "B")):
        org = c.post("/api/v1/organizations", json={"code": org_code, "name": org_code}).json()
        units = {
            code: c.post(
                f"/api/v1/organizations/{org['id']}/units", json={"code": code, "name": code}
            ).json()
            for code in (f"U1{suffix}", f"U2{suffix}")
        }
        plan = _plan(c, org["id"], f"P{suffix}")
        base = f"/api/v1/plans/{plan['id']}"
        node = c.post(f"{base}/nodes", json={"code": f"N{suffix}", "name": "N"}).json()
        action = c.post(
            f"{base}/actions",
            json={
                "code": f"A{suffix}",
                "description": "a",
                "node_code": f"N{suffix}",
                "unit_ids": [units[f"U1{suffix}"]["id"]],
            },
        ).json()
        ind1 = c.post(
            f"{base}/indicators",
            json={
                "code": f"I1{suffix}",
                "name": "uno",
                "action_code": f"A{suffix}",
                "unit_code": f"U1{suffix}",
                "target_value": 100,
            },
        ).json()
        ind2 = c.post(
            f"{base}/indicators",
            json={
                "code": f"I2{suffix}",
                "name": "dos",
                "node_code": f"N{suffix}",
                "unit_code": f"U2{suffix}",
                "target_value": 50,
            },
        ).json()
        programmed = c.put(
            f"/api/v1/indicators/{ind1['id']}/programming",
            json=[{"period_end": "2023-12-31", "value": 10}],
        )
        assert programmed.status_code == 200, programmed.text
        cut = c.post(
            f"{base}/cuts", json={"code": f"C{suffix}", "cut_date": "2023-06-30", "label": "C"}
        ).json()
        out[suffix or "A"] = {
            "org": org,
            "units": units,
            "plan": plan,
            "node": node,
            "action": action,
            "ind1": ind1,
            "ind2": ind2,
            "cut": cut,
        }
    a = out["A"]
    # The other unit's follow-up, with a piece of evidence, written by the coordinator.
    out["coordinator"] = module_make_token(a["org"]["id"], "coordinator")
    out["admin"] = module_make_token(a["org"]["id"], "admin")
    out["reporter"] = module_make_token(a["org"]["id"], "reporter", [a["units"]["U1"]["id"]])
    other = f"/api/v1/cuts/{a['cut']['id']}/followups/{a['ind2']['id']}"
    assert c.put(other, json={"narrative": "de la otra unidad"}).status_code == 201
    out["other_evidence"] = c.post(
        f"{other}/evidence", json={"title": "Acta", "url": "https://example.org/acta"}
    ).json()
    return out


def _snapshot(c, w) -> dict:
    """What a reporter must not be able to change, as the API shows it."""
    a = w["A"]
    ind1 = c.get(f"/api/v1/indicators/{a['ind1']['id']}").json()
    return {
        "ind1": {k: ind1[k] for k in ("weight", "target_value", "unit_id", "contributions")},
        "node_weight": c.get(f"/api/v1/nodes/{a['node']['id']}").json()["weight"],
        "action_weight": c.get(f"/api/v1/actions/{a['action']['id']}").json()["weight"],
        "programming": c.get(f"/api/v1/indicators/{a['ind1']['id']}/programming").json(),
        "plan_status": c.get(f"/api/v1/plans/{a['plan']['id']}").json()["status"],
        "cut": {
            k: v
            for k, v in c.get(f"/api/v1/cuts/{a['cut']['id']}").json().items()
            if k not in ("updated_at",)
        },
        "ind2_measurements": c.get(f"/api/v1/indicators/{a['ind2']['id']}/measurements").json(),
        "ind2_followup": c.get(f"/api/v1/cuts/{a['cut']['id']}/followups/{a['ind2']['id']}")
        .json()
        .get("narrative"),
        "evidence": c.get(f"/api/v1/evidence/{w['other_evidence']['id']}").status_code,
    }


def _reporter_attempts(w) -> list[tuple[str, str, dict | list | None, set[int]]]:
    a = w["A"]
    ind1, ind2 = f"/api/v1/indicators/{a['ind1']['id']}", f"/api/v1/indicators/{a['ind2']['id']}"
    cut = f"/api/v1/cuts/{a['cut']['id']}"
    plan = f"/api/v1/plans/{a['plan']['id']}"
    f2 = f"{cut}/followups/{a['ind2']['id']}"
    f1 = f"{cut}/followups/{a['ind1']['id']}"
    forbidden = {403}
    return [
        # weights and targets, even of its own unit's indicator
        ("PATCH", ind1, {"weight": 9}, forbidden),
        ("PATCH", ind1, {"target_value": 1}, forbidden),
        ("PATCH", ind1, {"contributions": [{"node_id": a["node"]["id"], "weight": 9}]}, forbidden),
        ("PATCH", ind1, {"unit_id": a["units"]["U2"]["id"]}, forbidden),
        ("PATCH", f"/api/v1/nodes/{a['node']['id']}", {"weight": 9}, forbidden),
        ("PATCH", f"/api/v1/actions/{a['action']['id']}", {"weight": 9}, forbidden),
        # programming
        ("PUT", f"{ind1}/programming", [{"period_end": "2023-12-31", "value": 1}], forbidden),
        # plan and cut state
        ("PATCH", plan, {"status": "in_execution"}, forbidden),
        ("PATCH", cut, {"cut_date": "2023-12-31"}, forbidden),
        ("POST", f"{cut}/close", {"reason": "x"}, forbidden),
        ("POST", f"{cut}/publish", None, forbidden),
        ("POST", f"{cut}/reopen", {"reason": "x"}, forbidden),
        # another unit's values: by code and by id, follow-up, evidence
        (
            "POST",
            f"{plan}/measurements",
            {"items": [{"indicator_code": "I2", "period_end": "2023-06-30", "value": 7}]},
            forbidden,
        ),
        (
            "POST",
            f"{plan}/measurements",
            {"items": [{"indicator_id": a["ind2"]["id"], "period_end": "2023-06-30", "value": 7}]},
            forbidden,
        ),
        (
            "POST",
            f"{plan}/measurements",
            {
                "items": [
                    {"indicator_code": "I1", "period_end": "2023-06-30", "value": 7},
                    {"indicator_code": "I2", "period_end": "2023-06-30", "value": 7},
                ]
            },
            forbidden,
        ),
        ("PUT", f2, {"narrative": "escrito por otra unidad"}, forbidden),
        ("POST", f"{f2}/submit", None, forbidden),
        ("POST", f"{f2}/evidence", {"title": "x", "url": "https://example.org/x"}, forbidden),
        ("DELETE", f"/api/v1/evidence/{w['other_evidence']['id']}", None, forbidden),
        ("POST", f"{f2}/approve", None, forbidden),
        # state smuggled into a body it may send: refused as an unknown field
        ("PUT", f1, {"narrative": "n", "status": "approved"}, {422}),
        ("PUT", f1, {"narrative": "n", "approved_by": a["org"]["id"]}, {422}),
        ("GET", ind2 + "/measurements", None, {200}),  # reading stays allowed
    ]


def test_a_reporter_cannot_change_what_is_not_its_to_change(w, module_client, as_token):
    reporter = as_token(w["reporter"])
    before = _snapshot(module_client, w)
    for method, url, body, expected in _reporter_attempts(w):
        r = reporter.request(method, url, json=body)
        assert r.status_code in expected, (method, url, body, r.status_code, r.text)
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json"
    assert _snapshot(module_client, w) == before


def test_a_reporter_cannot_change_its_own_role_or_units(w, as_token):
    reporter = as_token(w["reporter"])
    me = reporter.get("/api/v1/auth/me").json()
    a = w["A"]
    for body in (
        {"role": "admin"},
        {"role": "coordinator"},
        {"unit_ids": [a["units"]["U1"]["id"], a["units"]["U2"]["id"]]},
        {"active": True},
    ):
        r = reporter.patch(f"/api/v1/users/{me['id']}", json=body)
        assert r.status_code in (403, 404), (body, r.text)
    assert_problem(
        reporter.post(
            "/api/v1/auth/password",
            json={"current_password": "x", "new_password": "y" * 20, "role": "admin"},
        ),
        422,
    )
    after = reporter.get("/api/v1/auth/me").json()
    assert (after["role"], after["unit_ids"], after["is_platform_admin"]) == (
        "reporter",
        [a["units"]["U1"]["id"]],
        False,
    )


def test_a_reporter_still_reports_for_its_own_unit(w, as_token):
    """The control: the same routes work for what is the reporter's."""
    a = w["A"]
    reporter = as_token(w["reporter"])
    r = reporter.post(
        f"/api/v1/plans/{a['plan']['id']}/measurements",
        json={"items": [{"indicator_code": "I1", "period_end": "2023-06-30", "value": 7}]},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["rejected"]) == (1, [])
    f1 = f"/api/v1/cuts/{a['cut']['id']}/followups/{a['ind1']['id']}"
    assert reporter.put(f1, json={"narrative": "propio"}).status_code == 201


# --- a coordinator and another organization's ids in a body ------------------------------------


def _id_fields() -> set[tuple[str, str]]:
    """(operation, field path) of every request-body field named *_id or *_ids."""
    spec = create_app().openapi()
    comps = spec["components"]["schemas"]

    def walk(schema: dict, prefix: str, seen: tuple):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name not in seen:
                yield from walk(comps[name], prefix, (*seen, name))
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                yield from walk(sub, prefix, seen)
        if schema.get("type") == "array" and "items" in schema:
            yield from walk(schema["items"], prefix + "[]", seen)
        for name, sub in schema.get("properties", {}).items():
            path = f"{prefix}.{name}" if prefix else name
            yield path
            yield from walk(sub, path, seen)

    found = set()
    for ops in spec["paths"].values():
        for op in ops.values():
            for content in op.get("requestBody", {}).get("content", {}).values():
                for path in walk(content.get("schema", {}), "", ()):
                    if path.rsplit(".", 1)[-1].endswith(("_id", "_ids")):
                        found.add((op["operationId"], path))
    return found


def _cross_org_cases(w) -> dict[tuple[str, str], tuple[str, str, str, object]]:
    """(operation, field) -> (who, method, url, body) naming organization B's object."""
    a, b = w["A"], w["B"]
    pa = f"/api/v1/plans/{a['plan']['id']}"
    node_b, action_b = b["node"]["id"], b["action"]["id"]
    unit_b = b["units"]["U1B"]["id"]
    ind = {"code": "X1", "name": "x"}
    return {
        ("grant_lock_exception", "unit_id"): (
            "coordinator",
            "POST",
            f"/api/v1/cuts/{a['cut']['id']}/lock-exceptions",
            {"unit_id": unit_b, "until": "2099-01-01T00:00:00Z", "reason": "Corrección"},
        ),
        ("create_plan", "organization_id"): (
            "coordinator",
            "POST",
            "/api/v1/plans",
            {"organization_id": b["org"]["id"], "kind": "other", "code": "X", "name": "X", **YEARS},
        ),
        ("create_node", "parent_id"): (
            "coordinator",
            "POST",
            f"{pa}/nodes",
            {"code": "X1", "name": "x", "parent_id": node_b},
        ),
        ("update_node", "parent_id"): (
            "coordinator",
            "PATCH",
            f"/api/v1/nodes/{a['node']['id']}",
            {"parent_id": node_b},
        ),
        ("create_action", "node_id"): (
            "coordinator",
            "POST",
            f"{pa}/actions",
            {"code": "X1", "description": "x", "node_id": node_b},
        ),
        ("create_action", "unit_ids"): (
            "coordinator",
            "POST",
            f"{pa}/actions",
            {"code": "X1", "description": "x", "node_code": "N", "unit_ids": [unit_b]},
        ),
        ("update_action", "node_id"): (
            "coordinator",
            "PATCH",
            f"/api/v1/actions/{a['action']['id']}",
            {"node_id": node_b},
        ),
        ("update_action", "unit_ids"): (
            "coordinator",
            "PATCH",
            f"/api/v1/actions/{a['action']['id']}",
            {"unit_ids": [unit_b]},
        ),
        ("create_indicator", "action_id"): (
            "coordinator",
            "POST",
            f"{pa}/indicators",
            {**ind, "action_id": action_b},
        ),
        ("create_indicator", "node_id"): (
            "coordinator",
            "POST",
            f"{pa}/indicators",
            {**ind, "node_id": node_b},
        ),
        ("create_indicator", "unit_id"): (
            "coordinator",
            "POST",
            f"{pa}/indicators",
            {**ind, "node_code": "N", "unit_id": unit_b},
        ),
        ("create_indicator", "contributions[].node_id"): (
            "coordinator",
            "POST",
            f"{pa}/indicators",
            {**ind, "node_code": "N", "contributions": [{"node_id": node_b}]},
        ),
        ("update_indicator", "unit_id"): (
            "coordinator",
            "PATCH",
            f"/api/v1/indicators/{a['ind1']['id']}",
            {"unit_id": unit_b},
        ),
        ("update_indicator", "contributions[].node_id"): (
            "coordinator",
            "PATCH",
            f"/api/v1/indicators/{a['ind1']['id']}",
            {"contributions": [{"node_id": node_b}]},
        ),
        ("create_budget_allocation", "unit_id"): (
            "coordinator",
            "POST",
            f"{pa}/budget-allocations",
            {"unit_id": unit_b, "node_code": "N", "planned": 1},
        ),
        ("create_budget_allocation", "action_id"): (
            "coordinator",
            "POST",
            f"{pa}/budget-allocations",
            {"unit_code": "U1", "action_id": action_b, "planned": 1},
        ),
        ("create_budget_allocation", "node_id"): (
            "coordinator",
            "POST",
            f"{pa}/budget-allocations",
            {"unit_code": "U1", "node_id": node_b, "planned": 1},
        ),
        ("create_user", "unit_ids"): (
            "admin",
            "POST",
            f"/api/v1/organizations/{a['org']['id']}/users",
            {
                "username": "cruzado",
                "full_name": "Cruzado",
                "role": "reporter",
                "password": "una clave bien larga",
                "unit_ids": [unit_b],
            },
        ),
        ("update_user", "unit_ids"): (
            "admin",
            "PATCH",
            "/api/v1/users/{reporter}",
            {"unit_ids": [unit_b]},
        ),
        # Not in the OpenAPI's schemas (the batch is read from the raw body): named here.
        ("import_measurements", "items[].indicator_id"): (
            "coordinator",
            "POST",
            f"{pa}/measurements",
            {"items": [{"indicator_id": b["ind1"]["id"], "period_end": "2023-06-30", "value": 5}]},
        ),
    }


def test_every_id_field_in_a_body_is_tried(w):
    tried = set(_cross_org_cases(w))
    missing = _id_fields() - tried
    assert not missing, f"add a case to _cross_org_cases for: {sorted(missing)}"


def _b_state(c, w) -> dict:
    b = w["B"]
    pb = f"/api/v1/plans/{b['plan']['id']}"
    return {
        "plans": c.get("/api/v1/plans", params={"organization_id": b["org"]["id"]}).json()["total"],
        "nodes": c.get(f"{pb}/nodes").json(),
        "actions": c.get(f"{pb}/actions").json(),
        "indicators": c.get(f"{pb}/indicators").json(),
        "allocations": c.get(f"{pb}/budget-allocations").json(),
        "measurements": c.get(f"/api/v1/indicators/{b['ind1']['id']}/measurements").json(),
        "users": c.get(f"/api/v1/organizations/{b['org']['id']}/users").json()["total"],
    }


def _a_state(c, w) -> dict:
    a = w["A"]
    pa = f"/api/v1/plans/{a['plan']['id']}"
    return {k: c.get(f"{pa}/{k}").json() for k in ("nodes", "actions", "indicators")} | {
        "users": c.get(f"/api/v1/organizations/{a['org']['id']}/users").json()["total"],
        "reporter": c.get("/api/v1/users/" + w["reporter_id"]).json()["unit_ids"],
    }


@pytest.mark.parametrize(
    "case",
    sorted(_id_fields() | {("import_measurements", "items[].indicator_id")}),
    ids=lambda case: f"{case[0]}:{case[1]}",
)
def test_another_organizations_id_in_a_body_is_refused(w, module_client, as_token, case):
    w["reporter_id"] = as_token(w["reporter"]).get("/api/v1/auth/me").json()["id"]
    who, method, url, body = _cross_org_cases(w)[case]
    url = url.replace("{reporter}", w["reporter_id"])
    before_b, before_a = _b_state(module_client, w), _a_state(module_client, w)
    r = as_token(w[who]).request(method, url, json=body)
    if case[0] == "import_measurements":
        # An unknown indicator is an item refused with its reason; nothing is written.
        assert r.status_code == 200, r.text
        summary = r.json()
        assert (summary["created"], summary["updated"], len(summary["rejected"])) == (0, 0, 1)
    else:
        assert r.status_code in (403, 404, 422), (case, r.status_code, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    assert _b_state(module_client, w) == before_b
    assert _a_state(module_client, w) == before_a


def test_a_reporter_cannot_change_the_structure_through_a_workbook(w, module_client, as_token):
    """The plan's own workbook, weights and targets edited, imported by the reporter: the
    structure rows are refused and nothing changes."""
    import csv
    import io
    import zipfile

    a = w["A"]
    plan = f"/api/v1/plans/{a['plan']['id']}"
    exported = module_client.get(f"{plan}/workbook", params={"format": "csv"})
    assert exported.status_code == 200, exported.text
    source = zipfile.ZipFile(io.BytesIO(exported.content))
    out = io.BytesIO()
    edited = 0
    with zipfile.ZipFile(out, "w") as z:
        for name in source.namelist():
            data = source.read(name).decode("utf-8-sig")
            if name.startswith(("indicators", "nodes", "actions")):
                rows = list(csv.DictReader(io.StringIO(data)))
                for row in rows:
                    if "weight" in row:
                        row["weight"] = "9"
                        edited += 1
                    if row.get("target_value"):
                        row["target_value"] = "1"
                buf = io.StringIO()
                writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
                data = buf.getvalue()
            z.writestr(name, data)
    assert edited >= 4  # the node, the action and both indicators
    before = _snapshot(module_client, w)
    r = as_token(w["reporter"]).post(
        f"{plan}/import", files={"file": ("plan.zip", out.getvalue(), "application/zip")}
    )
    body = assert_problem(r, 422)
    refused = (
        "only coordinators and administrators change a plan's structure; "
        "reporters import measurements"
    )
    assert sorted((e["sheet"], e["code"], e["msg"]) for e in body["errors"]) == [
        ("actions", "A", refused),
        ("indicators", "I1", refused),
        ("indicators", "I2", refused),
        ("nodes", "N", refused),
    ]
    assert _snapshot(module_client, w) == before
