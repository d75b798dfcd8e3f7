"""Plans and their structure through the HTTP API, built from the seed documents."""

import copy
import uuid

import pytest
from sqlalchemy import func, select

from app.demo.loader import load_structure
from app.demo.seeds import bogota, cali_pet, cauca
from app.plans.models import Action, Indicator, Node, Plan
from tests.helpers import assert_problem


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def org(client) -> dict:
    org = client.post("/api/v1/organizations", json={"code": "org", "name": "Entidad"}).json()
    client.post(f"/api/v1/organizations/{org['id']}/units", json={"code": "OAP", "name": "OAP"})
    return org


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
            "levels": ["Objetivo", "Estrategia"],
            "axes": [
                {
                    "code": "component",
                    "name": "Componente",
                    "values": [{"code": "tic", "label": "TIC para el Estado"}],
                }
            ],
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n["children"])


def test_cauca_pet_structure(client):
    loaded = load_structure(client, cauca.SEED)
    tree = client.get(f"/api/v1/plans/{loaded['plan']['id']}/tree").json()
    assert tree["plan"]["levels"] == ["Objetivo específico", "Estrategia"]
    assert [b["code"] for b in tree["plan"]["bands"]] == ["red", "yellow", "green"]
    assert [b["lower_bound"] for b in tree["plan"]["bands"]] == [0, 50, 100]
    objectives = tree["nodes"]
    assert [o["code"] for o in objectives] == ["OE1", "OE2", "OE3"]
    strategies = [s for o in objectives for s in o["children"]]
    assert len(strategies) == 7
    assert all(s["level"] == 1 and s["level_name"] == "Estrategia" for s in strategies)
    actions = [a for s in strategies for a in s["actions"]]
    seed_actions = [a["code"] for a in cauca.SEED["actions"]]
    assert sorted(a["code"] for a in actions) == sorted(seed_actions)
    metas = [i for a in actions for i in a["indicators"]]
    assert sorted(i["code"] for i in metas) == sorted(i["code"] for i in cauca.SEED["indicators"])
    # Texts come back as the seed wrote them.
    first = next(a for a in actions if a["code"] == cauca.SEED["actions"][0]["code"])
    assert first["description"] == cauca.SEED["actions"][0]["description"]


def test_bogota_pei_structure_with_shared_indicator(client):
    loaded = load_structure(client, bogota.SEED)
    tree = client.get(f"/api/v1/plans/{loaded['plan']['id']}/tree").json()
    objectives = tree["nodes"]
    assert [o["code"] for o in objectives] == [f"OBJ{i}" for i in range(1, 9)]
    codes = {o["code"]: [i["code"] for i in o["indicators"]] for o in objectives}
    assert codes["OBJ5"] == ["IS-545", "IS-546"]
    assert codes["OBJ7"] == ["MG-7.1", "MG-7.2"]
    is543 = next(i for o in objectives for i in o["indicators"] if i["code"] == "IS-543")
    node_ids = {o["code"]: o["id"] for o in objectives}
    assert {c["node_id"] for c in is543["contributions"]} == {node_ids["OBJ2"], node_ids["OBJ3"]}
    is546 = next(i for i in objectives[4]["indicators"] if i["code"] == "IS-546")
    assert is546["source"] == "sectoral"
    assert is546["annual_programming"] == [{"year": 2023, "programmed": 208446}]


def test_tree_uses_a_constant_number_of_statements(client, queries):
    small = load_structure(client, bogota.SEED)
    large = load_structure(client, cauca.SEED)
    queries.reset()
    client.get(f"/api/v1/plans/{small['plan']['id']}/tree")
    small_count = queries.count
    queries.reset()
    client.get(f"/api/v1/plans/{large['plan']['id']}/tree")
    assert queries.count == small_count
    assert small_count <= 12


