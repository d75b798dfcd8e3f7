"""Plans: creation, status transitions, the nested tree, and shaping elements for output."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import func, or_, select
from sqlmodel import Session

from app.auth.actor import Actor
from app.changes import service as changes
from app.compute import Accumulation, DatedValue, planned_for_year
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.pagination import PageParams, paginate
from app.plans import repository
from app.plans.models import Action, Indicator, Node, Plan
from app.plans.schemas import (
    DEFAULT_BAND_BODIES,
    ActionPublic,
    AnnualProgramming,
    ContributionOut,
    IndicatorPublic,
    NodePublic,
    PlanCreate,
    PlanPublic,
    PlanTree,
    PlanUpdate,
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
    if plan is not None and actor is None and public_ok and has_published_cut(session, plan.id):
        return plan
    raise NotFound("plan", plan_id)


def has_published_cut(session: Session, plan_id: uuid.UUID) -> bool:
    from app.cuts.models import Cut

    return (
        session.execute(
            select(Cut.id).where(Cut.plan_id == plan_id, Cut.status == "published").limit(1)
        ).first()
        is not None
    )


def list_(
    session: Session, actor: Actor, page: PageParams, *, organization_id, kind, status, year, code
):
    if not actor.is_platform_admin:
        if organization_id not in (None, actor.organization_id):
            return [], 0
        organization_id = actor.organization_id
    stmt = repository.plans_stmt(
        organization_id=organization_id, kind=kind, status=status, year=year, code=code
    )
    return paginate(session, stmt, page)


def create(session: Session, actor: Actor, data: PlanCreate) -> Plan:
    organization_id = data.organization_id or actor.organization_id
    if organization_id is None:
        raise Invalid(["organization_id"], "a platform administrator must name the organization")
    if not actor.sees(organization_id):
        raise Forbidden("You may create plans only in your own organization.")
    body = data.model_dump(mode="json", exclude={"organization_id"})
    if body["bands"] is None:
        body["bands"] = DEFAULT_BAND_BODIES
    plan = Plan(organization_id=organization_id, **{**body, "tolerance_pct": data.tolerance_pct})
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
    if "tolerance_pct" in values:
        values["tolerance_pct"] = data.tolerance_pct
    first = values.get("first_year", plan.first_year)
    last = values.get("last_year", plan.last_year)
    if last < first:
        raise Invalid(["last_year"], "last_year must not be before first_year")
    if (first, last) != (plan.first_year, plan.last_year):
        _check_years_hold(session, plan, first, last)
    if "levels" in values and len(values["levels"]) < len(plan.levels):
        deepest = session.execute(
            select(func.max(Node.level)).where(Node.plan_id == plan.id)
        ).scalar_one()
        if deepest is not None and deepest >= len(values["levels"]):
            raise Conflict("Nodes exist at the levels you remove; move or delete them first.")
    if "axes" in values:
        _check_axes_hold(session, plan, values["axes"])
    plan.sqlmodel_update(values)
    if status is not None:
        plan.status = status
    repository.save(session, plan)
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
    lo, hi = date(first, 1, 1), date(last, 12, 31)
    outside = session.execute(
        select(func.count())
        .select_from(Action)
        .where(Action.plan_id == plan.id, or_(Action.start_date < lo, Action.due_date > hi))
    ).scalar_one()
    outside += repository.programming_outside(session, plan.id, first, last)
    if outside:
        raise Conflict(
            f"{outside} dates of actions or programming fall outside "
            f"{first}-{last}; change them first."
        )


def _check_axes_hold(session: Session, plan: Plan, axes: list[dict]) -> None:
    allowed = {a["code"]: {v["code"] for v in a["values"]} for a in axes}
    for model in (Action, Indicator):
        for code, values in session.execute(
            select(model.code, model.axis_values).where(
                model.plan_id == plan.id, model.axis_values != {}
            )
        ):
            for axis, value in values.items():
                if value not in allowed.get(axis, ()):
                    raise Conflict(
                        f"{code} is classified as {axis}={value}, which the new "
                        "axes no longer allow; reclassify it first."
                    )


def delete_plan(session: Session, actor: Actor, plan: Plan) -> dict[str, int]:
    if plan.status != "draft":
        raise Conflict("Only a draft plan can be deleted.")
    from app.plans.elements import delete_everything_of

    return delete_everything_of(session, plan)


# --- shaping for output ------------------------------------------------------------------


def annual(accumulation: str, items, first: int, last: int) -> list[AnnualProgramming]:
    points = [DatedValue(p.period_end, p.value) for p in items]
    out = []
    for year in sorted({p.period_end.year for p in points if first <= p.period_end.year <= last}):
        value = planned_for_year(Accumulation(accumulation), points, year)
        if value is not None:
            out.append(AnnualProgramming(year=year, programmed=value))
    return out


def node_public(node: Node, plan: Plan) -> NodePublic:
    level_name = plan.levels[node.level] if node.level < len(plan.levels) else None
    return NodePublic.model_validate({**node.model_dump(), "level_name": level_name})


def actions_public(
    session: Session, actions: list[Action], *, units: dict | None = None
) -> list[ActionPublic]:
    units = (
        units if units is not None else repository.action_units(session, [a.id for a in actions])
    )
    return [
        ActionPublic.model_validate({**a.model_dump(), "unit_ids": units.get(a.id, [])})
        for a in actions
    ]


def indicators_public(
    session: Session,
    plan: Plan,
    indicators: list[Indicator],
    *,
    contributions: dict | None = None,
    programming: dict | None = None,
) -> list[IndicatorPublic]:
    ids = [i.id for i in indicators]
    contributions = (
        contributions if contributions is not None else repository.contributions(session, ids)
    )
    programming = programming if programming is not None else repository.programming(session, ids)
    return [
        IndicatorPublic.model_validate(
            {
                **i.model_dump(),
                "contributions": [
                    ContributionOut.model_validate(c) for c in contributions.get(i.id, [])
                ],
                "annual_programming": annual(
                    i.accumulation, programming.get(i.id, []), plan.first_year, plan.last_year
                ),
            }
        )
        for i in indicators
    ]


def hidden_by_retirement(nodes, actions) -> set:
    """Ids of retired nodes and actions and of all that hangs from them.

    `nodes` come parents first (by level); rows need `id`, `retired_at` and `parent_id`
    (nodes) or `node_id` (actions).
    """
    hidden: set = set()
    for n in nodes:
        if n.retired_at is not None or n.parent_id in hidden:
            hidden.add(n.id)
    for a in actions:
        if a.retired_at is not None or a.node_id in hidden:
            hidden.add(a.id)
    return hidden


def tree(session: Session, plan: Plan, *, include_retired: bool = False) -> PlanTree:
    """The whole plan nested in order, from six statements whatever its size."""
    nodes = repository.nodes_of(session, plan.id)
    actions = repository.actions_of(session, plan.id)
    indicators = repository.indicators_of(session, plan.id)
    if not include_retired:
        hidden = hidden_by_retirement(nodes, actions)
        nodes = [n for n in nodes if n.id not in hidden]
        actions = [a for a in actions if a.id not in hidden]
        indicators = [
            i
            for i in indicators
            if i.retired_at is None and i.action_id not in hidden and i.node_id not in hidden
        ]
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
