"""Queries on plans and their elements; every list is one statement, whatever the plan's size."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import delete as delete_stmt
from sqlalchemy import func, insert, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Mapped, QueryableAttribute
from sqlalchemy.sql import Select
from sqlmodel import Session, SQLModel, col

from app.core.db import flush_or_conflict
from app.core.pagination import PageParams, paginate
from app.plans.models import (
    Action,
    ActionUnit,
    BudgetAllocation,
    ChangeRecord,
    Contribution,
    Indicator,
    Node,
    Plan,
    Programming,
    ProgrammingVersion,
)
from app.units.models import Unit

T = TypeVar("T", bound=SQLModel)
# An element of a plan's tree: a row of the plan with a code, an order and a retirement.
Element = TypeVar("Element", Node, Action, Indicator)
# A row that belongs to one plan.
PlanRow = TypeVar("PlanRow", Node, Action, Indicator, BudgetAllocation)
# A row that belongs to one indicator.
IndicatorRow = TypeVar("IndicatorRow", Contribution, Programming)

CONFLICTS = {
    "uq_plans_organization_id_code": "A plan with this code already exists in the organization.",
    "uq_nodes_plan_id_code": "A node with this code already exists in the plan.",
    "uq_actions_plan_id_code": "An action with this code already exists in the plan.",
    "uq_indicators_plan_id_code": "An indicator with this code already exists in the plan.",
}


def of_plan(column: Any, model: Any, plan_id: uuid.UUID) -> Any:
    """`column = ANY(ARRAY(SELECT id FROM <model> WHERE plan_id = :plan))`: the plan's ids are
    read once through `(plan_id, ...)` and its rows of a per-indicator (per-action) table are
    then found by index lookups of those ids. A join to `model` instead lets the planner scan
    the whole table of every tenant while it is small enough (tens of thousands of rows):
    a cost that grows with the other tenants (docs/scaling.md)."""
    ids = select(col(model.id)).where(col(model.plan_id) == plan_id).scalar_subquery()
    return col(column) == sa.any_(func.array(ids))


def save(session: Session, obj: T) -> T:
    session.add(obj)
    flush_or_conflict(session, CONFLICTS)
    return obj


def add(session: Session, obj: SQLModel) -> None:
    """Add to the unit of work, flushed with the next statement (no constraint to report)."""
    session.add(obj)


def delete(session: Session, obj: SQLModel) -> None:
    session.delete(obj)


def get(session: Session, model: type[T], obj_id: uuid.UUID) -> T | None:
    return session.get(model, obj_id)


def with_plan(
    session: Session, model: type[PlanRow], obj_id: uuid.UUID
) -> tuple[PlanRow, Plan] | tuple[None, None]:
    """An element and its plan in one statement; (None, None) when absent."""
    row = session.execute(
        select(model, Plan)
        .join(Plan, col(Plan.id) == col(model.plan_id))
        .where(col(model.id) == obj_id)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def plans_stmt(
    *,
    organization_id: uuid.UUID | None,
    kind: str | None,
    status: str | None,
    year: int | None,
    code: str | None,
) -> Select:
    stmt = select(Plan).order_by(col(Plan.first_year).desc(), col(Plan.code), col(Plan.id))
    if organization_id is not None:
        stmt = stmt.where(col(Plan.organization_id) == organization_id)
    if kind is not None:
        stmt = stmt.where(col(Plan.kind) == kind)
    if status is not None:
        stmt = stmt.where(col(Plan.status) == status)
    if year is not None:
        stmt = stmt.where(col(Plan.first_year) <= year, col(Plan.last_year) >= year)
    if code is not None:
        stmt = stmt.where(col(Plan.code) == code)
    return stmt


def page_of_plans(session: Session, page: PageParams, **filters: Any) -> tuple[list[Plan], int]:
    return paginate(session, plans_stmt(**filters), page)


def elements_stmt(
    model: type[Element], plan_id: uuid.UUID, *, include_retired: bool, **filters: Any
) -> Select:
    stmt = select(model).where(col(model.plan_id) == plan_id)
    if not include_retired:
        stmt = stmt.where(col(model.retired_at).is_(None))
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(model, name) == value)
    return stmt.order_by(col(model.order), col(model.code), col(model.id))


def page_of_elements(
    session: Session,
    model: type[Element],
    plan_id: uuid.UUID,
    page: PageParams,
    *,
    include_retired: bool,
    **filters: Any,
) -> tuple[list[Element], int]:
    """One page of the plan's nodes, actions or indicators, filtered by equal columns."""
    stmt = elements_stmt(model, plan_id, include_retired=include_retired, **filters)
    return paginate(session, stmt, page)


