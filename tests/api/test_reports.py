"""Reports of a cut through the API: rendered by the real job queue, read back cell by cell.

The four seed plans are loaded by the demo loader into a committed database (the worker reads
it on its own connections); each report is asked for over HTTP, rendered by a worker and
downloaded; openpyxl then finds the figures the seed documents publish.
"""

from __future__ import annotations

import io
import uuid
import zipfile

import pypdf
import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from app.demo.loader import load
from app.demo.seeds import SEEDS, cauca
from app.reports import service as reports_service
from app.reports.models import Report
from tests.committed import world  # noqa: F401  (fixture)
from tests.helpers import assert_problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def root(world):  # noqa: F811
    return world.client(world.token(platform=True))


@pytest.fixture(scope="module")
def demo(world, root):  # noqa: F811
    loaded = {seed["plan"]["code"]: load(root, seed) for seed in SEEDS}
    # The Cali PET document is the plan and its investment matrix, without a follow-up: its
    # report is of a first cut, still open.
    cali = root.post(
        f"/api/v1/plans/{loaded['PET-CALI']['plan']['id']}/cuts",
        json={
            "code": "2016-12",
            "cut_date": "2016-12-31",
            "label": "Corte 2016",
            "period_kind": "annual",
        },
    )
    assert cali.status_code == 201, cali.text
    for entry in loaded.values():
        cuts = root.get(f"/api/v1/plans/{entry['plan']['id']}/cuts").json()["items"]
        entry["cut"] = cuts[-1]
    return loaded


def _render(world, client, cut_id: str, fmt: str = "xlsx") -> dict:  # noqa: F811
    """Ask for the report, let a worker render it, and answer the finished job."""
    asked = client.post(f"/api/v1/cuts/{cut_id}/reports", json={"format": fmt})
    assert asked.status_code in (200, 202), asked.text
    job = asked.json()
    if asked.status_code == 202:
        assert asked.headers["location"] == f"/api/v1/jobs/{job['id']}"
        world.run_jobs()
        job = client.get(f"/api/v1/jobs/{job['id']}").json()
    return job


def _workbook(world, client, cut_id: str):  # noqa: F811
    job = _render(world, client, cut_id)
    assert job["status"] == "done", job
    content = client.get(job["links"]["content"])
    assert content.status_code == 200
    assert content.headers["content-type"] == XLSX
    return load_workbook(io.BytesIO(content.content)), content


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def _row_with(ws, column: int, value) -> tuple:
    return next(r for r in _rows(ws) if len(r) > column and r[column] == value)


# --- the seed plans --------------------------------------------------------------------------


def test_bogota_objectives_as_published(world, root, demo):  # noqa: F811
    wb, response = _workbook(world, root, demo["PEI"]["cut"]["id"])
    summary = wb["Resumen"]
    rows = _rows(summary)
    assert _row_with(summary, 0, "Avance del plan (%)")[1:3] == (99.49, "50-99%")
    # The traffic-light legend with its tallies, and the tallies by status.
    assert [r[:3] for r in rows if r[0] in ("100%", "50-99%", "0-49%")] == [
        ("100%", 100, 11),
        ("50-99%", 50, 3),
        ("0-49%", 0, 0),
    ]
    assert {
        r[0]: r[1] for r in rows if r[0] in ("En cumplimiento", "Rezago", "Sobre ejecución")
    } == {
        "En cumplimiento": 10,
        "Rezago": 3,
        "Sobre ejecución": 1,
    }
    obj5 = _row_with(summary, 0, "OBJ5")
    assert obj5[2] == 99.13
    assert summary.cell(row=_rows(summary).index(obj5) + 1, column=3).number_format == "0.00"
    # Every objective has its sheet; the over-executed indicator keeps its label.
    assert {"OBJ1", "OBJ5", "OBJ8"} <= set(wb.sheetnames)
    labels = [r[7] for ws in wb.worksheets if ws.title.startswith("OBJ") for r in _rows(ws)]
    assert "Sobre ejecución 44.52%" in labels
    indicator = next(
        r
        for ws in wb.worksheets
        if ws.title.startswith("OBJ")
        for r in _rows(ws)
        if r[1] == "IS-546"
    )
    assert (indicator[4], indicator[5]) == (104220, 150623)
    assert {"Por responsable", "Tendencia", "Alertas", "Soportes", "Seguimientos"} <= set(
        wb.sheetnames
    )
    assert "Presupuesto" not in wb.sheetnames  # the PEI has no costs
    disposition = response.headers["content-disposition"]
    assert disposition == (
        'attachment; filename="seguimiento-PEI-2023-06-30.xlsx"; '
        "filename*=UTF-8''seguimiento-PEI-2023-06-30.xlsx"
    )
    assert response.headers["x-content-type-options"] == "nosniff"


