"""Publication revisions and the results cache, through HTTP (issue 14 item 2, issue 19's cache).

A published cut's figures are frozen as revision n; anonymous readers get the frozen figures
whatever changes afterwards; reopening needs a reason, republishing makes revision n + 1 with
that reason and a diff. Results are served from a PostgreSQL cache keyed by the plan's data
version, which every write raises in its own transaction.
"""

from __future__ import annotations

import asyncio
import copy
import json
import uuid

import pytest
from fastapi.routing import APIRoute, serialize_response
from sqlalchemy import text
from starlette.responses import JSONResponse

from app.cuts.models import Cut
from app.demo.loader import as_json, load_structure
from app.demo.seeds import bogota, cali_gd, cali_pet, cauca
from app.plans.models import Plan
from app.results import service as results_service
from app.results.router import router as results_router
from app.revisions import service as revisions_service
from tests.helpers import assert_problem

CORRECTION = "Corrección de la cifra de IS-545 reportada por la Subsecretaría"


def data_version(session, plan_id) -> int:
    return session.execute(
        text("SELECT data_version FROM plans WHERE id = :id"), {"id": str(plan_id)}
    ).scalar_one()


def post_ok(client, url, **kwargs):
    r = client.post(url, **kwargs)
    assert r.status_code in (200, 201), r.text
    return r.json()


def measure(client, plan_id, code, period_end, value):
    url = f"/api/v1/plans/{plan_id}/measurements"
    item = {"indicator_code": code, "period_end": period_end, "value": value}
    body = post_ok(client, url, json={"items": [item]})
    assert body["rejected"] in (None, []), body


def by_code(items, key="code") -> dict:
    return {item[key]: item for item in items}


@pytest.fixture
def pei(client) -> dict:
    """Bogotá's PEI with its June 2023 cut measured, closed and published (revision 1)."""
    plan = load_structure(client, copy.deepcopy(bogota.SEED))["plan"]
    cut = post_ok(client, f"/api/v1/plans/{plan['id']}/cuts", json=bogota.SEED["cuts"][0])
    post_ok(
        client,
        f"/api/v1/plans/{plan['id']}/measurements",
        json={"items": as_json(bogota.SEED["measurements"])},
    )
    post_ok(client, f"/api/v1/cuts/{cut['id']}/close")
    post_ok(client, f"/api/v1/cuts/{cut['id']}/publish")
    return {"plan": plan, "cut": cut, "url": f"/api/v1/cuts/{cut['id']}"}


def frozen(client, pei, number) -> dict:
    r = client.get(f"{pei['url']}/revisions/{number}")
    assert r.status_code == 200, r.text
    return {(a["kind"], a["params"]): a["figures"] for a in r.json()["answers"]}


# --- revisions ---------------------------------------------------------------------------