def by_code(
    session: Session, model: type[Element], plan_id: uuid.UUID, code: str
) -> Element | None:
    return session.execute(
        select(model).where(col(model.plan_id) == plan_id, col(model.code) == code)
    ).scalar_one_or_none()


def units_by_ref(
    session: Session, organization_id: uuid.UUID, refs: Iterable[uuid.UUID | str]
) -> dict[uuid.UUID | str, uuid.UUID]:
    refs = list(refs)
    if not refs:
        return {}
    ids = [r for r in refs if isinstance(r, uuid.UUID)]
    codes = [r for r in refs if isinstance(r, str)]
    found: dict[uuid.UUID | str, uuid.UUID] = {}
    for unit_id, code in session.execute(
        select(col(Unit.id), col(Unit.code)).where(
            col(Unit.organization_id) == organization_id,
            or_(col(Unit.id).in_(ids), col(Unit.code).in_(codes)),
        )
    ):
        found[unit_id] = unit_id
        found[code] = unit_id
    return found


def nodes_of(session: Session, plan_id: uuid.UUID) -> list[Node]:
    return list(
        session.execute(
            select(Node)
            .where(col(Node.plan_id) == plan_id)
            .order_by(col(Node.level), col(Node.order), col(Node.code))
        ).scalars()
    )


def actions_of(session: Session, plan_id: uuid.UUID) -> list[Action]:
    return list(
        session.execute(
            select(Action)
            .where(col(Action.plan_id) == plan_id)
            .order_by(col(Action.order), col(Action.code))
        ).scalars()
    )


def indicators_of(session: Session, plan_id: uuid.UUID) -> list[Indicator]:
    return list(
        session.execute(
            select(Indicator)
            .where(col(Indicator.plan_id) == plan_id)
            .order_by(col(Indicator.order), col(Indicator.code))
        ).scalars()
    )


def action_units(
    session: Session, action_ids: list[uuid.UUID] | None = None, *, plan_id: uuid.UUID | None = None
) -> dict[uuid.UUID, list[uuid.UUID]]:
    stmt = select(col(ActionUnit.action_id), col(ActionUnit.unit_id)).order_by(
        col(ActionUnit.created_at), col(ActionUnit.unit_id)
    )
    if plan_id is not None:
        stmt = stmt.where(of_plan(ActionUnit.action_id, Action, plan_id))
    else:
        stmt = stmt.where(col(ActionUnit.action_id).in_(action_ids or []))
    out: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for action_id, unit_id in session.execute(stmt):
        out[action_id].append(unit_id)
    return out


def set_action_units(session: Session, action: Action, unit_ids: list[uuid.UUID]) -> None:
    session.execute(delete_stmt(ActionUnit).where(col(ActionUnit.action_id) == action.id))
    if unit_ids:
        session.execute(
            insert(ActionUnit),
            [
                {"id": uuid.uuid4(), "action_id": action.id, "unit_id": u}
                for u in dict.fromkeys(unit_ids)
            ],
        )


def _by_indicator(
    session: Session,
    model: type[IndicatorRow],
    order: tuple[Mapped[Any], ...],
    indicator_ids: list[uuid.UUID] | None,
    plan_id: uuid.UUID | None,
) -> dict[uuid.UUID, list[IndicatorRow]]:
    """Rows of a per-indicator table grouped by indicator: of some indicators, or of a plan."""
    stmt = select(model).order_by(*order)
    if plan_id is not None:
        stmt = stmt.where(of_plan(model.indicator_id, Indicator, plan_id))
    else:
        stmt = stmt.where(col(model.indicator_id).in_(indicator_ids or []))
    out: dict[uuid.UUID, list[IndicatorRow]] = defaultdict(list)
    for row in session.execute(stmt).scalars():
        out[row.indicator_id].append(row)
    return out


def contributions(
    session: Session,
    indicator_ids: list[uuid.UUID] | None = None,
    *,
    plan_id: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[Contribution]]:
    return _by_indicator(
        session,
        Contribution,
        (col(Contribution.created_at), col(Contribution.node_id)),
        indicator_ids,
        plan_id,
    )