def test_cali_investment_matrix_as_published(world, root, demo):  # noqa: F811
    wb, _ = _workbook(world, root, demo["PET-CALI"]["cut"]["id"])
    budget = wb["Presupuesto"]
    rows = _rows(budget)
    header = rows[0]
    total_col = header.index("Total")
    totals = _row_with(budget, 1, "Total")
    assert totals[total_col] == 3_538_975_000
    # Shown as 3.538.975.000 where Excel uses Spanish separators: a number, not text.
    cell = budget.cell(row=rows.index(totals) + 1, column=total_col + 1)
    assert (cell.data_type, cell.number_format) == ("n", "#,##0")
    planeacion = next(r for r in rows[1:] if r[total_col] == 2_135_475_000)
    assert planeacion[header.index("Participación (%)")] == 60.34
    assert [totals[header.index(h)] for h in header if h.split(" ")[0] in ("C1", "C2")] == [
        1_931_975_000,
        454_500_000,
    ]


def test_cauca_meta_in_its_green_band(world, root, demo):  # noqa: F811
    wb, _ = _workbook(world, root, demo["PET-2023-2024"]["cut"]["id"])
    green = next(b for b in cauca.SEED["plan"]["bands"] if b["code"] == "green")
    found = [
        (ws, i)
        for ws in wb.worksheets
        for i, r in enumerate(_rows(ws), start=1)
        if isinstance(r[2] if len(r) > 2 else None, str)
        and r[2].startswith("Mínimo 50 indicadores")
    ]
    assert len(found) == 1
    ws, row = found[0]
    assert ws.cell(row=row, column=7).value == 130.0
    band = ws.cell(row=row, column=9)
    assert band.value == green["label"]
    assert band.fill.fgColor.rgb == "FF" + green["color"].lstrip("#").upper()
    # The legend of the plan's own bands is on the summary, in its colours.
    legend = {c.value: c.fill.fgColor.rgb for r in wb["Resumen"].iter_rows() for c in r[:1]}
    assert legend["0-49%"] == "FFC62828"


def test_gobierno_digital_by_axis_with_native_charts(world, root, demo):  # noqa: F811
    job = _render(world, root, demo["PTGD-2020"]["cut"]["id"])
    content = root.get(job["links"]["content"]).content
    wb = load_workbook(io.BytesIO(content))
    axis_sheets = [s for s in wb.sheetnames if s.startswith("Eje ")]
    assert axis_sheets == ["Eje Componente", "Eje Habilitador", "Eje Propósito"][: len(axis_sheets)]
    assert len(axis_sheets) >= 2
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    # Summary, by unit (two), each axis (two each), trend.
    assert len(charts) == 1 + 2 + 2 * len(axis_sheets) + 1


def _broken(data):
    raise RuntimeError("renderer crashed half way")


# --- the resource ----------------------------------------------------------------------------


def test_an_unchanged_cut_answers_its_existing_report(world, root, demo):  # noqa: F811
    cut_id = demo["PEI"]["cut"]["id"]
    first = _render(world, root, cut_id)
    again = root.post(f"/api/v1/cuts/{cut_id}/reports", json={"format": "xlsx"})
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    listed = root.get(f"/api/v1/cuts/{cut_id}/reports").json()
    assert [r["format"] for r in listed["items"]] == ["xlsx"]
    report = listed["items"][0]
    assert report["status"] == "ready" and report["links"]["content"].endswith("/content")
    assert report["size_bytes"] > 0 and len(report["sha256"]) == 64
    assert root.get(report["links"]["self"]).json() == report


