"""The follow-up report as a PDF: ReportData laid out by a typst template, charts by matplotlib.

    render_pdf(data: ReportData) -> bytes

The data reaches typst as JSON files the template reads, never as markup built from strings,
so whatever officials typed (quotes, #, $, brackets, backslashes) is shown as typed. This
module only formats: every figure is a `*_shown` value or a count from the results service
(the summary's counts by status and band are tallies of the indicator rows it lists).

Number formats (the seeds' own): percentages with two decimals and a decimal point, as the
service's status labels print them ("99.13%", "Sobre ejecución 44.52%"); quantities and money
in Colombian style, dots between thousands and a decimal comma ("5.486.863", "73,50",
"$3.538.975.000"). The traffic light is a "●" in the band's colour ("○": nothing due).

A report is cut into parts of about PART_ROWS table rows; each part is typeset in a child
process (`app.reports.typeset`) and the parts are joined, so memory stays bounded whatever the
plan's size. A report of one part keeps a printed table of contents and "Página N de M".
"""

from __future__ import annotations

import json
import re
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib

from app.reports import charts, typeset
from app.reports.data import FollowUpEntry, ReportData
from app.results.schemas import (
    ActionResult,
    GroupedResults,
    IndicatorResult,
    NodeResult,
    ResultBand,
)

NOT_DUE = "Sin programación al corte"
NO_VALUE = "—"

MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]

EXECUTION_STATES = (
    ("completed", "Finalizada", "#2e7d32"),
    ("in_progress", "En ejecución", "#f9a825"),
    ("not_started", "Sin iniciar", "#c62828"),
    ("not_due", NOT_DUE, "#9e9e9e"),
)

STATUS_ORDER = ("on_track", "over_executed", "lagging", "not_due")
STATUS_LABELS = {
    "on_track": "En cumplimiento",
    "over_executed": "Sobre ejecución",
    "lagging": "Rezago",
    "not_due": NOT_DUE,
}

ALERT_LABELS = {
    "overdue_action": "Acción vencida",
    "missing_report": "Sin reporte",
    "lagging": "Rezago",
    "followup_without_evidence": "Seguimiento sin evidencia",
}

EVIDENCE_KINDS = {
    "acta": "Acta",
    "attendance_list": "Listado de asistencia",
    "photo": "Registro fotográfico",
    "official_letter": "Oficio",
    "document": "Documento",
    "link": "Enlace",
    "other": "Otro",
}

FOLLOWUP_STATUS = {
    "draft": "Borrador",
    "submitted": "Enviado",
    "approved": "Aprobado",
    "returned": "Devuelto",
}

UNITS_OF_MEASURE = {
    "number": "Número",
    "percentage": "Porcentaje",
    "currency": "Pesos",
    "other": "Otra unidad",
}

CUT_STATUS = {"draft": "Borrador", "published": "Publicado", "closed": "Cerrado"}

TEMPLATE = "report.typ"
TABLE_ROWS = 60
WORD_CHARS = 16
ZWSP = "\u200b"
PART_ROWS = 1500


# --- number and date formats ------------------------------------------------------------------


def pct(value: Decimal | None) -> str:
    """A shown percentage: "99.13%"; the service's figure is already rounded."""
    return NO_VALUE if value is None else f"{value:.2f}%"


def _grouped(value: Decimal, places: int) -> str:
    text = f"{value:,.{places}f}"  # 1,234,567.50
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def quantity(value: Decimal | None) -> str:
    """A magnitude in Colombian style: "5.486.863", "73,50" (two decimals unless whole)."""
    if value is None:
        return NO_VALUE
    if value == value.to_integral_value():
        return _grouped(value, 0)
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return _grouped(value, places)


def money(value: Decimal | None) -> str:
    """Pesos as the Cali matrix prints them: "$3.538.975.000"."""
    return NO_VALUE if value is None else "$" + quantity(value)


def long_date(value: date) -> str:
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


def short_date(value: date | None) -> str:
    return NO_VALUE if value is None else value.strftime("%d/%m/%Y")


def long_datetime(value: datetime) -> str:
    return f"{long_date(value.date())}, {value:%H:%M}"


# --- the document's data -----------------------------------------------------------------------


def _band(band: ResultBand | None) -> dict[str, str] | None:
    return None if band is None else {"label": band.label, "color": band.color}


