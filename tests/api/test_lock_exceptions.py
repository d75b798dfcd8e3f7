"""Lock exceptions: a closed cut lets one unit post or correct its periods' values until a
date; everyone else still meets the lock, an expired exception is a 409, each use is logged."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.models import utcnow
from app.cuts.models import LockException
from app.measurements.models import Measurement
from tests.helpers import assert_problem


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def world(client, make_token, as_token) -> dict:
    """A plan with M1 (unit U1) and M2 (unit U2), both measured at the 30 Jun 2023 cut, which
    is closed; a reporter of each unit and a coordinator."""
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
    indicators = {}
    for n, unit in ((1, "U1"), (2, "U2")):
        client.post(
            f"{base}/actions",
            json={"code": f"A{n}", "description": "a", "node_code": "OE1", "unit_ids": [unit]},
        )
        indicators[f"M{n}"] = client.post(
            f"{base}/indicators", json={"code": f"M{n}", "name": "m", "action_code": f"A{n}"}
        ).json()
        client.put(
            f"/api/v1/indicators/{indicators[f'M{n}']['id']}/programming",
            json=[{"period_end": "2023-06-30", "value": 100}],
        )
    cut = client.post(
        f"{base}/cuts", json={"code": "2023-06", "cut_date": "2023-06-30", "label": "Junio"}
    ).json()
    r = client.post(
        f"{base}/measurements",
        json={
            "items": [
                {"indicator_code": "M1", "period_end": "2023-06-30", "value": 40},
                {"indicator_code": "M2", "period_end": "2023-06-30", "value": 70},
            ]
        },
    )
    assert r.json()["created"] == 2, r.text
    assert client.post(f"/api/v1/cuts/{cut['id']}/close").json()["status"] == "closed"
    return {
        "org": org,
        "units": units,
        "base": base,
        "cut": cut,
        "indicators": indicators,
        "url": f"/api/v1/cuts/{cut['id']}/lock-exceptions",
        "measurements": f"{base}/measurements",
        "u1": as_token(make_token(org["id"], "reporter", [units["U1"]["id"]])),
        "u2": as_token(make_token(org["id"], "reporter", [units["U2"]["id"]])),
        "coordinator": as_token(make_token(org["id"], "coordinator")),
    }


def _item(code: str, value) -> dict:
    return {"items": [{"indicator_code": code, "period_end": "2023-06-30", "value": value}]}


def _followup(world, code: str) -> str:
    return f"/api/v1/cuts/{world['cut']['id']}/followups/{world['indicators'][code]['id']}"


def _executed(client, world) -> dict:
    results = client.get(f"/api/v1/cuts/{world['cut']['id']}/results").json()
    return {i["code"]: i["executed_to_date"] for i in results["indicators"]}


def _grant(world, unit="U1", hours=24, **extra):
    until = (utcnow() + timedelta(hours=hours)).isoformat()
    body = {"unit_code": unit, "until": until, "reason": "Corrección del reporte de junio"}
    return world["coordinator"].post(world["url"], json=body | extra)


def test_an_exception_lets_its_unit_correct_while_others_meet_the_lock(client, session, world):
    u1, u2 = world["u1"], world["u2"]
    # Before: the closed cut refuses everyone.
    body = u1.post(world["measurements"], json=_item("M1", 45)).json()
    assert body["updated"] == 0
    assert "cut 2023-06, which is closed" in body["rejected"][0]["reason"]
    assert_problem(u1.put(_followup(world, "M1"), json={"narrative": "n"}), 409)

    r = _grant(world)
    assert r.status_code == 201, r.text
    granted = r.json()
    assert r.headers["location"] == f"{world['url']}/{granted['id']}"
    assert (granted["unit_code"], granted["active"], granted["revoked_at"]) == ("U1", True, None)
    assert granted["unit_id"] == world["units"]["U1"]["id"]

    # U1 corrects its value and writes its follow-up...
    body = u1.post(world["measurements"], json=_item("M1", 45)).json()
    assert (body["updated"], body["rejected"]) == (1, []), body
    r = u1.put(_followup(world, "M1"), json={"narrative": "Corregido"})
    assert r.status_code == 201, r.text
    assert u1.post(f"{_followup(world, 'M1')}/submit").json()["status"] == "submitted"
    # ...but not the other unit's indicator: for M2 the cut is still closed.
    body = u1.post(world["measurements"], json=_item("M2", 1)).json()
    assert "cut 2023-06, which is closed" in body["rejected"][0]["reason"]
    # U2 still meets the lock: the item is refused, the follow-up is a 409.
    body = u2.post(world["measurements"], json=_item("M2", 75)).json()
    assert body["updated"] == 0
    assert "cut 2023-06, which is closed" in body["rejected"][0]["reason"]
    assert_problem(u2.put(_followup(world, "M2"), json={"narrative": "n"}), 409)
    # The cut itself stays closed for its own changes.
    assert_problem(
        world["coordinator"].patch(f"/api/v1/cuts/{world['cut']['id']}", json={"label": "x"}), 409
    )
    assert client.get(f"/api/v1/cuts/{world['cut']['id']}").json()["status"] == "closed"
    assert _executed(client, world) == {"M1": 45, "M2": 70}

    # Every use is in the change log, with what was written through it.
    log = client.get(f"{world['base']}/changes", params={"entity": "lock_exception"}).json()
    assert [c["operation"] for c in log["items"]] == ["grant", "use", "use", "use"]
    grant, use, followup, submit = log["items"]
    assert grant["entity_id"] == granted["id"] and grant["entity_code"] == "2023-06"
    assert grant["reason"] == "Corrección del reporte de junio"
    assert use["after"]["what"] == "measurements"
    assert use["after"]["items"] == [
        {"indicator_code": "M1", "period_end": "2023-06-30", "value": "45"}
    ]
    assert use["after"]["unit_id"] == world["units"]["U1"]["id"]
    assert use["actor_username"] != "root"
    assert (followup["after"]["what"], submit["after"]["what"]) == (
        "followup",
        "followup.submit",
    )

    listed = client.get(world["url"]).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == granted["id"]
    one = u2.get(f"{world['url']}/{granted['id']}")
    assert one.json() == listed["items"][0]
    assert client.get(world["url"], params={"unit_id": world["units"]["U2"]["id"]}).json() == {
        "items": [],
        "total": 0,
    }


def test_an_expired_exception_is_a_409_on_use(client, session, world):
    granted = _grant(world).json()
    # Time passes (set on the row: the test does not wait for the clock).
    row = session.get(LockException, granted["id"])
    row.until = utcnow() - timedelta(minutes=1)
    session.flush()
    problem = assert_problem(world["u1"].post(world["measurements"], json=_item("M1", 45)), 409)
    assert "expired" in problem["detail"]
    problem = assert_problem(world["u1"].put(_followup(world, "M1"), json={"narrative": "n"}), 409)
    assert "expired" in problem["detail"]
    assert _executed(client, world) == {"M1": 40, "M2": 70}
    listed = client.get(world["url"]).json()["items"]
    assert listed[0]["active"] is False
    log = client.get(f"{world['base']}/changes", params={"entity": "lock_exception"}).json()
    assert [c["operation"] for c in log["items"]] == ["grant"]


def test_a_unit_of_another_organization_is_404(client, session, world):
    other = client.post("/api/v1/organizations", json={"code": "otra", "name": "Otra"}).json()
    foreign = client.post(
        f"/api/v1/organizations/{other['id']}/units", json={"code": "U9", "name": "U9"}
    ).json()
    until = (utcnow() + timedelta(days=1)).isoformat()
    r = world["coordinator"].post(
        world["url"], json={"unit_id": foreign["id"], "until": until, "reason": "Corrección"}
    )
    assert_problem(r, 404)
    assert_problem(_grant(world, unit="U9"), 404)
    assert count(session, LockException) == 0
    log = client.get(f"{world['base']}/changes", params={"entity": "lock_exception"}).json()
    assert log["total"] == 0


def test_grant_rules_and_revocation(client, session, world):
    # Only editors grant, until a future instant; an open cut needs no exception.
    assert_problem(world["u1"].post(world["url"], json={}), 403)
    problem = assert_problem(_grant(world, hours=-1), 422)
    assert problem["errors"][0]["loc"] == ["body", "until"]
    problem = assert_problem(
        world["coordinator"].post(
            world["url"], json={"unit_code": "U1", "until": "2030-01-01T00:00:00", "reason": "x y"}
        ),
        422,
    )
    assert problem["errors"][0]["loc"][:2] == ["body", "until"]  # no time zone
    assert count(session, LockException) == 0

    granted = _grant(world).json()
    assert world["u1"].post(world["measurements"], json=_item("M1", 41)).json()["updated"] == 1
    r = world["u1"].delete(f"{world['url']}/{granted['id']}")
    assert_problem(r, 403)
    r = world["coordinator"].delete(f"{world['url']}/{granted['id']}")
    assert r.status_code == 204, r.text
    # Revoked: the lock is back, as before (a refused item, not an expired 409).
    body = world["u1"].post(world["measurements"], json=_item("M1", 42)).json()
    assert body["updated"] == 0 and "which is closed" in body["rejected"][0]["reason"]
    listed = client.get(world["url"]).json()["items"]
    assert listed[0]["revoked_at"] is not None and listed[0]["active"] is False
    assert listed[0]["revoked_by_username"]
    # Revoking twice changes nothing; an unknown exception is 404.
    assert world["coordinator"].delete(f"{world['url']}/{granted['id']}").status_code == 204
    assert_problem(
        world["coordinator"].delete(f"{world['url']}/00000000-0000-4000-8000-000000000000"), 404
    )
    log = client.get(f"{world['base']}/changes", params={"entity": "lock_exception"}).json()
    assert [c["operation"] for c in log["items"]] == ["grant", "use", "revoke"]
    assert count(session, Measurement) == 2

    client.post(f"/api/v1/cuts/{world['cut']['id']}/reopen", json={"reason": "Reabrir junio"})
    assert_problem(_grant(world), 409)


def test_a_published_cut_can_be_excepted_too(client, world):
    client.post(f"/api/v1/cuts/{world['cut']['id']}/publish")
    assert _grant(world, unit="U2").status_code == 201
    body = world["u2"].post(world["measurements"], json=_item("M2", 72)).json()
    assert body["updated"] == 1, body
    body = world["u1"].post(world["measurements"], json=_item("M1", 1)).json()
    assert "which is published" in body["rejected"][0]["reason"]


def test_a_correction_through_an_exception_leaves_the_published_revision_as_it_was(
    client, anon, world
):
    """Issue 14: a published figure never changes silently. The correction reaches the live
    figures members read; anonymous readers and revision 1 keep what was published."""
    cut = f"/api/v1/cuts/{world['cut']['id']}"
    assert client.post(f"{cut}/publish").json()["status"] == "published"
    revision_1 = client.get(f"{cut}/revisions/1").content
    published = anon.get(f"{cut}/results")
    assert published.status_code == 200
    assert {i["code"]: i["executed_to_date"] for i in published.json()["indicators"]} == {
        "M1": 40,
        "M2": 70,
    }

    assert _grant(world, unit="U2").status_code == 201
    body = world["u2"].post(world["measurements"], json=_item("M2", 72)).json()
    assert body["updated"] == 1, body

    assert _executed(client, world) == {"M1": 40, "M2": 72}  # members: the live figures
    assert anon.get(f"{cut}/results").content == published.content  # the portal: as published
    assert client.get(f"{cut}/revisions/1").content == revision_1
    listed = client.get(f"{cut}/revisions").json()
    assert [i["number"] for i in listed["items"]] == [1]  # no new revision until republished
