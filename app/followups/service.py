"""Follow-ups: written by the indicator's units while the cut is open, then reviewed."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlmodel import Session

from app.auth.actor import Actor
from app.compute import Accumulation, IndicatorSeries, compute_advance
from app.compute.dimensions import KeyedValue, total_series
from app.compute.evidence_rules import EvidenceMode, needs_evidence, rule_of
from app.compute.types import ZERO
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


def check_evidence_rule(
    session: Session, cut: Cut, indicator: Indicator, followup: FollowUp
) -> None:
    """409 naming the plan's evidence rule when, in `block` mode, the follow-up needs more
    evidence than it has (app.compute.evidence_rules decides which follow-ups need it)."""
    plan = session.get(Plan, cut.plan_id)
    if plan is None or plan.evidence_min_count == 0 or plan.evidence_mode != EvidenceMode.BLOCK:
        return
    rule = rule_of(plan.evidence_min_count, plan.evidence_scope, plan.evidence_mode)
    attached = repository.evidence_counts(session, [followup.id]).get(followup.id, 0)
    if attached >= rule.min_count:
        return
    programming, measured = repository.dated_values(session, indicator.id, cut.cut_date)
    series = IndicatorSeries(
        accumulation=Accumulation(indicator.accumulation),
        # The totals, disaggregated values counted once (app.compute.dimensions).
        programming=total_series(indicator.total_mode, [KeyedValue(*p) for p in programming]),
        measurements=total_series(indicator.total_mode, [KeyedValue(*m) for m in measured]),
        baseline=indicator.baseline_value if indicator.baseline_value is not None else ZERO,
        target=indicator.target_value,
    )
    advance = compute_advance(series, cut.cut_date)
    if needs_evidence(rule, advance, cut.cut_date, plan.tolerance_pct):
        raise Conflict(
            f"Evidence rule of plan {plan.code} (evidence_min_count={rule.min_count}, "
            f"evidence_scope={rule.scope.value}, evidence_mode=block): the follow-up of "
            f"indicator {indicator.code} needs {rule.min_count} piece(s) of evidence and has "
            f"{attached}. Regla de evidencias: {rule.description}."
        )


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
        check_evidence_rule(session, cut, indicator, followup)
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
