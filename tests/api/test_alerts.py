"""Reporting status, the evidence rule, alerts in one place and a unit's digest, through HTTP.

One small plan of 2024: DAPM answers for M1 (quarterly, the plan's default, grace 10 days),
TIC for M2 (monthly, grace 5) and M3 (programmed only in December); M4 hangs from a node
and nobody answers for it (annual). Measurements are inserted with the day they were
recorded, so that "on time" does not depend on today's date.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.demo.loader import load_structure
from app.demo.seeds import bogota, cauca
from app.measurements.models import Measurement
from tests.helpers import assert_problem

AS_OF = "2024-05-01"


def record(session, indicator_id, period_end: str, value: str, recorded: str) -> None:
    at = datetime.fromisoformat(recorded).replace(hour=15, tzinfo=UTC)
    session.add(
        Measurement(
            indicator_id=uuid.UUID(indicator_id),
            period_end=date.fromisoformat(period_end),
            value=Decimal(value),
            created_at=at,
            updated_at=at,
        )
    )
    session.flush()


@pytest.fixture
def world(client, session):
    org = client.post("/api/v1/organizations", json={"code": "cauca", "name": "Cauca"}).json()
    units = {
        code: client.post(
            f"/api/v1/organizations/{org['id']}/units", json={"code": code, "name": name}
        ).json()
        for code, name in (("DAPM", "Planeación"), ("TIC", "Tecnologías"))
    }
    plan = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "pet",
            "code": "PET",
            "name": "Plan estadístico",
            "first_year": 2024,
            "last_year": 2024,
            "levels": ["Objetivo"],
            "evidence_min_count": 1,
            "evidence_mode": "block",
        },
    ).json()
    base = f"/api/v1/plans/{plan['id']}"
    assert client.post(f"{base}/nodes", json={"code": "OE1", "name": "Objetivo"}).status_code == 201
    for code, unit in (("A1", "DAPM"), ("A2", "TIC")):
        r = client.post(
            f"{base}/actions",
            json={"code": code, "description": code, "node_code": "OE1", "unit_ids": [unit]},
        )
        assert r.status_code == 201, r.text
    bodies = [
        {"code": "M1", "name": "Operaciones estadísticas", "action_code": "A1"},
        {
            "code": "M2",
            "name": "Bases de datos publicadas",
            "action_code": "A2",
            "reporting_frequency": "monthly",
            "reporting_grace_days": 5,
        },
        {"code": "M3", "name": "Tableros", "action_code": "A2"},
        {
            "code": "M4",
            "name": "Capacitaciones",
            "node_code": "OE1",
            "reporting_frequency": "annual",
        },
    ]
    programming = {
        "M1": [("2024-03-31", 10), ("2024-06-30", 10)],
        "M2": [("2024-03-31", 10), ("2024-06-30", 10)],
        "M3": [("2024-12-31", 5)],
        "M4": [("2024-03-31", 4)],
    }
    ind = {}
    for body in bodies:
        r = client.post(f"{base}/indicators", json=body)
        assert r.status_code == 201, r.text
        ind[body["code"]] = r.json()
        items = [{"period_end": p, "value": v} for p, v in programming[body["code"]]]
        r = client.put(f"/api/v1/indicators/{r.json()['id']}/programming", json=items)
        assert r.status_code == 200, r.text
    cut = client.post(
        f"{base}/cuts", json={"code": "C1", "cut_date": "2024-03-31", "label": "Primer trimestre"}
    ).json()
    record(session, ind["M1"]["id"], "2024-03-31", "10", "2024-04-05")
    record(session, ind["M2"]["id"], "2024-02-29", "3", "2024-03-02")
    return {"plan": plan, "units": units, "ind": ind, "cut": cut, "base": base}


def codes(items, key="code"):
    return [i[key] for i in items]


# --- settings and bad input --------------------------------------------------------------


def test_schedule_fields_defaults_and_overrides(client, world):
    plan = client.get(world["base"]).json()
    assert {
        k: plan[k]
        for k in (
            "reporting_frequency",
            "reporting_grace_days",
            "evidence_min_count",
            "evidence_scope",
            "evidence_mode",
        )
    } == {
        "reporting_frequency": "quarterly",
        "reporting_grace_days": 10,
        "evidence_min_count": 1,
        "evidence_scope": "on_track",
        "evidence_mode": "block",
    }
    m2 = client.get(f"/api/v1/indicators/{world['ind']['M2']['id']}").json()
    assert (m2["reporting_frequency"], m2["reporting_grace_days"]) == ("monthly", 5)
    m1 = client.get(f"/api/v1/indicators/{world['ind']['M1']['id']}").json()
    assert (m1["reporting_frequency"], m1["reporting_grace_days"]) == (None, None)


def test_unknown_frequency_and_negative_grace_are_422_and_write_nothing(client, world):
    url = f"/api/v1/indicators/{world['ind']['M2']['id']}"
    body = assert_problem(client.patch(url, json={"reporting_frequency": "weekly"}), 422)
    assert body["errors"][0]["loc"] == ["body", "reporting_frequency"]
    assert (
        "'monthly', 'bimonthly', 'quarterly', 'semiannual' or 'annual'"
        in (body["errors"][0]["msg"])
    )
    body = assert_problem(client.patch(url, json={"reporting_grace_days": -1}), 422)
    assert body["errors"][0]["loc"] == ["body", "reporting_grace_days"]
    m2 = client.get(url).json()
    assert (m2["reporting_frequency"], m2["reporting_grace_days"]) == ("monthly", 5)

    body = assert_problem(client.patch(world["base"], json={"reporting_frequency": "daily"}), 422)
    assert (
        "'monthly', 'bimonthly', 'quarterly', 'semiannual' or 'annual'"
        in (body["errors"][0]["msg"])
    )
    assert_problem(client.patch(world["base"], json={"reporting_grace_days": -5}), 422)
    assert_problem(client.patch(world["base"], json={"evidence_mode": "maybe"}), 422)
    assert client.get(world["base"]).json()["reporting_frequency"] == "quarterly"
    r = client.patch(world["base"], json={"reporting_frequency": "monthly"})
    assert r.status_code == 200 and r.json()["reporting_frequency"] == "monthly"


# --- reporting status --------------------------------------------------------------------


def test_reporting_status_at_a_date(client, world):
    r = client.get(f"{world['base']}/reporting-status", params={"as_of": AS_OF})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["as_of"] == AS_OF
    assert (body["default_frequency"], body["default_grace_days"]) == ("quarterly", 10)
    indicators = {i["code"]: i for i in body["indicators"]}
    strip = ("indicator_id", "code", "name", "unit", "units")
    assert {k: v for k, v in indicators["M1"].items() if k not in strip} == {
        "frequency": "quarterly",
        "grace_days": 10,
        "period_start": "2024-01-01",
        "period_end": "2024-03-31",
        "due_date": "2024-04-10",
        "expected": True,
        "reported": True,
        "reported_on": "2024-04-05",
        "on_time": True,
        "overdue": False,
        "days_overdue": None,
    }
    # Monthly, 5 days of grace: March was due on 5 April; February's value does not count.
    assert {k: v for k, v in indicators["M2"].items() if k not in strip} == {
        "frequency": "monthly",
        "grace_days": 5,
        "period_start": "2024-03-01",
        "period_end": "2024-03-31",
        "due_date": "2024-04-05",
        "expected": True,
        "reported": False,
        "reported_on": None,
        "on_time": False,
        "overdue": True,
        "days_overdue": 26,
    }
    assert indicators["M2"]["unit"]["code"] == "TIC"
    # M3: nothing programmed until December. M4: annual, no period due yet in 2024.
    assert (indicators["M3"]["expected"], indicators["M3"]["period_end"]) == (False, "2024-03-31")
    assert (indicators["M4"]["expected"], indicators["M4"]["period_end"]) == (False, None)
    assert indicators["M4"]["unit"] is None

    units = body["units"]
    assert [u["code"] for u in units] == ["DAPM", "TIC", None]
    dapm, tic, nobody = units
    assert (dapm["expected"], dapm["reported"], dapm["reported_on_time"]) == (1, 1, 1)
    assert (dapm["on_time_pct"], dapm["on_time_pct_shown"], dapm["overdue"]) == (100, 100, [])
    assert (tic["expected"], tic["reported"], tic["reported_on_time"]) == (1, 0, 0)
    assert tic["on_time_pct_shown"] == 0
    assert tic["overdue"] == [
        {
            "indicator_id": world["ind"]["M2"]["id"],
            "code": "M2",
            "name": "Bases de datos publicadas",
            "period_end": "2024-03-31",
            "due_date": "2024-04-05",
            "days_overdue": 26,
        }
    ]
    assert nobody["name"] == "Sin responsable"
    assert (nobody["expected"], nobody["on_time_pct"]) == (0, None)
    assert body["totals"] == {
        "expected": 2,
        "reported": 1,
        "reported_on_time": 1,
        "overdue": 1,
        "on_time_pct": 50,
        "on_time_pct_shown": 50,
    }


def test_a_late_report_is_reported_but_not_on_time(client, session, world):
    # June was due on 10 July; recorded on the 12th.
    record(session, world["ind"]["M1"]["id"], "2024-06-30", "10", "2024-07-12")
    body = client.get(f"{world['base']}/reporting-status", params={"as_of": "2024-07-15"}).json()
    m1 = next(i for i in body["indicators"] if i["code"] == "M1")
    assert (m1["period_end"], m1["due_date"], m1["reported_on"]) == (
        "2024-06-30",
        "2024-07-10",
        "2024-07-12",
    )
    assert (m1["reported"], m1["on_time"], m1["overdue"]) == (True, False, False)
    # Seen from before it was recorded, it was not reported yet.
    body = client.get(f"{world['base']}/reporting-status", params={"as_of": "2024-07-11"}).json()
    m1 = next(i for i in body["indicators"] if i["code"] == "M1")
    assert (m1["reported"], m1["days_overdue"]) == (False, 1)


def test_as_of_outside_the_plan_years_is_422(client, world):
    for path in ("reporting-status", "alerts"):
        body = assert_problem(
            client.get(f"{world['base']}/{path}", params={"as_of": "2025-01-01"}), 422
        )
        assert body["errors"][0]["loc"] == ["query", "as_of"]
        assert "outside the plan's years 2024-2024" in body["errors"][0]["msg"]
    assert_problem(client.get(f"{world['base']}/alerts", params={"as_of": "2024-13-01"}), 422)


# --- the evidence rule -------------------------------------------------------------------


def test_block_mode_refuses_an_on_track_followup_without_evidence(client, world):
    cut, ind = world["cut"], world["ind"]
    followups = f"/api/v1/cuts/{cut['id']}/followups"
    for code in ("M1", "M2"):
        r = client.put(f"{followups}/{ind[code]['id']}", json={"narrative": "Avance"})
        assert r.status_code == 201, r.text
    # M1 is on track at the cut (10 of 10): it needs one piece of evidence.
    body = assert_problem(client.post(f"{followups}/{ind['M1']['id']}/submit"), 409)
    assert "evidence_min_count=1" in body["detail"] and "evidence_mode=block" in body["detail"]
    assert "indicator M1 needs 1 piece(s) of evidence and has 0" in body["detail"]
    assert client.get(f"{followups}/{ind['M1']['id']}").json()["status"] == "draft"
    # M2 lags (3 of 10): the rule does not apply.
    assert client.post(f"{followups}/{ind['M2']['id']}/submit").json()["status"] == "submitted"

    url = f"/api/v1/cuts/{cut['id']}/evidence-completeness"
    body = client.get(url).json()
    assert body["rule"] == {
        "min_count": 1,
        "scope": "on_track",
        "mode": "block",
        "description": "1 evidencia por seguimiento de indicadores en cumplimiento o sobre "
        "ejecución (bloquea el envío)",
    }
    assert [
        (u["code"], u["needing"], u["complete"], u["completeness_pct"]) for u in body["units"]
    ] == [
        ("DAPM", 1, 0, 0),
        ("TIC", 0, 0, None),
    ]
    assert (body["totals"]["needing"], body["totals"]["complete"]) == (1, 0)

    r = client.post(
        f"{followups}/{ind['M1']['id']}/evidence",
        json={"title": "Acta de comité", "url": "https://example.org/acta"},
    )
    assert r.status_code == 201, r.text
    body = client.get(url).json()
    assert body["units"][0]["completeness_pct_shown"] == 100
    assert body["totals"]["completeness_pct"] == 100
    assert client.post(f"{followups}/{ind['M1']['id']}/submit").json()["status"] == "submitted"


def test_warn_mode_and_any_reported_scope(client, world):
    r = client.patch(
        world["base"], json={"evidence_mode": "warn", "evidence_scope": "any_reported"}
    )
    assert r.status_code == 200, r.text
    cut, ind = world["cut"], world["ind"]
    followups = f"/api/v1/cuts/{cut['id']}/followups"
    for code in ("M1", "M2"):
        client.put(f"{followups}/{ind[code]['id']}", json={"narrative": "Avance"})
    # Warn mode: submitting goes through; the shortfall is an alert (a warning, not critical).
    assert client.post(f"{followups}/{ind['M1']['id']}/submit").status_code == 200
    body = client.get(f"/api/v1/cuts/{cut['id']}/evidence-completeness").json()
    # M2 lags but reported a value in 2024: it needs evidence too.
    assert [(u["code"], u["needing"], u["complete"]) for u in body["units"]] == [
        ("DAPM", 1, 0),
        ("TIC", 1, 0),
    ]
    alerts = client.get(
        f"/api/v1/cuts/{cut['id']}/alerts", params={"kind": "missing_evidence"}
    ).json()
    assert [(a["code"], a["severity"]) for a in alerts["items"]] == [
        ("M1", "warning"),
        ("M2", "warning"),
    ]


# --- alerts ------------------------------------------------------------------------------


@pytest.fixture
def reported(client, world):
    """M1's follow-up drafted without evidence, M2's submitted and returned."""
    cut, ind = world["cut"], world["ind"]
    followups = f"/api/v1/cuts/{cut['id']}/followups"
    for code in ("M1", "M2"):
        client.put(f"{followups}/{ind[code]['id']}", json={"narrative": "Avance"})
    client.post(f"{followups}/{ind['M2']['id']}/submit")
    r = client.post(f"{followups}/{ind['M2']['id']}/return", json={"comment": "Falta el acta"})
    assert r.json()["status"] == "returned", r.text
    return world


def test_plan_alerts_at_a_date(client, reported):
    world = reported
    r = client.get(f"{world['base']}/alerts", params={"as_of": AS_OF})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["as_of"] == AS_OF and body["cut"] is None
    assert [(a["severity"], a["kind"], a["code"]) for a in body["items"]] == [
        ("critical", "missing_evidence", "M1"),
        ("warning", "missing_report", "M4"),
        ("warning", "lagging", "M2"),
        ("warning", "overdue_report", "M2"),
        ("warning", "followup_returned", "M2"),
        ("info", "followup_without_evidence", "M1"),
        ("info", "followup_without_evidence", "M2"),
    ]
    assert body["counts"] == {
        "overdue_action": 0,
        "missing_report": 1,
        "lagging": 1,
        "overdue_report": 1,
        "followup_without_evidence": 2,
        "missing_evidence": 1,
        "followup_returned": 1,
        "financial_gap": 0,
        "at_risk": 0,
    }
    assert body["by_severity"] == {"critical": 1, "warning": 4, "info": 2}
    assert body["total"] == 7
    assert [k["code"] for k in body["kinds"] if k["in_digest"]] == [
        "overdue_report",
        "missing_evidence",
        "followup_returned",
        "at_risk",
    ]
    overdue = body["items"][3]
    assert overdue["element"] == "indicator" and overdue["id"] == world["ind"]["M2"]["id"]
    assert overdue["unit"]["code"] == "TIC" and overdue["plan_id"] == world["plan"]["id"]
    assert overdue["message"] == (
        "Reporte mensual del periodo terminado el 2024-03-31 sin enviar; plazo 2024-04-05: "
        "26 días de atraso"
    )
    assert overdue["figures"] == {
        "frequency": "monthly",
        "grace_days": 5,
        "period_end": "2024-03-31",
        "due_date": "2024-04-05",
        "days_overdue": 26,
    }
    assert overdue["due_date"] == "2024-04-05" and overdue["advance_pct_shown"] == 30
    missing = body["items"][0]
    assert missing["message"] == (
        "Faltan 1 de 1 evidencias exigidas por el plan (1 evidencia por seguimiento de "
        "indicadores en cumplimiento o sobre ejecución (bloquea el envío))"
    )
    assert missing["figures"] == {
        "cut_id": world["cut"]["id"],
        "cut_date": "2024-03-31",
        "required": 1,
        "attached": 0,
        "missing": 1,
        "mode": "block",
        "status": "on_track",
    }
    assert missing["followup_status"] == "draft" and missing["unit"]["code"] == "DAPM"
    returned = body["items"][4]
    assert returned["message"] == "Seguimiento devuelto para corrección: Falta el acta"
    assert returned["followup_status"] == "returned"
    assert body["items"][1]["message"] == "Sin reporte al 2024-05-01"
    assert body["items"][2]["message"] == body["items"][2]["detail"] == "Rezago 70%"


def test_alert_filters(client, reported):
    world = reported
    url = f"{world['base']}/alerts"
    tic = world["units"]["TIC"]["id"]
    body = client.get(url, params={"as_of": AS_OF, "unit_id": tic}).json()
    assert [(a["kind"], a["code"]) for a in body["items"]] == [
        ("lagging", "M2"),
        ("overdue_report", "M2"),
        ("followup_returned", "M2"),
        ("followup_without_evidence", "M2"),
    ]
    body = client.get(url, params={"as_of": AS_OF, "kind": ["overdue_report", "lagging"]}).json()
    assert [(a["kind"], a["code"]) for a in body["items"]] == [
        ("lagging", "M2"),
        ("overdue_report", "M2"),
    ]
    assert body["counts"]["missing_report"] == 0 and body["total"] == 2
    body = client.get(url, params={"as_of": AS_OF, "severity": "critical"}).json()
    assert [(a["kind"], a["code"]) for a in body["items"]] == [("missing_evidence", "M1")]

    problem = assert_problem(client.get(url, params={"as_of": AS_OF, "kind": "late"}), 422)
    assert problem["errors"][0]["loc"] == ["query", "kind"]
    assert problem["errors"][0]["msg"] == (
        "unknown alert kind 'late'; the kinds are: overdue_action, missing_report, lagging, "
        "overdue_report, followup_without_evidence, missing_evidence, followup_returned, "
        "financial_gap, at_risk"
    )
    problem = assert_problem(client.get(url, params={"as_of": AS_OF, "severity": "urgent"}), 422)
    assert problem["errors"][0]["loc"] == ["query", "severity"]
    assert "'critical', 'warning' or 'info'" in problem["errors"][0]["msg"]
    assert_problem(
        client.get(f"/api/v1/cuts/{world['cut']['id']}/alerts", params={"kind": "late"}), 422
    )


def test_cut_alerts_speak_of_the_cut(client, reported):
    world = reported
    body = client.get(f"/api/v1/cuts/{world['cut']['id']}/alerts").json()
    assert body["as_of"] == "2024-03-31" and body["cut"]["code"] == "C1"
    # At 31 March nothing was due to report yet (M1's first quarter is due on 10 April).
    assert [(a["severity"], a["kind"], a["code"]) for a in body["items"]] == [
        ("critical", "missing_evidence", "M1"),
        ("warning", "missing_report", "M4"),
        ("warning", "lagging", "M2"),
        ("warning", "followup_returned", "M2"),
        ("info", "followup_without_evidence", "M1"),
        ("info", "followup_without_evidence", "M2"),
    ]
    assert body["items"][1]["message"] == "Sin reporte al corte"


@pytest.fixture
def approved(client, reported):
    """The plan approved: its units report, so it enters their digests."""
    r = client.patch(reported["base"], json={"status": "approved"})
    assert r.status_code == 200, r.text
    return reported


def test_unit_digest(client, approved):
    world = approved
    tic, dapm = world["units"]["TIC"]["id"], world["units"]["DAPM"]["id"]
    r = client.get(f"/api/v1/units/{tic}/digest", params={"as_of": AS_OF})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit"]["code"] == "TIC" and body["as_of"] == AS_OF
    assert [p["code"] for p in body["plans"]] == ["PET"]
    assert [(a["kind"], a["code"]) for a in body["items"]] == [
        ("overdue_report", "M2"),
        ("followup_returned", "M2"),
    ]
    assert body["counts"] == {
        "overdue_report": 1,
        "missing_evidence": 0,
        "followup_returned": 1,
        "at_risk": 0,
    }
    body = client.get(f"/api/v1/units/{dapm}/digest", params={"as_of": AS_OF}).json()
    assert [(a["severity"], a["kind"], a["code"]) for a in body["items"]] == [
        ("critical", "missing_evidence", "M1")
    ]
    # No plan of the organization reports in 2025.
    body = client.get(f"/api/v1/units/{tic}/digest", params={"as_of": "2025-02-01"}).json()
    assert (body["plans"], body["items"], body["total"]) == ([], [], 0)
    # One plan asked for: its years bound as_of.
    plan_id = world["plan"]["id"]
    body = client.get(
        f"/api/v1/units/{tic}/digest", params={"as_of": AS_OF, "plan_id": plan_id}
    ).json()
    assert body["total"] == 2
    assert_problem(
        client.get(
            f"/api/v1/units/{tic}/digest", params={"as_of": "2025-02-01", "plan_id": plan_id}
        ),
        422,
    )
    assert_problem(
        client.get(f"/api/v1/units/{tic}/digest", params={"plan_id": str(uuid.uuid4())}), 404
    )


def test_a_draft_plan_is_not_in_the_digest(client, reported):
    tic = reported["units"]["TIC"]["id"]
    body = client.get(f"/api/v1/units/{tic}/digest", params={"as_of": AS_OF}).json()
    assert (body["plans"], body["total"]) == ([], 0)


# --- a fixed number of statements --------------------------------------------------------


def test_statements_do_not_grow_with_the_plan(client, queries):
    small = load_structure(client, copy.deepcopy(bogota.SEED))["plan"]
    large = load_structure(client, copy.deepcopy(cauca.SEED))["plan"]
    assert len(cauca.SEED["indicators"]) > len(bogota.SEED["indicators"])

    def count(url: str, as_of: str) -> int:
        client.get(url, params={"as_of": as_of})  # warm up
        queries.reset()
        assert client.get(url, params={"as_of": as_of}).status_code == 200
        return queries.count

    for path in ("alerts", "reporting-status"):
        small_count = count(f"/api/v1/plans/{small['id']}/{path}", "2023-09-30")
        assert count(f"/api/v1/plans/{large['id']}/{path}", "2023-09-30") == small_count, path
        # The finance source (financial_gap, at_risk) loads the plan's physical figures itself.
        assert small_count <= (24 if path == "alerts" else 14), path


# --- the registry: another package's kind plugged in with one line -----------------------


def test_a_source_plugged_into_the_registry_reaches_every_answer(client, monkeypatch, approved):
    from app.alerts import service
    from app.compute.alerting import AlertDraft, AlertKindSpec, Severity

    world = approved
    m1, dapm = world["ind"]["M1"], world["units"]["DAPM"]["id"]
    seen = []

    def gaps(session, plan, scope):
        seen.append((plan.code, scope.as_of, scope.cut_id))
        yield AlertDraft(
            kind="budget_gap",
            severity=Severity.CRITICAL,
            element="indicator",
            element_id=uuid.UUID(m1["id"]),
            code="M1",
            name=m1["name"],
            unit_ids=(uuid.UUID(dapm),),
            message="Gasto sin avance",
            figures={"spent_pct": Decimal("80.5"), "done_pct": 20},
        )

    kind = AlertKindSpec("budget_gap", "Brecha", in_digest=True)
    monkeypatch.setattr(service, "SOURCES", [*service.SOURCES, service.AlertSource((kind,), gaps)])

    body = client.get(f"{world['base']}/alerts", params={"as_of": AS_OF}).json()
    assert [(a["kind"], a["code"]) for a in body["items"]][:2] == [
        ("missing_evidence", "M1"),
        ("budget_gap", "M1"),
    ]
    gap = body["items"][1]
    assert gap["figures"] == {"spent_pct": 80.5, "done_pct": 20}
    assert gap["unit"]["code"] == "DAPM" and gap["message"] == "Gasto sin avance"
    assert body["counts"]["budget_gap"] == 1 and body["kinds"][-1]["code"] == "budget_gap"
    only = client.get(f"{world['base']}/alerts", params={"as_of": AS_OF, "kind": "budget_gap"})
    assert [a["kind"] for a in only.json()["items"]] == ["budget_gap"]
    # Filtered out by unit: TIC sees none of it.
    tic = world["units"]["TIC"]["id"]
    body = client.get(f"{world['base']}/alerts", params={"as_of": AS_OF, "unit_id": tic}).json()
    assert body["counts"]["budget_gap"] == 0
    digest = client.get(f"/api/v1/units/{dapm}/digest", params={"as_of": AS_OF}).json()
    assert [(a["kind"], a["code"]) for a in digest["items"]] == [
        ("missing_evidence", "M1"),
        ("budget_gap", "M1"),
    ]
    cut = client.get(f"/api/v1/cuts/{world['cut']['id']}/alerts").json()
    assert cut["counts"]["budget_gap"] == 1
    assert seen[-1] == ("PET", date(2024, 3, 31), uuid.UUID(world["cut"]["id"]))


def test_a_plain_dict_source_is_wrapped_by_plain(client, monkeypatch, approved):
    from app.alerts import service
    from app.compute.alerting import AlertKindSpec

    world = approved
    m2, tic = world["ind"]["M2"], world["units"]["TIC"]

    def at_risk(session, plan, as_of):
        return [
            {
                "kind": "at_risk",
                "severity": "medium",
                "element": {"type": "indicator", "id": uuid.UUID(m2["id"]), "code": "M2"},
                "unit": {"unit_id": uuid.UUID(tic["id"]), "code": "TIC", "name": "Tecnologías"},
                "figures": {"forecast_advance_pct_shown": Decimal("45.50"), "band": "yellow"},
                "message": f"Cerraría {as_of.year} en rojo",
            }
        ]

    kind = AlertKindSpec("at_risk", "En riesgo al cierre", in_digest=True)
    source = service.AlertSource((kind,), service.plain(at_risk))
    monkeypatch.setattr(service, "SOURCES", [*service.SOURCES, source])

    body = client.get(f"{world['base']}/alerts", params={"as_of": AS_OF, "kind": "at_risk"}).json()
    assert len(body["items"]) == 1
    item = body["items"][0]
    assert (item["severity"], item["element"], item["id"], item["code"]) == (
        "warning",
        "indicator",
        m2["id"],
        "M2",
    )
    assert item["unit"]["code"] == "TIC" and item["message"] == "Cerraría 2024 en rojo"
    assert item["figures"] == {"forecast_advance_pct_shown": 45.5, "band": "yellow"}
    digest = client.get(f"/api/v1/units/{tic['id']}/digest", params={"as_of": AS_OF}).json()
    assert [(a["kind"], a["code"]) for a in digest["items"]] == [
        ("overdue_report", "M2"),
        ("followup_returned", "M2"),
        ("at_risk", "M2"),
    ]
