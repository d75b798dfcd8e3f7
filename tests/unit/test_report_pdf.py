"""The PDF report lays out the figures it is given: read back with pypdf, exactly as published."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pypdf
import pytest

from app.reports.data import EvidenceEntry
from app.reports.pdf import money, pct, quantity, render_pdf
from tests.unit.report_builders import ReportBuilder, sample_report


def read(pdf: bytes) -> tuple[str, list[str]]:
    """The PDF's text with whitespace collapsed, and its bookmark titles (flattened)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)

    def titles(outline) -> list[str]:
        out: list[str] = []
        for item in outline:
            out.extend(titles(item) if isinstance(item, list) else [item.title])
        return out

    return " ".join(text.split()), titles(reader.outline)


def dots(pdf: bytes) -> list[tuple[str, str | None]]:
    """Each traffic-light glyph "●" with the text just before it and its fill colour."""
    found: list[tuple[str, str | None]] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        color: list[str | None] = [None]
        before: list[str] = []

        def operand(op, args, cm, tm, color=color):
            if op in (b"sc", b"scn", b"rg") and len(args) == 3:
                color[0] = "#" + "".join(f"{round(float(a) * 255):02x}" for a in args)

        def text(t, cm, tm, font, size, before=before, color=color):
            if "●" in t:
                found.append((" ".join(before), color[0]))
            elif t.strip():
                before.append(t.strip())
                del before[:-12]

        page.extract_text(visitor_operand_before=operand, visitor_text=text)
    return found


def dot_after(pdf: bytes, text: str) -> str | None:
    return next(color for before, color in dots(pdf) if text in before)


def squash(text: str) -> str:
    """Without any whitespace: line breaks and hyphenation may split long text anywhere."""
    return re.sub(r"\s+|-", "", text)


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render_pdf(sample_report())


@pytest.fixture(scope="module")
def sample(sample_pdf) -> tuple[str, list[str]]:
    return read(sample_pdf)


def test_traffic_lights_in_their_band_colours(sample_pdf):
    assert dot_after(sample_pdf, "Número de PQRS recibidas por otros canales") == "#2e7d32"
    assert dot_after(sample_pdf, "recibidas a través de la línea 195") == "#f9a825"
    assert dot_after(sample_pdf, "Avance del plan") == "#f9a825"


def test_number_formats():
    assert pct(Decimal("99.13")) == "99.13%"
    assert pct(Decimal("100")) == "100.00%"
    assert pct(None) == "—"
    assert quantity(Decimal("5486863")) == "5.486.863"
    assert quantity(Decimal("73.50")) == "73,50"
    assert quantity(Decimal("0.5")) == "0,50"
    assert quantity(Decimal("1474056.125")) == "1.474.056,125"
    assert money(Decimal("3538975000")) == "$3.538.975.000"


def test_cover_and_headings(sample):
    text, bookmarks = sample
    assert text.startswith("Gobernación del Cauca Informe de seguimiento")
    assert "Corte 30 de septiembre de 2023" in text
    assert "Fecha de generación 25 de noviembre de 2026, 09:30" in text
    assert bookmarks == [
        "1 Resumen",
        "1.1 Semáforo del plan",
        "2 Avance por objetivo específico",
        "3 Avance de acciones e indicadores",
        "3.1 OE1 Consolidar las capacidades institucionales",
        "3.2 OBJ5 Fortalecer la prestación del servicio a la ciudadanía",
        "4 Avance por dependencia responsable",
        "5 Gestión por responsable",
        "6 Avance por eje de clasificación",
        "6.1 Avance por Componente",
        "7 Tendencia del avance",
        "8 Alertas",
        "9 Evidencias",
        "10 Matriz de inversión",
        "11 Observaciones y recomendaciones",
    ]


