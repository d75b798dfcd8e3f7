"""The follow-up report as a workbook: a sheet per table, native charts, the plan's own bands.

Only lays out a `ReportData`: every figure is written as the results service gave it (numbers
as numbers, the shown advance rounded by the service), nothing is computed here.
"""

from __future__ import annotations

import io
import re
import uuid
from collections import defaultdict
from decimal import Decimal

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from app.compute import EXECUTION_STATE_LABELS
from app.compute.status import NOT_DUE_LABEL
from app.reports.data import BandInfo, ReportData
from app.results.schemas import GroupedResults, NodeResult, ResultBand

RENDERER_VERSION = "2"

ALERT_LABELS = {
    "overdue_action": "Acción vencida",
    "missing_report": "Sin reporte",
    "lagging": "Rezago",
    "followup_without_evidence": "Seguimiento sin soportes",
}
EVIDENCE_LABELS = {
    "acta": "Acta",
    "attendance_list": "Lista de asistencia",
    "photo": "Fotografía",
    "official_letter": "Oficio",
    "document": "Documento",
    "link": "Enlace",
    "other": "Otro",
}
FOLLOWUP_LABELS = {
    "draft": "Borrador",
    "submitted": "Enviado",
    "approved": "Aprobado",
    "returned": "Devuelto",
}
ELEMENT_LABELS = {"action": "Acción", "indicator": "Indicador"}
# Tallies of the summary, in the results' status order.
STATUS_LABELS = {
    "on_track": "En cumplimiento",
    "over_executed": "Sobre ejecución",
    "lagging": "Rezago",
    "not_due": NOT_DUE_LABEL,
}
CUT_STATUS_LABELS = {"open": "Abierto", "closed": "Cerrado", "published": "Publicado"}
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\']")


def _num(value: Decimal | int | float | None) -> float | None:
    return None if value is None else float(value)


def _text_color(background: str) -> str:
    hex_ = background.lstrip("#")
    if len(hex_) != 6:
        return "#000000"
    r, g, b = (int(hex_[i : i + 2], 16) for i in (0, 2, 4))
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#FFFFFF"


class _Sheets:
    """Unique sheet names of at most 31 characters, without the characters Excel refuses."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.used: set[str] = set()

    def add(self, name: str) -> Worksheet:
        base = _SHEET_UNSAFE.sub("-", name).strip() or "Hoja"
        base = base[:31]
        candidate, n = base, 2
        while candidate.lower() in self.used:
            suffix = f" ({n})"
            candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.used.add(candidate.lower())
        return self.wb.add_worksheet(candidate)


class _Layout:
    def __init__(self, wb: Workbook, data: ReportData) -> None:
        self.wb = wb
        self.data = data
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.subtitle = wb.add_format({"bold": True, "font_size": 12})
        self.header = wb.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.label = wb.add_format({"bold": True})
        self.text = wb.add_format({"text_wrap": True, "valign": "top"})
        self.pct = wb.add_format({"num_format": "0.00", "valign": "top"})
        self.money = wb.add_format({"num_format": "#,##0", "valign": "top"})
        self.money_bold = wb.add_format({"num_format": "#,##0", "bold": True})
        self.pct_bold = wb.add_format({"num_format": "0.00", "bold": True})
        self.value = wb.add_format({"num_format": "General", "valign": "top"})
        self.integer = wb.add_format({"num_format": "0", "valign": "top"})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
        self.bands = sorted(data.bands, key=lambda b: b.min_pct)
        self.band_cell = {
            b.code: wb.add_format(
                {
                    "bg_color": b.color,
                    "font_color": _text_color(b.color),
                    "border": 1,
                    "valign": "top",
                }
            )
            for b in self.bands
        }
        self.band_light = {
            b.code: wb.add_format({"bg_color": b.color, "font_color": _text_color(b.color)})
            for b in self.bands
        }
        self.band_color = {b.code: b.color for b in self.bands}
        self.unit_names = {u.unit_id: u.name for u in data.units}

    # --- cells ---------------------------------------------------------------------------

    def write_text(self, ws: Worksheet, row: int, col: int, value: str | None, fmt=None) -> None:
        if value:
            ws.write_string(row, col, value, fmt or self.text)

    def write_number(self, ws: Worksheet, row: int, col: int, value, fmt=None) -> None:
        number = _num(value)
        if number is not None:
            ws.write_number(row, col, number, fmt or self.value)

    def write_band(self, ws: Worksheet, row: int, col: int, band: ResultBand | None) -> None:
        if band is not None:
            ws.write_string(row, col, band.label, self.band_cell.get(band.code, self.text))

    def headers(self, ws: Worksheet, row: int, names: list[str], widths: list[float]) -> None:
        for col, (name, width) in enumerate(zip(names, widths, strict=True)):
            ws.write_string(row, col, name, self.header)
            ws.set_column(col, col, width)
        ws.freeze_panes(row + 1, 0)

    def band_rules(self, ws: Worksheet, first: int, last: int, col: int) -> None:
        """Colour an advance column by the plan's own bands (lower bounds inclusive)."""
        if last < first:
            return
        for band in reversed(self.bands):
            ws.conditional_format(
                first,
                col,
                last,
                col,
                {
                    "type": "cell",
                    "criteria": ">=",
                    "value": band.min_pct,
                    "format": self.band_light[band.code],
                    "stop_if_true": True,
                },
            )

    def units_of(self, unit_ids: list[uuid.UUID]) -> str:
        return "; ".join(self.unit_names.get(u, str(u)) for u in unit_ids)

    def bar_chart(
        self,
        sheet: str,
        title: str,
        first: int,
        last: int,
        cat_col: int,
        val_col: int,
        colors: list[str | None],
    ):
        chart = self.wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": title,
                "categories": [sheet, first, cat_col, last, cat_col],
                "values": [sheet, first, val_col, last, val_col],
                "points": [{"fill": {"color": c}} if c else None for c in colors],
                "data_labels": {"value": True, "num_format": "0.00"},
            }
        )
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        chart.set_x_axis({"name": "Avance (%)", "min": 0})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 760, "height": max(300, 26 * (last - first + 1) + 90)})
        return chart