def test_revision_1_stays_after_a_correction_and_revision_2_has_its_diff(client, anon, pei):
    url, plan_id = pei["url"], pei["plan"]["id"]
    listed = client.get(f"{url}/revisions").json()
    assert listed["total"] == 1
    first = listed["items"][0]
    assert (first["number"], first["reason"], first["published_by_username"]) == (1, None, "root")

    public = anon.get(f"{url}/results")
    assert public.status_code == 200
    r1 = client.get(f"{url}/revisions/1")
    answers = {(a["kind"], a["params"]) for a in r1.json()["answers"]}
    assert answers == {
        ("results", ""),
        ("by-unit", ""),
        ("by-band", ""),
        ("by-status", ""),
        ("budget", "measure=executed&year=2023"),
        ("budget", "measure=planned&year=2023"),
    }
    # The frozen answer is the anonymous body, byte for byte.
    assert revisions_frozen_bytes(r1.content, "results") == public.content
    is545 = by_code(frozen(client, pei, 1)[("results", "")]["indicators"])["IS-545"]
    assert (is545["executed_to_date"], is545["advance_pct_shown"]) == (1474056, 53.73)

    # Reopen (with a reason), correct, and the members see the live figure at once...
    post_ok(client, f"{url}/reopen", json={"reason": CORRECTION})
    measure(client, plan_id, "IS-545", "2023-06-30", 1500000)
    live = by_code(client.get(f"{url}/results").json()["indicators"])["IS-545"]
    assert (live["executed_to_date"], live["advance_pct_shown"]) == (1500000, 54.68)
    # ... the public no longer sees the reopened cut, and revision 1 has not moved.
    assert_problem(anon.get(f"{url}/results"), 404)
    assert client.get(f"{url}/revisions/1").content == r1.content

    post_ok(client, f"{url}/close")
    post_ok(client, f"{url}/publish")
    listed = client.get(f"{url}/revisions").json()
    assert [(i["number"], i["reason"]) for i in listed["items"]] == [(1, None), (2, CORRECTION)]
    assert client.get(f"{url}/revisions/1").content == r1.content
    public = by_code(anon.get(f"{url}/results").json()["indicators"])["IS-545"]
    assert public["executed_to_date"] == 1500000

    diff = client.get(f"{url}/revisions/2/diff", params={"from": 1}).json()
    assert (diff["from_revision"], diff["to_revision"], diff["reason"]) == (1, 2, CORRECTION)
    assert diff == client.get(f"{url}/revisions/2/diff").json()  # from: the previous one
    assert diff["total"] == len(diff["changes"])
    # Every figure that moved: IS-545 (1,500,000 / 2,743,434 = 54.676 % to date, / 5,486,868
    # = 27.338 % of the year), objective 5 it feeds (99.13 -> 99.60), the plan, the group of
    # indicators without a unit, and IS-545's line in the band and status lists.
    assert [
        (c["kind"], c["params"], c["path"], c["code"], c["field"], c["old"], c["new"])
        for c in diff["changes"]
    ] == [
        *(
            (kind, "", f"items[{group}].indicators[IS-545].{field}", "IS-545", field, old, new)
            for kind, group in (("by-band", "yellow"), ("by-status", "lagging"))
            for field, old, new in (
                ("advance_pct", 53.73032484105686, 54.676000953549455),
                ("advance_pct_shown", 53.73, 54.68),
                ("status.label", "Rezago 46.27%", "Rezago 45.32%"),
            )
        ),
        (
            "by-unit",
            "",
            "items[null].advance_pct",
            None,
            "advance_pct",
            99.71762402659374,
            99.80359458227488,
        ),
        ("by-unit", "", "items[null].advance_pct_shown", None, "advance_pct_shown", 99.72, 99.8),
        (
            "results",
            "",
            "plan.advance_pct",
            "PEI",
            "advance_pct",
            99.4933665182832,
            99.55247127531399,
        ),
        ("results", "", "plan.advance_pct_shown", "PEI", "advance_pct_shown", 99.49, 99.55),
        ("results", "", "plan.status.label", "PEI", "status.label", "Rezago 0.51%", "Rezago 0.45%"),
        (
            "results",
            "",
            "nodes[OBJ5].advance_pct",
            "OBJ5",
            "advance_pct",
            99.12720425510912,
            99.60004231135542,
        ),
        ("results", "", "nodes[OBJ5].advance_pct_shown", "OBJ5", "advance_pct_shown", 99.13, 99.6),
        (
            "results",
            "",
            "nodes[OBJ5].status.label",
            "OBJ5",
            "status.label",
            "Rezago 0.87%",
            "Rezago 0.4%",
        ),
        (
            "results",
            "",
            "indicators[IS-545].executed_to_date",
            "IS-545",
            "executed_to_date",
            1474056,
            1500000,
        ),
        (
            "results",
            "",
            "indicators[IS-545].advance_pct",
            "IS-545",
            "advance_pct",
            53.73032484105686,
            54.676000953549455,
        ),
        (
            "results",
            "",
            "indicators[IS-545].advance_pct_shown",
            "IS-545",
            "advance_pct_shown",
            53.73,
            54.68,
        ),
        (
            "results",
            "",
            "indicators[IS-545].year_advance_pct",
            "IS-545",
            "year_advance_pct",
            26.865186901878175,
            27.338025389006432,
        ),
        (
            "results",
            "",
            "indicators[IS-545].year_advance_pct_shown",
            "IS-545",
            "year_advance_pct_shown",
            26.87,
            27.34,
        ),
        (
            "results",
            "",
            "indicators[IS-545].status.label",
            "IS-545",
            "status.label",
            "Rezago 46.27%",
            "Rezago 45.32%",
        ),
    ]
    # The frozen bodies themselves say the same.
    old, new = frozen(client, pei, 1), frozen(client, pei, 2)
    assert by_code(old[("results", "")]["nodes"])["OBJ5"]["advance_pct_shown"] == 99.13
    assert by_code(new[("results", "")]["nodes"])["OBJ5"]["advance_pct_shown"] == 99.6


def revisions_frozen_bytes(body: bytes, kind: str) -> bytes:
    """The raw bytes of one answer inside GET …/revisions/{n}: re-encoded the way FastAPI
    encodes (the test's own check that the splice keeps them)."""
    answer = next(a for a in json.loads(body)["answers"] if a["kind"] == kind)
    return JSONResponse(answer["figures"]).body


