"""The four seed plans' reports, as PDF: the published figures read back from the text.

ReportData is assembled here from the API's own answers (results, groups, trend, alerts,
budget, follow-ups, evidence); the report job's `build_report_data` replaces this helper.
"""

from __future__ import annotations

import io
import os
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from app.demo.loader import load
from app.demo.seeds import SEEDS
from app.reports.data import AxisInfo, BandInfo, EvidenceEntry, FollowUpEntry, ReportData, UnitInfo
from app.reports.pdf import render_pdf
from app.results.schemas import Alerts, BudgetMatrixOut, CutResults, GroupedResults, PlanTrend
from tests.unit.test_report_pdf import dot_after


def _ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def _all(client, url: str) -> list[dict]:
    items, offset = [], 0
    while True:
        page = _ok(client.get(url, params={"limit": 500, "offset": offset}))
        items += page["items"]
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return items


def report_data(client, plan_id: str) -> ReportData:
    plan = _ok(client.get(f"/api/v1/plans/{plan_id}"))
    org = _ok(client.get(f"/api/v1/organizations/{plan['organization_id']}"))
    units = _all(client, f"/api/v1/organizations/{plan['organization_id']}/units")
    cuts = _all(client, f"/api/v1/plans/{plan_id}/cuts")
    if not cuts:  # the Cali PET slides have no follow-up: a cut with nothing measured yet
        year = plan["first_year"]
        body = {"code": f"{year}-12", "cut_date": f"{year}-12-31", "label": "Corte de prueba"}
        response = client.post(f"/api/v1/plans/{plan_id}/cuts", json=body)
        assert response.status_code == 201, response.text
        cuts = [response.json()]
    cut = cuts[0]
    base = f"/api/v1/cuts/{cut['id']}"
    budget = BudgetMatrixOut.model_validate(_ok(client.get(f"/api/v1/plans/{plan_id}/budget")))
    followups = _all(client, f"{base}/followups")
    evidence = []
    for fu in followups:
        for ev in _all(client, f"{base}/followups/{fu['indicator_id']}/evidence"):
            evidence.append(
                EvidenceEntry(
                    uuid.UUID(fu["indicator_id"]),
                    fu["indicator_code"],
                    ev["kind"],
                    ev["title"],
                    date.fromisoformat(ev["evidence_date"]) if ev["evidence_date"] else None,
                    url=ev["url"],
                    file_name=ev["original_name"],
                    reference=ev["reference"],
                )
            )
    return ReportData(
        organization_name=org["name"],
        plan_code=plan["code"],
        plan_name=plan["name"],
        plan_kind=plan["kind"],
        first_year=plan["first_year"],
        last_year=plan["last_year"],
        levels=plan["levels"],
        bands=[
            BandInfo(b["code"], b["label"], b["color"], Decimal(str(b["lower_bound"])))
            for b in plan["bands"]
        ],
        axes=[AxisInfo(a["code"], a["name"]) for a in plan["axes"]],
        units=[UnitInfo(uuid.UUID(u["id"]), u["code"], u["name"]) for u in units],
        generated_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        results=CutResults.model_validate(_ok(client.get(f"{base}/results"))),
        by_unit=GroupedResults.model_validate(_ok(client.get(f"{base}/results/by-unit"))),
        by_axis={
            a["code"]: GroupedResults.model_validate(
                _ok(client.get(f"{base}/results/by-axis/{a['code']}"))
            )
            for a in plan["axes"]
        },
        trend=PlanTrend.model_validate(_ok(client.get(f"/api/v1/plans/{plan_id}/trend"))),
        alerts=Alerts.model_validate(_ok(client.get(f"{base}/alerts"))),
        budget=budget if budget.total else None,
        followups=[
            FollowUpEntry(
                uuid.UUID(fu["indicator_id"]),
                fu["indicator_code"],
                fu["status"],
                fu["narrative"],
                fu["observations"],
                fu["lag_justification"],
            )
            for fu in followups
        ],
        evidence=evidence,
    )


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def seeds_data(client) -> dict[str, ReportData]:
    plans = {seed["plan"]["code"]: load(client, seed)["plan"]["id"] for seed in SEEDS}
    return {code: report_data(client, plan_id) for code, plan_id in plans.items()}


@pytest.fixture
def seeds_bands(seeds_data) -> dict[str, list[BandInfo]]:
    return {code: data.bands for code, data in seeds_data.items()}


@pytest.fixture
def reports(seeds_data) -> dict[str, bytes]:
    rendered = {code: render_pdf(data) for code, data in seeds_data.items()}
    if out := os.environ.get("REPORT_PDF_DIR"):  # to look at them: REPORT_PDF_DIR=/tmp/x
        for code, pdf in rendered.items():
            (Path(out) / f"{code}.pdf").write_bytes(pdf)
    return rendered


def test_seed_reports_print_the_published_figures(reports, seeds_bands):
    bogota = pdf_text(reports["PEI"])
    assert re.search(
        r"OBJ5 Fortalecer la prestación del servicio .{0,200}? ● 99\.13% Rezago 0\.87%", bogota
    )
    assert "Sobre ejecución 44.52%" in bogota
    assert "104.220 150.623 ● 144.52%" in bogota
    assert "2.743.434 1.474.056 ● 53.73% Rezago 46.27%" in bogota

    cali = pdf_text(reports["PET-CALI"])
    assert "$3.538.975.000" in cali
    assert re.search(r"\$2\.135\.475\.000 60\.34%", cali)

    green = next(b.color for b in seeds_bands["PET-2023-2024"] if b.code == "green")
    assert dot_after(reports["PET-2023-2024"], "Mínimo 50 indicadores de la LBI") == green
    cauca = pdf_text(reports["PET-2023-2024"])
    assert re.search(r"Mínimo 50 indicadores .{0,120}? 50 65 ● 130\.00% Sobre ejecución 30%", cauca)
    assert "65 indicadores adaptados en el sistema de información socioeconómica" in cauca
    assert "www.Tangara.gov.co" in cauca or "tangara.gov.co" in cauca.lower()
    assert "Sin programación al corte" in cauca

    others = [code for code in reports if code not in {"PEI", "PET-CALI", "PET-2023-2024"}]
    gd = pdf_text(reports[others[0]])
    assert "Avance por eje de clasificación" in gd
    assert "Gestión por responsable" in gd
