"""A plan's rows of the per-indicator and per-action tables are found by index lookups of the
plan's ids, never by a join the planner may answer by scanning every tenant's rows (the
capacity finding of docs/scaling.md): `indicators` and `actions` appear in these statements'
plans only inside an InitPlan (the plan's ids, read once through `plan_id`)."""

from __future__ import annotations

import json
import uuid
from datetime import date

from sqlalchemy import event

from app.plans import repository as plans
from app.results import repository as results

PARENTS = {"indicators", "actions"}


def _statements(session, calls) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        for call in calls:
            call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _parents_outside_initplans(node: dict, inside: bool = False) -> list[str]:
    inside = inside or node.get("Parent Relationship") in ("InitPlan", "SubPlan")
    found = [] if inside or node.get("Relation Name") not in PARENTS else [node["Relation Name"]]
    for child in node.get("Plans", []):
        found += _parents_outside_initplans(child, inside)
    return found


def test_plan_rows_are_reached_through_the_plans_ids(session):
    plan_id = uuid.uuid4()
    calls = [
        lambda: results.programming(session, plan_id),
        lambda: results.measurements(session, plan_id, date(2023, 12, 31)),
        lambda: results.contributions(session, plan_id),
        lambda: results.action_units(session, plan_id),
        lambda: plans.action_units(session, plan_id=plan_id),
        lambda: plans.contributions(session, plan_id=plan_id),
        lambda: plans.programming(session, plan_id=plan_id),
        lambda: plans.programming_outside(session, plan_id, 2024, 2027),
        lambda: plans.schedules(session, plan_id),
    ]
    statements = _statements(session, calls)
    assert len(statements) == len(calls)
    raw = session.connection().connection.driver_connection
    tables = {}
    for statement, parameters in statements:
        with raw.cursor() as cur:
            cur.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
            plan = cur.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        tables[" ".join(statement.split())[:60]] = _parents_outside_initplans(plan[0]["Plan"])
    assert all(found == [] for found in tables.values()), tables