def test_published_figures_appear_as_given(sample):
    text, _ = sample
    # Bogotá objective 5 and its two indicators, as the PEI report prints them.
    assert (
        "OBJ5 Fortalecer la prestación del servicio a la ciudadanía ● 99.13% Rezago 0.87%" in text
    )
    assert (
        "IS-546 Número de PQRS recibidas por otros canales Número 104.220 150.623 ● 144.52%" in text
    )
    assert "Sobre ejecución 44.52%" in text
    assert "2.743.434 1.474.056 ● 53.73% Rezago 46.27%" in text
    # The plan's figure and its traffic light legend.
    assert "Avance del plan al corte ● 99.13%" in text
    assert "3 de 4 indicadores con programación al corte. Acciones: 1. Nodos: 3." in text
    assert "● 0-49% Desde 0.00% y menos de 50.00%" in text
    assert "50-99% Desde 50.00% y menos de 100.00%" in text
    assert "100% Desde 100.00%" in text
    # Cali's investment matrix: the grand total and a unit's share.
    assert "$3.538.975.000" in text
    assert "Departamento Administrativo de Planeación $1.115.975.000 $1.019.500.000" in text
    assert "$2.135.475.000 60.34%" in text


def test_followups_evidence_alerts_and_observations(sample):
    text, _ = sample
    assert "Seguimiento (Aprobado): 1 PET aprobado y divulgado (100%)" in text
    assert "Justificación: Preferencia por otros canales" in text
    assert "I1 Enlace Tángara — https://tangara.gov.co" in text
    assert "Rezago IS-545 Número de orientaciones" in text
    assert "Observación I1 Acta 002" in text
    # Not due: no figure, its own label.
    assert "I-ND Inicia en octubre de 2023 Número — — ○ — Sin programación al corte" in text


def test_user_text_is_shown_literally():
    hostile = (
        'Plan #set text(red) $x^2$ $\\frac{$ [*bold*] \\ `raw` <label> @ref "quotes" _em_ 🚀 #{1+1}'
    )
    b = ReportBuilder(plan_name=hostile, organization='Org ] ) } #import "x.typ"')
    unit = b.unit("Unidad <b>&amp;</b> #unidad")
    node = b.node("N1", hostile, "50.00")
    ind = b.indicator("I-1", hostile, node=node, advance="50.00", units=[unit])
    b.followup(ind, narrative="= No es un título", observations="- no es una lista\n+ tampoco")
    b.evidence.append(
        EvidenceEntry(
            ind.indicator_id, "I-1", "link", '#link("x")', date(2023, 9, 1), url="javascript:x"
        )
    )
    text, bookmarks = read(render_pdf(b.build()))
    assert (
        'Plan #set text(red) $x^2$ $\\frac{$ [*bold*] \\ `raw` <label> @ref "quotes" _em_' in text
    )
    assert "#{1+1}" in text
    assert 'Org ] ) } #import "x.typ"' in text
    assert "Unidad <b>&amp;</b> #unidad" in text
    assert "Seguimiento (Aprobado): = No es un título" in text
    assert "- no es una lista + tampoco" in text
    assert '#link("x") 01/09/2023 javascript:x' in text
    assert "3.1 N1 Plan #set text(red)" in bookmarks[4]


def test_plan_without_indicators():
    b = ReportBuilder(plan_advance=None)
    b.node("OE1", "Objetivo sin indicadores", None)
    text, _ = read(render_pdf(b.build()))
    assert "Avance del plan al corte ○ Sin programación al corte" in text
    assert "Sin acciones ni indicadores." in text
    assert "Sin dependencias responsables." in text
    assert "Sin alertas al corte." in text
    assert "Sin evidencias registradas en el corte." in text
    assert "Matriz de inversión" not in text


def test_plan_with_no_nodes_at_all():
    text, _ = read(render_pdf(ReportBuilder(plan_advance=None).build()))
    assert "El plan no tiene nodos." in text
    assert "Sin cortes con resultados." in text


def test_cut_where_nothing_is_due():
    b = ReportBuilder(plan_advance=None, trend_dates=[date(2023, 3, 31), date(2023, 9, 30)])
    unit = b.unit("Planeación")
    node = b.node("OE1", "Objetivo", None)
    action = b.action("A1", "Acción que inicia en 2024", node, None, [unit])
    b.indicator("I1", "Meta de 2024", action=action, units=[unit])
    text, _ = read(render_pdf(b.build()))
    assert "OE1 Objetivo ○ — Sin programación al corte" in text
    assert "Ningún corte tiene avance calculado." in text


