"""Reprogramming: once a plan is approved, its programming, targets and weights change only
by a legal act (acuerdo, ordenanza, decreto, resolución, acta), and every change is a version.

Version 1 of each indicator (and node) is what was in force when the plan was approved, the
"meta inicial"; each change after that adds a version with its act and reason. Elements of a
plan approved before versions were kept get their version 1 from the state right before their
first change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col

from app.auth.actor import Actor
from app.core.errors import Invalid
from app.core.models import utcnow
from app.core.pagination import PageParams
from app.plans import repository
from app.plans.models import Contribution, Indicator, Node, Plan, Programming, ProgrammingVersion
from app.plans.schemas import (
    ContributionOut,
    LegalActIn,
    LegalActOut,
    ProgrammingOut,
    ProgrammingVersionPublic,
)

MISSING_ACT = (
    "El plan está {status}: cambiar la programación, las metas o los pesos es una "
    "reprogramación y requiere el acto administrativo que la autoriza en `legal_act` "
    "(kind: acuerdo, ordenanza, decreto, resolución o acta; number; date; url opcional) y "
    "el motivo en `reason`."
)
LAZY_BASELINE_REASON = "Estado en vigor al aprobar el plan (registrado antes de su primer cambio)"


def needs_act(plan: Plan) -> bool:
    return plan.status != "draft"


def require_act(plan: Plan, act: LegalActIn | None, loc: list[str | int]) -> None:
    """422 located at `loc` when an approved plan's programming changes without an act."""
    if needs_act(plan) and act is None:
        raise Invalid(loc, MISSING_ACT.format(status=plan.status))


def _num(value: Decimal | None) -> str | None:
    """An exact decimal as JSON keeps it, without the column's trailing zeros."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _weights(raw: dict) -> dict[str, str]:
    return {str(k): _num(Decimal(str(v))) or "0" for k, v in sorted((raw or {}).items())}


def indicator_state(
    indicator: Indicator,
    programming: Iterable[Programming],
    contributions: Iterable[Contribution] | None,
) -> dict[str, Any]:
    """What a version of an indicator holds: schedule, target, weight, contributions."""
    contribs = list(contributions or [])
    return {
        # The total's schedule (disaggregated values are not versioned: no act governs them).
        "programming": [
            {"period_end": p.period_end.isoformat(), "value": _num(p.value)}
            for p in sorted(programming, key=lambda p: p.period_end)
            if not p.dims_key
        ],
        "target_value": _num(indicator.target_value),
        "weight": _num(indicator.weight),
        "weights_by_year": {},
        "contributions": [
            {
                "node_id": str(c.node_id),
                "weight": _num(c.weight),
                "weights_by_year": _weights(c.weights_by_year),
            }
            for c in sorted(contribs, key=lambda c: str(c.node_id))
        ]
        or None,
    }


def node_state(node: Node) -> dict[str, Any]:
    return {
        "programming": None,
        "target_value": None,
        "weight": _num(node.weight),
        "weights_by_year": _weights(node.weights_by_year),
        "contributions": None,
    }


def load_indicator_state(session: Session, indicator: Indicator) -> dict[str, Any]:
    """The indicator's state as stored now (two statements)."""
    programming = repository.programming(session, [indicator.id]).get(indicator.id, [])
    contributions = repository.contributions(session, [indicator.id]).get(indicator.id)
    return indicator_state(indicator, programming, contributions)


def _act_columns(act: LegalActIn | None) -> dict[str, Any]:
    if act is None:
        return {"act_kind": None, "act_number": None, "act_date": None, "act_url": None}
    return {
        "act_kind": act.kind,
        "act_number": act.number,
        "act_date": act.date,
        "act_url": act.url,
    }


def _row(
    plan: Plan,
    actor: Actor,
    *,
    indicator_id: uuid.UUID | None,
    node_id: uuid.UUID | None,
    version: int,
    origin: str,
    state: dict[str, Any],
    act: LegalActIn | None,
    reason: str | None,
) -> dict[str, Any]:
    return {
        "plan_id": plan.id,
        "indicator_id": indicator_id,
        "node_id": node_id,
        "version": version,
        "origin": origin,
        "period_ends": None
        if state["programming"] is None
        else [date.fromisoformat(p["period_end"]) for p in state["programming"]],
        "values": None
        if state["programming"] is None
        else [Decimal(p["value"]) for p in state["programming"]],
        "target_value": None if state["target_value"] is None else Decimal(state["target_value"]),
        "weight": Decimal(state["weight"]),
        "weights_by_year": state["weights_by_year"],
        "contributions": state["contributions"],
        **_act_columns(act),
        "reason": reason,
        "changed_at": utcnow(),
        "changed_by": actor.user_id,
        "changed_by_username": actor.username,
    }


