"""The budget matrix of a plan: money by unit (rows) x root node (columns)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Row
from sqlmodel import Session

from app.compute import Allocation, budget_matrix, hidden_by_retirement, shown_pct
from app.compute.financial import ratio_pct
from app.plans.models import Plan
from app.results import repository
from app.results.schemas import (
    BudgetColumn,
    BudgetMatrixOut,
    BudgetRow,
    ExecutionFigures,
    Measure,
)
from app.results.structure import tree_order

NOT_UNDER_A_NODE = "Sin componente"


def budget(session: Session, plan: Plan, *, year: int | None, measure: Measure) -> BudgetMatrixOut:
    """Money by unit (rows) x root node (columns). An allocation against an action or a
    deeper node counts for its root node; with `year`, only that year's allocations count
    (those without a year span the plan and are left out). Rows are the units with money in
    the plan, in code order, whatever the year asked."""
    node_rows = repository.nodes(session, plan.id)
    action_rows = repository.actions(session, plan.id)
    units = {u.id: u for u in repository.units(session, plan.organization_id)}
    allocation_rows = repository.allocations(session, plan.id)

    hidden = hidden_by_retirement(node_rows, action_rows)
    root_of: dict[uuid.UUID, uuid.UUID] = {}
    for n in node_rows:  # parents first
        if n.id not in hidden:
            root_of[n.id] = root_of[n.parent_id] if n.parent_id else n.id
    action_node = {a.id: a.node_id for a in action_rows if a.id not in hidden}

    roots = [n for n in tree_order(node_rows) if n.parent_id is None and n.id not in hidden]
    allocations: list[Allocation] = []
    unit_ids: set[uuid.UUID] = set()
    for unit_id, action_id, node_id, alloc_year, planned, executed in allocation_rows:
        if action_id is not None:
            if action_id not in action_node:
                continue
            node_id = action_node[action_id]
        elif node_id in hidden:
            continue
        unit_ids.add(unit_id)
        if year is not None and alloc_year != year:
            continue
        allocations.append(Allocation(unit_id, root_of.get(node_id), planned, executed))
    # Financial execution (committed, paid) of the actions in force, by unit and root node.
    committed: list[Allocation] = []
    paid: list[Allocation] = []
    for unit_id, action_id, spent_year, spent_committed, spent_paid in repository.executed_money(
        session, plan.id
    ):
        if action_id not in action_node:
            continue
        unit_ids.add(unit_id)
        if year is not None and int(spent_year) != year:
            continue
        column = root_of.get(action_node[action_id]) if action_node[action_id] else None
        committed.append(Allocation(unit_id, column, spent_committed))
        paid.append(Allocation(unit_id, column, spent_paid))

    column_keys: list[uuid.UUID | None] = [r.id for r in roots]
    if any(a.column_key is None for a in (*allocations, *committed)):
        column_keys.append(None)  # money of actions that hang from the plan itself
    row_keys = sorted(unit_ids, key=lambda u: (units[u].code, str(u)))
    matrix = budget_matrix(allocations, column_keys, row_keys, measure=measure)
    planned_matrix = budget_matrix(allocations, column_keys, row_keys, measure="planned")
    committed_matrix = budget_matrix(committed, column_keys, row_keys)
    paid_matrix = budget_matrix(paid, column_keys, row_keys)
    planned_rows = {line.key: line for line in planned_matrix.rows}
    committed_rows = {line.key: line for line in committed_matrix.rows}
    paid_rows = {line.key: line for line in paid_matrix.rows}
    planned_columns = {line.key: line for line in planned_matrix.columns}
    committed_columns = {line.key: line for line in committed_matrix.columns}
    paid_columns = {line.key: line for line in paid_matrix.columns}

    code_of: dict[uuid.UUID | None, str] = {r.id: r.code for r in roots}
    code_of[None] = "-"
    columns = []
    root_by_id: dict[uuid.UUID | None, Row] = {r.id: r for r in roots}
    for line in matrix.columns:
        root = root_by_id.get(line.key)
        columns.append(
            BudgetColumn(
                node_id=line.key,
                code=code_of[line.key],
                name=root.name if root else NOT_UNDER_A_NODE,
                total=line.total,
                share_pct=line.share_pct,
                share_pct_shown=line.share_pct_shown,
                execution=_figures(
                    planned_columns[line.key].total,
                    committed_columns[line.key].total,
                    paid_columns[line.key].total,
                ),
            )
        )
    rows = [
        BudgetRow(
            unit_id=line.key,
            code=units[line.key].code,
            name=units[line.key].name,
            cells={code_of[k]: v for k, v in line.cells.items()},
            total=line.total,
            share_pct=line.share_pct,
            share_pct_shown=line.share_pct_shown,
            execution=_figures(
                planned_rows[line.key].total,
                committed_rows[line.key].total,
                paid_rows[line.key].total,
            ),
            execution_cells={
                code_of[k]: _figures(
                    v, committed_rows[line.key].cells[k], paid_rows[line.key].cells[k]
                )
                for k, v in planned_rows[line.key].cells.items()
            },
        )
        for line in matrix.rows
    ]
    return BudgetMatrixOut(
        plan_id=plan.id,
        measure=measure,
        year=year,
        columns=columns,
        rows=rows,
        total=matrix.total,
        execution=_figures(planned_matrix.total, committed_matrix.total, paid_matrix.total),
    )


def _figures(planned: Decimal, committed: Decimal, paid: Decimal) -> ExecutionFigures:
    committed_pct = ratio_pct(committed, planned)
    paid_pct = ratio_pct(paid, planned)
    return ExecutionFigures(
        planned=planned,
        committed=committed,
        paid=paid,
        committed_pct=committed_pct,
        committed_pct_shown=shown_pct(committed_pct),
        paid_pct=paid_pct,
        paid_pct_shown=shown_pct(paid_pct),
    )
