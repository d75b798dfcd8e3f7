"""Queries behind the results: one statement per kind of row, whatever the plan's size.

Rows come back as plain tuples through the Core connection (no ORM identity map, no ORM row
processing): a plan of 5,000 indicators has tens of thousands of dated values, and results
only read them. Dated values come aggregated per indicator, which halves the decoding time.
Empty JSON objects come back as NULL, so that only what holds something is decoded.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Row, case, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Mapped, QueryableAttribute
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import Label
from sqlmodel import Session, col

from app.cuts.models import Cut
from app.evidence.models import Evidence
from app.followups.models import FollowUp
from app.measurements.models import Measurement
from app.plans.models import (
    Action,
    ActionUnit,
    BudgetAllocation,
    Contribution,
    Indicator,
    Node,
    Plan,
    Programming,
)
from app.results.models import ResultsCacheEntry
from app.units.models import Unit


def _all(session: Session, stmt: Select) -> list[Row]:
    return list(session.connection().execute(stmt).all())


def _unless_empty(column: Mapped[Any]) -> Label[Any]:
    """The JSON object, or NULL when it is {} (most are: nothing to decode)."""
    if not isinstance(column, QueryableAttribute):
        raise TypeError(f"not a model's column: {column!r}")
    return func.nullif(column, sa.text("'{}'::jsonb"), type_=JSONB).label(column.key)


def _dated(
    model: type[Programming] | type[Measurement], plan_id: uuid.UUID, up_to: date | None = None
) -> Select:
    """(indicator_id, [period_end…], [value…]) for every indicator of the plan with values."""
    stmt = (
        select(
            col(model.indicator_id),
            func.array_agg(col(model.period_end)).label("period_ends"),
            func.array_agg(col(model.value)).label("values"),
        )
        .join(Indicator, col(Indicator.id) == col(model.indicator_id))
        .where(col(Indicator.plan_id) == plan_id)
        .group_by(col(model.indicator_id))
    )
    if up_to is not None:
        stmt = stmt.where(col(model.period_end) <= up_to)
    return stmt


def cuts_of(session: Session, plan_id: uuid.UUID) -> list[Cut]:
    return list(
        session.execute(
            select(Cut)
            .where(col(Cut.plan_id) == plan_id)
            .order_by(col(Cut.cut_date), col(Cut.code))
        ).scalars()
    )


def nodes(session: Session, plan_id: uuid.UUID) -> list[Row]:
    """Parents before children (by level), then in the plan's order."""
    return _all(
        session,
        select(
            col(Node.id),
            col(Node.parent_id),
            col(Node.level),
            col(Node.code),
            col(Node.name),
            col(Node.weight),
            _unless_empty(col(Node.weights_by_year)),
            col(Node.retired_at),
        )
        .where(col(Node.plan_id) == plan_id)
        .order_by(col(Node.level), col(Node.order), col(Node.code)),
    )


def actions(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            col(Action.id),
            col(Action.node_id),
            col(Action.code),
            col(Action.description),
            col(Action.start_date),
            col(Action.due_date),
            _unless_empty(col(Action.axis_values)),
            col(Action.weight),
            col(Action.retired_at),
        )
        .where(col(Action.plan_id) == plan_id)
        .order_by(col(Action.order), col(Action.code)),
    )


def action_units(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(col(ActionUnit.action_id), col(ActionUnit.unit_id))
        .join(Action, col(Action.id) == col(ActionUnit.action_id))
        .where(col(Action.plan_id) == plan_id)
        .order_by(col(ActionUnit.created_at), col(ActionUnit.unit_id)),
    )


def units(session: Session, organization_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(col(Unit.id), col(Unit.code), col(Unit.name))
        .where(col(Unit.organization_id) == organization_id)
        .order_by(col(Unit.code), col(Unit.id)),
    )


