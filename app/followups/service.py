"""Follow-ups: written by the indicator's units while the cut is open, then reviewed."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.models import utcnow
from app.core.pagination import PageParams, paginate
from app.cuts import lock_exceptions
from app.cuts.models import Cut, LockException
from app.followups import repository
from app.followups.models import FollowUp, FollowUpEvent
from app.followups.schemas import FollowUpEventPublic, FollowUpPublic, FollowUpWrite
from app.plans.models import Indicator, Plan
from app.plans.repository import responsible_units
from app.webhooks import service as webhooks

EDITABLE = ("draft", "returned")


def indicator_of(session: Session, plan: Plan, indicator_id: uuid.UUID) -> Indicator:
    indicator = repository.indicator(session, indicator_id)
    if indicator is None or indicator.plan_id != plan.id:
        raise NotFound("indicator", indicator_id)
    return indicator


def find(session: Session, cut: Cut, indicator: Indicator) -> FollowUp | None:
    return repository.find(session, cut.id, indicator.id)


def get(session: Session, cut: Cut, indicator: Indicator) -> FollowUp:
    followup = find(session, cut, indicator)
    if followup is None:
        raise NotFound("follow-up of indicator", indicator.code)
    return followup


def check_may_write(session: Session, actor: Actor, indicator: Indicator) -> None:
    """403 unless the actor may write for the units answering for the indicator (the rule is
    Actor.may_write_for); the units are loaded only when the role alone does not decide."""
    if actor.writes_for_every_unit:
        return
    if not actor.may_write_for(responsible_units(session, [indicator])[indicator.id]):
        raise Forbidden(f"Indicator {indicator.code} is not one of your units'.")


def check_open(cut: Cut) -> None:
    if cut.status != "open":
        raise Conflict(f"The cut is {cut.status}: its follow-ups and evidence cannot change.")


def check_open_or_unlocked(
    session: Session, cut: Cut, indicator: Indicator
) -> LockException | None:
    """An open cut, or a frozen one with an active lock exception of a unit answering for the
    indicator (returned, to record its use); 409 otherwise, and when that exception expired."""
    if cut.status == "open":
        return None
    unlocks = lock_exceptions.unlocks_of_cut(session, cut)
    if unlocks:
        exception = unlocks.find(cut, responsible_units(session, [indicator])[indicator.id])
        if exception is not None:
            return exception
    check_open(cut)
    return None


def _record_use(
    session: Session,
    actor: Actor,
    plan: Plan | None,
    cut: Cut,
    indicator: Indicator,
    exception: LockException | None,
    what: str,
) -> None:
    if exception is None or plan is None:
        return
    lock_exceptions.record_uses(
        session,
        actor,
        plan,
        {cut.id: cut},
        [(exception, {"indicator_code": indicator.code})],
        what,
    )


def _event(
    session: Session,
    actor: Actor,
    followup: FollowUp,
    to_status: str,
    comment: str | None = None,
) -> None:
    repository.add(
        session,
        FollowUpEvent(
            followup_id=followup.id,
            actor_id=actor.user_id,
            actor_username=actor.username,
            from_status=followup.status,
            to_status=to_status,
            comment=comment,
        ),
    )
    followup.status = to_status


def write(
    session: Session,
    actor: Actor,
    cut: Cut,
    indicator: Indicator,
    data: FollowUpWrite,
    plan: Plan | None = None,
) -> tuple[FollowUp, bool]:
    exception = check_open_or_unlocked(session, cut, indicator)
    check_may_write(session, actor, indicator)
    found = find(session, cut, indicator)
    created = found is None
    followup = found or FollowUp(cut_id=cut.id, indicator_id=indicator.id)
    if not created and followup.status not in EDITABLE:
        raise Conflict(
            f"The follow-up is {followup.status}: it can no longer be edited"
            + (" (ask for it to be returned)." if followup.status == "submitted" else ".")
        )
    followup.sqlmodel_update(data.model_dump())
    followup.updated_by = actor.user_id
    repository.save(session, followup)
    _record_use(session, actor, plan, cut, indicator, exception, "followup")
    return followup, created


def transition(
    session: Session,
    actor: Actor,
    cut: Cut,
    indicator: Indicator,
    action: str,
    comment: str | None = None,
    plan: Plan | None = None,
) -> FollowUp:
    exception = check_open_or_unlocked(session, cut, indicator)
    followup = get(session, cut, indicator)
    allowed = {"submit": EDITABLE, "approve": ("submitted",), "return": ("submitted",)}[action]
    if followup.status not in allowed:
        raise Conflict(
            f"The follow-up is {followup.status}: `{action}` needs it {' or '.join(allowed)}."
        )
    now = utcnow()
    if action == "submit":
        check_may_write(session, actor, indicator)
        _event(session, actor, followup, "submitted")
        followup.submitted_by, followup.submitted_at = actor.user_id, now
        followup.return_comment = None
    else:
        _event(session, actor, followup, "approved" if action == "approve" else "returned", comment)
        followup.reviewed_by, followup.reviewed_at = actor.user_id, now
        if action == "return":
            followup.return_comment = comment
    repository.save(session, followup)
    _record_use(session, actor, plan, cut, indicator, exception, f"followup.{action}")
    webhooks.followup_event(session, cut, indicator, followup, f"followup.{followup.status}")
    return followup


def public(session: Session, followups: list[FollowUp]) -> list[FollowUpPublic]:
    """Follow-ups with their indicator codes, evidence counts and events: three statements."""
    ids = [f.id for f in followups]
    if not ids:
        return []
    codes = repository.indicator_codes(session, [f.indicator_id for f in followups])
    counts = repository.evidence_counts(session, ids)
    events = defaultdict(list)
    for e in repository.events_of(session, ids):
        events[e.followup_id].append(
            FollowUpEventPublic(
                at=e.created_at,
                actor_username=e.actor_username,
                from_status=e.from_status,
                to_status=e.to_status,
                comment=e.comment,
            )
        )
    return [
        FollowUpPublic.model_validate(
            {
                **f.model_dump(),
                "indicator_code": codes[f.indicator_id],
                "evidence_count": counts.get(f.id, 0),
                "events": events[f.id],
            }
        )
        for f in followups
    ]


def list_(
    session: Session, cut: Cut, page: PageParams, *, status: str | None
) -> tuple[list[FollowUpPublic], int]:
    items, total = paginate(session, repository.list_stmt(cut.id, status), page)
    return public(session, items), total
