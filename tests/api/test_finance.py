"""Financial execution through HTTP: the batch (summary, rejected items, dry run, atomic,
idempotency), the list, the financial advance beside the physical one, the budget matrix's
execution figures, the year-end forecast in the results, and the alert producers."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.finance import alerts as finance_alerts
from app.finance.models import FinancialExecution
from app.plans.models import Plan
from tests.helpers import assert_problem


def count(session) -> int:
    return session.execute(select(func.count()).select_from(FinancialExecution)).scalar_one()


def by_code(items, key="code") -> dict:
    return {item[key]: item for item in items}


@pytest.fixture
def world(client) -> dict:
    """Plan 2024-2025, default bands (red 0, yellow 50, green 100).

    C1 <- A1 (U1) <- I1: sum, 25 a quarter; measured 25 (Q1) and 5 (Q2).
    C2 <- A2 (U2) <- I2: sum, 50 in June and 50 in December; measured 50 (June).
    Budget 2024: A1/U1 1000, A2/U2 400, A2/U1 100 (U1 has budget on A2, not its unit);
    2025: A1/U1 600.
    """
    org = client.post("/api/v1/organizations", json={"code": "fin", "name": "Fin"}).json()
    units = {}
    for code in ("U1", "U2", "U3"):
        r = client.post(
            f"/api/v1/organizations/{org['id']}/units",
            json={"code": code, "name": f"Unidad {code}"},
        )
        units[code] = r.json()
    plan = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "action_plan",
            "code": "PA",
            "name": "Plan de acción",
            "first_year": 2024,
            "last_year": 2025,
            "levels": ["Componente"],
        },
    ).json()
    base = f"/api/v1/plans/{plan['id']}"
    for code in ("C1", "C2"):
        assert client.post(f"{base}/nodes", json={"code": code, "name": code}).status_code == 201
    actions = {}
    for code, node, unit in (("A1", "C1", "U1"), ("A2", "C2", "U2")):
        r = client.post(
            f"{base}/actions",
            json={
                "code": code,
                "description": f"Acción {code}",
                "node_code": node,
                "unit_ids": [unit],
            },
        )
        assert r.status_code == 201, r.text
        actions[code] = r.json()
    indicators = {}
    for code, action, programming in (
        (
            "I1",
            "A1",
            [("2024-03-31", 25), ("2024-06-30", 25), ("2024-09-30", 25), ("2024-12-31", 25)],
        ),
        ("I2", "A2", [("2024-06-30", 50), ("2024-12-31", 50)]),
    ):
        r = client.post(
            f"{base}/indicators",
            json={"code": code, "name": f"Indicador {code}", "action_code": action},
        )
        assert r.status_code == 201, r.text
        indicators[code] = r.json()
        r = client.put(
            f"/api/v1/indicators/{r.json()['id']}/programming",
            json=[{"period_end": d, "value": v} for d, v in programming],
        )
        assert r.status_code == 200, r.text
    for body in (
        {"unit_code": "U1", "action_code": "A1", "planned": 1000, "year": 2024},
        {"unit_code": "U2", "action_code": "A2", "planned": 400, "year": 2024},
        {"unit_code": "U1", "action_code": "A2", "planned": 100, "year": 2024},
        {"unit_code": "U1", "action_code": "A1", "planned": 600, "year": 2025},
    ):
        r = client.post(f"{base}/budget-allocations", json=body)
        assert r.status_code == 201, r.text
    r = client.post(
        f"{base}/measurements",
        json={
            "items": [
                {"indicator_code": "I1", "period_end": "2024-03-31", "value": 25},
                {"indicator_code": "I1", "period_end": "2024-06-30", "value": 5},
                {"indicator_code": "I2", "period_end": "2024-06-30", "value": 50},
            ]
        },
    )
    assert r.json()["created"] == 3, r.text
    return {
        "org": org,
        "units": units,
        "plan": plan,
        "actions": actions,
        "indicators": indicators,
        "base": base,
        "url": f"{base}/financial-execution",
    }


MONEY = {
    "items": [
        {
            "action_code": "A1",
            "unit_code": "U1",
            "period_end": "2024-03-31",
            "committed": 500,
            "paid": 100,
        },
        {
            "action_code": "A1",
            "unit_code": "U1",
            "period_end": "2024-06-30",
            "committed": 300,
            "paid": 200,
            "note": "Contrato 12",
        },
        {
            "action_code": "A2",
            "unit_code": "U2",
            "period_end": "2024-06-30",
            "committed": 200,
            "paid": 100,
        },
        {
            "action_code": "A2",
            "unit_code": "U1",
            "period_end": "2024-06-30",
            "committed": 50,
            "paid": 50,
        },
    ]
}


def test_batch_summary_then_retry_and_update(client, session, world):
    r = client.post(world["url"], json=MONEY)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "received": 4,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": [],
        "dry_run": False,
        "atomic": False,
        "written": True,
    }
    assert count(session) == 4
    again = client.post(world["url"], json=MONEY).json()
    assert (again["created"], again["updated"], again["unchanged"], again["written"]) == (
        0,
        0,
        4,
        False,
    )
    changed = {"items": [MONEY["items"][0] | {"paid": 150}]}
    assert client.post(world["url"], json=changed).json() | {"rejected": None} == {
        "received": 1,
        "created": 0,
        "updated": 1,
        "unchanged": 0,
        "rejected": None,
        "dry_run": False,
        "atomic": False,
        "written": True,
    }
    assert count(session) == 4
    row = session.execute(
        select(FinancialExecution).where(FinancialExecution.period_end == date(2024, 3, 31))
    ).scalar_one()
    assert (row.committed, row.paid) == (Decimal(500), Decimal(150))


def test_rejected_items_are_located_and_nothing_of_them_written(client, session, world):
    a1 = world["actions"]["A1"]["id"]
    u1 = world["units"]["U1"]["id"]
    body = {
        "items": [
            {
                "action_code": "A1",
                "unit_code": "U1",
                "period_end": "2024-03-31",
                "committed": -5,
                "paid": 0,
            },
            {
                "action_code": "A9",
                "unit_code": "U1",
                "period_end": "2024-03-31",
                "committed": 5,
                "paid": 0,
            },
            {
                "action_code": "A1",
                "unit_code": "U9",
                "period_end": "2024-03-31",
                "committed": 5,
                "paid": 0,
            },
            {
                "action_code": "A1",
                "unit_code": "U3",
                "period_end": "2024-03-31",
                "committed": 5,
                "paid": 0,
            },
            {
                "action_code": "A1",
                "unit_code": "U1",
                "period_end": "2023-12-31",
                "committed": 5,
                "paid": 0,
            },
            {"action_id": a1, "unit_id": u1, "period_end": "2024-03-31", "committed": 7, "paid": 1},
            {
                "action_code": "A1",
                "unit_code": "U1",
                "period_end": "2024-03-31",
                "committed": 8,
                "paid": 2,
            },
            {"action_code": "A1", "period_end": "2024-03-31", "committed": 1, "paid": 1},
            {
                "action_code": "A1",
                "unit_code": "U1",
                "period_end": "2024-03-31",
                "committed": 1,
                "paid": -1,
            },
        ]
    }
    r = client.post(world["url"], json=body)
    assert r.status_code == 200, r.text
    summary = r.json()
    assert (summary["received"], summary["created"], summary["written"]) == (9, 1, True)
    assert summary["rejected"] == [
        {
            "index": 0,
            "reason": "committed: -5 is negative: money executed cannot be negative",
            "action_code": "A1",
            "unit_code": "U1",
            "period_end": "2024-03-31",
        },
        {
            "index": 1,
            "reason": "unknown action A9 in this plan",
            "action_code": "A9",
            "unit_code": "U1",
            "period_end": "2024-03-31",
        },
        {
            "index": 2,
            "reason": "unknown unit U9 in this organization",
            "action_code": "A1",
            "unit_code": "U9",
            "period_end": "2024-03-31",
        },
        {
            "index": 3,
            "reason": "unit U3 neither answers for action A1 nor has budget on it",
            "action_code": "A1",
            "unit_code": "U3",
            "period_end": "2024-03-31",
        },
        {
            "index": 4,
            "reason": "period_end 2023-12-31 is outside the plan's years 2024-2025",
            "action_code": "A1",
            "unit_code": "U1",
            "period_end": "2023-12-31",
        },
        {
            "index": 6,
            "reason": "duplicate of item 5 (same action, unit and period_end)",
            "action_code": "A1",
            "unit_code": "U1",
            "period_end": "2024-03-31",
        },
        {
            "index": 7,
            "reason": "item: Value error, give unit_code or unit_id (exactly one)",
            "action_code": "A1",
            "unit_code": None,
            "period_end": "2024-03-31",
        },
        {
            "index": 8,
            "reason": "paid: -1 is negative: money executed cannot be negative",
            "action_code": "A1",
            "unit_code": "U1",
            "period_end": "2024-03-31",
        },
    ]
    rows = session.execute(select(FinancialExecution)).scalars().all()
    assert [(r.committed, r.paid) for r in rows] == [(Decimal(7), Decimal(1))]


def test_dry_run_and_atomic_write_nothing(client, session, world):
    r = client.post(world["url"], json=MONEY, params={"dry_run": "true"})
    body = r.json()
    assert (body["created"], body["dry_run"], body["written"]) == (4, True, False)
    assert count(session) == 0
    bad = {"items": [*MONEY["items"], MONEY["items"][0] | {"unit_code": "U3"}]}
    r = client.post(world["url"], json=bad, params={"atomic": "true"})
    problem = assert_problem(r, 422)
    assert problem["errors"] == [
        {
            "loc": ["body", "items", 4],
            "msg": "unit U3 neither answers for action A1 nor has budget on it",
        }
    ]
    assert count(session) == 0
    # Not atomic: the four good ones are written, the bad one reported.
    body = client.post(world["url"], json=bad).json()
    assert (body["created"], len(body["rejected"]), body["written"]) == (4, 1, True)
    assert count(session) == 4


def test_idempotency_key_replays_the_first_answer(client, session, world):
    headers = {"Idempotency-Key": "fin-2024-06"}
    first = client.post(world["url"], json=MONEY, headers=headers)
    assert first.json()["created"] == 4
    second = client.post(world["url"], json=MONEY, headers=headers)
    assert second.status_code == 200
    assert second.headers["idempotency-replayed"] == "true"
    assert second.json() == first.json()  # created 4 again: the first answer, not a new one
    assert count(session) == 4
    other = {"items": MONEY["items"][:1]}
    assert_problem(client.post(world["url"], json=other, headers=headers), 409)


def test_body_errors(client, world):
    assert_problem(client.post(world["url"], json={"rows": []}), 422)
    assert_problem(
        client.post(world["url"], content=b"{", headers={"content-type": "application/json"}),
        400,
    )
    assert_problem(
        client.post(world["url"], content=b"a,b", headers={"content-type": "text/csv"}), 415
    )


def test_reporter_posts_only_for_own_units(client, make_token, as_token, session, world):
    reporter = as_token(make_token(world["org"]["id"], "reporter", [world["units"]["U2"]["id"]]))
    r = reporter.post(world["url"], json=MONEY)
    problem = assert_problem(r, 403)
    assert "U1" in problem["detail"]
    assert count(session) == 0
    mine = {"items": [MONEY["items"][2]]}
    assert reporter.post(world["url"], json=mine).json()["created"] == 1


def test_list_with_filters(client, world):
    client.post(world["url"], json=MONEY)
    listed = client.get(world["url"]).json()
    assert listed["total"] == 4
    assert [(i["period_end"], i["committed"], i["paid"]) for i in listed["items"]][:1] == [
        ("2024-03-31", 500, 100)
    ]
    a2 = client.get(world["url"], params={"action_id": world["actions"]["A2"]["id"]}).json()
    assert a2["total"] == 2
    assert sorted(i["committed"] for i in a2["items"]) == [50, 200]
    u1 = client.get(
        world["url"], params={"unit_id": world["units"]["U1"]["id"], "to": "2024-04-30"}
    ).json()
    assert u1["total"] == 1 and u1["items"][0]["note"] is None
    page = client.get(world["url"], params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 4 and len(page["items"]) == 1
    assert client.get(world["url"], params={"year": 2025}).json()["total"] == 0


def test_financial_advance_and_gap(client, world):
    client.post(world["url"], json=MONEY)
    url = f"{world['base']}/financial-advance"
    body = client.get(url, params={"as_of": "2024-06-30"}).json()
    assert (body["as_of"], body["basis"], body["threshold_pct"]) == ("2024-06-30", "committed", 30)
    actions = by_code(body["actions"])
    a1 = actions["A1"]
    assert a1 | {"action_id": None, "unit_ids": None, "description": None} == {
        "action_id": None,
        "code": "A1",
        "description": None,
        "unit_ids": None,
        "planned_year": 1000,
        "committed_year": 800,
        "paid_year": 300,
        "committed_year_pct": 80,
        "committed_year_pct_shown": 80,
        "paid_year_pct": 30,
        "paid_year_pct_shown": 30,
        "planned_to_date": 1000,
        "committed_to_date": 800,
        "paid_to_date": 300,
        "committed_to_date_pct": 80,
        "committed_to_date_pct_shown": 80,
        "paid_to_date_pct": 30,
        "paid_to_date_pct_shown": 30,
        # I1 did 30 of the 100 programmed for 2024.
        "physical_year_pct": 30,
        "physical_year_pct_shown": 30,
        "gap": {
            "gap_points": 50,
            "message": "80 % ejecutado financieramente, 30 % de avance físico",
        },
    }
    a2 = actions["A2"]
    # 250 of 500 committed (U2 and U1), 50 of 100 done: no gap.
    assert (a2["committed_year_pct"], a2["physical_year_pct"], a2["gap"]) == (50, 50, None)
    # At the end of March: 500 of 1000 committed (50 %), 25 of 100 done: 25 points, no gap.
    march = by_code(client.get(url, params={"as_of": "2024-03-31"}).json()["actions"])["A1"]
    assert (march["committed_year_pct"], march["physical_year_pct"], march["gap"]) == (
        50,
        25,
        None,
    )
    # A higher threshold silences the gap.
    client.patch(world["base"], json={"financial_gap_threshold_pct": 60})
    relaxed = client.get(url, params={"as_of": "2024-06-30"}).json()
    assert relaxed["threshold_pct"] == 60 and by_code(relaxed["actions"])["A1"]["gap"] is None
    # 2025: the year's money (600) is planned, nothing executed or programmed yet.
    later = by_code(client.get(url, params={"as_of": "2025-03-31"}).json()["actions"])["A1"]
    assert (later["planned_year"], later["committed_year"], later["committed_year_pct"]) == (
        600,
        0,
        0,
    )
    assert (later["planned_to_date"], later["committed_to_date"]) == (1600, 800)
    assert later["committed_to_date_pct_shown"] == 50
    assert later["physical_year_pct"] is None and later["gap"] is None


def test_as_of_outside_the_plan_years_is_422(client, world):
    r = client.get(f"{world['base']}/financial-advance", params={"as_of": "2026-01-01"})
    problem = assert_problem(r, 422)
    assert problem["errors"][0]["loc"] == ["query", "as_of"]


def test_plan_threshold_defaults_to_30_and_is_validated(client, world):
    assert client.get(world["base"]).json()["financial_gap_threshold_pct"] == 30
    assert_problem(client.patch(world["base"], json={"financial_gap_threshold_pct": -1}), 422)
    assert_problem(client.patch(world["base"], json={"financial_gap_threshold_pct": 101}), 422)


def test_budget_matrix_shows_planned_executed_and_ratio(client, world):
    client.post(world["url"], json=MONEY)
    body = client.get(f"{world['base']}/budget").json()
    # The existing figures are unchanged: planned by unit x root node.
    assert body["total"] == 2100
    rows = by_code(body["rows"])
    assert rows["U1"]["cells"] == {"C1": 1600, "C2": 100}
    assert rows["U1"]["execution"] == {
        "planned": 1700,
        "committed": 850,
        "paid": 350,
        "committed_pct": 50,
        "committed_pct_shown": 50,
        "paid_pct": 350 * 100 / 1700,
        "paid_pct_shown": 20.59,
    }
    assert rows["U1"]["execution_cells"]["C2"] == {
        "planned": 100,
        "committed": 50,
        "paid": 50,
        "committed_pct": 50,
        "committed_pct_shown": 50,
        "paid_pct": 50,
        "paid_pct_shown": 50,
    }
    assert rows["U2"]["execution_cells"]["C1"] == {
        "planned": 0,
        "committed": 0,
        "paid": 0,
        "committed_pct": None,
        "committed_pct_shown": None,
        "paid_pct": None,
        "paid_pct_shown": None,
    }
    columns = by_code(body["columns"])
    assert columns["C2"]["execution"] | {"paid_pct": None} == {
        "planned": 500,
        "committed": 250,
        "paid": 150,
        "committed_pct": 50,
        "committed_pct_shown": 50,
        "paid_pct": None,
        "paid_pct_shown": 30,
    }
    assert body["execution"] | {"committed_pct": None, "paid_pct": None} == {
        "planned": 2100,
        "committed": 1050,
        "paid": 450,
        "committed_pct": None,
        "committed_pct_shown": 50,
        "paid_pct": None,
        "paid_pct_shown": 21.43,
    }
    # With a year: 2024's money only (A1's 600 of 2025 leaves).
    year = client.get(f"{world['base']}/budget", params={"year": 2024}).json()
    assert year["execution"]["planned"] == 1500 and year["execution"]["committed"] == 1050
    assert year["execution"]["committed_pct_shown"] == 70
    assert by_code(year["columns"])["C1"]["execution"]["committed_pct_shown"] == 80
    empty = client.get(f"{world['base']}/budget", params={"year": 2025}).json()
    assert empty["execution"]["committed"] == 0 and empty["execution"]["committed_pct"] == 0


def _cut(client, world, cut_date: str) -> dict:
    r = client.post(
        f"{world['base']}/cuts",
        json={
            "code": cut_date[:7],
            "cut_date": cut_date,
            "label": f"Corte {cut_date}",
            "period_kind": "quarterly",
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_results_carry_the_year_end_forecast(client, world):
    cut = _cut(client, world, "2024-06-30")
    body = client.get(f"/api/v1/cuts/{cut['id']}/results").json()
    indicators = by_code(body["indicators"])
    i1 = indicators["I1"]
    # 30 of 50 to date (60 %, yellow); the last quarter did 5 of 25: pace 0.2 over the 50
    # still programmed -> 30 + 10 = 40 of 100: red at year end.
    assert (i1["advance_pct_shown"], i1["band"]["code"]) == (60, "yellow")
    assert i1["forecast"] == {
        "value": 40,
        "advance_pct": 40,
        "advance_pct_shown": 40,
        "band": {"code": "red", "label": "0-49%", "color": "#c62828"},
        "at_risk": True,
    }
    # I2: one period due, done in full: the pace to date (1) over the 50 left -> 100.
    assert indicators["I2"]["forecast"] == {
        "value": 100,
        "advance_pct": 100,
        "advance_pct_shown": 100,
        "band": {"code": "green", "label": "100%", "color": "#2e7d32"},
        "at_risk": False,
    }
    # At the end of March nothing of I2 was due: no forecast.
    march = _cut(client, world, "2024-03-31")
    early = by_code(client.get(f"/api/v1/cuts/{march['id']}/results").json()["indicators"])
    assert early["I2"]["forecast"] == {
        "value": None,
        "advance_pct": None,
        "advance_pct_shown": None,
        "band": None,
        "at_risk": False,
    }
    assert early["I1"]["forecast"]["value"] == 100 and not early["I1"]["forecast"]["at_risk"]


def test_alert_producers(client, session, world):
    client.post(world["url"], json=MONEY)
    plan = session.get(Plan, uuid.UUID(world["plan"]["id"]))
    a1 = world["actions"]["A1"]
    u1 = world["units"]["U1"]
    alerts = finance_alerts.plan_alerts(session, plan, date(2024, 6, 30))
    assert alerts == [
        {
            "kind": "financial_gap",
            "severity": "high",
            "element": {"type": "action", "id": uuid.UUID(a1["id"]), "code": "A1"},
            "unit": {"unit_id": uuid.UUID(u1["id"]), "code": "U1", "name": "Unidad U1"},
            "figures": {
                "financial_pct_shown": Decimal("80.00"),
                "physical_pct_shown": Decimal("30.00"),
                "gap_points": Decimal("50.00"),
                "threshold_pct": Decimal(30),
                "planned_year": Decimal(1000),
                "committed_year": Decimal(800),
                "paid_year": Decimal(300),
            },
            "message": "80 % ejecutado financieramente, 30 % de avance físico",
        },
        {
            "kind": "at_risk",
            "severity": "medium",
            "element": {
                "type": "indicator",
                "id": uuid.UUID(world["indicators"]["I1"]["id"]),
                "code": "I1",
            },
            "unit": {"unit_id": uuid.UUID(u1["id"]), "code": "U1", "name": "Unidad U1"},
            "figures": {
                "advance_pct_shown": Decimal("60.00"),
                "band": "yellow",
                "programmed_year": Decimal(100),
                "executed_to_date": Decimal(30),
                "forecast_value": Decimal(40),
                "forecast_advance_pct_shown": Decimal("40.00"),
                "forecast_band": "red",
            },
            "message": "Al ritmo del último periodo cerraría 2024 con 40 % de avance anual "
            "(hoy 60 % al corte): pasaría de 50-99% a 0-49%",
        },
    ]
    # Work ahead of money: A2's commitments withdrawn, 0 % spent against 50 % done.
    withdrawn = {"items": [i | {"committed": 0, "paid": 0} for i in MONEY["items"][2:]]}
    assert client.post(world["url"], json=withdrawn).json()["updated"] == 2
    gaps = finance_alerts.financial_gap_alerts(session, plan, date(2024, 6, 30))
    a2 = by_code([g | {"code": g["element"]["code"]} for g in gaps])["A2"]
    assert (a2["severity"], a2["figures"]["gap_points"], a2["message"]) == (
        "medium",
        Decimal("-50.00"),
        "0 % ejecutado financieramente, 50 % de avance físico",
    )
    assert a2["unit"]["code"] == "U2"


def test_statements_do_not_grow_with_the_batch(client, world, queries):
    client.post(world["url"], json={"items": MONEY["items"][:1]})  # warm up the token
    queries.reset()
    client.post(world["url"], json={"items": MONEY["items"][1:2]})
    one = queries.count
    queries.reset()
    client.post(world["url"], json={"items": MONEY["items"][2:]})
    assert queries.count == one
    queries.reset()
    client.get(f"{world['base']}/financial-advance", params={"as_of": "2024-06-30"})
    assert queries.count <= 14


def test_an_action_with_money_executed_is_not_deleted_once_approved(client, session, world):
    client.post(world["url"], json=MONEY)
    a2 = world["actions"]["A2"]["id"]
    assert client.patch(world["base"], json={"status": "approved"}).status_code == 200
    r = client.delete(f"/api/v1/actions/{a2}", params={"reason": "ya no va"})
    problem = assert_problem(r, 409)
    assert "2 financial_executions" in problem["detail"]
    assert count(session) == 4


def test_deleting_an_action_of_a_draft_says_what_money_goes(client, session, world):
    client.post(world["url"], json=MONEY)
    r = client.delete(f"/api/v1/actions/{world['actions']['A2']['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["deleted"]["financial_executions"] == 2
    assert count(session) == 2
