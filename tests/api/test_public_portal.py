"""The public read model (issue 16 items 3 and its Bad-input rule), through HTTP.

Without a token only what is published shows: plans that are not drafts and have a published
cut, and the figures frozen by the cut's publication. A walk over every public route
(enumerated from the OpenAPI paths) finds no trace of a draft plan, an unpublished cut, a
narrative in draft, a user or a piece of evidence. Answers carry ETag and Cache-Control and
answer 304; CORS answers only the configured origins; the per-address limit answers 429 with
Retry-After.
"""

from __future__ import annotations

import copy
import itertools
import re

import httpx
import pytest

from app.demo.client import AsgiClient
from app.demo.loader import as_json, load_structure
from app.demo.seeds import bogota
from app.main import create_app
from tests.helpers import assert_problem

ORG = bogota.SEED["organization"]["code"]
BASE = f"/api/v1/public/organizations/{ORG}"
SECRET_NARRATIVE = "Narrativa en borrador que nadie fuera debe leer 7Q3X"
SECRET_URL = "https://intranet.example.org/evidencia-privada-7Q3X.pdf"
_addresses = itertools.count(1)


def ok(r: httpx.Response) -> dict:
    assert r.status_code in (200, 201), r.text
    return r.json()


def from_address(app, address: str | None = None) -> AsgiClient:
    """An anonymous client whose requests come from their own address (the limit's key)."""
    client = AsgiClient(app)
    client._client = httpx.AsyncClient(
        transport=httpx.ASGITransport(
            app=app,
            raise_app_exceptions=False,
            client=(address or f"10.16.{next(_addresses)}.1", 4000),
        ),
        base_url="http://app",
    )
    return client


@pytest.fixture
def portal(client, app) -> dict:
    """Bogotá's PEI approved, its June 2023 cut published; beside it what must stay hidden."""
    plan = load_structure(client, copy.deepcopy(bogota.SEED))["plan"]
    base = f"/api/v1/plans/{plan['id']}"
    ok(client.patch(base, json={"status": "approved"}))
    cut = ok(client.post(f"{base}/cuts", json=bogota.SEED["cuts"][0]))
    ok(client.post(f"{base}/measurements", json={"items": as_json(bogota.SEED["measurements"])}))
    # A value of Bogotá D.C.'s own series beside the posted total (which it does not change).
    territorial = {"indicator_code": "IS-545", "period_end": "2023-06-30", "value": 700000}
    posted = ok(
        client.post(
            f"{base}/measurements",
            json={"items": [{**territorial, "dims": {"territory": "11001"}}]},
        )
    )
    assert posted["created"] == 1, posted
    ok(client.post(f"/api/v1/cuts/{cut['id']}/close"))
    ok(client.post(f"/api/v1/cuts/{cut['id']}/publish"))
    org_id = plan["organization_id"]

    # Hidden: a draft plan, an open cut with a draft narrative and evidence, a user.
    draft = ok(
        client.post(
            "/api/v1/plans",
            json={
                "organization_id": org_id,
                "kind": "other",
                "code": "BORRADOR-7Q3X",
                "name": "Plan borrador 7Q3X",
                "first_year": 2023,
                "last_year": 2024,
            },
        )
    )
    hidden_cut = ok(
        client.post(
            f"{base}/cuts",
            json={"code": "OCULTO-7Q3X", "cut_date": "2023-12-31", "label": "Corte sin publicar"},
        )
    )
    indicators = {i["code"]: i for i in ok(client.get(f"{base}/indicators?limit=500"))["items"]}
    is545 = indicators["IS-545"]
    followup = f"/api/v1/cuts/{hidden_cut['id']}/followups/{is545['id']}"
    ok(client.put(followup, json={"narrative": SECRET_NARRATIVE}))
    evidence = ok(client.post(f"{followup}/evidence", json={"title": "Acta", "url": SECRET_URL}))
    user = ok(
        client.post(
            f"/api/v1/organizations/{org_id}/users",
            json={
                "username": "funcionaria-7q3x",
                "full_name": "Funcionaria Reservada 7Q3X",
                "password": "una clave larga 7Q3X!",
                "role": "viewer",
            },
        )
    )
    me = ok(client.get("/api/v1/auth/me"))
    secrets = {
        "draft plan": [draft["id"], draft["code"], draft["name"]],
        "unpublished cut": [hidden_cut["id"], hidden_cut["code"], hidden_cut["label"]],
        "narrative in draft": [SECRET_NARRATIVE],
        "user": [user["id"], user["username"], "Funcionaria Reservada", me["id"]],
        "evidence": [evidence["id"], SECRET_URL, "evidencia-privada"],
    }
    return {"plan": plan, "cut": cut, "indicators": indicators, "secrets": secrets, "app": app}