def test_codes_accepted_in_place_of_ids(client, plan, org):
    base = f"/api/v1/plans/{plan['id']}"
    root = client.post(f"{base}/nodes", json={"code": "OE1", "name": "Objetivo 1"}).json()
    child = client.post(
        f"{base}/nodes", json={"code": "E1", "name": "Estrategia 1", "parent_code": "OE1"}
    ).json()
    assert child["parent_id"] == root["id"] and child["level"] == 1
    action = client.post(
        f"{base}/actions",
        json={
            "code": "A1",
            "description": "Hacer",
            "node_code": "E1",
            "unit_ids": ["OAP"],
            "start_date": "2023-10-01",
            "due_date": "2023-12-31",
            "planned_cost": 1500000,
            "axis_values": {"component": "tic"},
        },
    ).json()
    assert action["node_id"] == child["id"] and len(action["unit_ids"]) == 1
    ind = client.post(
        f"{base}/indicators",
        json={
            "code": "M1",
            "name": "Meta",
            "action_code": "A1",
            "unit_code": "OAP",
            "unit_of_measure": "percentage",
            "accumulation": "increasing",
            "baseline_value": 10,
            "target_value": 90,
        },
    ).json()
    assert ind["action_id"] == action["id"]
    assert ind["max_value"] == 100 and ind["min_value"] == 0
    r = client.put(
        f"/api/v1/indicators/{ind['id']}/programming",
        json=[
            {"period_end": "2023-12-31", "value": 40},
            {"period_end": "2024-06-30", "value": 60},
            {"period_end": "2024-12-31", "value": 90},
        ],
    )
    assert r.status_code == 200, r.text
    assert r.json()["annual"] == [
        {"year": 2023, "programmed": 40},  # level types: the last
        {"year": 2024, "programmed": 90},
    ]  # level of each year


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("nodes", {"code": "E9", "name": "x", "parent_code": "NOPE"}, ["body", "parent_code"]),
        ("nodes", {"code": "OE9", "name": "x", "weight": -1}, ["body", "weight"]),
        (
            "actions",
            {"code": "A9", "description": "x", "node_code": "OE1", "start_date": "2030-01-01"},
            ["body", "start_date"],
        ),
        (
            "actions",
            {
                "code": "A9",
                "description": "x",
                "node_code": "OE1",
                "start_date": "2024-05-01",
                "due_date": "2024-01-01",
            },
            ["body", "due_date"],
        ),
        (
            "actions",
            {
                "code": "A9",
                "description": "x",
                "node_code": "OE1",
                "axis_values": {"habilitador": "x"},
            },
            ["body", "axis_values", "habilitador"],
        ),
        (
            "actions",
            {
                "code": "A9",
                "description": "x",
                "node_code": "OE1",
                "axis_values": {"component": "nope"},
            },
            ["body", "axis_values", "component"],
        ),
        (
            "actions",
            {"code": "A9", "description": "x", "node_code": "OE1", "unit_ids": ["NOPE"]},
            ["body", "unit_ids"],
        ),
        ("actions", {"code": "A9", "description": "x"}, ["body", "node_id"]),
        ("indicators", {"code": "I9", "name": "x"}, ["body", "action_id"]),
        (
            "indicators",
            {
                "code": "I9",
                "name": "x",
                "node_code": "OE1",
                "unit_of_measure": "percentage",
                "target_value": 150,
            },
            ["body", "target_value"],
        ),
        (
            "indicators",
            {"code": "I9", "name": "x", "node_code": "OE1", "organization_id": "x"},
            ["body", "organization_id"],
        ),
    ],
)
def test_bad_structure_is_refused_and_writes_nothing(client, session, plan, path, body, loc):
    base = f"/api/v1/plans/{plan['id']}"
    client.post(f"{base}/nodes", json={"code": "OE1", "name": "Objetivo 1"})
    before = (count(session, Node), count(session, Action), count(session, Indicator))
    problem = assert_problem(client.post(f"{base}/{path}", json=body), 422)
    assert loc in [e["loc"] for e in problem["errors"]], problem
    assert (count(session, Node), count(session, Action), count(session, Indicator)) == before


