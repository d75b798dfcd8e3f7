"""The elements of a plan's tree: nodes, actions, indicators, programming and budget.

Every write checks the plan is writable (not closed; with a reason once approved) and
leaves a change record with the element before and after. Once the plan is approved, a change
of programming, targets or weights also needs its legal act and is versioned
(`app.plans.reprogramming`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col

from app.auth.actor import Actor
from app.compute.dimensions import dims_key, dims_problem
from app.core.errors import Conflict, Invalid
from app.core.models import utcnow
from app.core.storage import Storage, delete_after_commit
from app.plans import changes, repository, reprogramming
from app.plans.models import (
    Action,
    BudgetAllocation,
    Indicator,
    Node,
    Plan,
    Programming,
)
from app.plans.public import actions_public, indicators_public, node_public
from app.plans.repository import Element
from app.plans.schemas import (
    ActionCreate,
    ActionPublic,
    ActionUpdate,
    BudgetAllocationCreate,
    BudgetAllocationPublic,
    BudgetAllocationUpdate,
    ContributionIn,
    IndicatorCreate,
    IndicatorPublic,
    IndicatorUpdate,
    LegalActIn,
    NodeCreate,
    NodePublic,
    NodeUpdate,
    ProgrammingItem,
)
from app.territories import divipola


def _ref(
    session: Session,
    model: type[Element],
    plan: Plan,
    obj_id: uuid.UUID | None,
    code: str | None,
    field: str,
) -> Element | None:
    """Resolve an element of the same plan given by id or by code; 422 naming the field."""
    if obj_id is not None and code is not None:
        raise Invalid([f"{field}_id"], f"give {field}_id or {field}_code, not both")
    if obj_id is not None:
        obj = repository.get(session, model, obj_id)
    elif code is not None:
        obj = repository.by_code(session, model, plan.id, code)
    else:
        return None
    if obj is None or obj.plan_id != plan.id:
        key = f"{field}_id" if obj_id is not None else f"{field}_code"
        raise Invalid([key], f"no {field} {obj_id or code} in this plan")
    return obj


def _units(session: Session, plan: Plan, refs: list, field: str) -> list[uuid.UUID]:
    found = repository.units_by_ref(session, plan.organization_id, refs)
    missing = [str(r) for r in refs if r not in found]
    if missing:
        raise Invalid([field], f"unknown units of the plan's organization: {', '.join(missing)}")
    return [found[r] for r in refs]


def _check_date(plan: Plan, value: date | None, field: str) -> None:
    plan.check_in_years(value, [field])


def _check_axis_values(plan: Plan, values: dict[str, str]) -> None:
    allowed = {a["code"]: {v["code"] for v in a["values"]} for a in plan.axes}
    for axis, value in values.items():
        if axis not in allowed:
            names = ", ".join(allowed) or "none"
            raise Invalid(["axis_values", axis], f"the plan has no axis {axis} (it has: {names})")
        if value not in allowed[axis]:
            raise Invalid(
                ["axis_values", axis],
                f"{value} is not a value of axis {axis} "
                f"(allowed: {', '.join(sorted(allowed[axis]))})",
            )


def _check_weights_years(plan: Plan, weights: Mapping[int, object], field: str) -> None:
    for year in weights:
        plan.check_in_years(year, [field, str(year)])


def _retire(obj: Node | Action | Indicator, retired: bool | None) -> None:
    if retired is True and obj.retired_at is None:
        obj.retired_at = utcnow()
    elif retired is False:
        obj.retired_at = None


# --- nodes -------------------------------------------------------------------------------


def _place_node(session: Session, plan: Plan, node: Node | None, parent: Node | None) -> int:
    """The level a node takes under `parent`, refusing wrong levels and cycles."""
    if not plan.levels:
        raise Invalid(["parent_id"], "the plan has no levels: actions hang from the plan itself")
    level = 0 if parent is None else parent.level + 1
    if parent is not None and level >= len(plan.levels):
        raise Invalid(
            ["parent_id"],
            f"{parent.code} is at the last level ({plan.levels[-1]}); nodes cannot go below it",
        )
    if node is not None and parent is not None:
        ancestor: Node | None = parent
        seen = set()
        while ancestor is not None and ancestor.id not in seen:
            if ancestor.id == node.id:
                raise Invalid(["parent_id"], "a node cannot be placed under itself (cycle)")
            seen.add(ancestor.id)
            ancestor = (
                repository.get(session, Node, ancestor.parent_id) if ancestor.parent_id else None
            )
        if level != node.level and repository.count_in(session, col(Node.parent_id), [node.id]):
            raise Invalid(
                ["parent_id"],
                "moving this node would change the level of its children; move them first",
            )
    return level


def create_node(
    session: Session, actor: Actor, plan: Plan, data: NodeCreate, reason: str | None
) -> Node:
    changes.check_writable(plan, reason)
    parent = _ref(session, Node, plan, data.parent_id, data.parent_code, "parent")
    level = _place_node(session, plan, None, parent)
    _check_weights_years(plan, data.weights_by_year, "weights_by_year")
    node = Node(
        plan_id=plan.id,
        parent_id=parent.id if parent else None,
        level=level,
        **data.model_dump(exclude={"parent_id", "parent_code"}),
    )
    node.weights_by_year = {str(k): str(v) for k, v in data.weights_by_year.items()}
    repository.save(session, node)
    changes.record(
        session,
        actor,
        plan,
        entity="node",
        entity_id=node.id,
        entity_code=node.code,
        operation="create",
        before=None,
        after=node_public(node, plan),
        reason=reason,
    )
    return node


def update_node(
    session: Session,
    actor: Actor,
    plan: Plan,
    node: Node,
    data: NodeUpdate,
    reason: str | None,
    *,
    act: LegalActIn | None = None,
) -> Node:
    reason = data.reason or reason
    act = data.legal_act or act
    changes.check_writable(plan, reason)
    before = node_public(node, plan)
    versioned = reprogramming.node_state(node)
    values = data.model_dump(exclude_unset=True, exclude={"legal_act", "reason"})
    if "parent_id" in values or "parent_code" in values:
        parent = _ref(
            session,
            Node,
            plan,
            values.pop("parent_id", None),
            values.pop("parent_code", None),
            "parent",
        )
        node.level = _place_node(session, plan, node, parent)
        node.parent_id = parent.id if parent else None
    if data.weights_by_year is not None:  # sent (an update body refuses null for it)
        _check_weights_years(plan, data.weights_by_year, "weights_by_year")
        values["weights_by_year"] = {str(k): str(v) for k, v in data.weights_by_year.items()}
    _retire(node, values.pop("retired", None))
    node.sqlmodel_update(values)
    repository.save(session, node)
    reprogramming.record_change(
        session,
        actor,
        plan,
        before=versioned,
        after=reprogramming.node_state(node),
        act=act,
        reason=reason,
        loc=["body", "legal_act"],
        node_id=node.id,
    )
    after = node_public(node, plan)
    if after != before:
        changes.record(
            session,
            actor,
            plan,
            entity="node",
            entity_id=node.id,
            entity_code=node.code,
            operation="update",
            before=before,
            after=after,
            reason=reason,
        )
    return node


# --- actions -----------------------------------------------------------------------------


def _action_node(
    session: Session, plan: Plan, node_id: uuid.UUID | None, node_code: str | None
) -> Node | None:
    node = _ref(session, Node, plan, node_id, node_code, "node")
    if node is None and plan.levels:
        raise Invalid(
            ["node_id"],
            "the plan has levels: say which node the action hangs from (node_id or node_code)",
        )
    return node


def _check_action_dates(plan: Plan, start: date | None, due: date | None) -> None:
    _check_date(plan, start, "start_date")
    _check_date(plan, due, "due_date")
    if start and due and start > due:
        raise Invalid(["due_date"], "due_date is before start_date")


def create_action(
    session: Session, actor: Actor, plan: Plan, data: ActionCreate, reason: str | None
) -> Action:
    changes.check_writable(plan, reason)
    node = _action_node(session, plan, data.node_id, data.node_code)
    units = _units(session, plan, data.unit_ids, "unit_ids")
    _check_action_dates(plan, data.start_date, data.due_date)
    _check_axis_values(plan, data.axis_values)
    action = Action(
        plan_id=plan.id,
        node_id=node.id if node else None,
        **data.model_dump(exclude={"node_id", "node_code", "unit_ids"}),
    )
    repository.save(session, action)
    repository.set_action_units(session, action, units)
    after = actions_public(session, [action])[0]
    changes.record(
        session,
        actor,
        plan,
        entity="action",
        entity_id=action.id,
        entity_code=action.code,
        operation="create",
        before=None,
        after=after,
        reason=reason,
    )
    return action


def update_action(
    session: Session,
    actor: Actor,
    plan: Plan,
    action: Action,
    data: ActionUpdate,
    reason: str | None,
) -> Action:
    changes.check_writable(plan, reason)
    before = actions_public(session, [action])[0]
    values = data.model_dump(exclude_unset=True)
    if "node_id" in values or "node_code" in values:
        node = _action_node(
            session, plan, values.pop("node_id", None), values.pop("node_code", None)
        )
        action.node_id = node.id if node else None
    unit_refs = values.pop("unit_ids", None)
    if unit_refs is not None:
        repository.set_action_units(session, action, _units(session, plan, unit_refs, "unit_ids"))
    if "axis_values" in values:
        _check_axis_values(plan, values["axis_values"])
    _retire(action, values.pop("retired", None))
    action.sqlmodel_update(values)
    _check_action_dates(plan, action.start_date, action.due_date)
    repository.save(session, action)
    after = actions_public(session, [action])[0]
    if after != before:
        changes.record(
            session,
            actor,
            plan,
            entity="action",
            entity_id=action.id,
            entity_code=action.code,
            operation="update",
            before=before,
            after=after,
            reason=reason,
        )
    return action


# --- indicators --------------------------------------------------------------------------


def _contribution_rows(
    session: Session, plan: Plan, items: list[ContributionIn] | None
) -> list[dict] | None:
    if items is None:
        return None
    rows, seen = [], set()
    for i, item in enumerate(items):
        node = _ref(session, Node, plan, item.node_id, item.node_code, "node")
        if node is None:
            raise Invalid(["contributions", i, "node_id"], "name the node (node_id or node_code)")
        if node.id in seen:
            raise Invalid(["contributions", i], f"node {node.code} is listed twice")
        seen.add(node.id)
        _check_weights_years(plan, item.weights_by_year, "weights_by_year")
        rows.append(
            {
                "node_id": node.id,
                "weight": item.weight,
                "weights_by_year": {str(k): str(v) for k, v in item.weights_by_year.items()},
            }
        )
    return rows


def _check_bounds(indicator: Indicator) -> None:
    if indicator.total_mode == "sum" and indicator.unit_of_measure == "percentage":
        raise Invalid(
            ["total_mode"],
            "a percentage is not the sum of its disaggregated values: post its total "
            "(total_mode posted)",
        )
    lo, hi = indicator.min_value, indicator.max_value
    if lo is not None and hi is not None and lo > hi:
        raise Invalid(["max_value"], "max_value is below min_value")
    for field in ("baseline_value", "target_value"):
        value = getattr(indicator, field)
        if value is not None and (
            (lo is not None and value < lo) or (hi is not None and value > hi)
        ):
            raise Invalid(
                [field],
                f"{value} is outside the indicator's range "
                f"[{lo if lo is not None else '-∞'}, "
                f"{hi if hi is not None else '∞'}]",
            )


def create_indicator(
    session: Session,
    actor: Actor,
    plan: Plan,
    data: IndicatorCreate,
    reason: str | None,
    *,
    act: LegalActIn | None = None,
) -> Indicator:
    changes.check_writable(plan, reason)
    # A new target of an approved plan is a reprogramming: its act first, nothing written.
    act = act or data.legal_act
    reprogramming.require_act(plan, act, ["body", "legal_act"])
    action = _ref(session, Action, plan, data.action_id, data.action_code, "action")
    node = _ref(session, Node, plan, data.node_id, data.node_code, "node")
    if (action is None) == (node is None):
        raise Invalid(["action_id"], "an indicator hangs from exactly one action or one node")
    unit = _units(session, plan, [r for r in (data.unit_id, data.unit_code) if r], "unit_id")
    _check_axis_values(plan, data.axis_values)
    rows = _contribution_rows(session, plan, data.contributions)
    body = data.model_dump(
        exclude={
            "action_id",
            "action_code",
            "node_id",
            "node_code",
            "unit_id",
            "unit_code",
            "contributions",
            "legal_act",
        }
    )
    if body["min_value"] is None and data.unit_of_measure in ("number", "percentage", "currency"):
        body["min_value"] = Decimal(0)
    if body["max_value"] is None and data.unit_of_measure == "percentage":
        body["max_value"] = Decimal(100)
    indicator = Indicator(
        plan_id=plan.id,
        action_id=action.id if action else None,
        node_id=node.id if node else None,
        unit_id=unit[0] if unit else None,
        **body,
    )
    _check_bounds(indicator)
    repository.save(session, indicator)
    if rows is not None:
        repository.set_contributions(session, indicator, rows)
    if reprogramming.needs_act(plan):
        reprogramming.record_change(
            session,
            actor,
            plan,
            before=None,
            after=reprogramming.load_indicator_state(session, indicator),
            act=act,
            reason=reason,
            loc=["body", "legal_act"],
            indicator_id=indicator.id,
        )
    after = indicators_public(session, plan, [indicator])[0]
    changes.record(
        session,
        actor,
        plan,
        entity="indicator",
        entity_id=indicator.id,
        entity_code=indicator.code,
        operation="create",
        before=None,
        after=after,
        reason=reason,
    )
    return indicator


def update_indicator(
    session: Session,
    actor: Actor,
    plan: Plan,
    indicator: Indicator,
    data: IndicatorUpdate,
    reason: str | None,
    *,
    act: LegalActIn | None = None,
) -> Indicator:
    reason = data.reason or reason
    act = data.legal_act or act
    changes.check_writable(plan, reason)
    before = indicators_public(session, plan, [indicator])[0]
    watched = reprogramming.needs_act(plan)
    versioned = reprogramming.load_indicator_state(session, indicator) if watched else None
    values = data.model_dump(exclude_unset=True, exclude={"legal_act", "reason"})
    if "unit_id" in values or "unit_code" in values:
        refs = [r for r in (values.pop("unit_id", None), values.pop("unit_code", None)) if r]
        indicator.unit_id = _units(session, plan, refs, "unit_id")[0] if refs else None
    if "axis_values" in values:
        _check_axis_values(plan, values["axis_values"])
    if "contributions" in values:
        values.pop("contributions")
        rows = _contribution_rows(session, plan, data.contributions)
        repository.set_contributions(session, indicator, rows or [])
    _retire(indicator, values.pop("retired", None))
    indicator.sqlmodel_update(values)
    _check_bounds(indicator)
    repository.save(session, indicator)
    if watched:
        reprogramming.record_change(
            session,
            actor,
            plan,
            before=versioned,
            after=reprogramming.load_indicator_state(session, indicator),
            act=act,
            reason=reason,
            loc=["body", "legal_act"],
            indicator_id=indicator.id,
        )
    after = indicators_public(session, plan, [indicator])[0]
    if after != before:
        changes.record(
            session,
            actor,
            plan,
            entity="indicator",
            entity_id=indicator.id,
            entity_code=indicator.code,
            operation="update",
            before=before,
            after=after,
            reason=reason,
        )
    return indicator


def replace_programming(
    session: Session,
    actor: Actor,
    plan: Plan,
    indicator: Indicator,
    items: list[ProgrammingItem],
    reason: str | None,
    *,
    act: LegalActIn | None = None,
) -> None:
    changes.check_writable(plan, reason)
    seen: set[tuple[date, str]] = set()
    rows = []
    for i, item in enumerate(items):
        plan.check_in_years(item.period_end, [i, "period_end"])
        problem = dims_problem(item.dims, plan.dimensions, divipola.problem)
        if problem:
            raise Invalid([i, "dims"], problem)
        key = dims_key(item.dims)
        if (item.period_end, key) in seen:
            raise Invalid(
                [i, "period_end"],
                f"{item.period_end} appears twice" + (f" for {key}" if key else ""),
            )
        seen.add((item.period_end, key))
        lo, hi = indicator.min_value, indicator.max_value
        if (lo is not None and item.value < lo) or (hi is not None and item.value > hi):
            raise Invalid([i, "value"], f"{item.value} is outside the indicator's range")
        rows.append({**item.model_dump(), "dims_key": key})
    before = [
        _programmed(p.period_end, p.value, p.dims)
        for p in repository.programming(session, [indicator.id]).get(indicator.id, [])
    ]
    after = [
        _programmed(p.period_end, p.value, p.dims)
        for p in sorted(items, key=lambda p: (p.period_end, dims_key(p.dims)))
    ]
    watched = before != after and reprogramming.needs_act(plan)
    # The act is checked before anything is written.
    if watched:
        reprogramming.require_act(plan, act, ["body", "legal_act"])
    versioned = reprogramming.load_indicator_state(session, indicator) if watched else None
    repository.replace_programming(session, indicator, rows)
    if watched:
        reprogramming.record_change(
            session,
            actor,
            plan,
            before=versioned,
            after=reprogramming.load_indicator_state(session, indicator),
            act=act,
            reason=reason,
            loc=["body", "legal_act"],
            indicator_id=indicator.id,
        )
    if before != after:
        changes.record(
            session,
            actor,
            plan,
            entity="programming",
            entity_id=indicator.id,
            entity_code=indicator.code,
            operation="replace",
            before={"items": before},
            after={"items": after},
            reason=reason,
        )


def _programmed(period_end: date, value: Decimal, dims: dict) -> dict:
    """A planned value as the change log records it (dims only where it has some)."""
    out = {"period_end": period_end.isoformat(), "value": str(value)}
    return {**out, "dims": dims} if dims else out


# --- budget ------------------------------------------------------------------------------


def create_allocation(
    session: Session, actor: Actor, plan: Plan, data: BudgetAllocationCreate, reason: str | None
) -> BudgetAllocation:
    changes.check_writable(plan, reason)
    refs = [r for r in (data.unit_id, data.unit_code) if r]
    if len(refs) != 1:
        raise Invalid(["unit_id"], "name the unit (unit_id or unit_code)")
    unit_id = _units(session, plan, refs, "unit_id")[0]
    action = _ref(session, Action, plan, data.action_id, data.action_code, "action")
    node = _ref(session, Node, plan, data.node_id, data.node_code, "node")
    if (action is None) == (node is None):
        raise Invalid(["action_id"], "an allocation is against exactly one action or one node")
    plan.check_in_years(data.year, ["year"])
    row = BudgetAllocation(
        plan_id=plan.id,
        unit_id=unit_id,
        action_id=action.id if action else None,
        node_id=node.id if node else None,
        year=data.year,
        planned=data.planned,
        executed=data.executed,
        note=data.note,
    )
    repository.save(session, row)
    changes.record(
        session,
        actor,
        plan,
        entity="budget_allocation",
        entity_id=row.id,
        entity_code=None,
        operation="create",
        before=None,
        after=BudgetAllocationPublic.model_validate(row),
        reason=reason,
    )
    return row


def update_allocation(
    session: Session,
    actor: Actor,
    plan: Plan,
    row: BudgetAllocation,
    data: BudgetAllocationUpdate,
    reason: str | None,
) -> BudgetAllocation:
    changes.check_writable(plan, reason)
    before = BudgetAllocationPublic.model_validate(row)
    values = data.model_dump(exclude_unset=True)
    plan.check_in_years(values.get("year"), ["year"])
    row.sqlmodel_update(values)
    repository.save(session, row)
    after = BudgetAllocationPublic.model_validate(row)
    if after != before:
        changes.record(
            session,
            actor,
            plan,
            entity="budget_allocation",
            entity_id=row.id,
            entity_code=None,
            operation="update",
            before=before,
            after=after,
            reason=reason,
        )
    return row


def delete_allocation(
    session: Session, actor: Actor, plan: Plan, row: BudgetAllocation, reason: str | None
) -> None:
    changes.check_writable(plan, reason)
    before = BudgetAllocationPublic.model_validate(row)
    repository.delete(session, row)
    repository.save(session, plan)
    changes.record(
        session,
        actor,
        plan,
        entity="budget_allocation",
        entity_id=before.id,
        entity_code=None,
        operation="delete",
        before=before,
        after=None,
        reason=reason,
    )


# --- deletion ----------------------------------------------------------------------------


def _subtree(
    session: Session, plan: Plan, kind: str, obj_id: uuid.UUID
) -> tuple[set[uuid.UUID], set[uuid.UUID], set[uuid.UUID]]:
    """Ids of what hangs from an element: (node ids, action ids, indicator ids)."""
    node_ids: set[uuid.UUID] = set()
    if kind == "node":
        node_ids.add(obj_id)
        by_parent: dict = {}
        for n in repository.nodes_of(session, plan.id):
            by_parent.setdefault(n.parent_id, []).append(n.id)
        frontier = [obj_id]
        while frontier:
            nxt = []
            for nid in frontier:
                for child in by_parent.get(nid, []):
                    if child not in node_ids:
                        node_ids.add(child)
                        nxt.append(child)
            frontier = nxt
    if kind == "action":
        action_ids = {obj_id}
    else:
        action_ids = repository.ids_where_in(session, col(Action.node_id), node_ids)
    if kind == "indicator":
        indicator_ids = {obj_id}
    else:
        indicator_ids = repository.ids_where_in(
            session, col(Indicator.action_id), action_ids
        ) | repository.ids_where_in(session, col(Indicator.node_id), node_ids)
    return node_ids, action_ids, indicator_ids


def forget_files(session: Session, storage: Storage, hashes: set[str]) -> None:
    """After a delete that took evidence along (cascade): remove each file no row holds any
    more, once the transaction has committed (files are content-addressed: another row, of
    any plan, may hold the same one)."""
    for sha in sorted(hashes - repository.evidence_files_in_use(session, hashes)):
        delete_after_commit(session, storage, sha)


def delete_element(
    session: Session,
    actor: Actor,
    plan: Plan,
    kind: str,
    obj: Node | Action | Indicator,
    before: NodePublic | ActionPublic | IndicatorPublic,
    reason: str | None,
    storage: Storage,
) -> dict[str, int]:
    """Delete an element; in a draft with all that hangs from it, said in the answer.

    Once the plan is approved nothing is deleted in cascade: an element anything depends on
    (children, indicators, contributions, programming, budget, measurements) answers 409,
    and can be retired instead. What goes is counted first; the database's ON DELETE CASCADE
    foreign keys then delete it.
    """
    changes.check_writable(plan, reason)
    node_ids, action_ids, indicator_ids = _subtree(session, plan, kind, obj.id)
    count = repository.count_in
    counts = {
        "nodes": len(node_ids),
        "actions": len(action_ids),
        "indicators": len(indicator_ids),
        "contributions": repository.count_contributions(session, indicator_ids, node_ids),
        "programming": count(session, col(Programming.indicator_id), indicator_ids),
        "budget_allocations": count(session, col(BudgetAllocation.node_id), node_ids)
        + count(session, col(BudgetAllocation.action_id), action_ids),
        **repository.indicator_dependents(session, indicator_ids),
        "financial_executions": repository.financial_executions_of(session, action_ids),
    }
    if plan.status != "draft":
        own = {"node": "nodes", "action": "actions", "indicator": "indicators"}[kind]
        others = {k: v - (1 if k == own else 0) for k, v in counts.items()}
        if kind == "indicator":
            # Its own contributions and programming belong to it.
            others["contributions"] = others["programming"] = 0
        blocking = {k: v for k, v in others.items() if v}
        if blocking:
            detail = ", ".join(f"{v} {k}" for k, v in blocking.items())
            raise Conflict(
                f"The plan is {plan.status} and {detail} depend on this {kind}: "
                "it is not deleted. Retire it instead (PATCH with retired: true)."
            )
    models: dict[str, type[Node | Action | Indicator]] = {
        "node": Node,
        "action": Action,
        "indicator": Indicator,
    }
    model = models[kind]
    files = repository.evidence_files_under(session, indicator_ids=indicator_ids)
    repository.delete_by_id(session, model, obj.id)
    forget_files(session, storage, files)
    changes.record(
        session,
        actor,
        plan,
        entity=kind,
        entity_id=obj.id,
        entity_code=obj.code,
        operation="delete",
        before=before,
        after={"deleted": counts},
        reason=reason,
    )
    return counts
