"""Cuts: creation inside the plan's years, and the open -> closed -> published cycle."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import Conflict, NotFound
from app.core.models import utcnow
from app.core.pagination import PageParams, paginate
from app.cuts import repository
from app.cuts.models import Cut
from app.cuts.schemas import CutCreate, CutPublic, CutUpdate
from app.plans import changes
from app.plans.models import Plan
from app.webhooks import service as webhooks

# Called in the publishing transaction once the cut is published (app.revisions freezes its
# figures there): packages built on cuts register here, cuts does not import them.
PUBLISH_HOOKS: list[Callable[[Session, Actor, Plan, Cut], None]] = []


def get_visible(
    session: Session, actor: Actor | None, cut_id: uuid.UUID, *, public_ok: bool = False
) -> tuple[Cut, Plan]:
    """A cut and its plan; another organization's (or, anonymously, an unpublished) is 404."""
    row = repository.with_plan(session, cut_id)
    if row is None:
        raise NotFound("cut", cut_id)
    cut, plan = row
    if actor is not None and actor.sees(plan.organization_id):
        return cut, plan
    if actor is None and public_ok and cut.status == "published":
        return cut, plan
    raise NotFound("cut", cut_id)


def list_(
    session: Session, plan: Plan, page: PageParams, *, status: str | None, year: int | None
) -> tuple[list[Cut], int]:
    return paginate(session, repository.list_stmt(plan.id, status=status, year=year), page)


def _check_date(plan: Plan, cut_date: date) -> None:
    plan.check_in_years(cut_date, ["cut_date"])


def _record(
    session: Session,
    actor: Actor,
    plan: Plan,
    cut: Cut,
    operation: str,
    before: CutPublic | None,
    reason: str | None = None,
) -> None:
    changes.record(
        session,
        actor,
        plan,
        entity="cut",
        entity_id=cut.id,
        entity_code=cut.code,
        operation=operation,
        before=before,
        after=CutPublic.model_validate(cut),
        reason=reason,
        bump=False,
    )


def create(session: Session, actor: Actor, plan: Plan, data: CutCreate) -> Cut:
    if plan.status == "closed":
        raise Conflict("The plan is closed: no new cuts.")
    _check_date(plan, data.cut_date)
    cut = Cut(plan_id=plan.id, **data.model_dump())
    repository.save(session, cut)
    _record(session, actor, plan, cut, "create", None)
    return cut


def update(session: Session, actor: Actor, plan: Plan, cut: Cut, data: CutUpdate) -> Cut:
    if cut.status != "open":
        raise Conflict(f"The cut is {cut.status}: reopen it to change it.")
    before = CutPublic.model_validate(cut)
    values = data.model_dump(exclude_unset=True)
    if "cut_date" in values:
        _check_date(plan, values["cut_date"])
    cut.sqlmodel_update(values)
    repository.save(session, cut)
    _record(session, actor, plan, cut, "update", before)
    return cut


def close(session: Session, actor: Actor, plan: Plan, cut: Cut) -> Cut:
    if cut.status != "open":
        raise Conflict(f"The cut is already {cut.status}.")
    before = CutPublic.model_validate(cut)
    cut.status, cut.closed_at = "closed", utcnow()
    repository.save(session, cut)
    _record(session, actor, plan, cut, "status", before)
    webhooks.cut_event(session, plan, cut, "cut.closed")
    return cut


def publish(session: Session, actor: Actor, plan: Plan, cut: Cut) -> Cut:
    if cut.status != "closed":
        raise Conflict(
            "Only a closed cut is published (close it first)."
            if cut.status == "open"
            else "The cut is already published."
        )
    before = CutPublic.model_validate(cut)
    cut.status, cut.published_at = "published", utcnow()
    repository.save(session, cut)
    _record(session, actor, plan, cut, "status", before)
    for hook in PUBLISH_HOOKS:
        hook(session, actor, plan, cut)
    webhooks.cut_event(session, plan, cut, "cut.published")
    return cut


def reopen(session: Session, actor: Actor, plan: Plan, cut: Cut, reason: str) -> Cut:
    if cut.status == "open":
        raise Conflict("The cut is already open.")
    before = CutPublic.model_validate(cut)
    cut.status, cut.closed_at, cut.published_at = "open", None, None
    repository.save(session, cut)
    _record(session, actor, plan, cut, "reopen", before, reason)
    return cut


def frozen_cuts(session: Session, plan_id: uuid.UUID) -> list[Cut]:
    """Closed or published cuts of a plan: what they cover can no longer change."""
    return repository.frozen_of(session, plan_id)


def covering(cuts: list[Cut], period_end: date) -> Cut | None:
    """The frozen cut whose year, up to its date, holds `period_end`."""
    for cut in cuts:
        if cut.cut_date.year == period_end.year and period_end <= cut.cut_date:
            return cut
    return None