def test_reopening_without_a_reason_is_422_and_writes_nothing(client, session, pei):
    url = pei["url"]
    before = data_version(session, pei["plan"]["id"])
    changes = client.get(f"/api/v1/plans/{pei['plan']['id']}/changes").json()["total"]
    for body in ({}, {"reason": ""}, {"reason": "  "}):
        assert_problem(client.post(f"{url}/reopen", json=body), 422)
    assert client.get(url).json()["status"] == "published"
    assert client.get(f"/api/v1/plans/{pei['plan']['id']}/changes").json()["total"] == changes
    assert data_version(session, pei["plan"]["id"]) == before
    assert client.get(f"{url}/revisions").json()["total"] == 1


def test_revisions_that_do_not_exist_are_404(client, anon, pei):
    url = pei["url"]
    assert_problem(client.get(f"{url}/revisions/2"), 404)
    assert_problem(client.get(f"{url}/revisions/2/diff", params={"from": 1}), 404)
    assert_problem(client.get(f"{url}/revisions/1/diff", params={"from": 3}), 404)
    assert_problem(client.get(f"{url}/revisions/1/diff"), 404)  # nothing before revision 1
    assert_problem(client.get(f"/api/v1/cuts/{uuid.uuid4()}/revisions"), 404)
    assert_problem(client.get(f"{url}/revisions/0"), 422)
    # Anonymous: readable while published, 404 once reopened (as the cut itself).
    assert anon.get(f"{url}/revisions/1").status_code == 200
    post_ok(client, f"{url}/reopen", json={"reason": CORRECTION})
    assert_problem(anon.get(f"{url}/revisions"), 404)
    assert_problem(anon.get(f"{url}/revisions/1"), 404)


def test_frozen_results_for_other_code(client, session, pei):
    cut_id = uuid.UUID(pei["cut"]["id"])
    body = revisions_service.frozen_results(session, cut_id, "results")
    assert body is not None
    assert json.loads(body)["cut"]["status"] == "published"
    budget = revisions_service.frozen_results(
        session, cut_id, "budget", "measure=planned&year=2023"
    )
    assert json.loads(budget)["measure"] == "planned"
    assert revisions_service.frozen_results(session, cut_id, "results", "explain=true") is None
    assert revisions_service.frozen_results(session, cut_id, "results", revision=2) is None


def test_frozen_entries_cannot_be_updated(session, pei):
    with pytest.raises(Exception, match="immutable"), session.begin_nested():
        session.execute(text("UPDATE results_cache SET etag = 'x' WHERE revision > 0"))
    with pytest.raises(Exception, match="immutable"), session.begin_nested():
        session.execute(text("UPDATE cut_revisions SET reason = 'otra'"))


# --- ETag / 304 -------------------------------------------------------------------------


def test_etag_and_304(client, anon, pei):
    url = pei["url"]
    for who in (client, anon):
        first = who.get(f"{url}/results")
        tag = first.headers["etag"]
        assert first.headers["cache-control"] == "no-cache"
        again = who.get(f"{url}/results")
        assert again.headers["etag"] == tag and again.content == first.content
        not_modified = who.get(f"{url}/results", headers={"If-None-Match": tag})
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert not_modified.headers["etag"] == tag
        other = who.get(f"{url}/results", headers={"If-None-Match": '"other"'})
        assert other.status_code == 200 and other.content == first.content
    revision = client.get(f"{url}/revisions/1")
    again = client.get(f"{url}/revisions/1", headers={"If-None-Match": revision.headers["etag"]})
    assert again.status_code == 304


def test_a_write_changes_the_etag_and_the_figures(client, pei):
    url, plan_id = pei["url"], pei["plan"]["id"]
    post_ok(client, f"{url}/reopen", json={"reason": CORRECTION})
    first = client.get(f"{url}/results")
    measure(client, plan_id, "IS-545", "2023-06-30", 1500000)
    assert (
        client.get(f"{url}/results", headers={"If-None-Match": first.headers["etag"]}).status_code
        == 200
    )
    second = client.get(f"{url}/results")
    assert second.headers["etag"] != first.headers["etag"]
    assert by_code(second.json()["indicators"])["IS-545"]["executed_to_date"] == 1500000


# --- the data version: every write that feeds results raises it, reads do not -------------