def test_a_changed_cut_gets_a_new_report(world, root, demo):  # noqa: F811
    plan_id, cut = demo["PET-2023-2024"]["plan"]["id"], demo["PET-2023-2024"]["cut"]
    first = _render(world, root, cut["id"])
    reopened = root.post(f"/api/v1/cuts/{cut['id']}/reopen", json={"reason": "Corrección"})
    assert reopened.status_code == 200, reopened.text
    try:
        second = _render(world, root, cut["id"])
        assert second["id"] != first["id"]
        assert _render(world, root, cut["id"])["id"] == second["id"]
        posted = root.post(
            f"/api/v1/plans/{plan_id}/measurements",
            json={
                "items": [{"indicator_code": "M1.1.3-1", "period_end": cut["cut_date"], "value": 7}]
            },
        )
        assert posted.status_code in (200, 201), posted.text
        third = _render(world, root, cut["id"])
        assert third["id"] not in (first["id"], second["id"])
        assert third["status"] == "done"
    finally:
        root.post(f"/api/v1/cuts/{cut['id']}/close")
        root.post(f"/api/v1/cuts/{cut['id']}/publish")


def test_rows_that_moved_without_changing_the_figures_reuse_the_file(world, root, demo):  # noqa: F811
    plan_id, cut_id = demo["PTGD-2020"]["plan"]["id"], demo["PTGD-2020"]["cut"]["id"]
    first = _render(world, root, cut_id)
    before = root.get(first["links"]["report"]).json()
    # The plan's description is not in the report: a new job, the same figures and file.
    changed = root.patch(f"/api/v1/plans/{plan_id}", json={"description": "Otra descripción"})
    assert changed.status_code == 200, changed.text
    second = _render(world, root, cut_id)
    assert second["id"] != first["id"] and second["status"] == "done"
    after = root.get(second["links"]["report"]).json()
    assert after["id"] != before["id"]
    assert (after["inputs_hash"], after["sha256"]) == (before["inputs_hash"], before["sha256"])


def test_who_reads_a_report(world, root, demo):  # noqa: F811
    cut_id = demo["PEI"]["cut"]["id"]
    job = _render(world, root, cut_id)
    report_url, content_url = job["links"]["report"], job["links"]["content"]
    anon = world.client(None)
    # Published: readable anonymously, like its results; asking for one needs a login.
    assert anon.get(f"/api/v1/cuts/{cut_id}/reports").status_code == 200
    assert anon.get(report_url).status_code == 200
    assert anon.get(content_url).status_code == 200
    assert_problem(anon.post(f"/api/v1/cuts/{cut_id}/reports", json={"format": "xlsx"}), 401)
    # Another organization's cut: as if it did not exist.
    other_org = root.post(
        "/api/v1/organizations", json={"code": "otra-org", "name": "Otra", "kind": "alcaldia"}
    ).json()
    other = world.client(world.token(other_org["id"]))
    assert_problem(other.post(f"/api/v1/cuts/{cut_id}/reports", json={"format": "xlsx"}), 404)
    # A draft (open) cut's report: its organization only.
    reopened = root.post(f"/api/v1/cuts/{cut_id}/reopen", json={"reason": "Revisión"})
    assert reopened.status_code == 200
    try:
        member = world.client(world.token(demo["PEI"]["organization"]["id"], role="viewer"))
        draft = _render(world, member, cut_id)
        assert draft["status"] == "done"
        draft_report = draft["links"]["report"]
        assert member.get(draft_report).status_code == 200
        assert member.get(draft["links"]["content"]).status_code == 200
        assert_problem(anon.get(draft_report), 404)
        assert_problem(anon.get(draft["links"]["content"]), 404)
        assert_problem(anon.get(f"/api/v1/cuts/{cut_id}/reports"), 404)
        assert_problem(other.get(draft_report), 404)
        assert_problem(other.get(f"/api/v1/jobs/{draft['id']}"), 404)
        assert_problem(anon.get(report_url), 404)  # the cut is no longer published
    finally:
        root.post(f"/api/v1/cuts/{cut_id}/close")
        root.post(f"/api/v1/cuts/{cut_id}/publish")
    assert_problem(root.get(f"/api/v1/reports/{uuid.uuid4()}"), 404)
    assert_problem(root.get(f"/api/v1/jobs/{uuid.uuid4()}"), 404)


