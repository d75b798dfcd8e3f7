"""Queries on financial execution: what a batch names, what it would change, the upsert, the
list, and the money of a plan for its financial advance."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, select, tuple_, union
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.finance.models import FinancialExecution
from app.plans.models import Action, ActionUnit, BudgetAllocation
from app.units.models import Unit


def actions_named(
    session: Session, plan_id: uuid.UUID, codes: set[str], ids: set[uuid.UUID]
) -> list[Action]:
    """The plan's actions with one of these codes or ids, in one statement."""
    return list(
        session.execute(
            select(Action).where(
                col(Action.plan_id) == plan_id,
                (col(Action.code).in_(codes)) | (col(Action.id).in_(ids)),
            )
        ).scalars()
    )


def units_named(
    session: Session, organization_id: uuid.UUID, codes: set[str], ids: set[uuid.UUID]
) -> list[Unit]:
    """The organization's units with one of these codes or ids, in one statement."""
    return list(
        session.execute(
            select(Unit).where(
                col(Unit.organization_id) == organization_id,
                (col(Unit.code).in_(codes)) | (col(Unit.id).in_(ids)),
            )
        ).scalars()
    )


def action_unit_links(
    session: Session, action_ids: set[uuid.UUID]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(action, unit) pairs where the unit answers for the action or has budget on it."""
    if not action_ids:
        return set()
    responsible = select(col(ActionUnit.action_id), col(ActionUnit.unit_id)).where(
        col(ActionUnit.action_id).in_(action_ids)
    )
    budgeted = select(col(BudgetAllocation.action_id), col(BudgetAllocation.unit_id)).where(
        col(BudgetAllocation.action_id).in_(action_ids)
    )
    return {(a, u) for a, u in session.execute(union(responsible, budgeted)).all()}


Key = tuple[uuid.UUID, uuid.UUID, date]


def stored(session: Session, keys: Sequence[Key]) -> dict[Key, Row]:
    """The stored (committed, paid, note) of these (action, unit, period_end) keys."""
    if not keys:
        return {}
    rows = session.execute(
        select(
            col(FinancialExecution.action_id),
            col(FinancialExecution.unit_id),
            col(FinancialExecution.period_end),
            col(FinancialExecution.committed),
            col(FinancialExecution.paid),
            col(FinancialExecution.note),
        ).where(
            tuple_(
                col(FinancialExecution.action_id),
                col(FinancialExecution.unit_id),
                col(FinancialExecution.period_end),
            ).in_(list(keys))
        )
    ).all()
    return {(r.action_id, r.unit_id, r.period_end): r for r in rows}


def upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or update these rows on (action, unit, period_end), in one statement."""
    if not rows:
        return
    stmt = insert(FinancialExecution)
    stmt = stmt.on_conflict_do_update(
        index_elements=["action_id", "unit_id", "period_end"],
        set_={
            "committed": stmt.excluded.committed,
            "paid": stmt.excluded.paid,
            "note": stmt.excluded.note,
            "recorded_by": stmt.excluded.recorded_by,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    session.execute(stmt, rows)


def list_stmt(
    plan_id: uuid.UUID,
    *,
    action_id: uuid.UUID | None,
    unit_id: uuid.UUID | None,
    year: int | None,
    since: date | None,
    until: date | None,
) -> Select:
    stmt = select(FinancialExecution).where(col(FinancialExecution.plan_id) == plan_id)
    if action_id is not None:
        stmt = stmt.where(col(FinancialExecution.action_id) == action_id)
    if unit_id is not None:
        stmt = stmt.where(col(FinancialExecution.unit_id) == unit_id)
    if year is not None:
        stmt = stmt.where(
            col(FinancialExecution.period_end) >= date(year, 1, 1),
            col(FinancialExecution.period_end) <= date(year, 12, 31),
        )
    if since is not None:
        stmt = stmt.where(col(FinancialExecution.period_end) >= since)
    if until is not None:
        stmt = stmt.where(col(FinancialExecution.period_end) <= until)
    return stmt.order_by(
        col(FinancialExecution.period_end),
        col(FinancialExecution.action_id),
        col(FinancialExecution.unit_id),
    )


def executions(session: Session, plan_id: uuid.UUID, up_to: date) -> list[Row]:
    """(action_id, period_end, committed, paid) of the plan, periods ending up to `up_to`."""
    return list(
        session.connection()
        .execute(
            select(
                col(FinancialExecution.action_id),
                col(FinancialExecution.period_end),
                col(FinancialExecution.committed),
                col(FinancialExecution.paid),
            ).where(
                col(FinancialExecution.plan_id) == plan_id,
                col(FinancialExecution.period_end) <= up_to,
            )
        )
        .all()
    )


def planned_money(session: Session, plan_id: uuid.UUID) -> list[Row]:
    """(action_id, year, planned) of the plan's allocations made against an action."""
    return list(
        session.connection()
        .execute(
            select(
                col(BudgetAllocation.action_id),
                col(BudgetAllocation.year),
                col(BudgetAllocation.planned),
            ).where(
                col(BudgetAllocation.plan_id) == plan_id,
                col(BudgetAllocation.action_id).is_not(None),
            )
        )
        .all()
    )