def test_every_kind_of_write_raises_the_data_version_once_per_statement(client, session, pei):
    plan_id = pei["plan"]["id"]
    plan = {"id": str(plan_id)}
    writes = [
        "UPDATE nodes SET name = name || '.' WHERE plan_id = :id",
        "UPDATE indicators SET weight = weight + 1 WHERE plan_id = :id",
        "UPDATE programming SET value = value + 1 WHERE indicator_id IN "
        "(SELECT id FROM indicators WHERE plan_id = :id)",
        "UPDATE measurements SET value = value + 1 WHERE indicator_id IN "
        "(SELECT id FROM indicators WHERE plan_id = :id)",
        "DELETE FROM measurements WHERE id = (SELECT m.id FROM measurements m "
        "JOIN indicators i ON i.id = m.indicator_id WHERE i.plan_id = :id LIMIT 1)",
        "INSERT INTO contributions (id, indicator_id, node_id, weight, weights_by_year) "
        "SELECT gen_random_uuid(), i.id, i.node_id, 1, '{}' FROM indicators i "
        "WHERE i.plan_id = :id AND i.node_id IS NOT NULL LIMIT 1",
        "UPDATE cuts SET label = label || '.' WHERE plan_id = :id",
        "UPDATE units SET name = name || '.' WHERE organization_id = "
        "(SELECT organization_id FROM plans WHERE id = :id)",
        "UPDATE plans SET tolerance_pct = 5 WHERE id = :id",
    ]
    for sql in writes:
        before = data_version(session, plan_id)
        session.execute(text(sql), plan)
        assert data_version(session, plan_id) == before + 1, sql
    # A statement that changes no row (this seed has no actions) raises nothing.
    before = data_version(session, plan_id)
    session.execute(text("UPDATE actions SET weight = 2 WHERE plan_id = :id"), plan)
    assert data_version(session, plan_id) == before

    before = data_version(session, plan_id)
    for path in ("results", "results/by-unit", "results/by-band", "results/by-status"):
        assert client.get(f"{pei['url']}/{path}").status_code == 200
    assert client.get(f"{pei['url']}/revisions/1").status_code == 200
    assert client.get(f"/api/v1/plans/{plan_id}/budget").status_code == 200
    assert data_version(session, plan_id) == before


def test_actions_their_units_and_the_budget_raise_it_too(client, session):
    plan_id = load_structure(client, copy.deepcopy(cali_pet.SEED))["plan"]["id"]
    plan = {"id": str(plan_id)}
    for sql in (
        "UPDATE actions SET weight = weight + 1 WHERE plan_id = :id",
        "DELETE FROM action_units WHERE action_id IN (SELECT id FROM actions WHERE plan_id = :id)",
        "UPDATE budget_allocations SET planned = planned + 1 WHERE plan_id = :id",
    ):
        before = data_version(session, plan_id)
        session.execute(text(sql), plan)
        assert data_version(session, plan_id) == before + 1, sql


def test_the_cache_follows_each_kind_of_write(client, session, pei):
    url, plan_id = pei["url"], pei["plan"]["id"]
    post_ok(client, f"{url}/reopen", json={"reason": CORRECTION})

    def results() -> dict:
        r = client.get(f"{url}/results")
        assert r.status_code == 200
        return r.json()

    def indicator(code: str) -> dict:
        return by_code(results()["indicators"])[code]

    # a measurement
    assert indicator("IS-545")["executed_to_date"] == 1474056
    measure(client, plan_id, "IS-545", "2023-06-30", 1500000)
    assert indicator("IS-545")["executed_to_date"] == 1500000
    ind_id = indicator("IS-545")["indicator_id"]
    # programming
    programming = client.get(f"/api/v1/indicators/{ind_id}/programming").json()["items"]
    programming[0]["value"] = 3000000
    r = client.put(f"/api/v1/indicators/{ind_id}/programming", json=programming)
    assert r.status_code == 200, r.text
    assert indicator("IS-545")["programmed_to_date"] == 3000000
    assert indicator("IS-545")["advance_pct_shown"] == 50
    # the indicator itself (its name)
    r = client.patch(f"/api/v1/indicators/{ind_id}", json={"name": "Renombrado"})
    assert r.status_code == 200, r.text
    assert indicator("IS-545")["name"] == "Renombrado"
    # a node
    node = results()["nodes"][0]
    r = client.patch(f"/api/v1/nodes/{node['node_id']}", json={"name": "Objetivo renombrado"})
    assert r.status_code == 200, r.text
    assert by_code(results()["nodes"])[node["code"]]["name"] == "Objetivo renombrado"
    # the plan's own settings
    r = client.patch(f"/api/v1/plans/{plan_id}", json={"name": "PEI renombrado"})
    assert r.status_code == 200, r.text
    assert results()["plan"]["name"] == "PEI renombrado"
    # the cut
    r = client.patch(url, json={"label": "Corte corregido"})
    assert r.status_code == 200, r.text
    assert results()["cut"]["label"] == "Corte corregido"
    # a unit (by unit)
    units = client.get(f"{url}/results/by-unit").json()["items"]
    named = next(u for u in units if u["key"] is not None)
    r = client.patch(f"/api/v1/units/{named['key']}", json={"name": "Unidad renombrada"})
    assert r.status_code == 200, r.text
    units = by_code(client.get(f"{url}/results/by-unit").json()["items"])
    assert units[named["code"]]["label"] == "Unidad renombrada"


