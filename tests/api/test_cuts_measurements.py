"""Cuts and the measurement import: batches, retries, dry runs, atomic, closed cuts."""

import pytest
from sqlalchemy import func, select

from app.demo.loader import as_json, load_structure
from app.demo.seeds import bogota
from app.measurements.models import Measurement
from tests.helpers import assert_problem


def count(session) -> int:
    return session.execute(select(func.count()).select_from(Measurement)).scalar_one()


@pytest.fixture
def pei(client) -> dict:
    loaded = load_structure(client, bogota.SEED)
    plan = loaded["plan"]
    cut = client.post(f"/api/v1/plans/{plan['id']}/cuts", json=bogota.SEED["cuts"][0]).json()
    return {
        "plan": plan,
        "cut": cut,
        "org": loaded["organization"],
        "url": f"/api/v1/plans/{plan['id']}/measurements",
    }


BATCH = {"items": as_json(bogota.SEED["measurements"])}


def test_bogota_cut_posted_as_one_batch_then_retried(client, session, pei, queries):
    queries.reset()
    r = client.post(pei["url"], json=BATCH)
    assert r.status_code == 200, r.text
    assert r.json() | {"rejected": None} == {
        "received": 14,
        "created": 14,
        "updated": 0,
        "unchanged": 0,
        "rejected": None,
        "dry_run": False,
        "atomic": False,
        "written": True,
    }
    statements = queries.count
    assert count(session) == 14
    again = client.post(pei["url"], json=BATCH).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 14)
    assert again["written"] is False
    assert count(session) == 14
    # A value that changes is an update, not a second row.
    changed = {
        "items": [{"indicator_code": "IS-545", "period_end": "2023-06-30", "value": 1474057}]
    }
    assert client.post(pei["url"], json=changed).json()["updated"] == 1
    assert count(session) == 14
    # The statements do not grow with the batch: the same count for 1 item and for 14.
    queries.reset()
    client.post(
        pei["url"],
        json={"items": [{"indicator_code": "IS-545", "period_end": "2023-06-30", "value": 1}]},
    )
    assert queries.count == statements


def test_ten_items_three_bad(client, session, pei):
    items = [
        {"indicator_code": f"IS-{c}", "period_end": f"2023-0{m}-28", "value": 1}
        for c, m in [
            ("545", 1),
            ("545", 2),
            ("545", 3),
            ("546", 1),
            ("546", 2),
            ("546", 3),
            ("551", 1),
        ]
    ]
    items.insert(2, {"indicator_code": "NOPE", "period_end": "2023-01-31", "value": 1})
    items.insert(5, {"indicator_code": "IS-545", "period_end": "2031-01-31", "value": 1})
    items.insert(8, {"indicator_code": "IS-546", "period_end": "2023-02-28", "value": -5})
    r = client.post(pei["url"], json={"items": items})
    body = r.json()
    assert r.status_code == 200
    assert body["created"] == 7
    assert [(x["index"], x["indicator_code"]) for x in body["rejected"]] == [
        (2, "NOPE"),
        (5, "IS-545"),
        (8, "IS-546"),
    ]
    assert "unknown indicator NOPE" in body["rejected"][0]["reason"]
    assert "outside the plan's years" in body["rejected"][1]["reason"]
    assert "negative" in body["rejected"][2]["reason"]
    assert count(session) == 7


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"indicator_code": "IS-554", "period_end": "2023-03-31", "value": 120}, "above"),
        ({"indicator_code": "IS-554", "period_end": "2023-03-31", "value": "80"}, "number"),
        ({"indicator_code": "IS-554", "period_end": "2023-03-31"}, "value"),
        (
            {
                "indicator_code": "IS-554",
                "indicator_id": "8c1a4c5e-2c5b-4c7e-9a59-2f0c9d2b7f10",
                "period_end": "2023-03-31",
                "value": 1,
            },
            "exactly one",
        ),
        ({"indicator_code": "IS-554", "period_end": "2023-02-30", "value": 1}, "period_end"),
        ({"indicator_code": "IS-554", "period_end": "2023-03-31", "value": 1, "extra": 1}, "extra"),
        ("not an object", "item"),
    ],
)
def test_item_rules(client, session, pei, item, reason):
    body = client.post(pei["url"], json={"items": [item]}).json()
    assert body["created"] == 0 and len(body["rejected"]) == 1
    assert reason in body["rejected"][0]["reason"], body["rejected"][0]
    assert count(session) == 0