@dataclass
class _Doc:
    data: ReportData
    charts: dict[str, str]

    def chart(self, name: str, svg: str) -> str:
        file_name = f"chart-{len(self.charts):03d}-{name}.svg"
        self.charts[file_name] = svg
        return file_name

    def unit_names(self, unit_ids: list[uuid.UUID]) -> str:
        names = {str(u.unit_id): u.name for u in self.data.units}
        return "; ".join(names.get(str(i), str(i)) for i in unit_ids) or NO_VALUE

    def thresholds(self) -> list[charts.Threshold]:
        return [charts.Threshold(b.min_pct, b.label, b.color) for b in self.data.bands]


def _legend(data: ReportData) -> list[dict[str, str]]:
    bands = sorted(data.bands, key=lambda b: b.min_pct)
    rows = []
    for index, band in enumerate(bands):
        low = Decimal(str(band.min_pct))
        if index + 1 < len(bands):
            high = Decimal(str(bands[index + 1].min_pct))
            range_text = f"Desde {pct(low)} y menos de {pct(high)}"
        else:
            range_text = f"Desde {pct(low)}"
        rows.append({"label": band.label, "color": band.color, "range": range_text})
    return rows


def _summary(doc: _Doc) -> dict[str, Any]:
    data = doc.data
    plan = data.results.plan
    by_status: dict[str, int] = defaultdict(int)
    status_label: dict[str, str] = {}
    by_band: dict[str, int] = defaultdict(int)
    missing = 0
    for ind in data.results.indicators:
        by_status[ind.status.code] += 1
        status_label.setdefault(
            ind.status.code, STATUS_LABELS.get(ind.status.code, ind.status.code)
        )
        if ind.band is not None:
            by_band[ind.band.code] += 1
        missing += ind.missing_report
    statuses = [c for c in STATUS_ORDER if c in by_status] + sorted(
        c for c in by_status if c not in STATUS_ORDER
    )
    bands = []
    for band in data.bands:
        bands.append({"label": band.label, "color": band.color, "count": by_band.get(band.code, 0)})
    return {
        "advance": pct(plan.advance_pct_shown) if plan.advance_pct_shown is not None else NOT_DUE,
        "band": _band(plan.band),
        "status": plan.status.label,
        "counted": plan.counted,
        "indicators": len(data.results.indicators),
        "actions": len(data.results.actions),
        "nodes": len(data.results.nodes),
        "missing_reports": missing,
        "by_status": [{"label": status_label[c], "count": by_status[c]} for c in statuses],
        "by_band": bands,
        "not_due": by_status.get("not_due", 0),
        "legend": _legend(data),
    }


def _level_name(data: ReportData, level: int) -> str:
    return data.levels[level - 1] if 0 < level <= len(data.levels) else "Nodo"


def _node_row(node: NodeResult) -> dict[str, Any]:
    return {
        "code": node.code,
        "name": node.name,
        "level_name": node.level_name or "",
        "advance": pct(node.advance_pct_shown),
        "band": _band(node.band),
        "status": node.status.label,
        "counted": node.counted,
    }


def _notes(entries: list[FollowUpEntry]) -> list[dict[str, str]]:
    notes = []
    for entry in entries:
        status = FOLLOWUP_STATUS.get(entry.status, entry.status)
        if entry.narrative:
            notes.append({"label": f"Seguimiento ({status})", "text": entry.narrative})
        if entry.lag_justification:
            notes.append({"label": "Justificación", "text": entry.lag_justification})
        if entry.observations:
            notes.append({"label": "Observaciones", "text": entry.observations})
    return notes


def _indicator_row(
    doc: _Doc, ind: IndicatorResult, followups: dict[str, list[FollowUpEntry]]
) -> dict[str, Any]:
    status = ind.status.label
    if ind.missing_report:
        status += " · Sin reporte"
    return {
        "kind": "indicator",
        "code": ind.code,
        "name": ind.name,
        "measure": UNITS_OF_MEASURE.get(ind.unit_of_measure, ind.unit_of_measure),
        "programmed": quantity(ind.programmed_to_date),
        "executed": quantity(ind.executed_to_date),
        "advance": pct(ind.advance_pct_shown),
        "band": _band(ind.band),
        "status": status,
        "units": doc.unit_names(ind.unit_ids),
        "notes": _notes(followups.get(str(ind.indicator_id), [])),
    }