def test_an_unknown_format_names_the_allowed(root, demo):
    answer = root.post(f"/api/v1/cuts/{demo['PEI']['cut']['id']}/reports", json={"format": "docx"})
    body = assert_problem(answer, 422)
    assert "'pdf'" in str(body) and "'xlsx'" in str(body)
    assert_problem(
        root.post(
            f"/api/v1/cuts/{demo['PEI']['cut']['id']}/reports", json={"format": "xlsx", "x": 1}
        ),
        422,
    )


def test_a_failing_render_fails_its_job_and_serves_nothing(world, root, demo, monkeypatch):  # noqa: F811
    cut_id = demo["PTGD-2020"]["cut"]["id"]

    monkeypatch.setitem(reports_service.RENDERERS, "xlsx", ("tests.api.test_reports", "_broken"))
    # Another renderer version: not answered by the report the other tests rendered.
    monkeypatch.setattr(reports_service, "renderer_version", lambda fmt: "broken-1")
    job = _render(world, root, cut_id)
    assert job["status"] == "failed"
    assert job["error"]["status"] == 500 and "RuntimeError" in job["error"]["detail"]
    report = root.get(job["links"]["report"]).json()
    assert report["status"] == "failed" and report["error"] == job["error"]
    assert "content" not in report["links"]
    assert_problem(root.get(f"{job['links']['report']}/content"), 409)
    assert root.get("/health/ready").status_code == 200
    with Session(world.engine) as session:
        row = session.get(Report, uuid.UUID(report["id"]))
        assert (row.status, row.sha256) == ("pending", None)

    # Fixed and retried: the same report is rendered.
    monkeypatch.undo()
    retried = root.post(f"/api/v1/jobs/{job['id']}/retry")
    assert retried.status_code == 202
    world.run_jobs()
    assert root.get(f"/api/v1/jobs/{job['id']}").json()["status"] == "done"
    assert root.get(job["links"]["report"]).json()["status"] == "ready"


def test_pdf_reports_of_the_seed_plans(world, root, demo):  # noqa: F811
    expected = {"PEI": ["99.13", "Sobre ejecución 44.52%"], "PET-CALI": ["3.538.975.000", "60.34"]}
    for code, figures in expected.items():
        job = _render(world, root, demo[code]["cut"]["id"], "pdf")
        assert job["status"] == "done", job
        content = root.get(job["links"]["content"])
        assert content.headers["content-type"] == "application/pdf"
        assert content.headers["content-disposition"].endswith(".pdf")
        reader = pypdf.PdfReader(io.BytesIO(content.content))
        text_ = " ".join(page.extract_text() for page in reader.pages)
        for figure in figures:
            assert figure in text_, (code, figure)


def test_report_data_loads_in_constant_statements(world, demo):  # noqa: F811
    from sqlalchemy import event

    from app.cuts.models import Cut
    from app.plans.models import Plan

    counts = []
    for code in ("PEI", "PET-CALI"):
        with Session(world.engine) as session:
            cut = session.get(Cut, uuid.UUID(demo[code]["cut"]["id"]))
            plan = session.get(Plan, cut.plan_id)
            seen = []
            conn = session.connection()
            event.listen(conn, "before_cursor_execute", lambda *a, seen=seen, **k: seen.append(1))
            reports_service.build_report_data(session, cut, plan)
            counts.append((len(plan.axes or []), len(seen)))
    assert counts[0][0] == counts[1][0] == 0
    assert counts[0][1] == counts[1][1]