def test_duplicate_in_batch_and_other_plan_indicator(client, session, pei, org_b_plan):
    items = [
        {"indicator_code": "IS-545", "period_end": "2023-01-31", "value": 1},
        {"indicator_code": "IS-545", "period_end": "2023-01-31", "value": 2},
        {"indicator_id": org_b_plan["indicator_id"], "period_end": "2023-01-31", "value": 1},
    ]
    body = client.post(pei["url"], json={"items": items}).json()
    assert body["created"] == 1
    assert "duplicate of item 0" in body["rejected"][0]["reason"]
    assert (
        body["rejected"][1]["index"] == 2 and "unknown indicator" in body["rejected"][1]["reason"]
    )


@pytest.fixture
def org_b_plan(client) -> dict:
    org = client.post("/api/v1/organizations", json={"code": "otra", "name": "Otra"}).json()
    plan = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "pei",
            "code": "X",
            "name": "X",
            "first_year": 2023,
            "last_year": 2023,
            "levels": ["O"],
        },
    ).json()
    client.post(f"/api/v1/plans/{plan['id']}/nodes", json={"code": "O1", "name": "O"})
    ind = client.post(
        f"/api/v1/plans/{plan['id']}/indicators", json={"code": "I", "name": "I", "node_code": "O1"}
    ).json()
    return {"plan": plan, "indicator_id": ind["id"]}


def test_dry_run_writes_nothing(client, session, pei):
    body = client.post(pei["url"], json=BATCH, params={"dry_run": "true"}).json()
    assert (body["created"], body["dry_run"], body["written"]) == (14, True, False)
    assert count(session) == 0


def test_atomic_writes_nothing_when_one_item_is_bad(client, session, pei):
    items = BATCH["items"] + [{"indicator_code": "NOPE", "period_end": "2023-06-30", "value": 1}]
    problem = assert_problem(
        client.post(pei["url"], json={"items": items}, params={"atomic": "true"}), 422
    )
    assert problem["errors"] == [
        {"loc": ["body", "items", 14], "msg": "unknown indicator NOPE in this plan"}
    ]
    assert count(session) == 0
    ok = client.post(pei["url"], json=BATCH, params={"atomic": "true"})
    assert ok.json()["created"] == 14


def test_batch_limit(client, pei):
    items = [{"indicator_code": "IS-545", "period_end": "2023-01-31", "value": 1}] * 10_001
    problem = assert_problem(client.post(pei["url"], json={"items": items}), 413)
    assert "10000" in problem["detail"]


def test_idempotency_key(client, session, pei):
    headers = {"Idempotency-Key": "avances-2023-06-run-1"}
    first = client.post(pei["url"], json=BATCH, headers=headers)
    second = client.post(pei["url"], json=BATCH, headers=headers)
    assert second.json() == first.json() and second.json()["created"] == 14
    assert second.headers["idempotency-replayed"] == "true"
    other = {"items": BATCH["items"][:1]}
    assert_problem(client.post(pei["url"], json=other, headers=headers), 409)
    assert count(session) == 14