def test_a_warm_read_is_one_lookup(client, pei, queries):
    url = f"{pei['url']}/results"
    client.get(url)
    queries.reset()
    assert client.get(url).status_code == 200
    touching = [s for s in queries.statements if "results_cache" in s]
    assert len(touching) == 1
    assert not [s for s in queries.statements if "measurements" in s or "indicators" in s]


# --- cached figures are today's figures, byte for byte -----------------------------------


ROUTES = {
    "get_cut_results": (results_service.results, ()),
    "get_results_by_unit": (results_service.by_unit, ()),
    "get_results_by_band": (results_service.by_band, ()),
    "get_results_by_status": (results_service.by_status, ()),
}


@pytest.mark.parametrize("seed", [bogota, cauca, cali_pet, cali_gd], ids=lambda s: s.__name__)
def test_cached_answers_are_the_freshly_computed_ones(client, session, seed):
    plan = load_structure(client, copy.deepcopy(seed.SEED))["plan"]
    year = plan["first_year"]
    cut_body = (seed.SEED["cuts"] or [{"code": "C1", "cut_date": f"{year}-12-31", "label": "C"}])[0]
    cut = post_ok(client, f"/api/v1/plans/{plan['id']}/cuts", json=cut_body)
    if seed.SEED["measurements"]:
        post_ok(
            client,
            f"/api/v1/plans/{plan['id']}/measurements",
            json={"items": as_json(seed.SEED["measurements"])},
        )
    routes = {r.name: r for r in results_router.routes if isinstance(r, APIRoute)}
    cut_row = session.get(Cut, uuid.UUID(cut["id"]))
    plan_row = session.get(Plan, uuid.UUID(plan["id"]))
    calls = [(name, fn, args, "") for name, (fn, args) in ROUTES.items()]
    calls += [
        ("get_results_by_axis", results_service.by_axis, (a["code"],), f"/by-axis/{a['code']}")
        for a in plan_row.axes
    ]
    for name, fn, args, suffix in calls:
        path = {
            "get_cut_results": "results",
            "get_results_by_unit": "results/by-unit",
            "get_results_by_band": "results/by-band",
            "get_results_by_status": "results/by-status",
            "get_results_by_axis": f"results{suffix}",
        }[name]
        computed = client.get(f"/api/v1/cuts/{cut['id']}/{path}")
        cached = client.get(f"/api/v1/cuts/{cut['id']}/{path}")
        assert computed.status_code == 200, computed.text
        # What FastAPI answered before the cache: the response model's serialisation.
        session.expire_all()
        fresh = fn(session, cut_row, plan_row, *args)
        today = asyncio.run(
            serialize_response(
                field=routes[name].response_field, response_content=fresh, dump_json=True
            )
        )
        assert computed.content == today, name
        assert cached.content == today, name


def test_anonymous_readers_keep_the_frozen_figures_while_members_see_live_ones(
    client, anon, session, pei
):
    url = pei["url"]
    before = anon.get(f"{url}/results")
    # A change while the cut stays published (as a lock exception would make it; written here
    # straight into the table, which the data version follows all the same).
    session.execute(
        text(
            "UPDATE measurements SET value = 1500000 WHERE indicator_id = "
            "(SELECT id FROM indicators WHERE plan_id = :plan AND code = 'IS-545')"
        ),
        {"plan": pei["plan"]["id"]},
    )
    for path in ("results", "results/by-unit", "results/by-band", "results/by-status"):
        public, member = anon.get(f"{url}/{path}"), client.get(f"{url}/{path}")
        assert public.content == frozen_body(client, pei, path), path
        assert member.status_code == 200 and member.content != public.content, path
    after = anon.get(f"{url}/results")
    assert after.content == before.content
    assert by_code(after.json()["indicators"])["IS-545"]["executed_to_date"] == 1474056
    live = by_code(client.get(f"{url}/results").json()["indicators"])["IS-545"]
    assert live["executed_to_date"] == 1500000


def frozen_body(client, pei, path: str) -> bytes:
    kind = {"results": "results"}.get(path, path.removeprefix("results/"))
    return revisions_frozen_bytes(client.get(f"{pei['url']}/revisions/1").content, kind)
