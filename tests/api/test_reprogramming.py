"""Reprogramming with its legal act: refused without one once the plan is approved, versioned
with one, listed in the history, and results against the original or the current programming."""

import io
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select

from app.plans.models import Programming, ProgrammingVersion
from tests.helpers import assert_problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECREE = {
    "kind": "decreto",
    "number": "0123",
    "date": "2023-07-15",
    "url": "https://example.org/decreto-0123.pdf",
}
AGREEMENT = {"kind": "acuerdo", "number": "045", "date": "2023-08-01"}


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def world(client) -> dict:
    """An approved plan: objective OE1 fed by M1 (unit U1, 100 + 100 planned in 2023) and M2
    (unit U2, 50 planned), measured 80 and 50 at the cut of 30 Jun 2023."""
    org = client.post("/api/v1/organizations", json={"code": "ent", "name": "Entidad"}).json()
    units = {
        code: client.post(
            f"/api/v1/organizations/{org['id']}/units", json={"code": code, "name": code}
        ).json()
        for code in ("U1", "U2")
    }
    plan = client.post(
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
    ).json()
    base = f"/api/v1/plans/{plan['id']}"
    client.post(f"{base}/nodes", json={"code": "OE1", "name": "Objetivo uno"})
    for code, unit in (("A1", "U1"), ("A2", "U2")):
        client.post(
            f"{base}/actions",
            json={"code": code, "description": code, "node_code": "OE1", "unit_ids": [unit]},
        )
    m1 = client.post(
        f"{base}/indicators",
        json={"code": "M1", "name": "Uno", "action_code": "A1", "target_value": 200},
    ).json()
    m2 = client.post(
        f"{base}/indicators", json={"code": "M2", "name": "Dos", "action_code": "A2"}
    ).json()
    # A draft needs no act.
    r = client.put(
        f"/api/v1/indicators/{m1['id']}/programming",
        json=[
            {"period_end": "2023-06-30", "value": 100},
            {"period_end": "2023-12-31", "value": 100},
        ],
    )
    assert r.status_code == 200, r.text
    client.put(
        f"/api/v1/indicators/{m2['id']}/programming",
        json=[{"period_end": "2023-06-30", "value": 50}],
    )
    r = client.patch(base, json={"status": "approved", "approval_reference": "Acta 002"})
    assert r.status_code == 200, r.text
    cut = client.post(
        f"{base}/cuts", json={"code": "2023-06", "cut_date": "2023-06-30", "label": "Junio"}
    ).json()
    r = client.post(
        f"{base}/measurements",
        json={
            "items": [
                {"indicator_code": "M1", "period_end": "2023-06-30", "value": 80},
                {"indicator_code": "M2", "period_end": "2023-06-30", "value": 50},
            ]
        },
    )
    assert r.json()["created"] == 2, r.text
    return {"org": org, "units": units, "plan": plan, "base": base, "m1": m1, "m2": m2, "cut": cut}


def _programming(client, indicator) -> list:
    items = client.get(f"/api/v1/indicators/{indicator['id']}/programming").json()["items"]
    return [(p["period_end"], p["value"]) for p in items]


NEW_SCHEDULE = [
    {"period_end": "2023-06-30", "value": 160},
    {"period_end": "2023-12-31", "value": 40},
]