def public_paths(app) -> list[str]:
    paths = [p for p in app.openapi()["paths"] if p.startswith("/api/v1/public/")]
    assert len(paths) >= 4
    return paths


def test_every_public_route_hides_drafts_unpublished_cuts_narratives_users_and_evidence(
    portal, app
):
    anon = from_address(app)
    fill = {"code": ORG, "plan_code": "PEI", "indicator_code": "IS-545"}

    def url_of(path: str, **names: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: {**fill, **names}[m.group(1)], path)

    answers = []
    spec = app.openapi()["paths"]
    for path in public_paths(app):
        query = {
            p["name"]: p for p in spec[path]["get"].get("parameters", []) if p["in"] == "query"
        }
        formats = [""]
        if "format" in query:
            formats = [f"?format={v}" for v in query["format"]["schema"]["enum"]]
        for fmt in formats:
            answers.append(anon.get(url_of(path) + fmt))
        if "{plan_code}" not in path:
            continue
        # A hidden thing asked for by its code answers as a code that never existed.
        asked = [url_of(path, plan_code="BORRADOR-7Q3X")]
        if "cut" in query:
            asked.append(url_of(path) + "?cut=OCULTO-7Q3X")
        for url in asked:
            r = anon.get(url)
            never = anon.get(url.replace("BORRADOR-7Q3X", "NUNCA").replace("OCULTO-7Q3X", "NUNCA"))
            assert_problem(r, 404)
            assert r.json()["detail"] == never.json()["detail"].replace(
                "NUNCA", "BORRADOR-7Q3X" if "BORRADOR" in url else "OCULTO-7Q3X"
            )
    assert [r.status_code for r in answers] == [200] * len(answers)
    for kind, needles in portal["secrets"].items():
        for r in answers:
            for needle in needles:
                assert needle not in r.text, f"{kind} {needle!r} revealed by {r.request.url}"


def test_plans_tree_and_indicator_carry_the_frozen_figures(portal, app, client):
    anon = from_address(app)
    listed = ok(anon.get(f"{BASE}/plans"))
    assert listed["total"] == 1
    (plan,) = listed["items"]
    assert (plan["code"], plan["status"]) == ("PEI", "approved")
    assert [(c["code"], c["revision"]) for c in plan["cuts"]] == [(portal["cut"]["code"], 1)]

    tree = ok(anon.get(f"{BASE}/plans/PEI"))
    assert tree["cut"]["code"] == portal["cut"]["code"]
    frozen = ok(client.get(f"/api/v1/cuts/{portal['cut']['id']}/revisions/1"))
    frozen_results = next(a["figures"] for a in frozen["answers"] if a["kind"] == "results")
    assert tree["results"] == frozen_results
    is545 = {i["code"]: i for i in tree["results"]["indicators"]}["IS-545"]
    assert (is545["executed_to_date"], is545["advance_pct_shown"]) == (1474056, 53.73)

    page = ok(anon.get(f"{BASE}/plans/PEI/indicators/IS-545"))
    (value,) = page["values"]
    assert (value["executed_to_date"], value["advance_pct_shown"]) == (1474056, 53.73)
    assert value["cut"]["code"] == portal["cut"]["code"]
    assert page["last_revision"] == 1
    assert page["band"] == is545["band"] and page["status"] == is545["status"]
    # Bogotá D.C.'s series as frozen: its value, no programming of its own (not due).
    assert [
        {k: v for k, v in t.items() if k != "cut"} | {"cut": t["cut"]["code"]}
        for t in page["by_territory"]
    ] == [
        {
            "cut": portal["cut"]["code"],
            "territory": "11001",
            "name": "Bogotá, D.C.",
            "programmed_to_date": None,
            "executed_to_date": 700000,
            "advance_pct": None,
            "advance_pct_shown": None,
            "not_due": True,
            "status": {"code": "not_due", "label": "Sin programación al corte"},
            "band": None,
        }
    ]
    live = ok(client.get(f"/api/v1/indicators/{portal['indicators']['IS-545']['id']}/programming"))
    assert [(p["period_end"], p["value"]) for p in page["programming"]] == [
        (p["period_end"], p["value"]) for p in live["items"]
    ]

    status = ok(anon.get(f"{BASE}/plans/PEI/reporting-status"))
    by_unit = next(a["figures"] for a in frozen["answers"] if a["kind"] == "by-unit")
    assert status["by_unit"] == by_unit

    # Unknown organization, plan or indicator: 404 problems.
    assert_problem(anon.get("/api/v1/public/organizations/nadie/plans"), 404)
    assert_problem(anon.get(f"{BASE}/plans/NOPE"), 404)
    assert_problem(anon.get(f"{BASE}/plans/PEI/indicators/NOPE"), 404)