def set_contributions(session: Session, indicator: Indicator, rows: list[dict]) -> None:
    session.execute(delete_stmt(Contribution).where(col(Contribution.indicator_id) == indicator.id))
    if rows:
        session.execute(
            insert(Contribution),
            [{"id": uuid.uuid4(), "indicator_id": indicator.id, **r} for r in rows],
        )


def programming(
    session: Session,
    indicator_ids: list[uuid.UUID] | None = None,
    *,
    plan_id: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[Programming]]:
    return _by_indicator(
        session,
        Programming,
        (col(Programming.period_end), col(Programming.dims_key)),
        indicator_ids,
        plan_id,
    )


def replace_programming(session: Session, indicator: Indicator, items: list[dict]) -> None:
    session.execute(delete_stmt(Programming).where(col(Programming.indicator_id) == indicator.id))
    if items:
        session.execute(
            insert(Programming),
            [{"id": uuid.uuid4(), "indicator_id": indicator.id, **i} for i in items],
        )


def programming_outside(session: Session, plan_id: uuid.UUID, first: int, last: int) -> int:
    return session.execute(
        select(func.count())
        .select_from(Programming)
        .where(
            of_plan(Programming.indicator_id, Indicator, plan_id),
            or_(
                func.extract("year", col(Programming.period_end)) < first,
                func.extract("year", col(Programming.period_end)) > last,
            ),
        )
    ).scalar_one()


def budget_stmt(plan_id: uuid.UUID, **filters: Any) -> Select:
    stmt = select(BudgetAllocation).where(col(BudgetAllocation.plan_id) == plan_id)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(BudgetAllocation, name) == value)
    return stmt.order_by(col(BudgetAllocation.created_at), col(BudgetAllocation.id))


def allocations_of(session: Session, plan_id: uuid.UUID) -> list[BudgetAllocation]:
    """Every budget allocation of the plan (the workbook's Presupuesto sheet)."""
    return list(session.execute(budget_stmt(plan_id)).scalars())


def page_of_allocations(
    session: Session, plan_id: uuid.UUID, page: PageParams, **filters: Any
) -> tuple[list[BudgetAllocation], int]:
    return paginate(session, budget_stmt(plan_id, **filters), page)


def responsible_units(session: Session, indicators: list[Indicator]) -> dict:
    """The units answering for each indicator: its own, else its action's."""
    action_ids = {i.action_id for i in indicators if i.action_id and not i.unit_id}
    units: dict[uuid.UUID, set[uuid.UUID]] = {}
    if action_ids:
        for action_id, unit_id in session.execute(
            select(col(ActionUnit.action_id), col(ActionUnit.unit_id)).where(
                col(ActionUnit.action_id).in_(action_ids)
            )
        ):
            units.setdefault(action_id, set()).add(unit_id)
    return {
        i.id: {i.unit_id}
        if i.unit_id
        else (units.get(i.action_id, set()) if i.action_id else set())
        for i in indicators
    }


# --- checks before a change --------------------------------------------------------------


def _attribute(column: Mapped[Any]) -> QueryableAttribute[Any]:
    """A model's column (`col(Node.plan_id)`), which knows the model it belongs to."""
    if not isinstance(column, QueryableAttribute):
        raise TypeError(f"not a model's column: {column!r}")
    return column


def count_in(session: Session, column: Mapped[Any], ids: Collection) -> int:
    """How many rows of the column's table have the column in `ids` (0 for no ids)."""
    if not ids:
        return 0
    return session.execute(
        select(func.count()).select_from(_attribute(column).class_).where(column.in_(ids))
    ).scalar_one()


def count_contributions(
    session: Session, indicator_ids: Collection[uuid.UUID], node_ids: Collection[uuid.UUID]
) -> int:
    """Contributions of the indicators or to the nodes (each counted once)."""
    if not indicator_ids and not node_ids:
        return 0
    return session.execute(
        select(func.count())
        .select_from(Contribution)
        .where(
            or_(
                col(Contribution.indicator_id).in_(indicator_ids),
                col(Contribution.node_id).in_(node_ids),
            )
        )
    ).scalar_one()


def deepest_level(session: Session, plan_id: uuid.UUID) -> int | None:
    return session.execute(
        select(func.max(col(Node.level))).where(col(Node.plan_id) == plan_id)
    ).scalar_one()


