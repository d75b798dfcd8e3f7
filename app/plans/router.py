"""HTTP routes of plans and their elements: nodes, actions, indicators, programming, budget."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Response, status
from pydantic import Field

from app.auth.deps import ActorDep, EditorDep, OptionalActorDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.etag import check_if_match, with_etag
from app.core.pagination import Page, PageDep
from app.core.schemas import CODE_PATTERN, LINE_PATTERN
from app.plans import elements, public, reprogramming, service
from app.plans.dependencies import (
    ActionDep,
    AllocationDep,
    FileStorageDep,
    IndicatorDep,
    NodeDep,
    PlanDep,
)
from app.plans.schemas import (
    ActionCreate,
    ActionPublic,
    ActionUpdate,
    BudgetAllocationCreate,
    BudgetAllocationPublic,
    BudgetAllocationUpdate,
    ChangePublic,
    DeletionSummary,
    IndicatorCreate,
    IndicatorPublic,
    IndicatorUpdate,
    NodeCreate,
    NodePublic,
    NodeUpdate,
    PlanCreate,
    PlanKind,
    PlanPublic,
    PlanStatus,
    PlanTree,
    PlanUpdate,
    ProgrammingItem,
    ProgrammingPublic,
    ProgrammingReplace,
    ProgrammingVersionPublic,
)

router = APIRouter(
    prefix="/api/v1", tags=["plans"], responses=problem_responses(400, 401, 404, 413, 422)
)
WRITE_ERRORS = problem_responses(403, 409, 412)

ReasonQuery = Annotated[
    str | None,
    Query(
        max_length=2000,
        pattern=LINE_PATTERN,
        description="Why (control de cambios); required once the plan is approved",
    ),
]
IfMatch = Annotated[str | None, Header()]
Retired = Annotated[bool, Query(description="Include retired elements")]


# --- plans -------------------------------------------------------------------------------


@router.get("/plans", response_model=Page[PlanPublic], name="list_plans")
def list_plans(
    session: SessionDep,
    actor: ActorDep,
    page: PageDep,
    organization_id: uuid.UUID | None = None,
    kind: PlanKind | None = None,
    status: PlanStatus | None = None,
    year: Annotated[
        int | None, Query(ge=1900, le=2200, description="Plans in force that year")
    ] = None,
    code: Annotated[str | None, Query(max_length=40, pattern=CODE_PATTERN)] = None,
):
    items, total = service.list_(
        session,
        actor,
        page,
        organization_id=organization_id,
        kind=kind,
        status=status,
        year=year,
        code=code,
    )
    return Page(items=[PlanPublic.model_validate(p) for p in items], total=total)


@router.post(
    "/plans",
    response_model=PlanPublic,
    status_code=status.HTTP_201_CREATED,
    name="create_plan",
    responses=WRITE_ERRORS,
)
def create_plan(actor: EditorDep, data: PlanCreate, session: SessionDep, response: Response):
    plan = service.create(session, actor, data)
    response.headers["Location"] = f"/api/v1/plans/{plan.id}"
    return with_etag(response, PlanPublic.model_validate(plan))


@router.get("/plans/{plan_id}", response_model=PlanPublic, name="get_plan")
def get_plan(plan: PlanDep, response: Response):
    return with_etag(response, PlanPublic.model_validate(plan))


@router.patch(
    "/plans/{plan_id}", response_model=PlanPublic, name="update_plan", responses=WRITE_ERRORS
)
def update_plan(
    plan: PlanDep,
    actor: EditorDep,
    data: PlanUpdate,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
):
    check_if_match(if_match, PlanPublic.model_validate(plan))
    plan = service.update(session, actor, plan, data, reason)
    return with_etag(response, PlanPublic.model_validate(plan))


@router.delete(
    "/plans/{plan_id}", response_model=DeletionSummary, name="delete_plan", responses=WRITE_ERRORS
)
def delete_plan(
    plan: PlanDep,
    actor: EditorDep,
    session: SessionDep,
    storage: FileStorageDep,
    if_match: IfMatch = None,
):
    check_if_match(if_match, PlanPublic.model_validate(plan))
    return DeletionSummary(deleted=service.delete_plan(session, actor, plan, storage))


@router.get(
    "/plans/{plan_id}/tree",
    response_model=PlanTree,
    name="get_plan_tree",
    description="Public (no token) for plans with a published cut, for portals.",
)
def get_plan_tree(
    plan_id: uuid.UUID,
    session: SessionDep,
    actor: OptionalActorDep,
    include_retired: Retired = False,
):
    plan = service.get_visible(session, actor, plan_id, public_ok=True)
    return service.tree(session, plan, include_retired=include_retired and actor is not None)


@router.get("/plans/{plan_id}/changes", response_model=Page[ChangePublic], name="list_plan_changes")
def list_plan_changes(
    plan: PlanDep,
    session: SessionDep,
    page: PageDep,
    entity: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=CODE_PATTERN,
            description="plan, node, action, indicator, programming, budget_allocation, cut…",
        ),
    ] = None,
    entity_id: uuid.UUID | None = None,
    since: Annotated[datetime | None, Query(description="From this instant (inclusive)")] = None,
    until: Annotated[datetime | None, Query(description="Before this instant")] = None,
):
    items, total = service.list_changes(
        session, plan, page, entity=entity, entity_id=entity_id, since=since, until=until
    )
    return Page(items=items, total=total)


# --- nodes -------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/nodes", response_model=Page[NodePublic], name="list_nodes")
def list_nodes(
    plan: PlanDep,
    session: SessionDep,
    page: PageDep,
    parent_id: uuid.UUID | None = None,
    level: Annotated[int | None, Query(ge=0, le=20)] = None,
    include_retired: Retired = False,
):
    items, total = service.list_nodes(
        session, plan, page, include_retired=include_retired, parent_id=parent_id, level=level
    )
    return Page(items=items, total=total)


@router.post(
    "/plans/{plan_id}/nodes",
    response_model=NodePublic,
    status_code=status.HTTP_201_CREATED,
    name="create_node",
    responses=WRITE_ERRORS,
)
def create_node(
    plan: PlanDep,
    actor: EditorDep,
    data: NodeCreate,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
):
    node = elements.create_node(session, actor, plan, data, reason)
    response.headers["Location"] = f"/api/v1/nodes/{node.id}"
    return with_etag(response, public.node_public(node, plan))


@router.get("/nodes/{node_id}", response_model=NodePublic, name="get_node")
def get_node(found: NodeDep, response: Response):
    node, plan = found
    return with_etag(response, public.node_public(node, plan))


@router.patch(
    "/nodes/{node_id}", response_model=NodePublic, name="update_node", responses=WRITE_ERRORS
)
def update_node(
    found: NodeDep,
    actor: EditorDep,
    data: NodeUpdate,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
):
    node, plan = found
    check_if_match(if_match, public.node_public(node, plan))
    node = elements.update_node(session, actor, plan, node, data, reason)
    return with_etag(response, public.node_public(node, plan))


@router.delete(
    "/nodes/{node_id}", response_model=DeletionSummary, name="delete_node", responses=WRITE_ERRORS
)
def delete_node(
    found: NodeDep,
    actor: EditorDep,
    session: SessionDep,
    storage: FileStorageDep,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
):
    node, plan = found
    before = public.node_public(node, plan)
    check_if_match(if_match, before)
    return DeletionSummary(
        deleted=elements.delete_element(session, actor, plan, "node", node, before, reason, storage)
    )


# --- actions -----------------------------------------------------------------------------


@router.get("/plans/{plan_id}/actions", response_model=Page[ActionPublic], name="list_actions")
def list_actions(
    plan: PlanDep,
    session: SessionDep,
    page: PageDep,
    node_id: uuid.UUID | None = None,
    include_retired: Retired = False,
):
    items, total = service.list_actions(
        session, plan, page, include_retired=include_retired, node_id=node_id
    )
    return Page(items=items, total=total)


@router.post(
    "/plans/{plan_id}/actions",
    response_model=ActionPublic,
    status_code=status.HTTP_201_CREATED,
    name="create_action",
    responses=WRITE_ERRORS,
)
def create_action(
    plan: PlanDep,
    actor: EditorDep,
    data: ActionCreate,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
):
    action = elements.create_action(session, actor, plan, data, reason)
    response.headers["Location"] = f"/api/v1/actions/{action.id}"
    return with_etag(response, public.action_public(session, action))


@router.get("/actions/{action_id}", response_model=ActionPublic, name="get_action")
def get_action(found: ActionDep, session: SessionDep, response: Response):
    return with_etag(response, public.action_public(session, found[0]))


@router.patch(
    "/actions/{action_id}",
    response_model=ActionPublic,
    name="update_action",
    responses=WRITE_ERRORS,
)
def update_action(
    found: ActionDep,
    actor: EditorDep,
    data: ActionUpdate,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
):
    action, plan = found
    check_if_match(if_match, public.action_public(session, action))
    action = elements.update_action(session, actor, plan, action, data, reason)
    return with_etag(response, public.action_public(session, action))


@router.delete(
    "/actions/{action_id}",
    response_model=DeletionSummary,
    name="delete_action",
    responses=WRITE_ERRORS,
)
def delete_action(
    found: ActionDep,
    actor: EditorDep,
    session: SessionDep,
    storage: FileStorageDep,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
):
    action, plan = found
    before = public.action_public(session, action)
    check_if_match(if_match, before)
    return DeletionSummary(
        deleted=elements.delete_element(
            session, actor, plan, "action", action, before, reason, storage
        )
    )


# --- indicators --------------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/indicators", response_model=Page[IndicatorPublic], name="list_indicators"
)
def list_indicators(
    plan: PlanDep,
    session: SessionDep,
    page: PageDep,
    action_id: uuid.UUID | None = None,
    node_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    code: Annotated[str | None, Query(max_length=40, pattern=CODE_PATTERN)] = None,
    include_retired: Retired = False,
):
    items, total = service.list_indicators(
        session,
        plan,
        page,
        include_retired=include_retired,
        action_id=action_id,
        node_id=node_id,
        unit_id=unit_id,
        code=code,
    )
    return Page(items=items, total=total)


@router.post(
    "/plans/{plan_id}/indicators",
    response_model=IndicatorPublic,
    status_code=status.HTTP_201_CREATED,
    name="create_indicator",
    responses=WRITE_ERRORS,
)
def create_indicator(
    plan: PlanDep,
    actor: EditorDep,
    data: IndicatorCreate,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
):
    indicator = elements.create_indicator(session, actor, plan, data, reason)
    response.headers["Location"] = f"/api/v1/indicators/{indicator.id}"
    return with_etag(response, public.indicator_public(session, plan, indicator))


@router.get("/indicators/{indicator_id}", response_model=IndicatorPublic, name="get_indicator")
def get_indicator(found: IndicatorDep, session: SessionDep, response: Response):
    indicator, plan = found
    return with_etag(response, public.indicator_public(session, plan, indicator))


@router.patch(
    "/indicators/{indicator_id}",
    response_model=IndicatorPublic,
    name="update_indicator",
    responses=WRITE_ERRORS,
)
def update_indicator(
    found: IndicatorDep,
    actor: EditorDep,
    data: IndicatorUpdate,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
):
    indicator, plan = found
    check_if_match(if_match, public.indicator_public(session, plan, indicator))
    indicator = elements.update_indicator(session, actor, plan, indicator, data, reason)
    return with_etag(response, public.indicator_public(session, plan, indicator))


@router.delete(
    "/indicators/{indicator_id}",
    response_model=DeletionSummary,
    name="delete_indicator",
    responses=WRITE_ERRORS,
)
def delete_indicator(
    found: IndicatorDep,
    actor: EditorDep,
    session: SessionDep,
    storage: FileStorageDep,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
):
    indicator, plan = found
    before = public.indicator_public(session, plan, indicator)
    check_if_match(if_match, before)
    return DeletionSummary(
        deleted=elements.delete_element(
            session, actor, plan, "indicator", indicator, before, reason, storage
        )
    )


@router.get(
    "/indicators/{indicator_id}/programming",
    response_model=ProgrammingPublic,
    name="get_programming",
)
def get_programming(found: IndicatorDep, session: SessionDep, response: Response):
    indicator, plan = found
    return with_etag(response, service.programming_public(session, plan, indicator))


# The object first: documentation samplers (ReDoc) take the first choice of a union, and a
# list merged with the body's description is a sample they cannot build.
ProgrammingBody = Annotated[
    ProgrammingReplace | Annotated[list[ProgrammingItem], Field(max_length=5000)],
    Body(
        description="The whole schedule: the bare list, or `{items, legal_act, reason}`; once "
        "the plan is approved a change needs `legal_act` (reprogramming)"
    ),
]


@router.put(
    "/indicators/{indicator_id}/programming",
    response_model=ProgrammingPublic,
    name="replace_programming",
    responses=WRITE_ERRORS,
)
def replace_programming(
    found: IndicatorDep,
    actor: EditorDep,
    body: ProgrammingBody,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
):
    indicator, plan = found
    check_if_match(if_match, service.programming_public(session, plan, indicator))
    if isinstance(body, ProgrammingReplace):
        items, act, reason = body.items, body.legal_act, body.reason or reason
    else:
        items, act = body, None
    elements.replace_programming(session, actor, plan, indicator, items, reason, act=act)
    return with_etag(response, service.programming_public(session, plan, indicator))


@router.get(
    "/indicators/{indicator_id}/programming/history",
    response_model=Page[ProgrammingVersionPublic],
    name="list_programming_history",
)
def list_programming_history(found: IndicatorDep, session: SessionDep, page: PageDep):
    """The versions of the indicator's programming, target and weights, oldest first: version
    1 is what was in force at the plan's approval; each reprogramming adds one with its act."""
    items, total = reprogramming.history(session, found[0], page)
    return Page(items=items, total=total)