def test_reprogramming_is_refused_without_an_act_and_accepted_with_one(client, session, world):
    url = f"/api/v1/indicators/{world['m1']['id']}/programming"
    versions = count(session, ProgrammingVersion)
    rows = count(session, Programming)
    assert versions == 3  # the approval snapshot: M1, M2 and OE1

    # The bare list with a reason but no act: 422 naming the act; nothing written.
    r = client.put(url, json=NEW_SCHEDULE, params={"reason": "Ajuste"})
    problem = assert_problem(r, 422)
    assert [e["loc"] for e in problem["errors"]] == [["body", "legal_act"]]
    assert "acto administrativo" in problem["errors"][0]["msg"]
    # The same in the object form.
    r = client.put(url, json={"items": NEW_SCHEDULE, "reason": "Ajuste"})
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "legal_act"]
    # Neither reason nor act: the reason is asked first, as for any change after approval.
    assert assert_problem(client.put(url, json=NEW_SCHEDULE), 422)["errors"][0]["loc"] == [
        "query",
        "reason",
    ]
    # An act of a kind the law does not name.
    bad = {"items": NEW_SCHEDULE, "reason": "x", "legal_act": {**DECREE, "kind": "ley"}}
    problem = assert_problem(client.put(url, json=bad), 422)
    assert any(e["loc"][-2:] == ["legal_act", "kind"] for e in problem["errors"]), problem
    assert _programming(client, world["m1"]) == [("2023-06-30", 100), ("2023-12-31", 100)]
    assert count(session, ProgrammingVersion) == versions
    assert count(session, Programming) == rows
    plan = client.get(world["base"]).json()
    assert plan["version"] == 1

    # With its act: written, versioned, logged.
    r = client.put(
        url,
        json={"items": NEW_SCHEDULE, "legal_act": DECREE, "reason": "Decreto de ajuste"},
    )
    assert r.status_code == 200, r.text
    assert _programming(client, world["m1"]) == [("2023-06-30", 160), ("2023-12-31", 40)]
    assert count(session, ProgrammingVersion) == versions + 1
    assert client.get(world["base"]).json()["version"] == 2
    change = client.get(f"{world['base']}/changes", params={"entity": "programming"}).json()
    assert change["items"][-1]["reason"] == "Decreto de ajuste"
    assert change["items"][-1]["after"]["items"] == [
        {"period_end": "2023-06-30", "value": "160"},
        {"period_end": "2023-12-31", "value": "40"},
    ]


def test_targets_weights_and_new_indicators_need_the_act_too(client, session, world):
    m1 = f"/api/v1/indicators/{world['m1']['id']}"
    versions = count(session, ProgrammingVersion)
    for body in (
        {"target_value": 300, "reason": "Ajuste"},
        {"weight": 3, "reason": "Ajuste"},
        {"contributions": [{"node_code": "OE1", "weight": 2}], "reason": "Ajuste"},
    ):
        problem = assert_problem(client.patch(m1, json=body), 422)
        assert problem["errors"][0]["loc"] == ["body", "legal_act"], body
    node = client.get(f"{world['base']}/nodes").json()["items"][0]
    problem = assert_problem(
        client.patch(f"/api/v1/nodes/{node['id']}", json={"weight": 2, "reason": "Ajuste"}), 422
    )
    assert problem["errors"][0]["loc"] == ["body", "legal_act"]
    new = {"code": "M3", "name": "Tres", "action_code": "A1", "target_value": 10}
    problem = assert_problem(
        client.post(f"{world['base']}/indicators", json=new, params={"reason": "Nueva meta"}), 422
    )
    assert problem["errors"][0]["loc"] == ["body", "legal_act"]
    assert client.get(m1).json()["target_value"] == 200
    assert client.get(m1).json()["weight"] == 1
    assert client.get(f"{world['base']}/indicators").json()["total"] == 2
    assert count(session, ProgrammingVersion) == versions

    # A change that does not touch programming, targets or weights needs no act.
    r = client.patch(m1, json={"name": "Uno bis", "reason": "Redacción"})
    assert r.status_code == 200, r.text
    assert count(session, ProgrammingVersion) == versions

    r = client.patch(m1, json={"target_value": 300, "legal_act": AGREEMENT, "reason": "Meta"})
    assert r.status_code == 200, r.text
    assert r.json()["target_value"] == 300
    r = client.post(
        f"{world['base']}/indicators", json={**new, "legal_act": AGREEMENT}, params={"reason": "N"}
    )
    assert r.status_code == 201, r.text
    assert count(session, ProgrammingVersion) == versions + 2


