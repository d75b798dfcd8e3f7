"""The change-control log ("control de cambios"): who changed what in a plan, when and why.

A closed plan is frozen; once approved, every change must say why and raises its version.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import Conflict, Invalid
from app.plans import repository
from app.plans.models import ChangeRecord, Plan

_VOLATILE = {"created_at", "updated_at"}


def snapshot(resource: BaseModel | None) -> dict | None:
    if resource is None:
        return None
    return resource.model_dump(mode="json", exclude=_VOLATILE)


def check_writable(plan: Plan, reason: str | None) -> None:
    """A closed plan is frozen; once approved, every change must say why."""
    if plan.status == "closed":
        raise Conflict("The plan is closed: its structure can no longer change.")
    if plan.status != "draft" and not (reason and reason.strip()):
        raise Invalid(
            ["query", "reason"],
            f"The plan is {plan.status}: say why in `reason` (control de cambios).",
        )


def record(
    session: Session,
    actor: Actor,
    plan: Plan,
    *,
    entity: str,
    entity_id: uuid.UUID,
    entity_code: str | None,
    operation: str,
    before: BaseModel | dict | None,
    after: BaseModel | dict | None,
    reason: str | None,
    bump: bool | None = None,
) -> ChangeRecord:
    """Log one change; after approval each recorded change raises the plan's version."""
    if plan.status != "draft" if bump is None else bump:
        plan.version += 1
        repository.add(session, plan)
    row = ChangeRecord(
        plan_id=plan.id,
        actor_id=actor.user_id,
        actor_username=actor.username,
        entity=entity,
        entity_id=entity_id,
        entity_code=entity_code,
        operation=operation,
        before=before if isinstance(before, dict) or before is None else snapshot(before),
        after=after if isinstance(after, dict) or after is None else snapshot(after),
        reason=reason.strip() if reason else None,
        plan_version=plan.version,
    )
    repository.add(session, row)
    return row
