"""The DNP guide's accumulation types through the API: accepted as input, shown beside the
service's own, "acumulado" computed with its own formula."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from app.plans.models import Indicator
from tests.api.test_spreadsheets import officials_workbook, post_new
from tests.helpers import assert_problem


@pytest.fixture
def plan(client) -> dict:
    org = client.post("/api/v1/organizations", json={"code": "dnp", "name": "Entidad"}).json()
    r = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "development_plan",
            "code": "PDT",
            "name": "Plan de desarrollo",
            "first_year": 2024,
            "last_year": 2027,
            "levels": ["Línea", "Programa"],
        },
    )
    assert r.status_code == 201, r.text
    plan = r.json()
    r = client.post(f"/api/v1/plans/{plan['id']}/nodes", json={"code": "L1", "name": "Línea 1"})
    assert r.status_code == 201, r.text
    return plan


def create(client, plan, code: str, **fields):
    return client.post(
        f"/api/v1/plans/{plan['id']}/indicators",
        json={"code": code, "name": f"Indicador {code}", "node_code": "L1", **fields},
    )


@pytest.mark.parametrize(
    ("fields", "accumulation", "dnp"),
    [
        ({"accumulation": "flujo"}, "sum", "flujo"),
        ({"accumulation": "Stock"}, "increasing", "stock"),
        ({"accumulation": "acumulado"}, "cumulative", "acumulado"),
        ({"accumulation": "capacidad"}, "constant", "capacidad"),
        ({"accumulation": "reducción"}, "decreasing", "reduccion"),
        ({"accumulation": "Reducción anual"}, "decreasing", "reduccion_anual"),
        ({"accumulation_dnp": "reduccion_anual"}, "decreasing", "reduccion_anual"),
        (
            {"accumulation": "decreasing", "accumulation_dnp": "reduccion_anual"},
            "decreasing",
            "reduccion_anual",
        ),
        ({"accumulation": "increasing"}, "increasing", "stock"),
        ({}, "sum", "flujo"),
    ],
)
def test_either_vocabulary_is_accepted_and_both_names_shown(
    client, plan, fields, accumulation, dnp
):
    r = create(client, plan, "I1", **fields)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["accumulation"], body["accumulation_dnp"]) == (accumulation, dnp)
    again = client.get(f"/api/v1/indicators/{body['id']}").json()
    assert (again["accumulation"], again["accumulation_dnp"]) == (accumulation, dnp)


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"accumulation": "promedio"}, "accumulation"),
        ({"accumulation_dnp": "sum"}, "accumulation_dnp"),
        ({"accumulation": "sum", "accumulation_dnp": "stock"}, None),
        ({"accumulation": "flujo", "accumulation_dnp": "reduccion"}, None),
    ],
)
def test_unknown_or_disagreeing_names_are_refused_and_write_nothing(
    client, session, plan, fields, loc
):
    problem = assert_problem(create(client, plan, "BAD", **fields), 422)
    if loc:
        assert problem["errors"][0]["loc"][:2] == ["body", loc]
    else:
        assert "accumulation_dnp" in problem["errors"][0]["msg"]
    assert session.execute(select(func.count()).select_from(Indicator)).scalar_one() == 0


def test_patch_in_either_vocabulary_updates_both_names(client, plan):
    ind = create(client, plan, "I1", accumulation="reducción anual").json()
    url = f"/api/v1/indicators/{ind['id']}"
    r = client.patch(url, json={"name": "Tasa de homicidios"})
    assert (r.json()["accumulation"], r.json()["accumulation_dnp"]) == (
        "decreasing",
        "reduccion_anual",
    )
    r = client.patch(url, json={"accumulation": "stock"})
    assert r.status_code == 200, r.text
    assert (r.json()["accumulation"], r.json()["accumulation_dnp"]) == ("increasing", "stock")
    r = client.patch(url, json={"accumulation": "decreasing"})
    assert (r.json()["accumulation"], r.json()["accumulation_dnp"]) == ("decreasing", "reduccion")
    r = client.patch(url, json={"accumulation_dnp": "acumulado"})
    assert (r.json()["accumulation"], r.json()["accumulation_dnp"]) == ("cumulative", "acumulado")
    assert_problem(
        client.patch(url, json={"accumulation": "capacidad", "accumulation_dnp": "flujo"}), 422
    )
    assert client.get(url).json()["accumulation"] == "cumulative"


def test_acumulado_adds_up_over_the_years_in_the_results(client, plan):
    """Kilómetros de vía (acumulado): 10 km a semester over 2024-2025, baseline 120 km not
    counted. At June 2025: planned 30 to date (2024's 20 and 2025's first 10), done 8+12+9."""
    ind = create(
        client,
        plan,
        "KM",
        accumulation="acumulado",
        baseline_value=120,
        baseline_year=2023,
        target_value=80,
    ).json()
    schedule = [
        {"period_end": f"{year}-{month}", "value": 10}
        for year in (2024, 2025)
        for month in ("06-30", "12-31")
    ]
    r = client.put(f"/api/v1/indicators/{ind['id']}/programming", json=schedule)
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/plans/{plan['id']}/measurements",
        json={
            "items": [
                {"indicator_code": "KM", "period_end": "2024-06-30", "value": 8},
                {"indicator_code": "KM", "period_end": "2024-12-31", "value": 12},
                {"indicator_code": "KM", "period_end": "2025-06-30", "value": 9},
            ]
        },
    )
    assert r.status_code in (200, 201), r.text
    cut = client.post(
        f"/api/v1/plans/{plan['id']}/cuts",
        json={
            "code": "2025-06",
            "cut_date": "2025-06-30",
            "label": "Junio 2025",
            "period_kind": "semiannual",
        },
    ).json()
    body = client.get(f"/api/v1/cuts/{cut['id']}/results", params={"explain": "true"}).json()
    km = body["indicators"][0]
    assert (km["accumulation"], km["accumulation_dnp"]) == ("cumulative", "acumulado")
    assert km["programmed_to_date"] == 30 and km["programmed_year"] == 40
    assert km["executed_to_date"] == 29
    assert km["advance_pct"] == float(Decimal(29) * 100 / 30)
    assert km["advance_pct_shown"] == 96.67
    assert km["year_advance_pct_shown"] == 72.5
    assert km["plan_advance_pct"] == float(Decimal(29) * 100 / 80)
    assert not km["missing_report"]
    explain = km["explain"]
    assert explain["window_start"] is None and explain["formula"] == "E_cut / P_cut"
    assert [v["period_end"] for v in explain["executed_to_date"]["values"]] == [
        "2024-06-30",
        "2024-12-31",
        "2025-06-30",
    ]
    # The annual programming shown on the indicator is the running total at each year's end.
    annual = client.get(f"/api/v1/indicators/{ind['id']}").json()["annual_programming"]
    assert [(a["year"], a["programmed"]) for a in annual][:2] == [(2024, 20), (2025, 40)]


def test_a_workbook_may_say_reduccion_anual_and_its_export_says_it_back(client):
    org = client.post("/api/v1/organizations", json={"code": "xls", "name": "Entidad"}).json()
    for unit in ("DAPM", "DATIC"):
        client.post(f"/api/v1/organizations/{org['id']}/units", json={"code": unit, "name": unit})
    r = post_new(client, org, officials_workbook(accumulation="Reducción anual"))
    assert r.status_code == 200, r.text
    assert r.json()["errors"] == []
    plan_id = r.json()["plan_id"]
    items = client.get(f"/api/v1/plans/{plan_id}/indicators").json()["items"]
    ind = {i["code"]: i for i in items}
    assert (ind["IND-2"]["accumulation"], ind["IND-2"]["accumulation_dnp"]) == (
        "decreasing",
        "reduccion_anual",
    )
    assert (ind["IND-1"]["accumulation"], ind["IND-1"]["accumulation_dnp"]) == ("sum", "flujo")
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/api/v1/plans/{plan_id}/workbook").content)
    )
    sheet = book["Indicadores"]
    header = [c.value for c in sheet[2]]
    column = header.index("accumulation")
    cells = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=3)}
    assert cells["IND-1"] == "sum" and cells["IND-2"] == "reducción anual"