def actions_outside(session: Session, plan_id: uuid.UUID, lo: date, hi: date) -> int:
    """Actions of the plan starting before `lo` or due after `hi`."""
    return session.execute(
        select(func.count())
        .select_from(Action)
        .where(
            col(Action.plan_id) == plan_id,
            or_(col(Action.start_date) < lo, col(Action.due_date) > hi),
        )
    ).scalar_one()


def classified(
    session: Session, model: type[Action] | type[Indicator], plan_id: uuid.UUID
) -> list[tuple[str, dict]]:
    """(code, axis_values) of the plan's actions or indicators that have axis values."""
    return [
        (code, values)
        for code, values in session.execute(
            select(col(model.code), col(model.axis_values)).where(
                col(model.plan_id) == plan_id, col(model.axis_values) != {}
            )
        )
    ]


def ids_where_in(session: Session, column: Mapped[Any], ids: Collection) -> set[uuid.UUID]:
    """Ids of the rows of the column's table whose column is in `ids`."""
    if not ids:
        return set()
    model = _attribute(column).class_
    return set(session.execute(select(col(model.id)).where(column.in_(ids))).scalars())


# --- deletion ----------------------------------------------------------------------------


def delete_by_id(
    session: Session,
    model: type[Plan | Node | Action | Indicator | BudgetAllocation],
    obj_id: uuid.UUID,
) -> None:
    """Delete one row; the foreign keys' ON DELETE CASCADE take along what hangs from it."""
    session.execute(delete_stmt(model).where(col(model.id) == obj_id))
    # Objects of deleted rows may sit in the session: forget them all.
    session.expire_all()


# --- the change log ----------------------------------------------------------------------


def changes_stmt(
    plan_id: uuid.UUID,
    *,
    entity: str | None,
    entity_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
) -> Select:
    stmt = select(ChangeRecord).where(col(ChangeRecord.plan_id) == plan_id)
    if entity is not None:
        stmt = stmt.where(col(ChangeRecord.entity) == entity)
    if entity_id is not None:
        stmt = stmt.where(col(ChangeRecord.entity_id) == entity_id)
    if since is not None:
        stmt = stmt.where(col(ChangeRecord.at) >= since)
    if until is not None:
        stmt = stmt.where(col(ChangeRecord.at) < until)
    return stmt.order_by(col(ChangeRecord.at), col(ChangeRecord.id))


def page_of_changes(
    session: Session, plan_id: uuid.UUID, page: PageParams, **filters: Any
) -> tuple[list[ChangeRecord], int]:
    return paginate(session, changes_stmt(plan_id, **filters), page)


# The domains built on plans (cuts, measurements, follow-ups) import plans; plans reads the
# few facts it needs of their tables through bare table clauses, so that no arrow points back.
_cuts = sa.table("cuts", sa.column("plan_id", sa.Uuid), sa.column("status", sa.String))
_measurements = sa.table("measurements", sa.column("indicator_id", sa.Uuid))
_followups = sa.table("followups", sa.column("id", sa.Uuid), sa.column("indicator_id", sa.Uuid))
_evidence = sa.table("evidence", sa.column("followup_id", sa.Uuid), sa.column("sha256", sa.String))
_financial_executions = sa.table("financial_executions", sa.column("action_id", sa.Uuid))

_measured_dims = sa.table(
    "measurements", sa.column("indicator_id", sa.Uuid), sa.column("dims_key", sa.Text)
)


def dimension_keys(session: Session, plan_id: uuid.UUID) -> set[str]:
    """The distinct dimension keys of the plan's planned and measured values (not '')."""
    plan_indicators = select(col(Indicator.id)).where(col(Indicator.plan_id) == plan_id)
    planned = select(col(Programming.dims_key)).where(
        col(Programming.indicator_id).in_(plan_indicators), col(Programming.dims_key) != ""
    )
    measured = select(_measured_dims.c.dims_key).where(
        _measured_dims.c.indicator_id.in_(plan_indicators), _measured_dims.c.dims_key != ""
    )
    return set(session.execute(planned.union(measured)).scalars())