def indicators(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            col(Indicator.id),
            col(Indicator.action_id),
            col(Indicator.node_id),
            col(Indicator.code),
            col(Indicator.name),
            col(Indicator.unit_of_measure),
            col(Indicator.accumulation),
            col(Indicator.accumulation_dnp),
            col(Indicator.baseline_value),
            col(Indicator.target_value),
            col(Indicator.unit_id),
            _unless_empty(col(Indicator.axis_values)),
            col(Indicator.weight),
            col(Indicator.retired_at),
        )
        .where(col(Indicator.plan_id) == plan_id)
        .order_by(col(Indicator.order), col(Indicator.code)),
    )


def contributions(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            col(Contribution.indicator_id),
            col(Contribution.node_id),
            col(Contribution.weight),
            _unless_empty(col(Contribution.weights_by_year)),
        )
        .join(Indicator, col(Indicator.id) == col(Contribution.indicator_id))
        .where(col(Indicator.plan_id) == plan_id)
        .order_by(col(Contribution.created_at), col(Contribution.node_id)),
    )


def programming(session: Session, plan_id: uuid.UUID) -> list[Row]:
    """(indicator_id, period_ends, values) of every programmed indicator of the plan."""
    return _all(session, _dated(Programming, plan_id))


def measurements(session: Session, plan_id: uuid.UUID, up_to: date) -> list[Row]:
    """(indicator_id, period_ends, values) measured for periods ending on or before `up_to`."""
    return _all(session, _dated(Measurement, plan_id, up_to))


def followups_evidence(session: Session, cut_id: uuid.UUID) -> list[Row]:
    """Each follow-up of the cut with how many pieces of evidence it has."""
    return _all(
        session,
        select(
            col(FollowUp.id),
            col(FollowUp.indicator_id),
            col(FollowUp.status),
            func.count(col(Evidence.id)).label("evidence_count"),
        )
        .outerjoin(Evidence, col(Evidence.followup_id) == col(FollowUp.id))
        .where(col(FollowUp.cut_id) == cut_id)
        .group_by(col(FollowUp.id), col(FollowUp.indicator_id), col(FollowUp.status)),
    )


def allocations(session: Session, plan_id: uuid.UUID) -> list[Row]:
    return _all(
        session,
        select(
            col(BudgetAllocation.unit_id),
            col(BudgetAllocation.action_id),
            col(BudgetAllocation.node_id),
            col(BudgetAllocation.year),
            col(BudgetAllocation.planned),
            col(BudgetAllocation.executed),
        ).where(col(BudgetAllocation.plan_id) == plan_id),
    )


# The finance package's table, read by its columns (finance builds on results, not back).
_financial_executions = sa.table(
    "financial_executions",
    sa.column("plan_id", sa.Uuid),
    sa.column("action_id", sa.Uuid),
    sa.column("unit_id", sa.Uuid),
    sa.column("period_end", sa.Date),
    sa.column("committed", sa.Numeric),
    sa.column("paid", sa.Numeric),
)


def executed_money(session: Session, plan_id: uuid.UUID) -> list[Row]:
    """(unit_id, action_id, year, committed, paid) of the plan's financial execution, summed
    per unit, action and year."""
    t = _financial_executions.c
    year = func.extract("year", t.period_end).label("year")
    return _all(
        session,
        select(t.unit_id, t.action_id, year, func.sum(t.committed), func.sum(t.paid))
        .where(t.plan_id == plan_id)
        .group_by(t.unit_id, t.action_id, year),
    )


# --- the results cache (app/results/cache.py): live entries (revision 0) and frozen ones ----


def _served(tags: list[str]) -> tuple:
    """The entry's tag, and its payload unless the client already holds that tag."""
    entry = ResultsCacheEntry
    return (
        col(entry.etag),
        case((col(entry.etag).in_(tags), None), else_=col(entry.payload)).label("payload"),
    )