# --- budget allocations ------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/budget-allocations",
    response_model=Page[BudgetAllocationPublic],
    name="list_budget_allocations",
)
def list_budget_allocations(
    plan: PlanDep,
    session: SessionDep,
    page: PageDep,
    unit_id: uuid.UUID | None = None,
    node_id: uuid.UUID | None = None,
    action_id: uuid.UUID | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
):
    items, total = service.list_allocations(
        session, plan, page, unit_id=unit_id, node_id=node_id, action_id=action_id, year=year
    )
    return Page(items=items, total=total)


@router.post(
    "/plans/{plan_id}/budget-allocations",
    response_model=BudgetAllocationPublic,
    status_code=status.HTTP_201_CREATED,
    name="create_budget_allocation",
    responses=WRITE_ERRORS,
)
def create_budget_allocation(
    plan: PlanDep,
    actor: EditorDep,
    data: BudgetAllocationCreate,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
):
    row = elements.create_allocation(session, actor, plan, data, reason)
    response.headers["Location"] = f"/api/v1/budget-allocations/{row.id}"
    return with_etag(response, BudgetAllocationPublic.model_validate(row))


@router.get(
    "/budget-allocations/{allocation_id}",
    response_model=BudgetAllocationPublic,
    name="get_budget_allocation",
)
def get_budget_allocation(found: AllocationDep, response: Response):
    return with_etag(response, BudgetAllocationPublic.model_validate(found[0]))


@router.patch(
    "/budget-allocations/{allocation_id}",
    response_model=BudgetAllocationPublic,
    name="update_budget_allocation",
    responses=WRITE_ERRORS,
)
def update_budget_allocation(
    found: AllocationDep,
    actor: EditorDep,
    data: BudgetAllocationUpdate,
    session: SessionDep,
    response: Response,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
):
    row, plan = found
    check_if_match(if_match, BudgetAllocationPublic.model_validate(row))
    row = elements.update_allocation(session, actor, plan, row, data, reason)
    return with_etag(response, BudgetAllocationPublic.model_validate(row))


@router.delete(
    "/budget-allocations/{allocation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    name="delete_budget_allocation",
    responses=WRITE_ERRORS,
)
def delete_budget_allocation(
    found: AllocationDep,
    actor: EditorDep,
    session: SessionDep,
    reason: ReasonQuery = None,
    if_match: IfMatch = None,
) -> None:
    row, plan = found
    check_if_match(if_match, BudgetAllocationPublic.model_validate(row))
    elements.delete_allocation(session, actor, plan, row, reason)