def has_published_cut(session: Session, plan_id: uuid.UUID) -> bool:
    """Whether the plan has a published cut (what makes it visible without a token)."""
    stmt = select(_cuts.c.plan_id).where(_cuts.c.plan_id == plan_id, _cuts.c.status == "published")
    return session.execute(stmt.limit(1)).first() is not None


def financial_executions_of(session: Session, action_ids: Collection[uuid.UUID]) -> int:
    """How many financial execution rows the actions have."""
    if not action_ids:
        return 0
    stmt = (
        select(func.count())
        .select_from(_financial_executions)
        .where(_financial_executions.c.action_id.in_(list(action_ids)))
    )
    return int(session.execute(stmt).scalar_one())


def indicator_dependents(session: Session, indicator_ids: Collection[uuid.UUID]) -> dict[str, int]:
    """Measurements and follow-ups of the indicators (what deleting them would take along)."""
    if not indicator_ids:
        return {"measurements": 0, "followups": 0}
    ids = list(indicator_ids)
    row = session.execute(
        select(
            select(func.count())
            .select_from(_measurements)
            .where(_measurements.c.indicator_id.in_(ids))
            .scalar_subquery(),
            select(func.count())
            .select_from(_followups)
            .where(_followups.c.indicator_id.in_(ids))
            .scalar_subquery(),
        )
    ).one()
    return {"measurements": row[0], "followups": row[1]}


# --- versions of programming, targets and weights (reprogramming) ------------------------


def last_versions(
    session: Session, column: Mapped[Any], ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """The highest version number of each element (`col(ProgrammingVersion.indicator_id)` or
    `...node_id`) that has versions."""
    if not ids:
        return {}
    attribute = _attribute(column)
    rows = session.execute(
        select(attribute, func.max(col(ProgrammingVersion.version)))
        .where(attribute.in_(list(ids)))
        .group_by(attribute)
    )
    return {element_id: version for element_id, version in rows}


def add_versions(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(insert(ProgrammingVersion), [{"id": uuid.uuid4(), **r} for r in rows])


def versions_stmt(indicator_id: uuid.UUID) -> Select:
    return (
        select(ProgrammingVersion)
        .where(col(ProgrammingVersion.indicator_id) == indicator_id)
        .order_by(col(ProgrammingVersion.version))
    )


def page_of_versions(
    session: Session, indicator_id: uuid.UUID, page: PageParams
) -> tuple[list[ProgrammingVersion], int]:
    return paginate(session, versions_stmt(indicator_id), page)


def schedules(session: Session, plan_id: uuid.UUID) -> dict[uuid.UUID, tuple[list, list]]:
    """Every programmed indicator's schedule as (period ends, values), in date order: one
    statement, aggregated in SQL (no row object per planned value)."""
    order = col(Programming.period_end)
    rows = session.connection().execute(
        select(
            col(Programming.indicator_id),
            func.array_agg(aggregate_order_by(col(Programming.period_end), order)),
            func.array_agg(aggregate_order_by(col(Programming.value), order)),
        )
        .where(of_plan(Programming.indicator_id, Indicator, plan_id))
        .group_by(col(Programming.indicator_id))
    )
    return {indicator_id: (list(ends), list(values)) for indicator_id, ends, values in rows}


def evidence_files_under(
    session: Session,
    *,
    plan_id: uuid.UUID | None = None,
    indicator_ids: Collection[uuid.UUID] = (),
) -> set[str]:
    """The stored files (content hashes) of the evidence that hangs from a plan's indicators
    or from these indicators: what deleting them takes along in cascade."""
    stmt = (
        select(_evidence.c.sha256)
        .distinct()
        .join(_followups, _followups.c.id == _evidence.c.followup_id)
        .where(_evidence.c.sha256.is_not(None))
    )
    if plan_id is not None:
        stmt = stmt.join(Indicator, col(Indicator.id) == _followups.c.indicator_id).where(
            col(Indicator.plan_id) == plan_id
        )
    elif indicator_ids:
        stmt = stmt.where(_followups.c.indicator_id.in_(list(indicator_ids)))
    else:
        return set()
    return set(session.execute(stmt).scalars())


def evidence_files_in_use(session: Session, hashes: Collection[str]) -> set[str]:
    """Which of these files some evidence row still holds (files are shared by content)."""
    if not hashes:
        return set()
    stmt = select(_evidence.c.sha256).distinct().where(_evidence.c.sha256.in_(list(hashes)))
    return set(session.execute(stmt).scalars())
