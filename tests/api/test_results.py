"""Results, groupings, trend, alerts and budget through the HTTP API, against the seed figures.

Plans are loaded through the API (`load_structure`); cuts, measurements and follow-ups are
inserted with the test's session, since their own endpoints are written elsewhere.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.cuts.models import Cut
from app.demo.loader import load_structure
from app.demo.seeds import bogota, cali_pet, cauca
from app.evidence.models import Evidence
from app.followups.models import FollowUp
from app.measurements.models import Measurement
from app.plans.models import Indicator
from tests.helpers import assert_problem

# --- builders ----------------------------------------------------------------------------


def add_cut(session, plan_id, cut_date: str, code: str | None = None) -> Cut:
    cut = Cut(
        plan_id=uuid.UUID(str(plan_id)),
        code=code or cut_date[:7],
        cut_date=date.fromisoformat(cut_date),
        label=f"Corte {cut_date}",
        period_kind="quarterly",
    )
    session.add(cut)
    session.flush()
    return cut


def indicator_ids(session, plan_id) -> dict[str, uuid.UUID]:
    rows = session.execute(
        select(Indicator.code, Indicator.id).where(Indicator.plan_id == uuid.UUID(str(plan_id)))
    )
    return dict(rows.all())


def add_measurements(session, plan_id, items) -> None:
    ids = indicator_ids(session, plan_id)
    session.add_all(
        [
            Measurement(
                indicator_id=ids[m["indicator_code"]],
                period_end=date.fromisoformat(m["period_end"]),
                value=Decimal(m["value"]),
                note=m.get("note"),
            )
            for m in items
        ]
    )
    session.flush()


def load_with_cut(client, session, seed, *, measured=True) -> tuple[dict, Cut]:
    plan = load_structure(client, copy.deepcopy(seed))["plan"]
    cut = add_cut(session, plan["id"], seed["cuts"][0]["cut_date"], seed["cuts"][0]["code"])
    if measured:
        add_measurements(session, plan["id"], seed["measurements"])
    return plan, cut


def by_code(items, key="code") -> dict:
    return {item[key]: item for item in items}


@pytest.fixture
def bogota_cut(client, session):
    return load_with_cut(client, session, bogota.SEED)


@pytest.fixture
def cauca_cut(client, session):
    return load_with_cut(client, session, cauca.SEED)


# --- results at a cut: the seed figures --------------------------------------------------


def test_bogota_indicators_reproduce_the_report(client, bogota_cut):
    plan, cut = bogota_cut
    r = client.get(f"/api/v1/cuts/{cut.id}/results")
    assert r.status_code == 200, r.text
    indicators = by_code(r.json()["indicators"])

    is545 = indicators["IS-545"]
    assert is545["programmed_to_date"] == 2743434
    assert is545["executed_to_date"] == 1474056
    assert is545["advance_pct_shown"] == 53.73
    assert is545["status"] == {"code": "lagging", "label": "Rezago 46.27%"}
    assert is545["band"]["code"] == "yellow"

    is546 = indicators["IS-546"]
    assert {
        k: is546[k]
        for k in (
            "code",
            "name",
            "accumulation",
            "programmed_year",
            "programmed_to_date",
            "executed_to_date",
            "advance_pct",
            "advance_pct_shown",
            "year_advance_pct_shown",
            "not_due",
            "missing_report",
            "status",
            "band",
        )
    } == {
        "code": "IS-546",
        "name": "Número de PQRS recibidas por otros canales.",
        "accumulation": "sum",
        "programmed_year": 208446,
        "programmed_to_date": 104220,
        "executed_to_date": 150623,
        "advance_pct": 144.5240836691614,
        "advance_pct_shown": 144.52,
        "year_advance_pct_shown": 72.26,
        "not_due": False,
        "missing_report": False,
        "status": {"code": "over_executed", "label": "Sobre ejecución 44.52%"},
        "band": {"code": "green", "label": "100%", "color": "#2e7d32"},
    }
    assert is546["year_advance_pct"] == float(Decimal(150623) * 100 / Decimal(208446))
    # No target in the report: no plan advance.
    assert is546["plan_advance_pct"] is None and is546["plan_advance_pct_shown"] is None
    assert is546["node_id"] and is546["action_id"] is None and is546["unit_id"] is None

    for code, expected in bogota.SEED["expected"]["indicators"].items():
        got = indicators[code]
        assert got["advance_pct_shown"] == float(expected["advance_pct_shown"]), code
        assert got["status"]["code"] == expected["status_code"], code
        if "status_label" in expected:
            assert got["status"]["label"] == expected["status_label"], code

    units = client.get(f"/api/v1/organizations/{plan['organization_id']}/units").json()
    sc = next(u for u in units["items"] if u["code"] == "SC")
    assert indicators["MG-7.1"]["unit_id"] == sc["id"]
    assert indicators["MG-7.1"]["unit_ids"] == [sc["id"]]


def test_bogota_objectives_and_plan(client, bogota_cut):
    plan, cut = bogota_cut
    body = client.get(f"/api/v1/cuts/{cut.id}/results").json()
    nodes = by_code(body["nodes"])
    assert [n["code"] for n in body["nodes"]] == [f"OBJ{i}" for i in range(1, 9)]
    shown = {code: n["advance_pct_shown"] for code, n in nodes.items()}
    assert shown == {
        "OBJ1": 99.32,
        "OBJ2": 100,
        "OBJ3": 100,
        "OBJ4": 100,
        "OBJ5": 99.13,
        "OBJ6": 100,
        "OBJ7": 97.5,
        "OBJ8": 100,
    }
    for code, value in bogota.SEED["expected"]["nodes"].items():
        assert nodes[code]["advance_pct_shown"] == float(value)
    assert nodes["OBJ5"]["status"] == {"code": "lagging", "label": "Rezago 0.87%"}
    assert nodes["OBJ5"]["band"]["code"] == "yellow"
    assert nodes["OBJ2"]["band"]["code"] == "green"
    # IS-543 feeds objectives 2 and 3.
    assert nodes["OBJ2"]["counted"] == 3 and nodes["OBJ3"]["counted"] == 2
    assert nodes["OBJ5"]["level"] == 0 and nodes["OBJ5"]["level_name"] == "Objetivo estratégico"
    assert nodes["OBJ5"]["parent_id"] is None

    whole = body["plan"]
    assert whole["plan_id"] == plan["id"] and whole["code"] == "PEI"
    assert whole["node_id"] is None and whole["level"] is None and whole["parent_id"] is None
    # Equal weights over the eight objectives; 14 distinct indicators (543 counted once).
    expected = sum(Decimal(str(n["advance_pct"])) for n in body["nodes"]) / 8
    assert whole["advance_pct"] == pytest.approx(float(expected))
    assert whole["advance_pct_shown"] == 99.49
    assert whole["counted"] == 14
    assert body["cut"]["cut_date"] == "2023-06-30" and body["cut"]["code"] == "2023-06"
    assert body["actions"] == []


def test_cauca_bands_and_actions_not_due(client, cauca_cut):
    _, cut = cauca_cut
    body = client.get(f"/api/v1/cuts/{cut.id}/results").json()
    indicators = by_code(body["indicators"])
    lbi = indicators["M2.2.1-1"]
    assert lbi["name"].startswith("Mínimo 50 indicadores")
    assert lbi["advance_pct_shown"] == 130 and lbi["band"]["code"] == "green"
    assert lbi["status"] == {"code": "over_executed", "label": "Sobre ejecución 30%"}
    pgie = indicators["M1.1.3-1"]
    assert pgie["name"].startswith("Socialización de la PGIE en 14 dependencias")
    assert pgie["advance_pct_shown"] == 14.29 and pgie["band"]["code"] == "red"
    for code, band in {
        **cauca.SEED["expected"]["bands"],
        **cauca.SEED["expected"]["bands_derived"],
    }.items():
        assert indicators[code]["band"]["code"] == band, code

    actions = by_code(body["actions"])
    for code in cauca.SEED["expected"]["not_due_actions"]:
        action = actions[code]
        assert action["execution_state"] == {
            "code": "not_due",
            "label": "Sin programación al corte",
        }, code
        assert action["advance_pct"] is None and action["band"] is None
        assert action["status"]["code"] == "not_due"
    for ind in body["indicators"]:
        if ind["action_id"] in {
            actions[c]["action_id"] for c in cauca.SEED["expected"]["not_due_actions"]
        }:
            assert ind["not_due"] and not ind["missing_report"] and ind["band"] is None
    assert actions["A2.2.1"]["execution_state"]["code"] == "completed"
    assert actions["A1.1.3"]["execution_state"] == {"code": "in_progress", "label": "En ejecución"}
    assert actions["A1.1.1"]["advance_pct_shown"] == 100 and actions["A1.1.1"]["counted"] == 3
    # An indicator under an action answers to the action's unit and sits under its node.
    oap = lbi["unit_id"]
    assert oap and lbi["unit_ids"] == [oap]
    assert lbi["node_id"] == actions["A2.2.1"]["node_id"]

    nodes = by_code(body["nodes"])
    # Tree order: each objective before its strategies.
    assert [n["code"] for n in body["nodes"]] == [
        "OE1",
        "E1",
        "OE2",
        "E2",
        "E3",
        "E4",
        "E5",
        "E6",
        "OE3",
        "E7",
    ]
    # E7's two actions start in October: nothing counted, no advance, not 0 %.
    assert nodes["E7"]["advance_pct"] is None and nodes["E7"]["counted"] == 0
    assert nodes["OE3"]["advance_pct"] is None and nodes["OE3"]["band"] is None
    assert nodes["OE3"]["status"]["code"] == "not_due"
    # E1: (100 + 100 + 100) / 3 for A1.1.1's metas, 14.29 and 100: mean of five metas.
    e1 = (Decimal(300) + Decimal(200) / Decimal(14) + 100) / 5
    assert nodes["E1"]["advance_pct"] == pytest.approx(float(e1))
    assert nodes["E1"]["counted"] == 5
    # The plan: OE1 and OE2 count, OE3 (nothing due) does not pull it down.
    assert body["plan"]["advance_pct"] == pytest.approx(
        (nodes["OE1"]["advance_pct"] + nodes["OE2"]["advance_pct"]) / 2
    )


def test_a_plan_without_measurements_answers_every_figure(client, session):
    plan, cut = load_with_cut(client, session, bogota.SEED, measured=False)
    body = client.get(f"/api/v1/cuts/{cut.id}/results").json()
    for ind in body["indicators"]:
        assert ind["missing_report"] is True and ind["not_due"] is False
        assert ind["advance_pct"] == 0 and ind["status"]["code"] == "lagging"
        assert ind["band"]["code"] == "red" and ind["last_measured_on"] is None
    assert body["plan"]["advance_pct"] == 0
    for path in ("results/by-unit", "results/by-band", "results/by-status", "alerts"):
        assert client.get(f"/api/v1/cuts/{cut.id}/{path}").status_code == 200, path
    assert client.get(f"/api/v1/plans/{plan['id']}/trend").status_code == 200
    assert client.get(f"/api/v1/plans/{plan['id']}/budget").status_code == 200

    # A cut before anything was programmed: everything not due, nothing missing.
    early = add_cut(session, plan["id"], "2023-03-31")
    body = client.get(f"/api/v1/cuts/{early.id}/results").json()
    assert all(i["not_due"] and not i["missing_report"] for i in body["indicators"])
    assert all(n["advance_pct"] is None and n["counted"] == 0 for n in body["nodes"])
    assert body["plan"]["advance_pct"] is None and body["plan"]["band"] is None


def test_an_empty_plan_answers_without_error(client, session):
    org = client.post("/api/v1/organizations", json={"code": "vacia", "name": "V"}).json()
    plan = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "pet",
            "code": "P",
            "name": "P",
            "first_year": 2023,
            "last_year": 2024,
        },
    ).json()
    cut = add_cut(session, plan["id"], "2023-06-30")
    for path in ("results", "results/by-unit", "results/by-band", "results/by-status", "alerts"):
        r = client.get(f"/api/v1/cuts/{cut.id}/{path}")
        assert r.status_code == 200, (path, r.text)
    body = client.get(f"/api/v1/cuts/{cut.id}/results").json()
    assert body["nodes"] == body["indicators"] == body["actions"] == []
    assert body["plan"]["advance_pct"] is None and body["plan"]["counted"] == 0
    trend = client.get(f"/api/v1/plans/{plan['id']}/trend").json()
    assert [p["advance_pct"] for p in trend["plan"]] == [None]
    budget = client.get(f"/api/v1/plans/{plan['id']}/budget").json()
    assert budget == {
        "plan_id": plan["id"],
        "measure": "planned",
        "year": None,
        "columns": [],
        "rows": [],
        "total": 0,
        "execution": {
            "planned": 0,
            "committed": 0,
            "paid": 0,
            "committed_pct": None,
            "committed_pct_shown": None,
            "paid_pct": None,
            "paid_pct_shown": None,
        },
    }


def test_unknown_or_foreign_cut_is_404(client, bogota_cut, make_token, as_token):
    _, cut = bogota_cut
    body = assert_problem(client.get(f"/api/v1/cuts/{uuid.uuid4()}/results"), 404)
    assert "cut" in body["detail"]
    other = client.post("/api/v1/organizations", json={"code": "otra", "name": "Otra"}).json()
    outsider = as_token(make_token(other["id"], "admin"))
    for path in (
        "results",
        "results/by-unit",
        "results/by-axis/component",
        "results/by-band",
        "results/by-status",
        "alerts",
    ):
        assert_problem(outsider.get(f"/api/v1/cuts/{cut.id}/{path}"), 404)
    plan_id = cut.plan_id
    assert_problem(outsider.get(f"/api/v1/plans/{plan_id}/trend"), 404)
    assert_problem(outsider.get(f"/api/v1/plans/{plan_id}/budget"), 404)


def test_any_role_of_the_organization_reads_results(client, bogota_cut, make_token, as_token):
    plan, cut = bogota_cut
    org_id = client.get(f"/api/v1/plans/{plan['id']}").json()["organization_id"]
    viewer = as_token(make_token(org_id, "viewer"))
    r = viewer.get(f"/api/v1/cuts/{cut.id}/results")
    assert r.status_code == 200
    assert by_code(r.json()["indicators"])["IS-545"]["advance_pct_shown"] == 53.73


def test_retired_elements_are_left_out(client, bogota_cut):
    _, cut = bogota_cut
    before = client.get(f"/api/v1/cuts/{cut.id}/results").json()
    is546 = by_code(before["indicators"])["IS-546"]
    r = client.patch(f"/api/v1/indicators/{is546['indicator_id']}", json={"retired": True})
    assert r.status_code == 200, r.text
    obj8 = by_code(before["nodes"])["OBJ8"]
    assert (
        client.patch(f"/api/v1/nodes/{obj8['node_id']}", json={"retired": True}).status_code == 200
    )
    after = client.get(f"/api/v1/cuts/{cut.id}/results").json()
    assert "IS-546" not in by_code(after["indicators"])
    assert "MG-8.1" not in by_code(after["indicators"])
    assert "OBJ8" not in by_code(after["nodes"])
    assert by_code(after["nodes"])["OBJ5"]["advance_pct_shown"] == 53.73
    assert after["plan"]["counted"] == 12


def test_cap_weights_and_per_year_weights(client, bogota_cut):
    plan, cut = bogota_cut
    base = f"/api/v1/plans/{plan['id']}"
    assert client.patch(base, json={"cap_at_100": True}).status_code == 200
    nodes = by_code(client.get(f"/api/v1/cuts/{cut.id}/results").json()["nodes"])
    # 144.52 counts as 100 before averaging: (53.73… + 100) / 2.
    assert nodes["OBJ5"]["advance_pct_shown"] == 76.87
    assert client.patch(base, json={"cap_at_100": False}).status_code == 200

    indicators = by_code(client.get(f"{base}/indicators", params={"limit": 100}).json()["items"])
    # Explicit contributions replace the default; a weight for 2023 overrides the default one.
    r = client.patch(
        f"/api/v1/indicators/{indicators['IS-545']['id']}",
        json={
            "contributions": [{"node_code": "OBJ5", "weight": 1, "weights_by_year": {"2023": 3}}]
        },
    )
    assert r.status_code == 200, r.text
    nodes = by_code(client.get(f"/api/v1/cuts/{cut.id}/results").json()["nodes"])
    a545 = Decimal(1474056) * 100 / Decimal(2743434)
    a546 = Decimal(150623) * 100 / Decimal(104220)
    assert nodes["OBJ5"]["advance_pct"] == pytest.approx(float((3 * a545 + a546) / 4))
    # An objective's weight for the year weighs it in the plan's mean.
    r = client.patch(
        f"/api/v1/nodes/{nodes['OBJ1']['node_id']}", json={"weights_by_year": {"2023": 0}}
    )
    assert r.status_code == 200, r.text
    body = client.get(f"/api/v1/cuts/{cut.id}/results").json()
    others = [n["advance_pct"] for n in body["nodes"] if n["code"] != "OBJ1"]
    assert body["plan"]["advance_pct"] == pytest.approx(sum(others) / 7)
    assert body["plan"]["counted"] == 12


# --- by unit, by axis, by band, by status ------------------------------------------------


def test_bogota_by_unit(client, bogota_cut):
    _, cut = bogota_cut
    body = client.get(f"/api/v1/cuts/{cut.id}/results/by-unit").json()
    items = by_code(body["items"], "label")
    sc = items["Subsecretaría Corporativa"]
    assert sc["code"] == "SC" and sc["count"] == 3 and sc["counted"] == 3
    assert sc["advance_pct_shown"] == 98.33  # (95 + 100 + 100) / 3
    assert sc["by_status"] == {"on_track": 2, "lagging": 1, "over_executed": 0, "not_due": 0}
    assert sc["by_band"] == {"red": 0, "yellow": 1, "green": 2}
    assert sc["band"]["code"] == "yellow"
    nobody = items["Sin responsable"]
    assert nobody["key"] is None and nobody["count"] == 11
    assert [i["label"] for i in body["items"]][-1] == "Sin responsable"
    assert nobody["action_count"] == 0


def test_by_band_and_by_status_list_the_indicators(client, cauca_cut):
    _, cut = cauca_cut
    body = client.get(f"/api/v1/cuts/{cut.id}/results/by-band").json()
    assert [i["key"] for i in body["items"]] == ["red", "yellow", "green", None]
    bands = {i["key"]: i for i in body["items"]}
    assert [i["code"] for i in bands["red"]["indicators"]] == ["M1.1.3-1"]
    assert bands["red"]["label"] == "0-49%" and bands["red"]["color"] == "#c62828"
    assert [i["code"] for i in bands["yellow"]["indicators"]] == ["M2.2.3-1"]
    assert sorted(i["code"] for i in bands["green"]["indicators"]) == [
        "M1.1.1-1",
        "M1.1.1-2",
        "M1.1.1-3",
        "M1.1.4-1",
        "M2.2.1-1",
    ]
    red = bands["red"]["indicators"][0]
    assert red["unit"]["code"] == "OAP" and red["units"] == [red["unit"]]
    assert red["advance_pct_shown"] == 14.29
    assert red["status"]["label"] == "Rezago 85.71%"
    total = sum(i["count"] for i in body["items"])
    assert total == len(cauca.SEED["indicators"])

    body = client.get(f"/api/v1/cuts/{cut.id}/results/by-status").json()
    assert [i["key"] for i in body["items"]] == ["on_track", "lagging", "over_executed", "not_due"]
    statuses = {i["key"]: i for i in body["items"]}
    assert statuses["over_executed"]["label"] == "Sobre ejecución"
    assert [i["code"] for i in statuses["over_executed"]["indicators"]] == ["M2.2.1-1"]
    assert sorted(i["code"] for i in statuses["lagging"]["indicators"]) == ["M1.1.3-1", "M2.2.3-1"]
    assert statuses["not_due"]["count"] == len(cauca.SEED["indicators"]) - 7


@pytest.fixture
def classified(client, session):
    """A plan with a component axis, an action shared by two units, an indicator of its own."""
    org = client.post("/api/v1/organizations", json={"code": "gd", "name": "GD"}).json()
    for code in ("TIC", "PLA"):
        client.post(f"/api/v1/organizations/{org['id']}/units", json={"code": code, "name": code})
    plan = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "digital_government",
            "code": "GD",
            "name": "GD",
            "first_year": 2020,
            "last_year": 2020,
            "levels": ["Plan"],
            "axes": [
                {
                    "code": "component",
                    "name": "Componente",
                    "values": [
                        {"code": "tic_estado", "label": "TIC para el Estado"},
                        {"code": "tic_sociedad", "label": "TIC para la Sociedad"},
                    ],
                },
                {
                    "code": "enabler",
                    "name": "Habilitador",
                    "values": [{"code": "seguridad", "label": "Seguridad y Privacidad"}],
                },
            ],
        },
    ).json()
    base = f"/api/v1/plans/{plan['id']}"
    client.post(f"{base}/nodes", json={"code": "PT", "name": "Plan de trabajo"})
    client.post(
        f"{base}/actions",
        json={
            "code": "A1",
            "description": "Compartida",
            "node_code": "PT",
            "unit_ids": ["TIC", "PLA"],
            "axis_values": {"component": "tic_estado"},
            "due_date": "2020-06-30",
        },
    )
    client.post(
        f"{base}/actions",
        json={
            "code": "A2",
            "description": "De TIC",
            "node_code": "PT",
            "unit_ids": ["TIC"],
            "due_date": "2020-12-31",
        },
    )
    specs = [
        ("I1", "A1", {}, None, "30"),
        ("I2", "A1", {"component": "tic_sociedad"}, "PLA", "90"),
        ("I3", "A2", {}, None, "100"),
    ]
    for code, action, axes, unit, _ in specs:
        body = {
            "code": code,
            "name": f"Indicador {code}",
            "action_code": action,
            "unit_of_measure": "percentage",
            "accumulation": "constant",
            "axis_values": axes,
        }
        if unit:
            body["unit_code"] = unit
        created = client.post(f"{base}/indicators", json=body)
        assert created.status_code == 201, created.text
        client.put(
            f"/api/v1/indicators/{created.json()['id']}/programming",
            json=[{"period_end": "2020-09-30", "value": 100}],
        )
    cut = add_cut(session, plan["id"], "2020-09-30")
    add_measurements(
        session,
        plan["id"],
        [
            {"indicator_code": code, "period_end": "2020-09-30", "value": value}
            for code, *_, value in specs
        ],
    )
    return plan, cut


def test_by_axis_inherits_the_actions_value(client, classified):
    _, cut = classified
    r = client.get(f"/api/v1/cuts/{cut.id}/results/by-axis/component")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["axis"] == "component"
    items = {i["key"]: i for i in body["items"]}
    assert list(items) == ["tic_estado", "tic_sociedad", None]
    # I1 takes A1's component; I2 has its own; I3's action has none.
    assert items["tic_estado"]["count"] == 1 and items["tic_estado"]["advance_pct"] == 30
    assert items["tic_estado"]["label"] == "TIC para el Estado"
    assert items["tic_estado"]["action_count"] == 1
    assert items["tic_sociedad"]["count"] == 1 and items["tic_sociedad"]["advance_pct"] == 90
    assert items["tic_sociedad"]["action_count"] == 0
    assert items[None]["label"] == "Sin clasificar" and items[None]["advance_pct"] == 100
    assert items[None]["by_execution_state"]["completed"] == 1

    body = client.get(f"/api/v1/cuts/{cut.id}/results/by-axis/enabler").json()
    assert [(i["key"], i["count"]) for i in body["items"]] == [("seguridad", 0), (None, 3)]
    assert body["items"][0]["advance_pct"] is None
    assert body["items"][0]["by_band"] == {"red": 0, "yellow": 0, "green": 0}


def test_unknown_axis_is_404_naming_the_axes(client, classified, bogota_cut):
    _, cut = classified
    body = assert_problem(client.get(f"/api/v1/cuts/{cut.id}/results/by-axis/purpose"), 404)
    assert "purpose" in body["detail"] and "component, enabler" in body["detail"]
    _, bogota_cut_row = bogota_cut
    body = assert_problem(
        client.get(f"/api/v1/cuts/{bogota_cut_row.id}/results/by-axis/component"), 404
    )
    assert "no axes" in body["detail"]


def test_by_unit_counts_a_shared_action_for_each_unit(client, classified):
    plan, cut = classified
    body = client.get(f"/api/v1/cuts/{cut.id}/results/by-unit").json()
    items = by_code(body["items"])
    assert list(items) == ["PLA", "TIC"]
    # I1 (30, shared action) counts for PLA and TIC; I2 (90) has its own unit, PLA;
    # I3 (100) is TIC's.
    assert items["PLA"]["count"] == 2 and items["PLA"]["advance_pct"] == 60
    assert items["TIC"]["count"] == 2 and items["TIC"]["advance_pct"] == 65
    assert items["PLA"]["action_count"] == 1 and items["TIC"]["action_count"] == 2
    assert items["TIC"]["by_execution_state"] == {
        "not_started": 0,
        "in_progress": 1,
        "completed": 1,
        "not_due": 0,
    }
    units = client.get(f"/api/v1/organizations/{plan['organization_id']}/units").json()
    assert items["TIC"]["key"] == next(u["id"] for u in units["items"] if u["code"] == "TIC")


# --- alerts ------------------------------------------------------------------------------


def test_alerts(client, session, classified):
    plan, cut = classified
    ids = indicator_ids(session, plan["id"])
    bare = FollowUp(cut_id=cut.id, indicator_id=ids["I1"], narrative="Sin soporte")
    backed = FollowUp(cut_id=cut.id, indicator_id=ids["I3"], narrative="Con soporte")
    session.add_all([bare, backed])
    session.flush()
    session.add(
        Evidence(followup_id=backed.id, kind="link", title="Acta", url="https://example.org/acta")
    )
    session.flush()

    body = client.get(f"/api/v1/cuts/{cut.id}/alerts").json()
    assert body["lag_threshold_pct"] == 10
    kinds = [(a["kind"], a["code"]) for a in body["items"]]
    # A1 (due 30 Jun) is at 60 %: overdue. A2 is due in December.
    # I1 at 30 % lags beyond 10 %; I2 at 90 % does not (90 is not below 90).
    assert kinds == [
        ("overdue_action", "A1"),
        ("lagging", "I1"),
        ("followup_without_evidence", "I1"),
    ]
    overdue = body["items"][0]
    assert overdue["element"] == "action" and overdue["due_date"] == "2020-06-30"
    assert overdue["name"] == "Compartida" and overdue["advance_pct_shown"] == 60
    assert sorted(u["code"] for u in overdue["units"]) == ["PLA", "TIC"]
    lagging = body["items"][1]
    assert lagging["detail"] == "Rezago 70%"
    # I1 hangs from the shared action: it answers to both units, the first one is `unit`.
    assert sorted(u["code"] for u in lagging["units"]) == ["PLA", "TIC"]
    assert lagging["unit"] == lagging["units"][0]
    assert body["items"][2]["followup_id"] == str(bare.id)
    assert body["items"][2]["followup_status"] == "draft"
    assert body["counts"] == {
        "overdue_action": 1,
        "missing_report": 0,
        "lagging": 1,
        "overdue_report": 0,
        "followup_without_evidence": 1,
        "missing_evidence": 0,
        "followup_returned": 0,
        "financial_gap": 0,
        "at_risk": 0,
    }

    body = client.get(f"/api/v1/cuts/{cut.id}/alerts", params={"lag_threshold_pct": 5}).json()
    assert [a["code"] for a in body["items"] if a["kind"] == "lagging"] == ["I1", "I2"]
    assert_problem(
        client.get(f"/api/v1/cuts/{cut.id}/alerts", params={"lag_threshold_pct": 101}), 422
    )


def test_missing_reports_are_alerts_not_lags(client, session):
    seed = copy.deepcopy(bogota.SEED)
    seed["measurements"] = [m for m in seed["measurements"] if m["indicator_code"] != "IS-545"]
    _, cut = load_with_cut(client, session, seed)
    body = client.get(f"/api/v1/cuts/{cut.id}/alerts").json()
    assert [(a["kind"], a["code"]) for a in body["items"]] == [("missing_report", "IS-545")]
    assert body["items"][0]["detail"] == "Sin reporte al corte"
    results = client.get(f"/api/v1/cuts/{cut.id}/results").json()
    is545 = by_code(results["indicators"])["IS-545"]
    assert is545["missing_report"] and is545["executed_to_date"] == 0
    assert is545["advance_pct"] == 0


# --- trend -------------------------------------------------------------------------------


def test_trend_over_the_cuts(client, session):
    plan, june = load_with_cut(client, session, bogota.SEED)
    september = add_cut(session, plan["id"], "2023-09-30")
    march = add_cut(session, plan["id"], "2023-03-31")
    add_measurements(
        session,
        plan["id"],
        [{"indicator_code": "IS-545", "period_end": "2023-09-30", "value": "1000000"}],
    )
    r = client.get(f"/api/v1/plans/{plan['id']}/trend")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [c["cut_id"] for c in body["cuts"]] == [str(march.id), str(june.id), str(september.id)]
    # March: nothing programmed yet. June: the report. September: nothing more programmed
    # (the rest of the year is planned for December), one more million done on line 195.
    indicators = by_code(body["indicators"])
    assert [p["advance_pct_shown"] for p in indicators["IS-545"]["points"]] == [None, 53.73, 90.18]
    assert [p["not_due"] for p in indicators["IS-545"]["points"]] == [True, False, False]
    assert indicators["IS-546"]["points"][1]["status"]["label"] == "Sobre ejecución 44.52%"
    nodes = by_code(body["nodes"])
    a545 = Decimal(2474056) * 100 / Decimal(2743434)
    a546 = Decimal(150623) * 100 / Decimal(104220)
    assert [p["advance_pct_shown"] for p in nodes["OBJ5"]["points"]] == [
        None,
        99.13,
        float(round((a545 + a546) / 2, 2)),
    ]
    assert nodes["OBJ7"]["points"][1]["band"]["code"] == "yellow"
    assert [p["advance_pct_shown"] for p in body["plan"]][:2] == [None, 99.49]
    assert body["plan"][2]["advance_pct"] == pytest.approx(
        sum(n["points"][2]["advance_pct"] for n in body["nodes"]) / 8
    )
    # The same figures as the results of each cut.
    at_june = client.get(f"/api/v1/cuts/{june.id}/results").json()
    assert body["plan"][1]["advance_pct"] == at_june["plan"]["advance_pct"]


# --- budget ------------------------------------------------------------------------------


def test_cali_budget_matrix(client):
    plan = load_structure(client, cali_pet.SEED)["plan"]
    r = client.get(f"/api/v1/plans/{plan['id']}/budget")
    assert r.status_code == 200, r.text
    body = r.json()
    expected = cali_pet.SEED["expected"]["budget"]
    assert body["total"] == 3_538_975_000 == int(expected["total"])
    assert [c["code"] for c in body["columns"]] == ["C1", "C2", "C3", "C4"]
    columns = by_code(body["columns"])
    assert {c: columns[c]["total"] for c in columns} == {
        "C1": 1_931_975_000,
        "C2": 454_500_000,
        "C3": 1_036_500_000,
        "C4": 116_000_000,
    }
    for code, share in expected["column_share_pct_shown"].items():
        assert columns[code]["share_pct_shown"] == float(share)
        assert columns[code]["name"]
    rows = by_code(body["rows"])
    assert len(rows) == len(expected["rows"]) == 16
    for unit, row in expected["rows"].items():
        assert rows[unit]["total"] == int(row["total"]), unit
        assert rows[unit]["share_pct_shown"] == float(row["share_pct_shown"]), unit
    dapm = rows["DAPM"]
    assert dapm["cells"] == {
        "C1": 1_115_975_000,
        "C2": 193_000_000,
        "C3": 710_500_000,
        "C4": 116_000_000,
    }
    assert dapm["total"] == 2_135_475_000 and dapm["share_pct_shown"] == 60.34
    assert rows["DEPORTE"]["cells"] == {"C1": 0, "C2": 0, "C3": 8_400_000, "C4": 0}
    assert sum(r["total"] for r in body["rows"]) == body["total"]
    assert [r["code"] for r in body["rows"]] == sorted(rows)

    executed = client.get(
        f"/api/v1/plans/{plan['id']}/budget", params={"measure": "executed"}
    ).json()
    assert executed["measure"] == "executed" and executed["total"] == 0
    assert all(c["share_pct"] is None for c in executed["columns"])
    # The allocations carry no year: a year's matrix is empty but keeps its rows and columns.
    year = client.get(f"/api/v1/plans/{plan['id']}/budget", params={"year": 2017}).json()
    assert year["total"] == 0 and len(year["rows"]) == 16 and len(year["columns"]) == 4
    assert_problem(
        client.get(f"/api/v1/plans/{plan['id']}/budget", params={"measure": "spent"}), 422
    )


def test_budget_counts_actions_and_deeper_nodes_for_their_root(client):
    org = client.post("/api/v1/organizations", json={"code": "b", "name": "B"}).json()
    for code in ("U1", "U2"):
        client.post(f"/api/v1/organizations/{org['id']}/units", json={"code": code, "name": code})
    plan = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "pet",
            "code": "P",
            "name": "P",
            "first_year": 2023,
            "last_year": 2024,
            "levels": ["Componente", "Objetivo"],
        },
    ).json()
    base = f"/api/v1/plans/{plan['id']}"
    for body in (
        {"code": "C1", "name": "Uno"},
        {"code": "C2", "name": "Dos"},
        {"code": "C1-1", "name": "Uno uno", "parent_code": "C1"},
        {"code": "C2-1", "name": "Dos uno", "parent_code": "C2"},
    ):
        assert client.post(f"{base}/nodes", json=body).status_code == 201
    client.post(f"{base}/actions", json={"code": "A1", "description": "a", "node_code": "C2-1"})
    for body in (
        {"unit_code": "U1", "action_code": "A1", "planned": 300, "executed": 100, "year": 2023},
        {"unit_code": "U1", "node_code": "C1-1", "planned": 100, "year": 2024},
        {"unit_code": "U2", "node_code": "C1", "planned": 600, "executed": 50, "year": 2023},
    ):
        r = client.post(f"{base}/budget-allocations", json=body)
        assert r.status_code == 201, r.text
    body = client.get(f"{base}/budget").json()
    rows = by_code(body["rows"])
    assert rows["U1"]["cells"] == {"C1": 100, "C2": 300} and rows["U1"]["total"] == 400
    assert rows["U2"]["cells"] == {"C1": 600, "C2": 0}
    assert rows["U1"]["share_pct"] == 40 and rows["U1"]["share_pct_shown"] == 40
    assert body["total"] == 1000
    assert by_code(body["columns"])["C1"]["total"] == 700
    body = client.get(f"{base}/budget", params={"year": 2023, "measure": "executed"}).json()
    assert body["total"] == 150 and by_code(body["rows"])["U1"]["cells"] == {"C1": 0, "C2": 100}
    assert by_code(body["columns"])["C2"]["share_pct_shown"] == 66.67


# --- a fixed number of statements --------------------------------------------------------


def test_statements_do_not_grow_with_the_plan(client, session, queries):
    small, small_cut = load_with_cut(client, session, bogota.SEED)
    large, large_cut = load_with_cut(client, session, cauca.SEED)
    # Cauca: 27 indicators under 22 actions and 10 nodes; Bogotá: 14 indicators on 8 nodes.
    assert len(cauca.SEED["indicators"]) > len(bogota.SEED["indicators"])
    assert len(cauca.SEED["actions"]) > len(bogota.SEED["actions"])
    paths = ["results", "results/by-unit", "results/by-band", "results/by-status", "alerts"]

    def count(url: str) -> int:
        client.get(url)  # warm up: the token's last use is recorded once in a while
        queries.reset()
        assert client.get(url).status_code == 200
        return queries.count

    for path in paths:
        small_count = count(f"/api/v1/cuts/{small_cut.id}/{path}")
        assert count(f"/api/v1/cuts/{large_cut.id}/{path}") == small_count, path
        # Alerts: the finance source (financial_gap, at_risk) loads the plan's figures itself.
        assert small_count <= (24 if path == "alerts" else 14), path
    for path in ("trend", "budget"):
        small_count = count(f"/api/v1/plans/{small['id']}/{path}")
        assert count(f"/api/v1/plans/{large['id']}/{path}") == small_count, path
        assert small_count <= 12, path