def test_names_of_500_characters():
    word = "Fortalecimiento institucional de la gestión estadística territorial "
    long_name = (word * 8)[:500]
    unbroken = "X" * 500
    b = ReportBuilder(plan_name=long_name, organization=long_name)
    unit = b.unit(unbroken)
    node = b.node("OE1", long_name, "75.00")
    action = b.action("A1", long_name, node, "75.00", [unit])
    b.indicator("I1", unbroken, action=action, advance="75.00", programmed="4", executed="3")
    b.axis("c", long_name, [("c1", long_name, "75.00")])
    pdf = render_pdf(b.build())
    text, _ = read(pdf)
    assert squash(long_name) in squash(text)
    assert unbroken in squash(text)
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        assert page.mediabox.width > page.mediabox.height  # A4 landscape throughout


def test_forty_units_no_axes_no_budget_no_trend():
    b = ReportBuilder()
    units = [b.unit(f"Dependencia número {n} de la administración", f"D{n:02d}") for n in range(40)]
    node = b.node("OE1", "Objetivo", "80.00")
    for n, unit in enumerate(units):
        action = b.action(f"A{n}", f"Acción {n}", node, "80.00", [unit])
        b.indicator(f"I{n}", f"Indicador {n}", action=action, advance="80.00", units=[unit])
    data = b.build()
    assert data.budget is None and not data.axes and not data.trend.cuts
    text, bookmarks = read(render_pdf(data))
    assert "D39 Dependencia número 39 de la administración ● 75.50%" in text
    assert "Dependencia número 39 de la administración 1 2 0 0 3" in text
    assert "Matriz de inversión" not in text
    assert not any("eje" in title for title in bookmarks)


def test_same_data_same_pdf():
    data = sample_report()
    assert render_pdf(data) == render_pdf(replace(data))


def test_a_report_typeset_in_parts_reads_the_same():
    """Large reports are typeset a few hundred rows at a time and joined: same text, same
    bookmarks (nested across parts), pages numbered on."""
    data = sample_report()
    whole_text, whole_marks = read(render_pdf(data))
    parts_pdf = render_pdf(data, part_rows=3)
    parts_text, parts_marks = read(parts_pdf)
    assert parts_marks == whole_marks
    reader = pypdf.PdfReader(io.BytesIO(parts_pdf))
    assert [len(item) for item in reader.outline if isinstance(item, list)] == [1, 2, 1]
    for figure in ("99.13%", "Sobre ejecución 44.52%", "$3.538.975.000", "$2.135.475.000 60.34%"):
        assert figure in parts_text
    assert f"Página {len(reader.pages)} " in parts_text + " "
    assert "Contenido" in whole_text and "Contenido" not in parts_text


def test_a_typst_failure_is_reported_with_its_reason(tmp_path):
    from app.reports import typeset

    (tmp_path / "broken.typ").write_text("#let d = json(sys.inputs.data)\n#nothing_here")
    (tmp_path / "part-0.json").write_text("{}")
    job = {
        "root": str(tmp_path),
        "template": "broken.typ",
        "parts": ["part-0.json"],
        "font_dir": str(tmp_path),
        "timestamp": None,
    }
    with pytest.raises(typeset.TypesetError, match="unknown variable: nothing_here"):
        typeset.run(job)


def test_control_characters_and_xml_in_names_are_dropped_or_shown():
    b = ReportBuilder(plan_name="Plan\x00 con\x07 controles -- <!-- x --> ]]> &amp;")
    unit = b.unit("Unidad \x1b[31m <x>")
    node = b.node("N1", "Nodo\x00 --> fin", "10.00")
    b.indicator("I1", "Indicador\x0b", node=node, advance="10.00", units=[unit])
    b.axis("e", "Eje\x01 --", [("v", "Valor -- -->\x02", "5.00")])
    text, _ = read(render_pdf(b.build()))
    assert "Plan con controles -- <!-- x --> ]]> &amp;" in text
    assert "N1 Nodo --> fin" in text