def test_etag_304_and_cache_control(portal, app):
    anon = from_address(app)
    url = f"{BASE}/plans/PEI"
    first = anon.get(url)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=300"
    etag = first.headers["etag"]
    again = anon.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert anon.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    # Another cut code, another body, another tag.
    indicator = anon.get(f"{BASE}/plans/PEI/indicators/IS-545")
    assert indicator.headers["etag"] != etag


def test_cors_answers_the_configured_origins_only(settings, engine):
    allowed, refused = "https://portal.cauca.gov.co", "https://evil.example"
    app = create_app(settings.model_copy(update={"public_cors_origins": [allowed]}), engine=engine)
    anon = from_address(app)
    url = "/api/v1/public/organizations/nadie/plans"
    r = anon.get(url, headers={"Origin": allowed})
    assert r.headers["access-control-allow-origin"] == allowed
    assert "ETag" in r.headers["access-control-expose-headers"]
    r = anon.get(url, headers={"Origin": refused})
    assert "access-control-allow-origin" not in r.headers
    preflight = {"Access-Control-Request-Method": "GET"}
    r = anon.request("OPTIONS", url, headers={"Origin": allowed, **preflight})
    assert (r.status_code, r.headers["access-control-allow-origin"]) == (200, allowed)
    r = anon.request("OPTIONS", url, headers={"Origin": refused, **preflight})
    assert r.status_code == 400
    assert "access-control-allow-origin" not in r.headers
    # The other routes are not opened by the public setting.
    r = anon.get("/api/v1/organizations", headers={"Origin": allowed})
    assert "access-control-allow-origin" not in r.headers


def test_too_many_requests_from_one_address_is_429_with_retry_after(app, monkeypatch):
    monkeypatch.setattr(app.state.settings, "public_rate_limit", 3)
    monkeypatch.setattr(app.state.settings, "public_rate_window_s", 120)
    one, other = from_address(app), from_address(app)
    url = "/api/v1/public/organizations/nadie/plans"
    assert [one.get(url).status_code for _ in range(3)] == [404, 404, 404]
    r = one.get(url)
    assert_problem(r, 429)
    assert 1 <= int(r.headers["retry-after"]) <= 120
    assert "at most 3 every 120 s" in r.json()["detail"]
    # Another address has its own count.
    assert other.get(url).status_code == 404


# --- SDMX -----------------------------------------------------------------------------------


