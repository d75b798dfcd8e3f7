"""A cut's results as sheets: the plan, nodes, actions, indicators, by unit, by each axis and
the budget matrix; written as XLSX or as a zip of CSV files by `writer`."""

from __future__ import annotations

from sqlmodel import Session

from app.cuts.models import Cut
from app.plans.models import Plan
from app.results import service as results
from app.spreadsheets.writer import OutColumn, OutSheet


def _sheet(key: str, title: str, columns: list[tuple[str, str]], rows: list[list]) -> OutSheet:
    return OutSheet(key, title[:31], [OutColumn(f, h, None, 18) for f, h in columns], rows)


def _label(obj) -> str | None:
    return obj.label if obj is not None else None


def _code(obj) -> str | None:
    return obj.code if obj is not None else None


_FIGURE = [
    ("advance_pct", "Avance exacto (%)"),
    ("advance_pct_shown", "Avance (%)"),
    ("status_code", "Estado (código)"),
    ("status", "Estado"),
    ("band_code", "Semáforo (código)"),
    ("band", "Semáforo"),
]


def result_sheets(session: Session, cut: Cut, plan: Plan) -> list[OutSheet]:
    full = results.results(session, cut, plan)
    node_code = {n.node_id: n.code for n in full.nodes}
    action_code = {a.action_id: a.code for a in full.actions}
    sheets = []

    p = full.plan
    sheets.append(
        _sheet(
            "plan",
            "Plan",
            [
                ("cut_code", "Corte"),
                ("cut_date", "Fecha de corte"),
                ("code", "Código del plan"),
                ("name", "Plan"),
                *_FIGURE,
                ("counted", "Indicadores que cuentan"),
            ],
            [
                [
                    full.cut.code,
                    full.cut.cut_date,
                    p.code,
                    p.name,
                    p.advance_pct,
                    p.advance_pct_shown,
                    p.status.code,
                    p.status.label,
                    _code(p.band),
                    _label(p.band),
                    p.counted,
                ]
            ],
        )
    )
    sheets.append(
        _sheet(
            "nodes",
            "Nodos",
            [
                ("code", "Código"),
                ("name", "Nombre"),
                ("level_name", "Nivel"),
                ("parent_code", "Código del padre"),
                *_FIGURE,
                ("counted", "Indicadores que cuentan"),
            ],
            [
                [
                    n.code,
                    n.name,
                    n.level_name,
                    node_code.get(n.parent_id),
                    n.advance_pct,
                    n.advance_pct_shown,
                    n.status.code,
                    n.status.label,
                    _code(n.band),
                    _label(n.band),
                    n.counted,
                ]
                for n in full.nodes
            ],
        )
    )
    sheets.append(
        _sheet(
            "actions",
            "Acciones",
            [
                ("code", "Código"),
                ("description", "Descripción"),
                ("node_code", "Código del nodo"),
                ("start_date", "Inicio"),
                ("due_date", "Terminación"),
                *_FIGURE,
                ("execution_state", "Estado de ejecución"),
                ("overdue", "Vencida"),
            ],
            [
                [
                    a.code,
                    a.description,
                    node_code.get(a.node_id),
                    a.start_date,
                    a.due_date,
                    a.advance_pct,
                    a.advance_pct_shown,
                    a.status.code,
                    a.status.label,
                    _code(a.band),
                    _label(a.band),
                    a.execution_state.label,
                    a.overdue,
                ]
                for a in full.actions
            ],
        )
    )
    sheets.append(
        _sheet(
            "indicators",
            "Indicadores",
            [
                ("code", "Código"),
                ("name", "Nombre"),
                ("action_code", "Código de la acción"),
                ("node_code", "Código del nodo"),
                ("accumulation", "Acumulación"),
                ("unit_of_measure", "Unidad de medida"),
                ("programmed_year", "Programado en la vigencia"),
                ("programmed_to_date", "Programado al corte"),
                ("executed_to_date", "Ejecutado al corte"),
                *_FIGURE,
                ("year_advance_pct_shown", "Avance en la vigencia (%)"),
                ("plan_advance_pct_shown", "Avance frente a la meta del plan (%)"),
                ("not_due", "Sin programación al corte"),
                ("missing_report", "Sin reporte"),
            ],
            [
                [
                    i.code,
                    i.name,
                    action_code.get(i.action_id),
                    node_code.get(i.node_id),
                    i.accumulation,
                    i.unit_of_measure,
                    i.programmed_year,
                    i.programmed_to_date,
                    i.executed_to_date,
                    i.advance_pct,
                    i.advance_pct_shown,
                    i.status.code,
                    i.status.label,
                    _code(i.band),
                    _label(i.band),
                    i.year_advance_pct_shown,
                    i.plan_advance_pct_shown,
                    i.not_due,
                    i.missing_report,
                ]
                for i in full.indicators
            ],
        )
    )
    groups = [("by_unit", "Por dependencia", results.by_unit(session, cut, plan))]
    for axis in plan.axes or []:
        groups.append(
            (
                f"by_axis_{axis['code']}",
                f"Por eje {axis['name']}",
                results.by_axis(session, cut, plan, axis["code"]),
            )
        )
    for key, title, grouped in groups:
        sheets.append(
            _sheet(
                key,
                title,
                [
                    ("code", "Código"),
                    ("label", "Nombre"),
                    ("advance_pct", "Avance exacto (%)"),
                    ("advance_pct_shown", "Avance (%)"),
                    ("band", "Semáforo"),
                    ("count", "Indicadores"),
                    ("counted", "Indicadores que cuentan"),
                    ("action_count", "Acciones"),
                ],
                [
                    [
                        g.code,
                        g.label,
                        g.advance_pct,
                        g.advance_pct_shown,
                        _label(g.band),
                        g.count,
                        g.counted,
                        g.action_count,
                    ]
                    for g in grouped.items
                ],
            )
        )
    budget = results.budget(session, plan, year=None, measure="planned")
    codes = [c.code for c in budget.columns]
    rows = [
        [r.code, r.name, *(r.cells.get(c) for c in codes), r.total, r.share_pct_shown]
        for r in budget.rows
    ]
    rows.append(["TOTAL", "Total", *(c.total for c in budget.columns), budget.total, None])
    sheets.append(
        _sheet(
            "budget",
            "Presupuesto",
            [
                ("unit_code", "Dependencia"),
                ("unit_name", "Nombre"),
                *((c.code, c.name) for c in budget.columns),
                ("total", "Total"),
                ("share_pct_shown", "Participación (%)"),
            ],
            rows,
        )
    )
    return sheets