# --- edge cases ------------------------------------------------------------------------------


def _seed(
    code: str, *, units: int = 2, indicators: bool = True, name_len: int = 40, due: bool = True
):
    cut_date, plan_end = "2024-06-30", "2025-12-31"
    long = lambda prefix: (prefix + " " + "x" * name_len)[:name_len]  # noqa: E731
    unit_codes = [f"U{i:02d}" for i in range(units)]
    actions, inds, measurements = [], [], []
    for i, unit in enumerate(unit_codes):
        actions.append(
            {
                "code": f"A{i}",
                "node_code": f"N{i % 3}",
                "description": long(f"Acción {i}"),
                "unit_codes": [unit],
                "weight": "1",
                "order": i,
            }
        )
        if indicators:
            inds.append(
                {
                    "code": f"I{i}",
                    "name": long(f"Indicador {i}"),
                    "action_code": f"A{i}",
                    "source": "management",
                    "unit_of_measure": "number",
                    "accumulation": "sum",
                    "target_value": "10",
                    "programming": [{"period_end": cut_date if due else plan_end, "value": "10"}],
                }
            )
            measurements.append(
                {"indicator_code": f"I{i}", "period_end": cut_date, "value": str(i)}
            )
    return {
        "organization": {"code": code, "name": f"Entidad {code}", "kind": "alcaldia"},
        "units": [{"code": u, "name": long(f"Unidad {u}")[:300]} for u in unit_codes],
        "plan": {
            "code": "PLAN",
            "name": long("Plan")[:300],
            "kind": "pet",
            "first_year": 2024,
            "last_year": 2025,
            "levels": ["Componente"],
        },
        "nodes": [
            {
                "code": f"N{i}",
                "parent_code": None,
                "order": i,
                "weight": "1",
                "name": long(f"Nodo {i}"),
            }
            for i in range(3)
        ],
        "actions": actions,
        "indicators": inds,
        "cuts": [
            {
                "code": "C1",
                "cut_date": cut_date,
                "label": "Corte junio",
                "period_kind": "semiannual",
            }
        ],
        "measurements": measurements if due else [],
        "followups": [],
    }


@pytest.mark.parametrize(
    ("seed", "check"),
    [
        (_seed("edge-empty", indicators=False), "empty"),
        (_seed("edge-notdue", due=False), "not_due"),
        (_seed("edge-wide", units=40, name_len=500), "wide"),
    ],
    ids=["no-indicators", "nothing-due", "40-units-500-char-names-no-costs"],
)
def test_edge_plans_render(world, root, seed, check):  # noqa: F811
    loaded = load(root, seed)
    cut = root.get(f"/api/v1/plans/{loaded['plan']['id']}/cuts").json()["items"][0]
    wb, _ = _workbook(world, root, cut["id"])
    assert "Presupuesto" not in wb.sheetnames
    assert {"Resumen", "N0", "N1", "N2", "Por responsable", "Tendencia"} <= set(wb.sheetnames)
    summary = _rows(wb["Resumen"])
    plan_advance = next(r for r in summary if r[0] == "Avance del plan (%)")
    by_unit = _rows(wb["Por responsable"])[1:]
    if check in ("empty", "not_due"):
        assert plan_advance[1] is None  # nothing counted: no figure rather than a 0
        assert all(r[4] is None for r in by_unit)
    if check == "not_due":
        labels = {r[7] for r in _rows(wb["N0"]) if r[0] == "Indicador"}
        assert labels == {"Sin programación al corte"}
    if check == "wide":
        assert len(by_unit) == 40
        names = [r[2] for r in _rows(wb["N1"]) if r[0] == "Indicador"]
        assert names and all(len(n) == 500 for n in names)
        indicator = _row_with(wb["N1"], 1, "I4")
        assert (indicator[4], indicator[5], indicator[6]) == (10, 4, 40.0)