def record_change(
    session: Session,
    actor: Actor,
    plan: Plan,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    act: LegalActIn | None,
    reason: str | None,
    loc: list[str | int],
    indicator_id: uuid.UUID | None = None,
    node_id: uuid.UUID | None = None,
) -> int | None:
    """Version a change of an approved plan's element; refuse it (422) without an act.

    `before` is None for an element created after the approval: it had no version 1. Returns
    the new version number, or None when nothing versioned changed (or the plan is a draft).
    """
    if not needs_act(plan) or before == after:
        return None
    require_act(plan, act, loc)
    column = (
        col(ProgrammingVersion.indicator_id)
        if indicator_id is not None
        else col(ProgrammingVersion.node_id)
    )
    element_id = indicator_id if indicator_id is not None else node_id
    if element_id is None:
        raise ValueError("a version is of an indicator or a node")
    last = repository.last_versions(session, column, [element_id]).get(element_id)
    rows = []
    ids = {"indicator_id": indicator_id, "node_id": node_id}
    if last is None and before is not None:
        rows.append(
            _row(
                plan,
                actor,
                **ids,
                version=1,
                origin="approval",
                state=before,
                act=None,
                reason=LAZY_BASELINE_REASON,
            )
        )
        last = 1
    version = (last or 0) + 1
    rows.append(
        _row(
            plan,
            actor,
            **ids,
            version=version,
            origin="reprogramming",
            state=after,
            act=act,
            reason=reason.strip() if reason else None,
        )
    )
    repository.add_versions(session, rows)
    return version


def snapshot_at_approval(session: Session, actor: Actor, plan: Plan) -> int:
    """Version every indicator and node as the plan is approved: the "meta inicial".

    Seven statements whatever the plan's size (the schedules come aggregated). Returns how
    many versions were written.
    """
    indicators = repository.indicators_of(session, plan.id)
    nodes = repository.nodes_of(session, plan.id)
    schedules = repository.schedules(session, plan.id)
    contributions = repository.contributions(session, plan_id=plan.id)
    last = repository.last_versions(
        session, col(ProgrammingVersion.indicator_id), [i.id for i in indicators]
    ) | repository.last_versions(session, col(ProgrammingVersion.node_id), [n.id for n in nodes])
    reason = (
        f"Aprobación del plan ({plan.approval_reference})"
        if plan.approval_reference
        else ("Aprobación del plan")
    )
    rows = [
        _row(
            plan,
            actor,
            indicator_id=i.id,
            node_id=None,
            version=last.get(i.id, 0) + 1,
            origin="approval",
            state=indicator_state(i, [], contributions.get(i.id)),
            act=None,
            reason=reason,
        )
        | dict(zip(("period_ends", "values"), schedules.get(i.id, ([], [])), strict=True))
        for i in indicators
    ] + [
        _row(
            plan,
            actor,
            indicator_id=None,
            node_id=n.id,
            version=last.get(n.id, 0) + 1,
            origin="approval",
            state=node_state(n),
            act=None,
            reason=reason,
        )
        for n in nodes
    ]
    repository.add_versions(session, rows)
    return len(rows)


def version_public(v: ProgrammingVersion) -> ProgrammingVersionPublic:
    act = (
        LegalActOut(kind=v.act_kind, number=v.act_number or "", date=v.act_date, url=v.act_url)
        if v.act_kind is not None and v.act_date is not None
        else None
    )
    return ProgrammingVersionPublic(
        id=v.id,
        plan_id=v.plan_id,
        indicator_id=v.indicator_id,
        node_id=v.node_id,
        version=v.version,
        origin=v.origin,
        programming=None
        if v.period_ends is None
        else [
            ProgrammingOut(period_end=d, value=value)
            for d, value in zip(v.period_ends, v.values or [], strict=True)
        ],
        target_value=None if v.target_value is None else Decimal(str(v.target_value)),
        weight=Decimal(str(v.weight)),
        weights_by_year={int(k): Decimal(str(w)) for k, w in (v.weights_by_year or {}).items()},
        contributions=None
        if v.contributions is None
        else [ContributionOut.model_validate(c) for c in v.contributions],
        legal_act=act,
        reason=v.reason,
        changed_at=v.changed_at,
        changed_by_username=v.changed_by_username,
    )


def history(
    session: Session, indicator: Indicator, page: PageParams
) -> tuple[list[ProgrammingVersionPublic], int]:
    """The versions of an indicator's programming with their acts: two statements."""
    items, total = repository.page_of_versions(session, indicator.id, page)
    return [version_public(v) for v in items], total
