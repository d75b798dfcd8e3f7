"""A plan as the workbook's sheets (also the empty template), read in a fixed number of
statements whatever the plan's size."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from app.compute import hidden_by_retirement
from app.compute.typology import written_type
from app.plans import repository as plans
from app.plans.models import Plan
from app.spreadsheets import repository, values
from app.spreadsheets.format import (
    ACTIONS,
    AXES,
    AXIS_PREFIX,
    BANDS,
    BUDGET,
    CONTRIBUTIONS,
    CUTS,
    INDICATORS,
    LISTS,
    MEASUREMENTS,
    NODES,
    PLAN,
    PLAN_FIELDS,
    PROGRAMMING,
    Sheet,
)
from app.spreadsheets.writer import OutColumn, OutSheet


def _columns(sheet: Sheet, axes: Sequence[dict] = ()) -> list[OutColumn]:
    out = [OutColumn(c.field, c.header, c.choices, c.width) for c in sheet.columns]
    if sheet in (ACTIONS, INDICATORS):
        out += [OutColumn(f"{AXIS_PREFIX}{a['code']}", f"Eje: {a['name']}", None, 20) for a in axes]
    return out


def _empty(sheet: Sheet, axes: Sequence[dict] = ()) -> OutSheet:
    return OutSheet(sheet.key, sheet.title, _columns(sheet, axes), note=sheet.note)


def _plan_rows(plan: dict) -> list[list]:
    rows = []
    for column in PLAN_FIELDS:
        value = plan.get(column.field)
        if column.field == "levels":
            value = " | ".join(value or []) or None
        rows.append([column.header, column.field, value])
    return rows


def code_at(codes: Mapping[uuid.UUID, str], key: uuid.UUID | None) -> str | None:
    """The code of the row `key` points to; None where the reference is empty."""
    return None if key is None else codes.get(key)


def lists_for(levels: list[str], unit_codes: list[str]) -> dict[str, list[str]]:
    return {**LISTS, "level": list(levels), "unit": list(unit_codes)}


def template(session: Session, organization_id) -> tuple[list[OutSheet], dict]:
    """The empty workbook with one example row per sheet."""
    units = [u.code for u in repository.units_of(session, organization_id)]
    levels = ["Componente", "Objetivo"]
    example_plan = {
        "code": "PA-2024",
        "name": "Plan de acción 2024",
        "kind": "action_plan",
        "first_year": 2024,
        "last_year": 2027,
        "levels": levels,
        "tolerance_pct": Decimal(0),
        "cap_at_100": False,
        "status": "draft",
    }
    axes = [{"code": "component", "name": "Componente"}]
    sheets = [OutSheet(PLAN.key, PLAN.title, _columns(PLAN), _plan_rows(example_plan), PLAN.note)]
    for sheet in (AXES, BANDS, NODES, ACTIONS, BUDGET, INDICATORS, CONTRIBUTIONS):
        out = _empty(sheet, axes)
        example = dict(sheet.example)
        if sheet in (ACTIONS, INDICATORS):
            example[f"{AXIS_PREFIX}component"] = "tic_estado"
        if sheet in (ACTIONS, BUDGET) and units:
            example["unit_codes" if sheet is ACTIONS else "unit_code"] = units[0]
        out.rows.append([_typed(example.get(c.field)) for c in out.columns])
        sheets.append(out)
    prog = _empty(PROGRAMMING)
    periods = [date(2024, 6, 30), date(2024, 12, 31)]
    prog.columns += [OutColumn(p, "Programación") for p in periods]
    prog.rows.append(["IND-1", Decimal(0), Decimal(1)])
    sheets.append(prog)
    for sheet in (MEASUREMENTS, CUTS):
        out = _empty(sheet)
        out.rows.append([_typed(sheet.example.get(c.field)) for c in out.columns])
        sheets.append(out)
    return sheets, lists_for(levels, units)


def _typed(value):
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def plan_workbook(session: Session, plan: Plan) -> tuple[list[OutSheet], dict]:
    """The plan as it is (retired elements left out), one sheet per part."""
    nodes = plans.nodes_of(session, plan.id)
    actions = plans.actions_of(session, plan.id)
    indicators = plans.indicators_of(session, plan.id)
    hidden = hidden_by_retirement(nodes, actions)
    nodes = [n for n in nodes if n.id not in hidden]
    actions = [a for a in actions if a.id not in hidden]
    indicators = [
        i
        for i in indicators
        if i.retired_at is None and i.action_id not in hidden and i.node_id not in hidden
    ]
    units = repository.units_of(session, plan.organization_id)
    unit_code = {u.id: u.code for u in units}
    node_code = {n.id: n.code for n in nodes}
    action_code = {a.id: a.code for a in actions}
    action_units = plans.action_units(session, plan_id=plan.id)
    contributions = plans.contributions(session, plan_id=plan.id)
    programming = plans.programming(session, plan_id=plan.id)
    allocations = plans.allocations_of(session, plan.id)
    measurements = repository.measurements_of(session, plan.id)
    cuts = repository.cuts_of(session, plan.id)
    axes = plan.axes or []

    plan_values = {**plan.model_dump(), "tolerance_pct": plan.tolerance_pct}
    sheets = [OutSheet(PLAN.key, PLAN.title, _columns(PLAN), _plan_rows(plan_values), PLAN.note)]

    out = _empty(AXES)
    for axis in axes:
        for value in axis["values"]:
            out.rows.append([axis["code"], axis["name"], value["code"], value["label"]])
    sheets.append(out)

    out = _empty(BANDS)
    for band in plan.bands or []:
        out.rows.append(
            [Decimal(str(band["lower_bound"])), band["code"], band["label"], band["color"]]
        )
    sheets.append(out)

    out = _empty(NODES)
    for n in nodes:
        level = plan.levels[n.level] if n.level < len(plan.levels) else None
        out.rows.append(
            [
                n.code,
                code_at(node_code, n.parent_id),
                level,
                n.name,
                n.description,
                n.weight,
                n.order,
                values.weights_text(n.weights_by_year or {}),
            ]
        )
    sheets.append(out)

    def axis_cells(obj) -> list:
        return [obj.axis_values.get(a["code"]) for a in axes]

    out = _empty(ACTIONS, axes)
    for a in actions:
        out.rows.append(
            [
                a.code,
                code_at(node_code, a.node_id),
                a.description,
                " | ".join(unit_code[u] for u in action_units.get(a.id, [])) or None,
                a.start_date,
                a.due_date,
                a.planned_cost,
                a.weight,
                a.order,
                *axis_cells(a),
            ]
        )
    sheets.append(out)

    out = _empty(BUDGET)
    for b in allocations:
        out.rows.append(
            [
                code_at(action_code, b.action_id),
                code_at(node_code, b.node_id),
                code_at(unit_code, b.unit_id),
                b.year,
                b.planned,
                b.executed,
                b.note,
            ]
        )
    sheets.append(out)

    out = _empty(INDICATORS, axes)
    contrib = _empty(CONTRIBUTIONS)
    for i in indicators:
        out.rows.append(
            [
                i.code,
                i.name,
                code_at(action_code, i.action_id),
                code_at(node_code, i.node_id),
                i.source,
                i.source_reference,
                i.unit_of_measure,
                i.unit_label,
                written_type(i.accumulation, i.accumulation_dnp),
                i.baseline_value,
                i.baseline_year,
                i.target_value,
                i.min_value,
                i.max_value,
                code_at(unit_code, i.unit_id),
                i.weight,
                i.order,
                *axis_cells(i),
            ]
        )
        for c in contributions.get(i.id, []):
            contrib.rows.append([i.code, code_at(node_code, c.node_id), None, c.weight])
            for year, weight in sorted((c.weights_by_year or {}).items()):
                contrib.rows.append(
                    [i.code, code_at(node_code, c.node_id), int(year), Decimal(weight)]
                )
    sheets += [out, contrib]

    out = _empty(PROGRAMMING)
    periods = sorted({p.period_end for rows in programming.values() for p in rows if not p.dims})
    out.columns += [OutColumn(p, "Programación", None, 14) for p in periods]
    for i in indicators:
        planned = {p.period_end: p.value for p in programming.get(i.id, []) if not p.dims}
        if planned:
            out.rows.append([i.code, *(planned.get(p) for p in periods)])
    sheets.append(out)

    out = _empty(MEASUREMENTS)
    visible = {i.code for i in indicators}
    out.rows = [[c, d, v, note] for c, d, v, note in measurements if c in visible]
    sheets.append(out)

    out = _empty(CUTS)
    out.rows = [[c.code, c.cut_date, c.label, c.period_kind, c.status] for c in cuts]
    sheets.append(out)
    return sheets, lists_for(plan.levels or [], [u.code for u in units])