def test_history_lists_the_versions_with_their_acts(client, world):
    m1 = world["m1"]
    client.put(
        f"/api/v1/indicators/{m1['id']}/programming",
        json={"items": NEW_SCHEDULE, "legal_act": DECREE, "reason": "Decreto de ajuste"},
    )
    client.patch(
        f"/api/v1/indicators/{m1['id']}",
        json={"weight": 3, "target_value": 250, "legal_act": AGREEMENT, "reason": "Pesos"},
    )
    url = f"/api/v1/indicators/{m1['id']}/programming/history"
    history = client.get(url).json()
    assert history["total"] == 3
    first, second, third = history["items"]
    assert (first["version"], first["origin"], first["legal_act"]) == (1, "approval", None)
    assert first["reason"] == "Aprobación del plan (Acta 002)"
    assert first["programming"] == [
        {"period_end": "2023-06-30", "value": 100},
        {"period_end": "2023-12-31", "value": 100},
    ]
    assert (first["target_value"], first["weight"], first["contributions"]) == (200, 1, None)
    assert (second["version"], second["origin"]) == (2, "reprogramming")
    assert second["legal_act"] == DECREE
    assert second["reason"] == "Decreto de ajuste"
    assert second["programming"] == NEW_SCHEDULE
    assert second["changed_by_username"] == "root"
    assert third["legal_act"] == {**AGREEMENT, "url": None}
    assert (third["target_value"], third["weight"], third["reason"]) == (250, 3, "Pesos")
    assert third["programming"] == NEW_SCHEDULE
    page = client.get(url, params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 3 and [v["version"] for v in page["items"]] == [2]
    # M2 never changed: only its approval version.
    other = client.get(f"/api/v1/indicators/{world['m2']['id']}/programming/history").json()
    assert [(v["version"], v["origin"]) for v in other["items"]] == [(1, "approval")]


def _figures(results: dict) -> dict:
    indicators = {
        i["code"]: (i["programmed_to_date"], i["programmed_year"], i["advance_pct"])
        for i in results["indicators"]
    }
    nodes = {n["code"]: n["advance_pct"] for n in results["nodes"]}
    return {"indicators": indicators, "nodes": nodes, "plan": results["plan"]["advance_pct"]}


def test_results_against_the_original_or_the_current_programming(client, world, queries):
    url = f"/api/v1/cuts/{world['cut']['id']}/results"
    before = _figures(client.get(url).json())
    assert before == {
        "indicators": {"M1": (100, 200, 80), "M2": (50, 50, 100)},
        "nodes": {"OE1": 90},
        "plan": 90,
    }
    m1 = world["m1"]
    client.put(
        f"/api/v1/indicators/{m1['id']}/programming",
        json={"items": NEW_SCHEDULE, "legal_act": DECREE, "reason": "Decreto de ajuste"},
    )
    client.patch(
        f"/api/v1/indicators/{m1['id']}",
        json={"weight": 3, "legal_act": AGREEMENT, "reason": "Pesos"},
    )
    # Current: M1 80 of 160 = 50 %, weighted 3 to 1 against M2's 100 % -> 62.5 %.
    current = _figures(client.get(url).json())
    assert current == {
        "indicators": {"M1": (160, 200, 50), "M2": (50, 50, 100)},
        "nodes": {"OE1": 62.5},
        "plan": 62.5,
    }
    assert _figures(client.get(url, params={"programming": "current"}).json()) == current
    # Original ("meta inicial"): as approved, whatever changed since.
    queries.reset()
    client.get(url)
    current_statements = queries.count
    queries.reset()
    original = _figures(client.get(url, params={"programming": "original"}).json())
    original_statements = queries.count
    assert original == before
    # Computed once (the current answer above came from the results cache), then cached too.
    assert original_statements == 13
    queries.reset()
    assert _figures(client.get(url, params={"programming": "original"}).json()) == before
    assert queries.count == current_statements
    # By unit: U1 answers for M1 alone.
    by_unit = f"/api/v1/cuts/{world['cut']['id']}/results/by-unit"
    figures = {
        g["code"]: g["advance_pct"]
        for g in client.get(by_unit, params={"programming": "original"}).json()["items"]
    }
    assert figures == {"U1": 80, "U2": 100}
    figures = {g["code"]: g["advance_pct"] for g in client.get(by_unit).json()["items"]}
    assert figures == {"U1": 50, "U2": 100}
    trend = client.get(f"{world['base']}/trend", params={"programming": "original"}).json()
    assert [p["advance_pct"] for p in trend["plan"]] == [90]
    assert_problem(client.get(url, params={"programming": "initial"}), 422)

    # The load stays constant: another indicator reprogrammed adds no statement.
    client.put(
        f"/api/v1/indicators/{world['m2']['id']}/programming",
        json={
            "items": [{"period_end": "2023-06-30", "value": 100}],
            "legal_act": DECREE,
            "reason": "Otro ajuste",
        },
    )
    queries.reset()
    again = _figures(client.get(url, params={"programming": "original"}).json())
    assert queries.count == original_statements
    assert again == before
    assert _figures(client.get(url).json())["indicators"]["M2"] == (100, 100, 50)


def test_an_indicator_added_after_approval_is_not_in_the_original(client, world):
    base = world["base"]
    new = {
        "code": "M3",
        "name": "Tres",
        "action_code": "A1",
        "legal_act": AGREEMENT,
    }
    m3 = client.post(f"{base}/indicators", json=new, params={"reason": "Nueva meta"}).json()
    client.put(
        f"/api/v1/indicators/{m3['id']}/programming",
        json={
            "items": [{"period_end": "2023-06-30", "value": 10}],
            "legal_act": AGREEMENT,
            "reason": "Programación de la nueva meta",
        },
    )
    url = f"/api/v1/cuts/{world['cut']['id']}/results"
    current = {i["code"]: i for i in client.get(url).json()["indicators"]}
    assert current["M3"]["programmed_to_date"] == 10 and current["M3"]["missing_report"]
    original = client.get(url, params={"programming": "original"}).json()
    m3_then = next(i for i in original["indicators"] if i["code"] == "M3")
    assert m3_then["not_due"] is True and m3_then["programmed_year"] is None
    assert original["nodes"][0]["advance_pct"] == 90
    history = client.get(f"/api/v1/indicators/{m3['id']}/programming/history").json()
    assert [(v["version"], v["origin"]) for v in history["items"]] == [
        (1, "reprogramming"),
        (2, "reprogramming"),
    ]


def _programming_book(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Programación"
    ws.append(["Programación"])
    ws.append(["indicator_code", datetime(2023, 6, 30), datetime(2023, 12, 31)])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_workbook_import_into_an_approved_plan_needs_the_act(client, session, world):
    url = f"{world['base']}/import"
    data = _programming_book([["M1", 120, 80]])
    versions = count(session, ProgrammingVersion)
    r = client.post(url, files={"file": ("p.xlsx", data, XLSX)}, params={"reason": "Ajuste"})
    problem = assert_problem(r, 422)
    [error] = problem["errors"]
    assert (error["sheet"], error["row"], error["column"], error["code"]) == (
        "programming",
        3,
        "legal_act",
        "M1",
    )
    assert _programming(client, world["m1"]) == [("2023-06-30", 100), ("2023-12-31", 100)]
    assert count(session, ProgrammingVersion) == versions
    # Half an act is refused at once.
    r = client.post(
        url,
        files={"file": ("p.xlsx", data, XLSX)},
        params={"reason": "Ajuste", "legal_act_kind": "ordenanza"},
    )
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["query", "legal_act_number"]
    r = client.post(
        url,
        files={"file": ("p.xlsx", data, XLSX)},
        params={
            "reason": "Ordenanza de ajuste",
            "legal_act_kind": "ordenanza",
            "legal_act_number": "12",
            "legal_act_date": "2023-07-20",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["sheets"]["programming"]["updated"] == 1
    assert _programming(client, world["m1"]) == [("2023-06-30", 120), ("2023-12-31", 80)]
    history = client.get(f"/api/v1/indicators/{world['m1']['id']}/programming/history").json()
    assert history["items"][-1]["legal_act"] == {
        "kind": "ordenanza",
        "number": "12",
        "date": "2023-07-20",
        "url": None,
    }
    assert history["items"][-1]["reason"] == "Ordenanza de ajuste"


def test_returning_to_draft_and_approving_again_sets_a_new_original(client, world):
    base, m1 = world["base"], world["m1"]
    client.patch(base, json={"status": "draft"}, params={"reason": "Ajuste antes de ejecutar"})
    r = client.put(f"/api/v1/indicators/{m1['id']}/programming", json=NEW_SCHEDULE)
    assert r.status_code == 200, r.text  # a draft again: no act
    client.patch(base, json={"status": "approved"})
    original = client.get(
        f"/api/v1/cuts/{world['cut']['id']}/results", params={"programming": "original"}
    ).json()
    m1_then = next(i for i in original["indicators"] if i["code"] == "M1")
    assert m1_then["programmed_to_date"] == 160
    history = client.get(f"/api/v1/indicators/{m1['id']}/programming/history").json()
    assert [(v["version"], v["origin"]) for v in history["items"]] == [
        (1, "approval"),
        (2, "approval"),
    ]


def test_a_plan_approved_before_versions_gets_its_first_version_from_the_state_before(
    client, session, world
):
    # As a plan approved before versions were kept: no version at all.
    session.execute(sa_delete(ProgrammingVersion))
    session.flush()
    m1 = world["m1"]
    r = client.put(
        f"/api/v1/indicators/{m1['id']}/programming",
        json={"items": NEW_SCHEDULE, "legal_act": DECREE, "reason": "Decreto de ajuste"},
    )
    assert r.status_code == 200, r.text
    history = client.get(f"/api/v1/indicators/{m1['id']}/programming/history").json()
    first, second = history["items"]
    assert (first["version"], first["origin"], first["legal_act"]) == (1, "approval", None)
    assert first["reason"].startswith("Estado en vigor al aprobar el plan")
    assert first["programming"] == [
        {"period_end": "2023-06-30", "value": 100},
        {"period_end": "2023-12-31", "value": 100},
    ]
    assert (second["version"], second["legal_act"]) == (2, DECREE)
    url = f"/api/v1/cuts/{world['cut']['id']}/results"
    original = _figures(client.get(url, params={"programming": "original"}).json())
    assert original["indicators"] == {"M1": (100, 200, 80), "M2": (50, 50, 100)}
    assert _figures(client.get(url).json())["indicators"]["M1"] == (160, 200, 50)


def test_node_weights_are_versioned_and_the_original_keeps_them(client, world):
    base = world["base"]
    client.patch(base, json={"status": "draft"}, params={"reason": "Un objetivo más"})
    client.post(f"{base}/nodes", json={"code": "OE2", "name": "Objetivo dos"})
    client.post(
        f"{base}/actions",
        json={"code": "A3", "description": "a", "node_code": "OE2", "unit_ids": ["U1"]},
    )
    m3 = client.post(f"{base}/indicators", json={"code": "M3", "name": "Tres", "action_code": "A3"})
    client.put(
        f"/api/v1/indicators/{m3.json()['id']}/programming",
        json=[{"period_end": "2023-06-30", "value": 100}],
    )
    assert client.patch(base, json={"status": "approved"}).status_code == 200
    client.post(
        f"{base}/measurements",
        json={"items": [{"indicator_code": "M3", "period_end": "2023-06-30", "value": 20}]},
    )
    oe2 = client.get(f"{base}/nodes", params={"level": 0}).json()["items"][1]
    assert oe2["code"] == "OE2"
    r = client.patch(
        f"/api/v1/nodes/{oe2['id']}",
        json={"weight": 3, "legal_act": AGREEMENT, "reason": "Prioridad del objetivo dos"},
    )
    assert r.status_code == 200, r.text
    url = f"/api/v1/cuts/{world['cut']['id']}/results"
    # Current: (90 x 1 + 20 x 3) / 4; original: (90 + 20) / 2.
    current = _figures(client.get(url).json())
    assert (current["nodes"], current["plan"]) == ({"OE1": 90, "OE2": 20}, 37.5)
    original = _figures(client.get(url, params={"programming": "original"}).json())
    assert (original["nodes"], original["plan"]) == ({"OE1": 90, "OE2": 20}, 55)