def test_node_rules_levels_cycles_other_plans(client, plan, org):
    base = f"/api/v1/plans/{plan['id']}"
    oe = client.post(f"{base}/nodes", json={"code": "OE1", "name": "O"}).json()
    e = client.post(f"{base}/nodes", json={"code": "E1", "name": "E", "parent_id": oe["id"]}).json()
    # Below the last level.
    assert_problem(
        client.post(f"{base}/nodes", json={"code": "X", "name": "x", "parent_id": e["id"]}), 422
    )
    # A cycle: the objective under its own strategy.
    body = assert_problem(
        client.patch(f"/api/v1/nodes/{oe['id']}", json={"parent_id": e["id"]}), 422
    )
    assert body["errors"][0]["loc"] == ["body", "parent_id"]
    # A parent of another plan.
    other = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "pei",
            "code": "PEI",
            "name": "Otro",
            "first_year": 2023,
            "last_year": 2024,
            "levels": ["Objetivo"],
        },
    ).json()
    assert_problem(
        client.post(
            f"/api/v1/plans/{other['id']}/nodes",
            json={"code": "Y", "name": "y", "parent_id": oe["id"]},
        ),
        422,
    )
    # Duplicate code in the plan.
    assert_problem(client.post(f"{base}/nodes", json={"code": "OE1", "name": "again"}), 409)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"first_year": 2025, "last_year": 2023}, ["body"]),
        (
            {"bands": [{"lower_bound": 10, "code": "a", "label": "A", "color": "#000000"}]},
            ["body", "bands"],
        ),
        (
            {
                "bands": [
                    {"lower_bound": 0, "code": "a", "label": "A", "color": "#000000"},
                    {"lower_bound": 0, "code": "b", "label": "B", "color": "#111111"},
                ]
            },
            ["body", "bands"],
        ),
        (
            {"bands": [{"lower_bound": 0, "code": "a", "label": "A", "color": "red"}]},
            ["body", "bands", 0, "color"],
        ),
        ({"axes": [{"code": "x", "name": "X", "values": []}]}, ["body", "axes", 0, "values"]),
        ({"tolerance_pct": -1}, ["body", "tolerance_pct"]),
    ],
)
def test_bad_plans_refused(client, session, org, body, loc):
    base = {
        "organization_id": org["id"],
        "kind": "pet",
        "code": "P",
        "name": "P",
        "first_year": 2023,
        "last_year": 2024,
    }
    problem = assert_problem(client.post("/api/v1/plans", json=base | body), 422)
    assert any(e["loc"][: len(loc)] == loc for e in problem["errors"]), problem
    assert count(session, Plan) == 0