def _action_row(doc: _Doc, action: ActionResult) -> dict[str, Any]:
    dates = []
    if action.start_date:
        dates.append(f"Inicio {short_date(action.start_date)}")
    if action.due_date:
        dates.append(f"Fin {short_date(action.due_date)}")
    state = action.execution_state.label
    if action.overdue:
        state += " · Vencida"
    status = state if action.status.label == state else f"{state}. {action.status.label}"
    return {
        "kind": "action",
        "code": action.code,
        "name": action.description,
        "dates": " · ".join(dates),
        "advance": pct(action.advance_pct_shown),
        "band": _band(action.band),
        "status": status,
        "units": doc.unit_names(action.unit_ids),
    }


def _groups(node: dict[str, Any] | None, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A node's rows as tables of at most TABLE_ROWS rows: typst lays out small tables fast."""
    chunks = [rows[i : i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)] or [[]]
    return [{"node": node if i == 0 else None, "rows": chunk} for i, chunk in enumerate(chunks)]


def _drop_empty_lead(section: dict[str, Any]) -> None:
    """A root node with nothing of its own but children: no "nothing here" line before them."""
    groups = section["groups"]
    if len(groups) > 1 and groups[0]["node"] is None and not groups[0]["rows"]:
        del groups[0]


def _detail(doc: _Doc) -> list[dict[str, Any]]:
    """Per root node its rows in tree order: sub-node, its actions, their indicators."""
    results = doc.data.results
    followups: dict[str, list[FollowUpEntry]] = defaultdict(list)
    for entry in doc.data.followups:
        followups[str(entry.indicator_id)].append(entry)
    actions_of: dict[uuid.UUID | None, list[ActionResult]] = defaultdict(list)
    for action in results.actions:
        actions_of[action.node_id].append(action)
    by_action: dict[uuid.UUID, list[IndicatorResult]] = defaultdict(list)
    loose: dict[uuid.UUID | None, list[IndicatorResult]] = defaultdict(list)
    action_ids = {a.action_id for a in results.actions}
    for ind in results.indicators:
        if ind.action_id is not None and ind.action_id in action_ids:
            by_action[ind.action_id].append(ind)
        else:
            loose[ind.node_id].append(ind)

    def rows_of(node_id: uuid.UUID | None) -> list[dict[str, Any]]:
        rows = []
        for action in actions_of.get(node_id, []):
            rows.append(_action_row(doc, action))
            rows.extend(
                _indicator_row(doc, i, followups) for i in by_action.get(action.action_id, [])
            )
        rows.extend(_indicator_row(doc, i, followups) for i in loose.get(node_id, []))
        return rows

    sections: list[dict[str, Any]] = []
    for node in results.nodes:
        if node.parent_id is None and sections:
            _drop_empty_lead(sections[-1])
        if node.parent_id is None:
            sections.append({**_node_row(node), "groups": []})
            sections[-1]["groups"] += _groups(None, rows_of(node.node_id))
        elif sections:
            sections[-1]["groups"] += _groups(_node_row(node), rows_of(node.node_id))
    if sections:
        _drop_empty_lead(sections[-1])
    orphan_rows = rows_of(None)
    if orphan_rows:
        sections.append(
            {
                "code": "",
                "name": "Elementos sin nodo del plan",
                "level_name": "",
                "advance": NO_VALUE,
                "band": None,
                "status": "",
                "counted": 0,
                "groups": _groups(None, orphan_rows),
            }
        )
    return sections


def _bars_in_chunks(
    doc: _Doc, name: str, bars: list[charts.Bar], xlabel: str, size: int = 30
) -> list[str]:
    """Charts of at most `size` bars each, so a chart never outgrows a page."""
    return [
        doc.chart(name, charts.advance_bars(bars[i : i + size], doc.thresholds(), xlabel))
        for i in range(0, len(bars), size)
    ]


def _group_rows(grouped: GroupedResults) -> list[dict[str, Any]]:
    return [
        {
            "code": item.code or "",
            "label": item.label,
            "advance": pct(item.advance_pct_shown),
            "band": _band(item.band),
            "count": item.count,
            "counted": item.counted,
            "actions": item.action_count,
        }
        for item in grouped.items
    ]


def _group_bars(grouped: GroupedResults) -> list[charts.Bar]:
    return [
        charts.Bar(
            item.label,
            item.advance_pct_shown,
            item.band.color if item.band else None,
        )
        for item in grouped.items
    ]


def _execution(doc: _Doc) -> dict[str, Any]:
    items = [item for item in doc.data.by_unit.items if item.action_count]
    columns = [(code, label, color) for code, label, color in EXECUTION_STATES]
    rows = [
        {
            "label": item.label,
            "counts": [item.by_execution_state.get(code, 0) for code, _, _ in columns],
            "total": item.action_count,
        }
        for item in items
    ]
    result: dict[str, Any] = {"columns": [label for _, label, _ in columns], "rows": rows}
    result["charts"] = [
        doc.chart(
            "execution",
            charts.stacked_counts(
                [item.label for item in chunk],
                [
                    (label, color, [item.by_execution_state.get(code, 0) for item in chunk])
                    for code, label, color in columns
                ],
                "Acciones",
            ),
        )
        for chunk in (items[i : i + 30] for i in range(0, len(items), 30))
    ]
    return result


def _trend(doc: _Doc) -> dict[str, Any]:
    trend = doc.data.trend
    dates = [cut.cut_date for cut in trend.cuts]
    roots = [n for n in trend.nodes if n.parent_id is None]
    series = [charts.Series(doc.data.plan_name, [p.advance_pct_shown for p in trend.plan])]
    series += [
        charts.Series(f"{n.code} {n.name}", [p.advance_pct_shown for p in n.points]) for n in roots
    ]
    rows = [{"label": "Plan", "values": [pct(p.advance_pct_shown) for p in trend.plan]}]
    rows += [
        {"label": f"{n.code} {n.name}", "values": [pct(p.advance_pct_shown) for p in n.points]}
        for n in roots
    ]
    has_points = bool(dates) and any(value is not None for line in series for value in line.values)
    chart = (
        doc.chart("trend", charts.trend_lines(dates, series[:13], "Avance (%)"))
        if has_points
        else None
    )
    return {"cuts": [short_date(d) for d in dates], "rows": rows, "chart": chart}


def _alerts(doc: _Doc) -> dict[str, Any]:
    alerts = doc.data.alerts
    return {
        "threshold": pct(alerts.lag_threshold_pct),
        "counts": [
            {"label": ALERT_LABELS.get(kind, kind), "count": count}
            for kind, count in alerts.counts.items()
        ],
        "items": [
            {
                "kind": ALERT_LABELS.get(a.kind, a.kind),
                "code": a.code,
                "name": a.name,
                "unit": "; ".join(u.name for u in a.units) or NO_VALUE,
                "detail": a.detail,
                "due": short_date(a.due_date),
                "advance": pct(a.advance_pct_shown),
            }
            for a in alerts.items
        ],
    }


def _evidence(doc: _Doc) -> list[dict[str, Any]]:
    rows = []
    for ev in doc.data.evidence:
        url = ev.url if ev.url and ev.url.lower().startswith(("http://", "https://")) else None
        where = ev.url or ev.file_name or ""
        rows.append(
            {
                "code": ev.indicator_code,
                "kind": EVIDENCE_KINDS.get(ev.kind, ev.kind),
                "title": ev.title,
                "date": short_date(ev.evidence_date),
                "url": url,
                "where": where,
                "reference": ev.reference or "",
            }
        )
    return rows


def _budget(doc: _Doc) -> dict[str, Any] | None:
    budget = doc.data.budget
    if budget is None or not budget.rows:
        return None
    codes = [c.code for c in budget.columns]
    return {
        "measure": "Presupuesto programado" if budget.measure == "planned" else "Ejecutado",
        "year": str(budget.year) if budget.year is not None else "Todas las vigencias",
        "columns": [{"code": c.code, "name": c.name} for c in budget.columns],
        "rows": [
            {
                "code": r.code,
                "name": r.name,
                "cells": [money(r.cells.get(code, Decimal(0))) for code in codes],
                "total": money(r.total),
                "share": pct(r.share_pct_shown),
            }
            for r in budget.rows
        ],
        "totals": [money(c.total) for c in budget.columns],
        "shares": [pct(c.share_pct_shown) for c in budget.columns],
        "total": money(budget.total),
    }


def _observations(data: ReportData) -> list[dict[str, str]]:
    return [
        {"code": entry.indicator_code, "text": entry.observations}
        for entry in data.followups
        if entry.observations and entry.observations.strip()
    ]


def document(data: ReportData) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON the template lays out, and the charts (file name → SVG) it embeds."""
    doc = _Doc(data, {})
    results = data.results
    roots = [n for n in results.nodes if n.parent_id is None]
    root_level = _level_name(data, 1)
    root_bars = [
        charts.Bar(f"{n.code} {n.name}", n.advance_pct_shown, n.band.color if n.band else None)
        for n in roots
    ]
    axes = []
    for axis in data.axes:
        grouped = data.by_axis.get(axis.code)
        if grouped is None:
            continue
        axes.append(
            {
                "name": axis.name,
                "charts": _bars_in_chunks(doc, "axis", _group_bars(grouped), "Avance (%)"),
                "rows": _group_rows(grouped),
            }
        )
    unit_items = _group_bars(data.by_unit)
    body = {
        "meta": {
            "organization": data.organization_name,
            "organization_short": charts.short(data.organization_name, 90),
            "long_names": len(data.organization_name) + len(data.plan_name) > 240,
            "plan_code": data.plan_code,
            "plan_name": data.plan_name,
            "plan_kind": data.plan_kind,
            "years": f"{data.first_year}–{data.last_year}"
            if data.first_year != data.last_year
            else str(data.first_year),
            "cut_label": results.cut.label,
            "cut_date": long_date(results.cut.cut_date),
            "cut_short": short_date(results.cut.cut_date),
            "cut_status": CUT_STATUS.get(results.cut.status, results.cut.status),
            "generated": long_datetime(data.generated_at),
            "root_level": root_level,
        },
        "summary": _summary(doc),
        "roots": {
            "charts": _bars_in_chunks(doc, "roots", root_bars, "Avance (%)"),
            "rows": [_node_row(n) for n in roots],
        },
        "detail": _detail(doc),
        "units": {
            "charts": _bars_in_chunks(doc, "units", unit_items, "Avance (%)"),
            "rows": _group_rows(data.by_unit),
        },
        "execution": _execution(doc),
        "axes": axes,
        "trend": _trend(doc),
        "alerts": _alerts(doc),
        "evidence": _evidence(doc),
        "budget": _budget(doc),
        "observations": _observations(data),
    }
    return breakable(body), doc.charts


def _weight(rows: list[dict[str, Any]]) -> int:
    return sum(1 + len(row.get("notes", ())) for row in rows)


def _chunks(items: list[Any], size: int = 60) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def blocks(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The document as a sequence of blocks the template draws one by one, each with the
    number of table rows it weighs (what typst's time and memory grow with)."""
    out: list[dict[str, Any]] = [{"kind": "cover"}, {"kind": "summary", "h2": 1}]

    def h1(title: str) -> None:
        out.append({"kind": "h1", "title": title})

    def text(value: str) -> None:
        out.append({"kind": "text", "text": value})

    h1(f"Avance por {body['meta']['root_level'].lower()}")
    out.append({"kind": "roots", **body["roots"], "weight": len(body["roots"]["rows"])})
    h1("Avance de acciones e indicadores")
    for sec in body["detail"]:
        head = {k: v for k, v in sec.items() if k != "groups"}
        for index, group in enumerate(sec["groups"]):
            out.append(
                {
                    "kind": "section",
                    "head": head if index == 0 else None,
                    "h2": 1 if index == 0 else 0,
                    "groups": [group],
                    "weight": _weight(group["rows"]) + 1,
                }
            )
    h1("Avance por dependencia responsable")
    out.append({"kind": "units", **body["units"], "weight": len(body["units"]["rows"])})
    h1("Gestión por responsable")
    execution = body["execution"]
    out.append({"kind": "execution", **execution, "weight": len(execution["rows"])})
    if body["axes"]:
        h1("Avance por eje de clasificación")
        for axis in body["axes"]:
            out.append({"kind": "axis", **axis, "h2": 1, "weight": len(axis["rows"])})
    h1("Tendencia del avance")
    out.append({"kind": "trend", **body["trend"], "weight": len(body["trend"]["rows"])})
    h1("Alertas")
    alerts = body["alerts"]
    if not alerts["items"]:
        text("Sin alertas al corte.")
    else:
        out.append({"kind": "alert-counts", **{k: v for k, v in alerts.items() if k != "items"}})
        out += [{"kind": "alerts", "items": c, "weight": len(c)} for c in _chunks(alerts["items"])]
    h1("Evidencias")
    if not body["evidence"]:
        text("Sin evidencias registradas en el corte.")
    out += [{"kind": "evidence", "items": c, "weight": len(c)} for c in _chunks(body["evidence"])]
    if body["budget"] is not None:
        h1("Matriz de inversión")
        out.append({"kind": "budget", **body["budget"], "weight": len(body["budget"]["rows"])})
    h1("Observaciones y recomendaciones")
    if not body["observations"]:
        text("Los seguimientos del corte no registran observaciones.")
    out += [
        {"kind": "observations", "items": c, "weight": len(c)}
        for c in _chunks(body["observations"])
    ]
    return out


_LONG_WORD = re.compile(rf"\S{{{WORD_CHARS + 1},}}")
_NOT_TEXT = {"url", "chart", "charts", "color"}


def _breakable(text: str) -> str:
    """Long runs without spaces (URLs, codes, "XXXX…") get a zero-width space every
    WORD_CHARS characters: typst breaks lines only between words and would let them overflow
    a table cell or the page."""
    return _LONG_WORD.sub(
        lambda m: ZWSP.join(m[0][i : i + WORD_CHARS] for i in range(0, len(m[0]), WORD_CHARS)),
        text,
    )


def breakable(value: Any, key: str | None = None) -> Any:
    """Every string shown in `value` (a JSON-like tree) made breakable; link targets kept."""
    if isinstance(value, str):
        return value if key in _NOT_TEXT else _breakable(charts.clean(value))
    if isinstance(value, list):
        return [breakable(item, key) for item in value]
    if isinstance(value, dict):
        return {k: breakable(v, k) for k, v in value.items()}
    return value


def parts(body: dict[str, Any], part_rows: int = PART_ROWS) -> list[dict[str, Any]]:
    """The blocks packed into parts of about `part_rows` table rows, each typeset apart (a
    typst compilation keeps all its layout in memory until it ends), with the heading numbers
    each part starts from."""
    packed: list[list[dict[str, Any]]] = [[]]
    weight = 0
    for block in blocks(body):
        size = block.get("weight", 0)
        if packed[-1] and weight + size > part_rows:
            # A heading or a line of text goes on with what follows it.
            carried = []
            while packed[-1] and packed[-1][-1]["kind"] in ("h1", "text"):
                carried.insert(0, packed[-1].pop())
            packed.append(carried)
            weight = 0
        packed[-1].append(block)
        weight += size
    single = len(packed) == 1
    if single:
        packed[0].insert(1, {"kind": "toc"})
    shared = {"meta": body["meta"], "summary": body["summary"], "single": single}
    out, level1, level2 = [], 0, 0
    for part_blocks in packed:
        out.append({**shared, "heading_start": [level1, level2], "blocks": part_blocks})
        for block in part_blocks:
            if block["kind"] == "h1" or block["kind"] == "summary":
                level1, level2 = level1 + 1, 0
            level2 += block.get("h2", 0)
    return out


def _font_dir() -> str:
    # matplotlib ships DejaVu Sans: the same font in text and charts, from pip alone.
    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")


def render_pdf(data: ReportData, *, part_rows: int = PART_ROWS) -> bytes:
    """The report of one cut as PDF bytes (selectable text, headings as bookmarks).

    Typst runs in a child process (`app.reports.typeset`): its memoized layout stays in the
    process that made it, so the caller's memory does not grow report after report. A report
    of more than `part_rows` table rows is typeset in parts joined by pypdf."""
    body, chart_files = document(data)
    template = resources.files("app.reports").joinpath("templates", TEMPLATE).read_bytes()
    with tempfile.TemporaryDirectory(prefix="report-") as tmp:
        root = Path(tmp)
        (root / TEMPLATE).write_bytes(template)
        for name, svg in chart_files.items():
            (root / name).write_text(svg, encoding="utf-8")
        files = []
        for index, part in enumerate(parts(body, part_rows)):
            name = f"part-{index}.json"
            (root / name).write_text(json.dumps(part, ensure_ascii=False), encoding="utf-8")
            files.append(name)
        job = {
            "root": str(root),
            "template": TEMPLATE,
            "parts": files,
            "font_dir": _font_dir(),
            "timestamp": int(data.generated_at.timestamp()) if data.generated_at.tzinfo else None,
        }
        return typeset.run(job)
