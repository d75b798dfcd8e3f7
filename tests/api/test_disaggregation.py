"""Disaggregation through HTTP: plan dimensions, dimension values on programming and
measurements, posted and summed totals (never counted twice), results by territory and by
dimension, the `?territory=` filter, DIVIPOLA validation and the territories list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.measurements.models import Measurement
from tests.helpers import assert_problem

SEX = {
    "code": "sex",
    "label": "Sexo",
    "values": [{"code": "F", "label": "Mujer"}, {"code": "M", "label": "Hombre"}],
}
POPAYAN, SANTANDER = "19001", "19698"


def stored(session) -> int:
    return session.execute(select(func.count()).select_from(Measurement)).scalar_one()


def _programming(client, indicator_id, items):
    r = client.put(f"/api/v1/indicators/{indicator_id}/programming", json=items)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def world(client) -> dict:
    org = client.post("/api/v1/organizations", json={"code": "cauca", "name": "Cauca"}).json()
    plan = client.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "pet",
            "code": "PET",
            "name": "PET Cauca",
            "first_year": 2023,
            "last_year": 2024,
            "levels": ["Objetivo"],
            "dimensions": [SEX],
        },
    ).json()
    base = f"/api/v1/plans/{plan['id']}"
    client.post(f"{base}/nodes", json={"code": "OE1", "name": "Objetivo 1"})
    made = {}
    for code, accumulation, mode in [
        ("POSTED", "sum", "posted"),
        ("SUMMED", "sum", "sum"),
        ("LEVEL", "constant", "sum"),
    ]:
        r = client.post(
            f"{base}/indicators",
            json={
                "code": code,
                "name": code.title(),
                "node_code": "OE1",
                "accumulation": accumulation,
                "total_mode": mode,
            },
        )
        assert r.status_code == 201, r.text
        made[code] = r.json()
    assert made["SUMMED"]["total_mode"] == "sum"
    assert plan["dimensions"] == [SEX]

    june = "2023-06-30"
    _programming(
        client,
        made["POSTED"]["id"],
        [
            {"period_end": june, "value": 100},
            {"period_end": june, "value": 60, "dims": {"territory": POPAYAN}},
            {"period_end": june, "value": 40, "dims": {"territory": SANTANDER}},
        ],
    )
    summed = _programming(
        client,
        made["SUMMED"]["id"],
        [
            {"period_end": june, "value": 60, "dims": {"territory": POPAYAN}},
            {"period_end": june, "value": 40, "dims": {"territory": SANTANDER}},
        ],
    )
    # The annual programming of a summed indicator is the sum of its territories.
    assert summed["annual"] == [{"year": 2023, "programmed": 100}]
    _programming(
        client,
        made["LEVEL"]["id"],
        [
            {"period_end": june, "value": 20, "dims": {"territory": POPAYAN}},
            {"period_end": june, "value": 20, "dims": {"territory": SANTANDER}},
        ],
    )

    def m(code, period_end, value, dims=None):
        item = {"indicator_code": code, "period_end": period_end, "value": value}
        return item | ({"dims": dims} if dims is not None else {})

    items = [
        # Posted total 90; its territories (50 + 30) and sexes (45 + 45) never enter it.
        m("POSTED", june, 90),
        m("POSTED", june, 50, {"territory": POPAYAN}),
        m("POSTED", june, 30, {"territory": SANTANDER}),
        m("POSTED", june, 45, {"sex": "F"}),
        m("POSTED", june, 45, {"sex": "M"}),
        # Summed: by territory in two quarters, and again by sex in June (not added twice).
        m("SUMMED", "2023-03-31", 20, {"territory": POPAYAN}),
        m("SUMMED", "2023-03-31", 10, {"territory": SANTANDER}),
        m("SUMMED", june, 30, {"territory": POPAYAN}),
        m("SUMMED", june, 20, {"territory": SANTANDER}),
        m("SUMMED", june, 25, {"sex": "F"}),
        m("SUMMED", june, 25, {"sex": "M"}),
        # A level: the territories' levels add up within a quarter, never across quarters.
        m("LEVEL", "2023-03-31", 10, {"territory": POPAYAN}),
        m("LEVEL", "2023-03-31", 5, {"territory": SANTANDER}),
        m("LEVEL", june, 12, {"territory": POPAYAN}),
        m("LEVEL", june, 8, {"territory": SANTANDER}),
    ]
    r = client.post(f"{base}/measurements", json={"items": items})
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["rejected"]) == (15, [])
    cut = client.post(
        f"{base}/cuts", json={"code": "C1", "cut_date": june, "label": "Corte junio"}
    ).json()
    return {"plan": plan, "base": base, "cut": cut, "indicators": made, "items": items}


def _by_code(rows: list[dict]) -> dict[str, dict]:
    return {row["code"]: row for row in rows}


def test_totals_count_each_value_once(client, world):
    results = client.get(f"/api/v1/cuts/{world['cut']['id']}/results").json()
    got = {
        code: (
            i["programmed_to_date"],
            i["executed_to_date"],
            i["advance_pct_shown"],
            i["status"]["label"],
        )
        for code, i in _by_code(results["indicators"]).items()
    }
    assert got == {
        # Posted: only the posted total (90), not 90 + 80 + 90.
        "POSTED": (100, 90, 90.0, "Rezago 10%"),
        # Sum: (20 + 10) + (30 + 20) by territory; the June values by sex are not added.
        "SUMMED": (100, 80, 80.0, "Rezago 20%"),
        # Constant level: June's 12 + 8, not the sum of both quarters (35).
        "LEVEL": (40, 20, 50.0, "Rezago 50%"),
    }
    # (90 + 80 + 50) / 3
    assert results["plan"]["advance_pct_shown"] == 73.33
    # The alerts see the same totals: lags of 10, 20 and 50 points.
    alerts = client.get(
        f"/api/v1/cuts/{world['cut']['id']}/alerts",
        params={"kind": "lagging", "lag_threshold_pct": 5},
    ).json()
    assert sorted((a["code"], a["advance_pct_shown"]) for a in alerts["items"]) == [
        ("LEVEL", 50.0),
        ("POSTED", 90.0),
        ("SUMMED", 80.0),
    ]


def test_results_by_territory(client, world, queries):
    url = f"/api/v1/cuts/{world['cut']['id']}/results/by-territory"
    queries.reset()
    r = client.get(url)
    assert r.status_code == 200, r.text
    statements = queries.count
    body = r.json()
    assert (body["dimension"], body["label"]) == ("territory", "Territorio")
    assert [(i["code"], i["label"]) for i in body["items"]] == [
        (POPAYAN, "Popayán"),
        (SANTANDER, "Santander de Quilichao"),
    ]
    popayan, santander = body["items"]
    figures = {
        i["code"]: (i["programmed_to_date"], i["executed_to_date"], i["advance_pct_shown"])
        for i in popayan["indicators"]
    }
    assert figures == {
        "POSTED": (60, 50, 83.33),
        "SUMMED": (60, 50, 83.33),
        "LEVEL": (20, 12, 60.0),
    }
    # (83.33… + 83.33… + 60) / 3
    assert (popayan["advance_pct_shown"], popayan["count"], popayan["counted"]) == (75.56, 3, 3)
    assert popayan["band"]["code"] == "yellow"
    figures = {
        i["code"]: (i["programmed_to_date"], i["executed_to_date"], i["advance_pct_shown"])
        for i in santander["indicators"]
    }
    assert figures == {
        "POSTED": (40, 30, 75.0),
        "SUMMED": (40, 30, 75.0),
        "LEVEL": (20, 8, 40.0),
    }

    # More indicators and more territories: the same number of statements.
    base = world["base"]
    client.post(f"{base}/indicators", json={"code": "MORE", "name": "m", "node_code": "OE1"})
    more = [
        {"indicator_code": "MORE", "period_end": "2023-05-31", "value": 1, "dims": {"territory": t}}
        for t in ("19142", "76001", "05001", "11001")
    ]
    assert client.post(f"{base}/measurements", json={"items": more}).json()["created"] == 4
    queries.reset()
    body = client.get(url).json()
    assert queries.count == statements
    assert [i["code"] for i in body["items"]] == [
        "05001",
        "11001",
        "19001",
        "19142",
        "19698",
        "76001",
    ]
    assert _by_code(body["items"])["76001"]["label"] == "Cali"


def test_results_by_declared_dimension(client, world):
    r = client.get(f"/api/v1/cuts/{world['cut']['id']}/results/by-dimension/sex")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["dimension"], body["label"]) == ("sex", "Sexo")
    assert [(i["code"], i["label"], i["count"]) for i in body["items"]] == [
        ("F", "Mujer", 2),
        ("M", "Hombre", 2),
    ]
    women = _by_code(body["items"][0]["indicators"])
    # Measured by sex, never programmed by sex: nothing was due.
    assert {c: (i["executed_to_date"], i["not_due"]) for c, i in women.items()} == {
        "POSTED": (45, True),
        "SUMMED": (25, True),
    }
    assert body["items"][0]["advance_pct"] is None
    # by-dimension/territory is by-territory.
    territory = client.get(f"/api/v1/cuts/{world['cut']['id']}/results/by-dimension/territory")
    assert [i["code"] for i in territory.json()["items"]] == [POPAYAN, SANTANDER]


def test_unknown_dimension_names_the_plans(client, world):
    r = client.get(f"/api/v1/cuts/{world['cut']['id']}/results/by-dimension/ethnic")
    body = assert_problem(r, 404)
    assert (
        body["detail"] == "dimension 'ethnic' not found; the plan's dimensions are: territory, sex"
    )


def test_results_filtered_by_territory(client, world):
    url = f"/api/v1/cuts/{world['cut']['id']}/results"
    body = client.get(url, params={"territory": POPAYAN}).json()
    got = {
        code: (i["programmed_to_date"], i["executed_to_date"], i["advance_pct_shown"])
        for code, i in _by_code(body["indicators"]).items()
    }
    assert got == {
        "POSTED": (60, 50, 83.33),
        "SUMMED": (60, 50, 83.33),
        "LEVEL": (20, 12, 60.0),
    }
    assert body["plan"]["advance_pct_shown"] == 75.56
    assert body["nodes"][0]["advance_pct_shown"] == 75.56
    # The department: a summed indicator takes in its municipalities; a posted one only
    # what was posted for the department itself (nothing here: not due).
    cauca = _by_code(client.get(url, params={"territory": "19"}).json()["indicators"])
    assert (cauca["SUMMED"]["executed_to_date"], cauca["SUMMED"]["advance_pct_shown"]) == (
        80,
        80.0,
    )
    assert (cauca["POSTED"]["programmed_to_date"], cauca["POSTED"]["not_due"]) == (None, True)
    # Unknown codes are refused, naming them.
    body = assert_problem(client.get(url, params={"territory": "19999"}), 422)
    assert body["errors"] == [
        {"loc": ["query", "territory"], "msg": "territory '19999' is not in DANE's DIVIPOLA list"}
    ]


def test_bad_dimension_values_are_rejected_and_nothing_is_written(client, session, world):
    before = stored(session)
    items = [
        {
            "indicator_code": "POSTED",
            "period_end": "2023-09-30",
            "value": 1,
            "dims": {"territory": "19999"},
        },
        {"indicator_code": "POSTED", "period_end": "2023-09-30", "value": 1, "dims": {"sex": "X"}},
        {
            "indicator_code": "POSTED",
            "period_end": "2023-09-30",
            "value": 1,
            "dims": {"ethnic": "rom"},
        },
        {
            "indicator_code": "POSTED",
            "period_end": "2023-09-30",
            "value": 1,
            "dims": {"territory": "190"},
        },
    ]
    r = client.post(f"{world['base']}/measurements", json={"items": items})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["created"], body["written"]) == (0, False)
    assert [(x["index"], x["reason"]) for x in body["rejected"]] == [
        (0, "dims: territory '19999' is not in DANE's DIVIPOLA list"),
        (1, "dims: 'X' is not a value of dimension 'sex'; allowed values: F, M"),
        (
            2,
            "dims: dimension 'ethnic' is not declared by the plan; its dimensions are: "
            "territory, sex",
        ),
        (
            3,
            "dims: territory '190' is not a DIVIPOLA code (2 digits for a department, "
            "5 for a municipality)",
        ),
    ]
    assert stored(session) == before

    # Programming: the whole schedule is refused, located at the item.
    indicator_id = world["indicators"]["POSTED"]["id"]
    r = client.put(
        f"/api/v1/indicators/{indicator_id}/programming",
        json=[
            {"period_end": "2023-06-30", "value": 1},
            {"period_end": "2023-06-30", "value": 1, "dims": {"sex": "X"}},
        ],
    )
    body = assert_problem(r, 422)
    assert body["errors"] == [
        {
            "loc": ["body", 1, "dims"],
            "msg": "'X' is not a value of dimension 'sex'; allowed values: F, M",
        }
    ]
    # Unchanged: the total and its two territories.
    assert len(client.get(f"/api/v1/indicators/{indicator_id}/programming").json()["items"]) == 3


def test_retry_with_dimensions_is_unchanged_and_values_are_listed(client, session, world):
    before = stored(session)
    r = client.post(f"{world['base']}/measurements", json={"items": world["items"]}).json()
    assert (r["created"], r["updated"], r["unchanged"]) == (0, 0, 15)
    assert stored(session) == before
    # The same indicator and period with other dimension values is another row; the same
    # ones twice in a batch is a duplicate.
    batch = [
        {
            "indicator_code": "POSTED",
            "period_end": "2023-06-30",
            "value": 7,
            "dims": {"territory": POPAYAN, "sex": "F"},
        },
        {
            "indicator_code": "POSTED",
            "period_end": "2023-06-30",
            "value": 8,
            "dims": {"sex": "F", "territory": POPAYAN},
        },
    ]
    r = client.post(f"{world['base']}/measurements", json={"items": batch}).json()
    assert r["created"] == 1
    assert [x["reason"] for x in r["rejected"]] == [
        "duplicate of item 0 (same indicator, period_end and dims)"
    ]
    listed = client.get(
        f"/api/v1/indicators/{world['indicators']['POSTED']['id']}/measurements"
    ).json()
    assert [(i["value"], i["dims"]) for i in listed["items"]] == [
        (90, {}),
        (45, {"sex": "F"}),
        (7, {"sex": "F", "territory": POPAYAN}),
        (45, {"sex": "M"}),
        (50, {"territory": POPAYAN}),
        (30, {"territory": SANTANDER}),
    ]
    # A changed disaggregated value is an update of its own row.
    batch[0]["value"] = 9
    r = client.post(f"{world['base']}/measurements", json={"items": batch[:1]}).json()
    assert (r["created"], r["updated"]) == (0, 1)
    assert session.execute(
        select(Measurement.value).where(Measurement.dims_key == f"sex=F;territory={POPAYAN}")
    ).scalar_one() == Decimal(9)


def test_plan_and_indicator_rules(client, world):
    base = world["base"]
    r = client.patch(
        f"/api/v1/plans/{world['plan']['id']}",
        json={
            "dimensions": [
                {"code": "territory", "label": "T", "values": [{"code": "x", "label": "x"}]}
            ]
        },
    )
    body = assert_problem(r, 422)
    assert "territory is always available" in body["errors"][0]["msg"]
    # Values are stored for sex=F and sex=M: dropping M is a conflict; adding one is not.
    only_f = SEX | {"values": SEX["values"][:1]}
    r = client.patch(f"/api/v1/plans/{world['plan']['id']}", json={"dimensions": [only_f]})
    body = assert_problem(r, 409)
    assert body["detail"] == (
        "Values are stored for sex=M, which the new dimensions no longer allow; "
        "change or delete them first."
    )
    area = {"code": "area", "label": "Área", "values": [{"code": "U", "label": "Urbana"}]}
    r = client.patch(f"/api/v1/plans/{world['plan']['id']}", json={"dimensions": [SEX, area]})
    assert r.status_code == 200, r.text
    assert [d["code"] for d in r.json()["dimensions"]] == ["sex", "area"]
    r = client.post(
        f"{base}/indicators",
        json={
            "code": "PCT",
            "name": "p",
            "node_code": "OE1",
            "unit_of_measure": "percentage",
            "total_mode": "sum",
        },
    )
    body = assert_problem(r, 422)
    assert body["errors"] == [
        {
            "loc": ["body", "total_mode"],
            "msg": "a percentage is not the sum of its disaggregated values: post its total "
            "(total_mode posted)",
        }
    ]


def test_territories_list_and_one(anon):
    r = anon.get("/api/v1/territories", params={"department": "19", "limit": 2})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "items": [
            {
                "code": "19",
                "name": "Cauca",
                "kind": "department",
                "department_code": "19",
                "department_name": "Cauca",
            },
            {
                "code": "19001",
                "name": "Popayán",
                "kind": "municipality",
                "department_code": "19",
                "department_name": "Cauca",
            },
        ],
        "total": 43,
    }
    departments = anon.get("/api/v1/territories", params={"kind": "department", "limit": 500})
    assert departments.json()["total"] == 33
    found = anon.get("/api/v1/territories", params={"q": "popayan"}).json()
    assert [i["code"] for i in found["items"]] == ["19001"]
    assert anon.get("/api/v1/territories/11001").json()["name"] == "Bogotá, D.C."
    body = assert_problem(anon.get("/api/v1/territories/19999"), 404)
    assert body["detail"] == "territory 19999 not found"