def test_status_transitions_and_change_control(client, plan):
    base = f"/api/v1/plans/{plan['id']}"
    node = client.post(f"{base}/nodes", json={"code": "OE1", "name": "O"}).json()
    assert_problem(client.patch(base, json={"status": "closed"}), 409)
    r = client.patch(base, json={"status": "approved", "approval_reference": "Acta 002"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved" and r.json()["version"] == 1
    # Now every change needs a reason and raises the version.
    body = assert_problem(client.patch(f"/api/v1/nodes/{node['id']}", json={"name": "Nuevo"}), 422)
    assert body["errors"][0]["loc"] == ["query", "reason"]
    r = client.patch(
        f"/api/v1/nodes/{node['id']}",
        json={"name": "Nuevo"},
        params={"reason": "Ajuste aprobado por el comité"},
    )
    assert r.status_code == 200
    assert client.get(base).json()["version"] == 2
    changes = client.get(f"{base}/changes", params={"entity": "node"}).json()
    assert changes["total"] == 2
    last = changes["items"][-1]
    assert last["operation"] == "update" and last["reason"] == "Ajuste aprobado por el comité"
    assert last["before"]["name"] == "O" and last["after"]["name"] == "Nuevo"
    assert last["actor_username"] == "root" and last["plan_version"] == 2
    all_changes = client.get(f"{base}/changes").json()
    assert [c["entity"] for c in all_changes["items"]] == ["plan", "node", "plan", "node"]


def test_delete_in_draft_cascades_and_says_so(client, plan, session):
    base = f"/api/v1/plans/{plan['id']}"
    oe = client.post(f"{base}/nodes", json={"code": "OE1", "name": "O"}).json()
    client.post(f"{base}/nodes", json={"code": "E1", "name": "E", "parent_code": "OE1"})
    client.post(f"{base}/actions", json={"code": "A1", "description": "a", "node_code": "E1"})
    ind = client.post(
        f"{base}/indicators", json={"code": "M1", "name": "m", "action_code": "A1"}
    ).json()
    client.put(
        f"/api/v1/indicators/{ind['id']}/programming",
        json=[{"period_end": "2023-12-31", "value": 5}],
    )
    r = client.delete(f"/api/v1/nodes/{oe['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] == {
        "nodes": 2,
        "actions": 1,
        "indicators": 1,
        "contributions": 0,
        "programming": 1,
        "budget_allocations": 0,
        "measurements": 0,
        "followups": 0,
        "financial_executions": 0,
    }
    assert count(session, Node) == count(session, Action) == count(session, Indicator) == 0


def test_delete_after_approval_refuses_what_others_depend_on(client, plan, session):
    base = f"/api/v1/plans/{plan['id']}"
    oe = client.post(f"{base}/nodes", json={"code": "OE1", "name": "O"}).json()
    client.post(f"{base}/nodes", json={"code": "E1", "name": "E", "parent_code": "OE1"})
    client.patch(base, json={"status": "approved"})
    r = client.delete(f"/api/v1/nodes/{oe['id']}", params={"reason": "ya no aplica"})
    body = assert_problem(r, 409)
    assert "Retire" in body["detail"]
    assert count(session, Node) == 2
    r = client.patch(
        f"/api/v1/nodes/{oe['id']}", json={"retired": True}, params={"reason": "ya no aplica"}
    )
    assert r.status_code == 200 and r.json()["retired_at"]
    tree = client.get(f"{base}/tree").json()
    assert tree["nodes"] == []


def test_budget_matrix_inputs_for_cali(client):
    loaded = load_structure(client, cali_pet.SEED)
    listed = client.get(
        f"/api/v1/plans/{loaded['plan']['id']}/budget-allocations", params={"limit": 500}
    ).json()
    assert listed["total"] == len(cali_pet.SEED["budget_allocations"])
    total = sum(a["planned"] for a in listed["items"])
    assert total == 3_538_975_000


def test_load_twice_changes_nothing(client, session):
    load_structure(client, bogota.SEED)
    counts = (count(session, Plan), count(session, Node), count(session, Indicator))
    again = load_structure(client, copy.deepcopy(bogota.SEED))
    assert again["created"] is False
    assert (count(session, Plan), count(session, Node), count(session, Indicator)) == counts


def test_plan_filters(client, org):
    for code, kind, first, last in [("A", "pet", 2016, 2019), ("B", "pei", 2020, 2024)]:
        client.post(
            "/api/v1/plans",
            json={
                "organization_id": org["id"],
                "kind": kind,
                "code": code,
                "name": code,
                "first_year": first,
                "last_year": last,
            },
        )
    assert [
        p["code"] for p in client.get("/api/v1/plans", params={"year": 2021}).json()["items"]
    ] == ["B"]
    assert client.get("/api/v1/plans", params={"kind": "pet"}).json()["total"] == 1
    assert (
        client.get("/api/v1/plans", params={"organization_id": str(uuid.uuid4())}).json()["total"]
        == 0
    )


def _reported_indicator(client, plan) -> dict:
    """A draft plan's indicator with budget, a cut, a measurement, a follow-up and evidence."""
    base = f"/api/v1/plans/{plan['id']}"
    client.post(f"{base}/nodes", json={"code": "OE1", "name": "O"})
    client.post(f"{base}/actions", json={"code": "A1", "description": "a", "node_code": "OE1"})
    ind = client.post(
        f"{base}/indicators", json={"code": "M1", "name": "m", "action_code": "A1"}
    ).json()
    r = client.post(
        f"{base}/budget-allocations", json={"unit_code": "OAP", "action_code": "A1", "planned": 9}
    )
    assert r.status_code == 201, r.text
    cut = client.post(
        f"{base}/cuts",
        json={
            "code": "2023-06",
            "cut_date": "2023-06-30",
            "label": "Junio",
            "period_kind": "semiannual",
        },
    ).json()
    r = client.post(
        f"{base}/measurements",
        json={"items": [{"indicator_code": "M1", "period_end": "2023-06-30", "value": 3}]},
    )
    assert r.json()["created"] == 1, r.text
    url = f"/api/v1/cuts/{cut['id']}/followups/{ind['id']}"
    assert client.put(url, json={"narrative": "Hecho"}).status_code == 201
    r = client.post(
        f"{url}/evidence", json={"kind": "link", "title": "Acta", "url": "https://example.org/a"}
    )
    assert r.status_code == 201, r.text
    return ind


def test_deleting_a_draft_indicator_takes_what_was_reported_on_it(client, plan, session):
    from app.evidence.models import Evidence
    from app.followups.models import FollowUp
    from app.measurements.models import Measurement

    ind = _reported_indicator(client, plan)
    r = client.delete(f"/api/v1/indicators/{ind['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] == {
        "nodes": 0,
        "actions": 0,
        "indicators": 1,
        "contributions": 0,
        "programming": 0,
        "budget_allocations": 0,
        "measurements": 1,
        "followups": 1,
        "financial_executions": 0,
    }
    assert [count(session, m) for m in (Indicator, Measurement, FollowUp, Evidence)] == [0] * 4
    assert count(session, Action) == 1


def test_deleting_a_draft_plan_takes_everything_of_it(client, plan, session):
    from app.cuts.models import Cut
    from app.evidence.models import Evidence
    from app.followups.models import FollowUp
    from app.measurements.models import Measurement
    from app.plans.models import BudgetAllocation, ChangeRecord

    _reported_indicator(client, plan)
    r = client.delete(f"/api/v1/plans/{plan['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] == {"nodes": 1, "actions": 1, "indicators": 1}
    models = (Plan, Node, Action, Indicator, BudgetAllocation, Cut, Measurement, FollowUp)
    assert [count(session, m) for m in (*models, Evidence, ChangeRecord)] == [0] * 10


def test_an_approved_plans_indicator_with_measurements_is_not_deleted(client, plan, session):
    ind = _reported_indicator(client, plan)
    client.patch(f"/api/v1/plans/{plan['id']}", json={"status": "approved"})
    r = client.delete(f"/api/v1/indicators/{ind['id']}", params={"reason": "sobra"})
    body = assert_problem(r, 409)
    assert body["detail"] == (
        "The plan is approved and 1 measurements, 1 followups depend on this indicator: "
        "it is not deleted. Retire it instead (PATCH with retired: true)."
    )
    assert count(session, Indicator) == 1


def test_a_deleted_contribution_is_counted_once(client, plan):
    base = f"/api/v1/plans/{plan['id']}"
    oe1 = client.post(f"{base}/nodes", json={"code": "OE1", "name": "O"}).json()
    client.post(f"{base}/nodes", json={"code": "OE2", "name": "O"})
    r = client.post(
        f"{base}/indicators",
        json={
            "code": "M1",
            "name": "m",
            "node_code": "OE1",
            "contributions": [{"node_code": "OE1"}, {"node_code": "OE2", "weight": 2}],
        },
    )
    assert r.status_code == 201, r.text
    r = client.delete(f"/api/v1/nodes/{oe1['id']}")
    assert r.json()["deleted"] == {
        "nodes": 1,
        "actions": 0,
        "indicators": 1,
        "contributions": 2,
        "programming": 0,
        "budget_allocations": 0,
        "measurements": 0,
        "followups": 0,
        "financial_executions": 0,
    }
    assert client.get(f"{base}/tree").json()["nodes"][0]["code"] == "OE2"