def test_sdmx_structure_and_data_read_back_with_pysdmx(portal, app):
    from pysdmx.io import read_sdmx

    anon = from_address(app)
    sdmx = f"{BASE}/plans/PEI/sdmx"
    tree = ok(anon.get(f"{BASE}/plans/PEI"))
    figures = {i["code"]: i for i in tree["results"]["indicators"]}

    for fmt in ("xml", "json"):
        r = anon.get(f"{sdmx}/structure?format={fmt}")
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(f"application/vnd.sdmx.structure+{fmt}")
        (dsd,) = read_sdmx(r.text).get_data_structure_definitions()
        assert (dsd.agency, dsd.id, dsd.version) == ("SG_BOGOTA", "PLAN_PEI", "1.0")
        assert [d.id for d in dsd.components.dimensions] == [
            "INDICATOR",
            "TERRITORY",
            "TIME_PERIOD",
        ]
        assert [m.id for m in dsd.components.measures] == ["OBS_VALUE"]
        assert [a.id for a in dsd.components.attributes] == [
            "UNIT_MEASURE",
            "OBS_STATUS",
            "BAND",
            "ADVANCE_PCT",
        ]
        # The same publications, the same bytes (a fixed header): revalidation works.
        again = anon.get(
            f"{sdmx}/structure?format={fmt}", headers={"If-None-Match": r.headers["etag"]}
        )
        assert again.status_code == 304

    cut_date = portal["cut"]["cut_date"]
    for fmt in ("csv", "xml"):
        r = anon.get(f"{sdmx}/data?format={fmt}")
        assert r.status_code == 200, r.text
        (dataset,) = read_sdmx(r.text).data
        assert dataset.short_urn == "DataStructure=SG_BOGOTA:PLAN_PEI(1.0)"
        rows = {row["INDICATOR"]: row for row in dataset.data.to_dict("records")}
        assert set(rows) == set(figures)
        is545 = rows["IS-545"]
        assert (is545["TERRITORY"], is545["TIME_PERIOD"]) == ("_T", cut_date)
        assert float(is545["OBS_VALUE"]) == 1474056
        assert float(is545["ADVANCE_PCT"]) == 53.73
        assert is545["OBS_STATUS"] == figures["IS-545"]["status"]["code"]
        assert is545["BAND"] == figures["IS-545"]["band"]["code"]
        assert is545["UNIT_MEASURE"] == figures["IS-545"]["unit_of_measure"]
        # Every published figure, exactly.
        for code, item in figures.items():
            executed = rows[code]["OBS_VALUE"]
            if item["executed_to_date"] is None:
                assert executed in ("", None) or executed != executed  # empty or NaN
            else:
                assert float(executed) == item["executed_to_date"], code

    assert_problem(anon.get(f"{sdmx}/data?format=json"), 422)
    assert_problem(anon.get(f"{BASE}/plans/BORRADOR-7Q3X/sdmx/data"), 404)


def test_open_data_package_validates_and_reads_back_with_frictionless(portal, app, tmp_path):
    from frictionless import Package, validate

    anon = from_address(app)
    base = f"{BASE}/plans/PEI/open-data"
    descriptor = anon.get(f"{base}/datapackage.json")
    assert descriptor.status_code == 200, descriptor.text
    csv_answer = anon.get(f"{base}/valores.csv")
    assert csv_answer.headers["content-type"] == "text/csv; charset=utf-8"
    (tmp_path / "datapackage.json").write_bytes(descriptor.content)
    (tmp_path / "valores.csv").write_bytes(csv_answer.content)

    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    rows = {row["indicador"]: row for row in package.get_resource("valores").read_rows()}

    tree = ok(anon.get(f"{BASE}/plans/PEI"))
    figures = {i["code"]: i for i in tree["results"]["indicators"]}
    assert set(rows) == set(figures)
    is545 = rows["IS-545"]
    assert (is545["corte"], str(is545["fecha_corte"]), is545["revision"]) == (
        "2023-06",
        portal["cut"]["cut_date"],
        1,
    )
    assert (is545["ejecutado_a_la_fecha"], float(is545["avance_pct"])) == (1474056, 53.73)
    for code, item in figures.items():
        value = rows[code]["ejecutado_a_la_fecha"]
        assert (None if value is None else float(value)) == item["executed_to_date"], code
        assert rows[code]["estado"] == item["status"]["code"]

    as_json = ok(anon.get(f"{base}/valores.json"))
    assert {r["indicador"]: r["ejecutado_a_la_fecha"] for r in as_json} == {
        code: item["executed_to_date"] for code, item in figures.items()
    }


STATEMENTS = {
    "": 4,  # organization, count, page, published cuts
    "/PEI": 4,  # organization, plan, published cuts, frozen results
    "/PEI/reporting-status": 4,
    "/PEI/indicators/IS-545": 7,  # + indicator, programming, the frozen by-territory
    "/PEI/sdmx/structure": 3,
    "/PEI/sdmx/data": 4,
    "/PEI/open-data/datapackage.json": 3,
    "/PEI/open-data/valores.csv": 4,
    "/PEI/open-data/valores.json": 4,
}


def test_each_public_answer_takes_a_fixed_number_of_statements(portal, app, queries):
    # Besides these, the per-address limit runs one statement on a connection of its own.
    anon = from_address(app)
    counted = {}
    for suffix in STATEMENTS:
        queries.reset()
        assert anon.get(f"{BASE}/plans{suffix}").status_code == 200
        counted[suffix] = queries.count
    assert counted == STATEMENTS
