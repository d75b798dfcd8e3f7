"""What plan routes (and the routes of what hangs from plans) load and check before acting."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.auth.actor import Actor
from app.auth.deps import ActorDep
from app.core.db import SessionDep
from app.core.errors import NotFound
from app.core.storage import Storage
from app.plans import repository, service
from app.plans.models import Action, BudgetAllocation, Indicator, Node, Plan


def visible_plan(plan_id: uuid.UUID, session: SessionDep, actor: ActorDep) -> Plan:
    return service.get_visible(session, actor, plan_id)


PlanDep = Annotated[Plan, Depends(visible_plan)]


def _load(session: Session, actor: Actor, model, what: str, obj_id: uuid.UUID):
    """An element and its plan; another organization's answers 404 like a missing one."""
    obj, plan = repository.with_plan(session, model, obj_id)
    if obj is None or plan is None or not actor.sees(plan.organization_id):
        raise NotFound(what, obj_id)
    return obj, plan


def visible_node(node_id: uuid.UUID, session: SessionDep, actor: ActorDep):
    return _load(session, actor, Node, "node", node_id)


def visible_action(action_id: uuid.UUID, session: SessionDep, actor: ActorDep):
    return _load(session, actor, Action, "action", action_id)


def visible_indicator(indicator_id: uuid.UUID, session: SessionDep, actor: ActorDep):
    return _load(session, actor, Indicator, "indicator", indicator_id)


def visible_allocation(allocation_id: uuid.UUID, session: SessionDep, actor: ActorDep):
    return _load(session, actor, BudgetAllocation, "budget allocation", allocation_id)


NodeDep = Annotated[tuple[Node, Plan], Depends(visible_node)]
ActionDep = Annotated[tuple[Action, Plan], Depends(visible_action)]
IndicatorDep = Annotated[tuple[Indicator, Plan], Depends(visible_indicator)]
AllocationDep = Annotated[tuple[BudgetAllocation, Plan], Depends(visible_allocation)]


def file_storage(request: Request) -> Storage:
    """Where evidence files are kept: deleting a plan or an element removes the files its
    evidence held (app.main.create_app sets it up)."""
    return request.app.state.storage


FileStorageDep = Annotated[Storage, Depends(file_storage)]