def test_closed_cut_refuses_writes_until_reopened(client, session, pei):
    client.post(pei["url"], json=BATCH)
    cut = pei["cut"]
    closed = client.post(f"/api/v1/cuts/{cut['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    body = client.post(
        pei["url"],
        json={
            "items": [
                {"indicator_code": "IS-545", "period_end": "2023-06-30", "value": 1},
                {"indicator_code": "IS-545", "period_end": "2023-07-31", "value": 1},
            ]
        },
    ).json()
    assert body["created"] == 1
    assert "cut 2023-06, which is closed" in body["rejected"][0]["reason"]
    assert_problem(client.patch(f"/api/v1/cuts/{cut['id']}", json={"label": "x"}), 409)
    assert_problem(client.post(f"/api/v1/cuts/{cut['id']}/reopen", json={}), 422)
    reopened = client.post(
        f"/api/v1/cuts/{cut['id']}/reopen",
        json={"reason": "Corrección de la cifra de la línea 195"},
    )
    assert reopened.json()["status"] == "open"
    changes = client.get(
        f"/api/v1/plans/{pei['plan']['id']}/changes", params={"entity": "cut"}
    ).json()["items"]
    assert [c["operation"] for c in changes] == ["create", "status", "reopen"]
    assert changes[-1]["reason"] == "Corrección de la cifra de la línea 195"


def test_cut_lifecycle_and_dates(client, pei):
    cut = pei["cut"]
    assert_problem(client.post(f"/api/v1/cuts/{cut['id']}/publish"), 409)
    client.post(f"/api/v1/cuts/{cut['id']}/close")
    published = client.post(f"/api/v1/cuts/{cut['id']}/publish").json()
    assert published["status"] == "published" and published["published_at"]
    plan_id = pei["plan"]["id"]
    assert_problem(
        client.post(
            f"/api/v1/plans/{plan_id}/cuts",
            json={"code": "2031", "cut_date": "2031-06-30", "label": "x"},
        ),
        422,
    )
    assert_problem(
        client.post(
            f"/api/v1/plans/{plan_id}/cuts",
            json={"code": "2023-06", "cut_date": "2023-06-30", "label": "x"},
        ),
        409,
    )


def test_reporter_only_for_own_units(client, make_token, as_token, session, pei):
    units = client.get(f"/api/v1/organizations/{pei['org']['id']}/units").json()["items"]
    sc = next(u for u in units if u["code"] == "SC")
    other = next(u for u in units if u["code"] != "SC")
    reporter = as_token(make_token(pei["org"]["id"], "reporter", [other["id"]]))
    item = {"indicator_code": "MG-7.1", "period_end": "2023-06-30", "value": 95}
    problem = assert_problem(reporter.post(pei["url"], json={"items": [item]}), 403)
    assert "MG-7.1" in problem["detail"]
    assert count(session) == 0
    own = as_token(make_token(pei["org"]["id"], "reporter", [sc["id"]]))
    assert own.post(pei["url"], json={"items": [item]}).json()["created"] == 1
    viewer = as_token(make_token(pei["org"]["id"], "viewer"))
    assert_problem(viewer.post(pei["url"], json={"items": [item]}), 403)


def test_read_measurements_by_indicator_and_range(client, pei):
    client.post(
        pei["url"],
        json={
            "items": [
                {"indicator_code": "IS-545", "period_end": f"2023-0{m}-28", "value": m * 10}
                for m in range(1, 7)
            ]
        },
    )
    ind = client.get(
        f"/api/v1/plans/{pei['plan']['id']}/indicators", params={"code": "IS-545"}
    ).json()["items"][0]
    page = client.get(
        f"/api/v1/indicators/{ind['id']}/measurements",
        params={"from": "2023-02-01", "to": "2023-04-30"},
    ).json()
    assert [(m["period_end"], m["value"]) for m in page["items"]] == [
        ("2023-02-28", 20),
        ("2023-03-28", 30),
        ("2023-04-28", 40),
    ]
    assert page["total"] == 3


def test_batch_body_errors(client, session, pei):
    assert_problem(
        client.post(
            pei["url"], content=b'{"items": [', headers={"content-type": "application/json"}
        ),
        400,
    )
    assert_problem(
        client.post(
            pei["url"],
            content=b"items=1",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
        415,
    )
    body = assert_problem(client.post(pei["url"], json={"items": [], "extra": 1}), 422)
    assert body["errors"][0]["loc"] == ["body", "items"]
    assert_problem(client.post(pei["url"], json=[1, 2]), 422)
    assert count(session) == 0