# --- sheets ----------------------------------------------------------------------------------


def _summary(lay: _Layout, ws: Worksheet, name: str) -> None:
    data = lay.data
    res = data.results
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 3, 16)
    ws.write_string(0, 0, "Informe de seguimiento", lay.title)
    rows = [
        ("Entidad", data.organization_name),
        ("Plan", f"{data.plan_name} ({data.plan_code})"),
        ("Vigencia", f"{data.first_year} - {data.last_year}"),
        ("Corte", f"{res.cut.label} ({res.cut.cut_date.isoformat()})"),
        ("Estado del corte", CUT_STATUS_LABELS.get(res.cut.status, res.cut.status)),
        ("Fecha de generación", data.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
    ]
    for i, (label, value) in enumerate(rows, start=2):
        ws.write_string(i, 0, label, lay.label)
        ws.write_string(i, 1, value, lay.text)
    row = 2 + len(rows)
    ws.write_string(row, 0, "Avance del plan (%)", lay.label)
    lay.write_number(ws, row, 1, res.plan.advance_pct_shown, lay.pct_bold)
    lay.write_band(ws, row, 2, res.plan.band)
    ws.write_string(row + 1, 0, "Estado del plan", lay.label)
    ws.write_string(row + 1, 1, res.plan.status.label, lay.text)
    ws.write_string(row + 2, 0, "Indicadores considerados", lay.label)
    ws.write_number(row + 2, 1, res.plan.counted, lay.integer)

    # How many indicators fall in each band and status (a tally of the rows shown).
    by_band: dict[str | None, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    for ind in res.indicators:
        by_band[ind.band.code if ind.band else None] += 1
        by_status[ind.status.code] += 1

    row += 4
    ws.write_string(row, 0, "Semáforo del plan", lay.subtitle)
    ws.write_string(row + 1, 0, "Banda", lay.header)
    ws.write_string(row + 1, 1, "Desde (%)", lay.header)
    ws.write_string(row + 1, 2, "Indicadores", lay.header)
    for i, band in enumerate(reversed(lay.bands), start=row + 2):
        ws.write_string(i, 0, band.label, lay.band_cell[band.code])
        ws.write_number(i, 1, band.min_pct, lay.pct)
        ws.write_number(i, 2, by_band.get(band.code, 0), lay.integer)
    row += 2 + len(lay.bands)
    ws.write_string(row, 0, NOT_DUE_LABEL, lay.text)
    ws.write_number(row, 2, by_band.get(None, 0), lay.integer)
    row += 2

    ws.write_string(row, 0, "Indicadores por estado", lay.subtitle)
    ws.write_string(row + 1, 0, "Estado", lay.header)
    ws.write_string(row + 1, 1, "Indicadores", lay.header)
    codes = [c for c in STATUS_LABELS if c in by_status] + sorted(
        c for c in by_status if c not in STATUS_LABELS
    )
    for i, code in enumerate(codes, start=row + 2):
        ws.write_string(i, 0, STATUS_LABELS.get(code, code), lay.text)
        ws.write_number(i, 1, by_status[code], lay.integer)
    row += 2 + len(codes)

    roots = [n for n in res.nodes if n.parent_id is None]
    row += 1
    ws.write_string(row, 0, "Avance por componente", lay.subtitle)
    lay.headers(ws, row + 1, ["Código", "Nombre", "Avance (%)", "Semáforo"], [34, 60, 16, 16])
    ws.freeze_panes(0, 0)
    first = row + 2
    for i, node in enumerate(roots, start=first):
        ws.write_string(i, 0, node.code, lay.text)
        ws.write_string(i, 1, node.name, lay.text)
        lay.write_number(ws, i, 2, node.advance_pct_shown, lay.pct)
        lay.write_band(ws, i, 3, node.band)
    last = first + len(roots) - 1
    lay.band_rules(ws, first, last, 2)
    if roots:
        colors = [lay.band_color.get(n.band.code) if n.band else None for n in roots]
        chart = lay.bar_chart(name, "Avance por componente", first, last, 0, 2, colors)
        ws.insert_chart(2, 5, chart)


ROOT_HEADERS = [
    "Tipo",
    "Código",
    "Nombre / descripción",
    "Responsable",
    "Programado a la fecha",
    "Ejecutado a la fecha",
    "Avance (%)",
    "Estado",
    "Semáforo",
    "Estado de ejecución",
    "Seguimiento",
    "Observaciones",
    "Justificación del rezago",
]
ROOT_WIDTHS = [16, 14, 60, 30, 14, 14, 11, 22, 16, 20, 50, 40, 40]


def _root_sheet(lay: _Layout, ws: Worksheet, root: NodeResult, tree: dict, followups: dict):
    lay.headers(ws, 0, ROOT_HEADERS, ROOT_WIDTHS)
    row = 1
    nodes_under, actions_of, indicators_of_action, indicators_of_node = tree
    for node in nodes_under[root.node_id]:
        ws.write_string(row, 0, node.level_name or "Nodo", lay.label)
        ws.write_string(row, 1, node.code, lay.label)
        ws.write_string(row, 2, node.name, lay.text)
        lay.write_number(ws, row, 6, node.advance_pct_shown, lay.pct)
        ws.write_string(row, 7, node.status.label, lay.text)
        lay.write_band(ws, row, 8, node.band)
        row += 1
        for action in actions_of[node.node_id]:
            ws.write_string(row, 0, "Acción", lay.text)
            ws.write_string(row, 1, action.code, lay.text)
            ws.write_string(row, 2, action.description, lay.text)
            lay.write_text(ws, row, 3, lay.units_of(action.unit_ids))
            lay.write_number(ws, row, 6, action.advance_pct_shown, lay.pct)
            ws.write_string(row, 7, action.status.label, lay.text)
            lay.write_band(ws, row, 8, action.band)
            ws.write_string(row, 9, action.execution_state.label, lay.text)
            row += 1
            for ind in indicators_of_action[action.action_id]:
                row = _indicator_row(lay, ws, row, ind, followups)
        for ind in indicators_of_node[node.node_id]:
            row = _indicator_row(lay, ws, row, ind, followups)
    lay.band_rules(ws, 1, row - 1, 6)
    ws.autofilter(0, 0, max(row - 1, 0), len(ROOT_HEADERS) - 1)


def _indicator_row(lay: _Layout, ws: Worksheet, row: int, ind, followups: dict) -> int:
    ws.write_string(row, 0, "Indicador", lay.text)
    ws.write_string(row, 1, ind.code, lay.text)
    ws.write_string(row, 2, ind.name, lay.text)
    lay.write_text(ws, row, 3, lay.units_of(ind.unit_ids))
    lay.write_number(ws, row, 4, ind.programmed_to_date)
    lay.write_number(ws, row, 5, ind.executed_to_date)
    lay.write_number(ws, row, 6, ind.advance_pct_shown, lay.pct)
    ws.write_string(row, 7, ind.status.label, lay.text)
    lay.write_band(ws, row, 8, ind.band)
    fu = followups.get(ind.indicator_id)
    if fu is not None:
        lay.write_text(ws, row, 10, fu.narrative)
        lay.write_text(ws, row, 11, fu.observations)
        lay.write_text(ws, row, 12, fu.lag_justification)
    return row + 1


def _tree(data: ReportData):
    """Each root's nodes in tree order, and what hangs from every node and action."""
    res = data.results
    root_of: dict[uuid.UUID, uuid.UUID] = {}
    nodes_under: dict[uuid.UUID | None, list[NodeResult]] = defaultdict(list)
    for node in res.nodes:  # tree order: a parent before its children
        root = node.node_id if node.parent_id is None else root_of.get(node.parent_id)
        if root is None:
            continue
        root_of[node.node_id] = root
        nodes_under[root].append(node)
    actions_of = defaultdict(list)
    for action in res.actions:
        actions_of[action.node_id].append(action)
    indicators_of_action = defaultdict(list)
    indicators_of_node = defaultdict(list)
    for ind in res.indicators:
        if ind.action_id is not None:
            indicators_of_action[ind.action_id].append(ind)
        else:
            indicators_of_node[ind.node_id].append(ind)
    return nodes_under, actions_of, indicators_of_action, indicators_of_node


def _unplaced_sheet(lay: _Layout, ws: Worksheet, tree: dict, followups: dict) -> None:
    """Actions and indicators not under any node."""
    _, actions_of, indicators_of_action, indicators_of_node = tree
    lay.headers(ws, 0, ROOT_HEADERS, ROOT_WIDTHS)
    row = 1
    for action in actions_of[None]:
        ws.write_string(row, 0, "Acción", lay.text)
        ws.write_string(row, 1, action.code, lay.text)
        ws.write_string(row, 2, action.description, lay.text)
        lay.write_text(ws, row, 3, lay.units_of(action.unit_ids))
        lay.write_number(ws, row, 6, action.advance_pct_shown, lay.pct)
        ws.write_string(row, 7, action.status.label, lay.text)
        lay.write_band(ws, row, 8, action.band)
        ws.write_string(row, 9, action.execution_state.label, lay.text)
        row += 1
        for ind in indicators_of_action[action.action_id]:
            row = _indicator_row(lay, ws, row, ind, followups)
    for ind in indicators_of_node[None]:
        row = _indicator_row(lay, ws, row, ind, followups)
    lay.band_rules(ws, 1, row - 1, 6)


def _grouped_sheet(
    lay: _Layout, ws: Worksheet, name: str, grouped: GroupedResults, what: str, title: str
) -> None:
    states = list(EXECUTION_STATE_LABELS.items())
    headers = [
        "Código",
        what,
        "Indicadores",
        "Con meta al corte",
        "Avance (%)",
        "Semáforo",
        *[f"Indicadores: {b.label}" for b in reversed(lay.bands)],
        "Acciones",
        *[f"Acciones: {label}" for _, label in states],
    ]
    widths = [14, 45, 12, 12, 11, 16, *[14] * len(lay.bands), 10, *[14] * len(states)]
    lay.headers(ws, 0, headers, widths)
    items = grouped.items
    for row, item in enumerate(items, start=1):
        lay.write_text(ws, row, 0, item.code)
        ws.write_string(row, 1, item.label, lay.text)
        ws.write_number(row, 2, item.count, lay.integer)
        ws.write_number(row, 3, item.counted, lay.integer)
        lay.write_number(ws, row, 4, item.advance_pct_shown, lay.pct)
        lay.write_band(ws, row, 5, item.band)
        col = 6
        for band in reversed(lay.bands):
            ws.write_number(row, col, item.by_band.get(band.code, 0), lay.integer)
            col += 1
        ws.write_number(row, col, item.action_count, lay.integer)
        for state, _ in states:
            col += 1
            ws.write_number(row, col, item.by_execution_state.get(state.value, 0), lay.integer)
    last = len(items)
    lay.band_rules(ws, 1, last, 4)
    if not items:
        return
    colors = [lay.band_color.get(i.band.code) if i.band else None for i in items]
    chart = lay.bar_chart(name, title, 1, last, 1, 4, colors)
    ws.insert_chart(last + 3, 1, chart)
    # Execution state of the actions of each group ("Gestión por responsable").
    stacked = lay.wb.add_chart({"type": "bar", "subtype": "stacked"})
    first_state_col = 6 + len(lay.bands) + 1
    for i, (_, label) in enumerate(states):
        col = first_state_col + i
        stacked.add_series(
            {
                "name": label,
                "categories": [name, 1, 1, last, 1],
                "values": [name, 1, col, last, col],
            }
        )
    stacked.set_title({"name": f"Estado de ejecución de las acciones — {what.lower()}"})
    stacked.set_y_axis({"reverse": True})
    stacked.set_size({"width": 760, "height": max(300, 26 * last + 90)})
    ws.insert_chart(last + 3, 6, stacked)


def _trend_sheet(lay: _Layout, ws: Worksheet, name: str) -> None:
    trend = lay.data.trend
    roots = [n for n in trend.nodes if n.parent_id is None]
    headers = ["Corte", "Fecha", "Plan", *[f"{n.code} {n.name}"[:120] for n in roots]]
    lay.headers(ws, 0, headers, [24, 12, 11, *[14] * len(roots)])
    for row, cut in enumerate(trend.cuts, start=1):
        ws.write_string(row, 0, cut.label, lay.text)
        ws.write_string(row, 1, cut.cut_date.isoformat(), lay.text)
        i = row - 1
        if i < len(trend.plan):
            lay.write_number(ws, row, 2, trend.plan[i].advance_pct_shown, lay.pct)
        for col, node in enumerate(roots, start=3):
            if i < len(node.points):
                lay.write_number(ws, row, col, node.points[i].advance_pct_shown, lay.pct)
    last = len(trend.cuts)
    if not last:
        return
    chart = lay.wb.add_chart({"type": "line"})
    for col in range(2, 3 + len(roots)):
        chart.add_series(
            {
                "name": [name, 0, col],
                "categories": [name, 1, 1, last, 1],
                "values": [name, 1, col, last, col],
                "marker": {"type": "circle"},
            }
        )
    chart.set_title({"name": "Tendencia del avance por corte"})
    chart.set_y_axis({"name": "Avance (%)", "min": 0})
    chart.set_size({"width": 760, "height": 380})
    ws.insert_chart(last + 3, 0, chart)


def _alerts_sheet(lay: _Layout, ws: Worksheet) -> None:
    alerts = lay.data.alerts
    headers = [
        "Tipo",
        "Elemento",
        "Código",
        "Nombre",
        "Responsable",
        "Detalle",
        "Vence",
        "Avance (%)",
    ]
    lay.headers(ws, 0, headers, [24, 11, 14, 55, 30, 55, 12, 11])
    for row, alert in enumerate(alerts.items, start=1):
        ws.write_string(row, 0, ALERT_LABELS.get(alert.kind, alert.kind), lay.text)
        ws.write_string(row, 1, ELEMENT_LABELS.get(alert.element, alert.element), lay.text)
        ws.write_string(row, 2, alert.code, lay.text)
        ws.write_string(row, 3, alert.name, lay.text)
        lay.write_text(ws, row, 4, "; ".join(u.name for u in alert.units))
        ws.write_string(row, 5, alert.detail, lay.text)
        if alert.due_date:
            ws.write_string(row, 6, alert.due_date.isoformat(), lay.text)
        lay.write_number(ws, row, 7, alert.advance_pct_shown, lay.pct)


def _evidence_sheet(lay: _Layout, ws: Worksheet) -> None:
    headers = ["Indicador", "Tipo", "Título", "Fecha", "Enlace o archivo", "Referencia"]
    lay.headers(ws, 0, headers, [14, 18, 50, 12, 60, 40])
    for row, ev in enumerate(lay.data.evidence, start=1):
        ws.write_string(row, 0, ev.indicator_code, lay.text)
        ws.write_string(row, 1, EVIDENCE_LABELS.get(ev.kind, ev.kind), lay.text)
        ws.write_string(row, 2, ev.title, lay.text)
        if ev.evidence_date:
            ws.write_string(row, 3, ev.evidence_date.isoformat(), lay.text)
        link = ev.url or ev.file_name
        if ev.url and ev.url.startswith(("https://", "http://")) and len(ev.url) < 2000:
            ws.write_url(row, 4, ev.url, string=ev.file_name or ev.url)
        else:
            lay.write_text(ws, row, 4, link)
        lay.write_text(ws, row, 5, ev.reference)


def _followups_sheet(lay: _Layout, ws: Worksheet) -> None:
    headers = [
        "Indicador",
        "Estado del seguimiento",
        "Seguimiento",
        "Observaciones y recomendaciones",
        "Justificación del rezago",
    ]
    lay.headers(ws, 0, headers, [14, 16, 60, 50, 50])
    for row, fu in enumerate(lay.data.followups, start=1):
        ws.write_string(row, 0, fu.indicator_code, lay.text)
        ws.write_string(row, 1, FOLLOWUP_LABELS.get(fu.status, fu.status), lay.text)
        lay.write_text(ws, row, 2, fu.narrative)
        lay.write_text(ws, row, 3, fu.observations)
        lay.write_text(ws, row, 4, fu.lag_justification)


def _budget_sheet(lay: _Layout, ws: Worksheet) -> None:
    budget = lay.data.budget
    columns = budget.columns
    headers = [
        "Código",
        "Responsable",
        *[f"{c.code} {c.name}"[:200] for c in columns],
        "Total",
        "Participación (%)",
    ]
    lay.headers(ws, 0, headers, [12, 45, *[18] * len(columns), 18, 14])
    row = 1
    for line in budget.rows:
        ws.write_string(row, 0, line.code, lay.text)
        ws.write_string(row, 1, line.name, lay.text)
        for col, column in enumerate(columns, start=2):
            key = column.code
            lay.write_number(ws, row, col, line.cells.get(key, 0), lay.money)
        lay.write_number(ws, row, 2 + len(columns), line.total, lay.money)
        lay.write_number(ws, row, 3 + len(columns), line.share_pct_shown, lay.pct)
        row += 1
    ws.write_string(row, 1, "Total", lay.label)
    for col, column in enumerate(columns, start=2):
        lay.write_number(ws, row, col, column.total, lay.money_bold)
    lay.write_number(ws, row, 2 + len(columns), budget.total, lay.money_bold)
    ws.write_string(row + 1, 1, "Participación (%)", lay.label)
    for col, column in enumerate(columns, start=2):
        lay.write_number(ws, row + 1, col, column.share_pct_shown, lay.pct_bold)


# --- the workbook ----------------------------------------------------------------------------


def render_xlsx(data: ReportData) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            # Text stays text: a name starting with "=" is never a formula.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties(
        {
            "title": f"Seguimiento {data.plan_code} {data.cut_date.isoformat()}",
            "subject": data.plan_name[:250],
            "company": data.organization_name[:250],
        }
    )
    lay = _Layout(wb, data)
    sheets = _Sheets(wb)
    for reserved in ("Resumen", "Por responsable", "Tendencia", "Alertas", "Seguimientos"):
        sheets.used.add(reserved.lower())
    for reserved in ("Soportes", "Presupuesto", "Sin componente"):
        sheets.used.add(reserved.lower())

    summary = wb.add_worksheet("Resumen")
    _summary(lay, summary, "Resumen")

    tree = _tree(data)
    followups = {f.indicator_id: f for f in data.followups}
    for root in (n for n in data.results.nodes if n.parent_id is None):
        _root_sheet(lay, sheets.add(root.code), root, tree, followups)
    if tree[1][None] or tree[3][None]:
        _unplaced_sheet(lay, wb.add_worksheet("Sin componente"), tree, followups)

    _grouped_sheet(
        lay,
        wb.add_worksheet("Por responsable"),
        "Por responsable",
        data.by_unit,
        "Responsable",
        "Avance por responsable",
    )
    for axis in data.axes:
        grouped = data.by_axis.get(axis.code)
        if grouped is None:
            continue
        ws = sheets.add(f"Eje {axis.name}")
        _grouped_sheet(lay, ws, ws.get_name(), grouped, axis.name, f"Avance por {axis.name}")

    _trend_sheet(lay, wb.add_worksheet("Tendencia"), "Tendencia")
    _alerts_sheet(lay, wb.add_worksheet("Alertas"))
    _followups_sheet(lay, wb.add_worksheet("Seguimientos"))
    _evidence_sheet(lay, wb.add_worksheet("Soportes"))
    if data.budget is not None:
        _budget_sheet(lay, wb.add_worksheet("Presupuesto"))
    wb.close()
    return out.getvalue()


__all__ = ["RENDERER_VERSION", "BandInfo", "render_xlsx"]
