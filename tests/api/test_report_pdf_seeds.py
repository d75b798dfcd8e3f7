"""The four seed plans' reports, as PDF: the published figures read back from the text.

ReportData is the report service's own (`build_report_data`), rendered straight to PDF so
the figures, colours and literal text can be checked without the job queue in between.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest

from app.cuts.models import Cut
from app.demo.loader import load
from app.demo.seeds import SEEDS
from app.plans.models import Plan
from app.reports.data import BandInfo, ReportData
from app.reports.pdf import render_pdf
from app.reports.service import build_report_data
from tests.unit.test_report_pdf import dot_after


def report_data(client, session, plan_id: str) -> ReportData:
    """The service's own ReportData of the plan's first cut (a test cut where it has none)."""
    cuts = client.get(f"/api/v1/plans/{plan_id}/cuts").json()["items"]
    if not cuts:  # the Cali PET slides have no follow-up: a cut with nothing measured yet
        year = client.get(f"/api/v1/plans/{plan_id}").json()["first_year"]
        body = {"code": f"{year}-12", "cut_date": f"{year}-12-31", "label": "Corte de prueba"}
        response = client.post(f"/api/v1/plans/{plan_id}/cuts", json=body)
        assert response.status_code == 201, response.text
        cuts = [response.json()]
    cut = session.get(Cut, uuid.UUID(cuts[0]["id"]))
    data = build_report_data(session, cut, session.get(Plan, cut.plan_id))
    # A fixed generation time: the same data gives the same bytes.
    return dataclasses.replace(data, generated_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def seeds_data(client, session) -> dict[str, ReportData]:
    plans = {seed["plan"]["code"]: load(client, seed)["plan"]["id"] for seed in SEEDS}
    return {code: report_data(client, session, plan_id) for code, plan_id in plans.items()}


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
