"""What makes a well-formed financial execution item acceptable: plain functions over loaded
rows, no SQL. The first rule an item breaks is its reason."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.finance.schemas import FinancialItem, RejectedFinancialItem
from app.plans.models import Action, Plan
from app.units.models import Unit


@dataclass(frozen=True)
class Accepted:
    index: int
    action: Action
    unit: Unit
    period_end: date
    committed: Decimal
    paid: Decimal
    note: str | None

    @property
    def key(self) -> tuple[uuid.UUID, uuid.UUID, date]:
        return (self.action.id, self.unit.id, self.period_end)


def judge(
    plan: Plan,
    items: list[tuple[int, FinancialItem]],
    actions: list[Action],
    units: list[Unit],
    links: set[tuple[uuid.UUID, uuid.UUID]],
) -> tuple[list[Accepted], list[RejectedFinancialItem]]:
    """Each item against its action (in the plan, in force), its unit (in the organization,
    answering for the action or with budget on it), the plan's years and the batch."""
    actions_by_code = {a.code: a for a in actions}
    actions_by_id = {a.id: a for a in actions}
    units_by_code = {u.code: u for u in units}
    units_by_id = {u.id: u for u in units}
    accepted: list[Accepted] = []
    rejected: list[RejectedFinancialItem] = []
    seen: dict[tuple[uuid.UUID, uuid.UUID, date], int] = {}
    for index, item in items:
        action = (
            actions_by_code.get(item.action_code)
            if item.action_code
            else actions_by_id.get(item.action_id)
            if item.action_id
            else None
        )
        unit = (
            units_by_code.get(item.unit_code)
            if item.unit_code
            else units_by_id.get(item.unit_id)
            if item.unit_id
            else None
        )
        reason: str | None = None
        if action is None:
            reason = f"unknown action {item.action_code or item.action_id} in this plan"
        elif unit is None:
            reason = f"unknown unit {item.unit_code or item.unit_id} in this organization"
        elif action.retired_at is not None:
            reason = f"action {action.code} is retired"
        elif (action.id, unit.id) not in links:
            reason = (
                f"unit {unit.code} neither answers for action {action.code} nor has budget on it"
            )
        elif problem := plan.year_problem(item.period_end):
            reason = f"period_end {problem}"
        elif (key := (action.id, unit.id, item.period_end)) in seen:
            reason = f"duplicate of item {seen[key]} (same action, unit and period_end)"
        if reason is not None or action is None or unit is None:
            rejected.append(_rejected(index, item, reason or "unknown action or unit"))
            continue
        seen[(action.id, unit.id, item.period_end)] = index
        accepted.append(
            Accepted(index, action, unit, item.period_end, item.committed, item.paid, item.note)
        )
    return accepted, rejected


def _rejected(index: int, item: FinancialItem, reason: str) -> RejectedFinancialItem:
    return RejectedFinancialItem(
        index=index,
        reason=reason,
        action_code=item.action_code,
        unit_code=item.unit_code,
        period_end=item.period_end.isoformat(),
    )