def cached_entry(
    session: Session, cut_id: uuid.UUID, kind: str, params: str, data_version: int, tags: list[str]
) -> Row | None:
    """(etag, payload or NULL) of the live entry computed at this data version, if any."""
    entry = ResultsCacheEntry
    return (
        session.connection()
        .execute(
            select(*_served(tags)).where(
                col(entry.cut_id) == cut_id,
                col(entry.kind) == kind,
                col(entry.params) == params,
                col(entry.revision) == 0,
                col(entry.data_version) == data_version,
            )
        )
        .first()
    )


def frozen_entry(
    session: Session,
    cut_id: uuid.UUID,
    kind: str,
    params: str,
    tags: list[str],
    revision: int | None = None,
) -> Row | None:
    """(etag, payload or NULL) of a revision's frozen entry, by default the latest one's."""
    entry = ResultsCacheEntry
    stmt = select(*_served(tags)).where(
        col(entry.cut_id) == cut_id, col(entry.kind) == kind, col(entry.params) == params
    )
    if revision is None:
        stmt = stmt.where(col(entry.revision) > 0).order_by(col(entry.revision).desc()).limit(1)
    else:
        stmt = stmt.where(col(entry.revision) == revision)
    return session.connection().execute(stmt).first()


def frozen_entries(session: Session, cut_id: uuid.UUID, revision: int) -> list[Row]:
    """(kind, params, etag, payload) of every frozen entry of one revision, in key order."""
    entry = ResultsCacheEntry
    return _all(
        session,
        select(col(entry.kind), col(entry.params), col(entry.etag), col(entry.payload))
        .where(col(entry.cut_id) == cut_id, col(entry.revision) == revision)
        .order_by(col(entry.kind), col(entry.params)),
    )


def live_entries(session: Session, cut_id: uuid.UUID, data_version: int) -> list[Row]:
    """(kind, params, etag, payload) of the cut's live entries still valid at this version."""
    entry = ResultsCacheEntry
    return _all(
        session,
        select(col(entry.kind), col(entry.params), col(entry.etag), col(entry.payload)).where(
            col(entry.cut_id) == cut_id,
            col(entry.revision) == 0,
            col(entry.data_version) == data_version,
        ),
    )


def store_entry(
    session: Session,
    cut_id: uuid.UUID,
    kind: str,
    params: str,
    data_version: int,
    payload: bytes,
    etag: str,
) -> None:
    """Write (or replace an older) live entry; one row per (cut, kind, params)."""
    stmt = pg_insert(ResultsCacheEntry).values(
        cut_id=cut_id,
        kind=kind,
        params=params,
        revision=0,
        data_version=data_version,
        payload=payload.decode(),
        etag=etag,
        created_at=func.now(),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["cut_id", "kind", "params", "revision"],
        set_={
            "data_version": stmt.excluded.data_version,
            "payload": stmt.excluded.payload,
            "etag": stmt.excluded.etag,
            "created_at": stmt.excluded.created_at,
        },
        where=col(ResultsCacheEntry.data_version) < stmt.excluded.data_version,
    )
    session.connection().execute(stmt)


def freeze_entries(
    session: Session,
    cut_id: uuid.UUID,
    revision: int,
    data_version: int,
    entries: list[tuple[str, str, bytes, str]],
) -> None:
    """Insert the frozen entries (kind, params, payload, etag) of a revision: one statement."""
    if not entries:
        return
    session.connection().execute(
        pg_insert(ResultsCacheEntry),
        [
            {
                "cut_id": cut_id,
                "kind": kind,
                "params": params,
                "revision": revision,
                "data_version": data_version,
                "payload": payload.decode(),
                "etag": etag,
            }
            for kind, params, payload, etag in entries
        ],
    )


def data_version(session: Session, plan_id: uuid.UUID) -> int:
    """The plan's data version as the database has it now (triggers raise it on writes)."""
    return int(
        session.connection()
        .execute(select(col(Plan.data_version)).where(col(Plan.id) == plan_id))
        .scalar_one()
    )
