"""Plans: creation, status transitions, deletion of a draft, and the nested tree."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlmodel import Session, col

from app.auth.actor import Actor
from app.compute.dimensions import TERRITORY, parse_key
from app.compute.retirement import without_retired
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.pagination import PageParams
from app.core.storage import Storage
from app.plans import changes, repository, reprogramming
from app.plans.elements import forget_files
from app.plans.models import Action, Indicator, Node, Plan
from app.plans.public import actions_public, annual, indicators_public, node_public
from app.plans.schemas import (
    DEFAULT_BAND_BODIES,
    ActionPublic,
    BudgetAllocationPublic,
    ChangePublic,
    IndicatorPublic,
    NodePublic,
    PlanCreate,
    PlanPublic,
    PlanTree,
    PlanUpdate,
    ProgrammingOut,
    ProgrammingPublic,
    TreeAction,
    TreeIndicator,
    TreeNode,
)

TRANSITIONS = {
    "draft": {"approved"},
    "approved": {"in_execution", "draft"},
    "in_execution": {"closed"},
    "closed": set(),
}


def get_visible(
    session: Session, actor: Actor | None, plan_id: uuid.UUID, *, public_ok: bool = False
) -> Plan:
    """The plan if the actor's organization owns it; anonymously (where `public_ok`), only a
    plan with a published cut. Anything else answers 404, as if it did not exist."""
    plan = repository.get(session, Plan, plan_id)
    if plan is not None and actor is not None and actor.sees(plan.organization_id):
        return plan
    if (
        plan is not None
        and actor is None
        and public_ok
        and repository.has_published_cut(session, plan.id)
    ):
        return plan
    raise NotFound("plan", plan_id)


def list_(
    session: Session,
    actor: Actor,
    page: PageParams,
    *,
    organization_id: uuid.UUID | None,
    kind: str | None,
    status: str | None,
    year: int | None,
    code: str | None,
) -> tuple[list[Plan], int]:
    if not actor.is_platform_admin:
        if organization_id not in (None, actor.organization_id):
            return [], 0
        organization_id = actor.organization_id
    return repository.page_of_plans(
        session,
        page,
        organization_id=organization_id,
        kind=kind,
        status=status,
        year=year,
        code=code,
    )


def create(session: Session, actor: Actor, data: PlanCreate) -> Plan:
    organization_id = data.organization_id or actor.organization_id
    if organization_id is None:
        raise Invalid(["organization_id"], "a platform administrator must name the organization")
    if not actor.sees(organization_id):
        raise Forbidden("You may create plans only in your own organization.")
    body = data.model_dump(mode="json", exclude={"organization_id"})
    if body["bands"] is None:
        body["bands"] = DEFAULT_BAND_BODIES
    plan = Plan(
        organization_id=organization_id,
        **{
            **body,
            "tolerance_pct": data.tolerance_pct,
            "financial_gap_threshold_pct": data.financial_gap_threshold_pct,
        },
    )
    repository.save(session, plan)
    changes.record(
        session,
        actor,
        plan,
        entity="plan",
        entity_id=plan.id,
        entity_code=plan.code,
        operation="create",
        before=None,
        after=PlanPublic.model_validate(plan),
        reason=None,
    )
    return plan


def update(
    session: Session, actor: Actor, plan: Plan, data: PlanUpdate, reason: str | None
) -> Plan:
    before = PlanPublic.model_validate(plan)
    values = data.model_dump(mode="json", exclude_unset=True)
    status = values.pop("status", None)
    if status is not None and status != plan.status:
        if status not in TRANSITIONS[plan.status]:
            raise Conflict(
                f"A plan cannot go from {plan.status} to {status}; from "
                f"{plan.status} it may go to: "
                f"{', '.join(sorted(TRANSITIONS[plan.status])) or 'nothing'}."
            )
        if status == "draft" and not (reason and reason.strip()):
            raise Invalid(["query", "reason"], "returning a plan to draft needs a reason")
    if plan.status == "closed" and values:
        raise Conflict("The plan is closed: it can no longer change.")
    if values:
        # Edits of an approved plan need a reason; a status transition alone does not.
        changes.check_writable(plan, reason)
    for exact in ("tolerance_pct", "financial_gap_threshold_pct"):
        if exact in values:
            values[exact] = getattr(data, exact)
    first = values.get("first_year", plan.first_year)
    last = values.get("last_year", plan.last_year)
    if last < first:
        raise Invalid(["last_year"], "last_year must not be before first_year")
    if (first, last) != (plan.first_year, plan.last_year):
        _check_years_hold(session, plan, first, last)
    if "levels" in values and len(values["levels"]) < len(plan.levels):
        deepest = repository.deepest_level(session, plan.id)
        if deepest is not None and deepest >= len(values["levels"]):
            raise Conflict("Nodes exist at the levels you remove; move or delete them first.")
    if "axes" in values:
        _check_axes_hold(session, plan, values["axes"])
    if "dimensions" in values:
        _check_dimensions_hold(session, plan, values["dimensions"])
    plan.sqlmodel_update(values)
    if status is not None:
        plan.status = status
    repository.save(session, plan)
    if before.status == "draft" and plan.status == "approved":
        # What is in force now is the "meta inicial" that reprogrammings are measured against.
        reprogramming.snapshot_at_approval(session, actor, plan)
    after = PlanPublic.model_validate(plan)
    if after != before:
        op = "status" if status and status != before.status and not values else "update"
        changes.record(
            session,
            actor,
            plan,
            entity="plan",
            entity_id=plan.id,
            entity_code=plan.code,
            operation=op,
            before=before,
            after=PlanPublic.model_validate(plan),
            reason=reason,
            bump=before.status != "draft",
        )
    return plan


def _check_years_hold(session: Session, plan: Plan, first: int, last: int) -> None:
    outside = repository.actions_outside(
        session, plan.id, date(first, 1, 1), date(last, 12, 31)
    ) + repository.programming_outside(session, plan.id, first, last)
    if outside:
        raise Conflict(
            f"{outside} dates of actions or programming fall outside "
            f"{first}-{last}; change them first."
        )


def _check_axes_hold(session: Session, plan: Plan, axes: list[dict]) -> None:
    allowed = {a["code"]: {v["code"] for v in a["values"]} for a in axes}
    for model in (Action, Indicator):
        for code, values in repository.classified(session, model, plan.id):
            for axis, value in values.items():
                if value not in allowed.get(axis, ()):
                    raise Conflict(
                        f"{code} is classified as {axis}={value}, which the new "
                        "axes no longer allow; reclassify it first."
                    )


def _check_dimensions_hold(session: Session, plan: Plan, dimensions: list[dict]) -> None:
    """409 when stored values carry a dimension value the new declaration drops."""
    allowed = {d["code"]: {v["code"] for v in d["values"]} for d in dimensions}
    for key in sorted(repository.dimension_keys(session, plan.id)):
        for dimension, value in parse_key(key).items():
            if dimension != TERRITORY and value not in allowed.get(dimension, ()):
                raise Conflict(
                    f"Values are stored for {dimension}={value}, which the new dimensions "
                    "no longer allow; change or delete them first."
                )


def delete_plan(session: Session, actor: Actor, plan: Plan, storage: Storage) -> dict[str, int]:
    """Delete a draft plan; the database takes along all that hangs from it (cascades)."""
    if plan.status != "draft":
        raise Conflict("Only a draft plan can be deleted.")
    counts = {
        "nodes": repository.count_in(session, col(Node.plan_id), [plan.id]),
        "actions": repository.count_in(session, col(Action.plan_id), [plan.id]),
        "indicators": repository.count_in(session, col(Indicator.plan_id), [plan.id]),
    }
    files = repository.evidence_files_under(session, plan_id=plan.id)
    repository.delete_by_id(session, Plan, plan.id)
    forget_files(session, storage, files)
    return counts


# --- lists of a plan's elements -----------------------------------------------------------


def list_changes(
    session: Session, plan: Plan, page: PageParams, **filters: Any
) -> tuple[list[ChangePublic], int]:
    items, total = repository.page_of_changes(session, plan.id, page, **filters)
    return [ChangePublic.model_validate(c) for c in items], total


def list_nodes(
    session: Session, plan: Plan, page: PageParams, *, include_retired: bool, **filters: Any
) -> tuple[list[NodePublic], int]:
    items, total = repository.page_of_elements(
        session, Node, plan.id, page, include_retired=include_retired, **filters
    )
    return [node_public(n, plan) for n in items], total


def list_actions(
    session: Session, plan: Plan, page: PageParams, *, include_retired: bool, **filters: Any
) -> tuple[list[ActionPublic], int]:
    items, total = repository.page_of_elements(
        session, Action, plan.id, page, include_retired=include_retired, **filters
    )
    return actions_public(session, items), total


def list_indicators(
    session: Session, plan: Plan, page: PageParams, *, include_retired: bool, **filters: Any
) -> tuple[list[IndicatorPublic], int]:
    items, total = repository.page_of_elements(
        session, Indicator, plan.id, page, include_retired=include_retired, **filters
    )
    return indicators_public(session, plan, items), total


def list_allocations(
    session: Session, plan: Plan, page: PageParams, **filters: Any
) -> tuple[list[BudgetAllocationPublic], int]:
    items, total = repository.page_of_allocations(session, plan.id, page, **filters)
    return [BudgetAllocationPublic.model_validate(b) for b in items], total


def programming_public(session: Session, plan: Plan, indicator: Indicator) -> ProgrammingPublic:
    items = repository.programming(session, [indicator.id]).get(indicator.id, [])
    return ProgrammingPublic(
        indicator_id=indicator.id,
        items=[ProgrammingOut.model_validate(p) for p in items],
        annual=annual(
            indicator.accumulation, items, plan.first_year, plan.last_year, indicator.total_mode
        ),
    )


# --- the nested tree ---------------------------------------------------------------------


def tree(session: Session, plan: Plan, *, include_retired: bool = False) -> PlanTree:
    """The whole plan nested in order, from six statements whatever its size."""
    nodes = repository.nodes_of(session, plan.id)
    actions = repository.actions_of(session, plan.id)
    indicators = repository.indicators_of(session, plan.id)
    if not include_retired:
        nodes, actions, indicators = without_retired(nodes, actions, indicators)
    units = repository.action_units(session, plan_id=plan.id)
    contribs = repository.contributions(session, plan_id=plan.id)
    programming = repository.programming(session, plan_id=plan.id)

    indicators_by_action: dict = defaultdict(list)
    indicators_by_node: dict = defaultdict(list)
    for ind in indicators_public(
        session, plan, indicators, contributions=contribs, programming=programming
    ):
        target = indicators_by_action if ind.action_id else indicators_by_node
        target[ind.action_id or ind.node_id].append(TreeIndicator(**ind.model_dump()))
    actions_by_node: dict = defaultdict(list)
    for act in actions_public(session, actions, units=units):
        actions_by_node[act.node_id].append(
            TreeAction(**act.model_dump(), indicators=indicators_by_action.get(act.id, []))
        )

    children: dict = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)

    def build(node: Node) -> TreeNode:
        return TreeNode(
            **node_public(node, plan).model_dump(),
            children=[build(c) for c in children.get(node.id, [])],
            actions=actions_by_node.get(node.id, []),
            indicators=indicators_by_node.get(node.id, []),
        )

    roots = [n for n in nodes if n.parent_id is None]
    return PlanTree(
        plan=PlanPublic.model_validate(plan),
        nodes=[build(n) for n in roots],
        actions=actions_by_node.get(None, []),
    )
