"""Financial execution: the batch import (parse, judge, classify, upsert: a fixed number of
statements whatever the batch size), the list, and each action's financial advance beside its
physical one."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlmodel import Session

from app.auth.actor import Actor
from app.compute import action_advance, shown_pct
from app.compute.financial import ExecutedMoney, PlannedMoney, financial_advance, financial_gap
from app.core import metrics
from app.core.errors import ContentTooLarge, DomainError, Forbidden
from app.core.models import utcnow
from app.core.pagination import PageParams, paginate
from app.finance import repository, rules
from app.finance.models import FinancialExecution
from app.finance.parsing import parse_body
from app.finance.schemas import (
    MAX_BATCH,
    ActionFinance,
    FinancialAdvanceOut,
    FinancialSummary,
    GapOut,
)
from app.plans.models import Plan
from app.results import repository as results_repository
from app.results.structure import Evaluation, Structure, dated_values, evaluate, load_structure


def import_batch(
    session: Session, actor: Actor, plan: Plan, body: bytes, *, atomic: bool, dry_run: bool
) -> FinancialSummary:
    batch = parse_body(body)
    if batch.received > MAX_BATCH:
        raise ContentTooLarge(
            f"A batch holds at most {MAX_BATCH} items; this one has {batch.received}. Split it."
        )
    items = [item for _, item in batch.items]
    actions = repository.actions_named(
        session,
        plan.id,
        {i.action_code for i in items if i.action_code},
        {i.action_id for i in items if i.action_id},
    )
    units = repository.units_named(
        session,
        plan.organization_id,
        {i.unit_code for i in items if i.unit_code},
        {i.unit_id for i in items if i.unit_id},
    )
    links = repository.action_unit_links(session, {a.id for a in actions})
    valid, rejected = rules.judge(plan, batch.items, actions, units, links)
    rejected = sorted(batch.rejected + rejected, key=lambda r: r.index)
    if not actor.writes_for_every_unit:
        foreign = sorted({v.unit.code for v in valid if not actor.may_write_for({v.unit.id})})
        if foreign:
            raise Forbidden(
                "You report only for your units; this money is of "
                f"others: {', '.join(foreign[:20])}. Nothing was written."
            )

    stored = repository.stored(session, [v.key for v in valid])
    changed = []
    created = updated = 0
    for v in valid:
        before = stored.get(v.key)
        if before is None:
            created += 1
        elif (before.committed, before.paid, before.note) != (v.committed, v.paid, v.note):
            updated += 1
        else:
            continue
        changed.append(v)
    summary = FinancialSummary(
        received=batch.received,
        created=created,
        updated=updated,
        unchanged=len(valid) - created - updated,
        rejected=rejected,
        dry_run=dry_run,
        atomic=atomic,
        written=False,
    )
    if atomic and rejected:
        raise DomainError(
            f"{len(rejected)} of {batch.received} items were rejected and atomic=true: "
            "nothing was written.",
            errors=[{"loc": ["body", "items", r.index], "msg": r.reason} for r in rejected],
            status=422,
        )
    if not dry_run and changed:
        now = utcnow()
        repository.upsert(
            session,
            [
                {
                    "id": uuid.uuid4(),
                    "plan_id": plan.id,
                    "action_id": v.action.id,
                    "unit_id": v.unit.id,
                    "period_end": v.period_end,
                    "committed": v.committed,
                    "paid": v.paid,
                    "note": v.note,
                    "recorded_by": actor.user_id,
                    "created_at": now,
                    "updated_at": now,
                }
                for v in changed
            ],
        )
        summary.written = True
        metrics.record_rows_imported("financial_execution", len(changed))
    return summary


def list_(
    session: Session,
    plan: Plan,
    page: PageParams,
    *,
    action_id: uuid.UUID | None,
    unit_id: uuid.UUID | None,
    year: int | None,
    since: date | None,
    until: date | None,
) -> tuple[list[FinancialExecution], int]:
    stmt = repository.list_stmt(
        plan.id, action_id=action_id, unit_id=unit_id, year=year, since=since, until=until
    )
    return paginate(session, stmt, page)


def physical_at(session: Session, plan: Plan, as_of: date) -> tuple[Structure, Evaluation]:
    """The plan's physical figures at `as_of`, as the results compute them at a cut."""
    structure = load_structure(session, plan)
    measured = dated_values(results_repository.measurements(session, plan.id, as_of))
    return structure, evaluate(structure, measured, as_of)


def physical_year_advance(structure: Structure, evaluation: Evaluation) -> dict:
    """Each action's advance for the year: the weighted mean of its indicators'."""
    parts: dict[uuid.UUID, list] = defaultdict(list)
    for ind in structure.indicators:
        if ind.action_id is not None:
            parts[ind.action_id].append((evaluation.advances[ind.id].year_advance_pct, ind.weight))
    return {
        a.id: action_advance(parts.get(a.id, ()), cap_at_100=structure.plan.cap_at_100)[0]
        for a in structure.actions
    }


def advance(session: Session, plan: Plan, as_of: date) -> FinancialAdvanceOut:
    """Every action in force: its money for the year and to date, its physical advance for
    the year, and the gap when they differ by more than the plan's threshold. Ten statements
    whatever the plan's size."""
    plan.check_in_years(as_of, ["query", "as_of"])
    structure, evaluation = physical_at(session, plan, as_of)
    return FinancialAdvanceOut(
        plan_id=plan.id,
        as_of=as_of,
        basis="committed",
        threshold_pct=plan.financial_gap_threshold_pct,
        actions=action_figures(session, plan, structure, evaluation, as_of),
    )


def action_figures(
    session: Session, plan: Plan, structure: Structure, evaluation: Evaluation, as_of: date
) -> list[ActionFinance]:
    planned: dict[uuid.UUID, list[PlannedMoney]] = defaultdict(list)
    for action_id, year, amount in repository.planned_money(session, plan.id):
        planned[action_id].append(PlannedMoney(year, amount))
    executed: dict[uuid.UUID, list[ExecutedMoney]] = defaultdict(list)
    for action_id, period_end, committed, paid in repository.executions(session, plan.id, as_of):
        executed[action_id].append(ExecutedMoney(period_end, committed, paid))
    physical = physical_year_advance(structure, evaluation)
    threshold = plan.financial_gap_threshold_pct
    out = []
    for a in structure.actions:
        money = financial_advance(planned.get(a.id, ()), executed.get(a.id, ()), as_of)
        gap = financial_gap(money.committed_year_pct, physical[a.id], threshold)
        out.append(
            ActionFinance(
                action_id=a.id,
                code=a.code,
                description=a.description,
                unit_ids=structure.action_units.get(a.id, []),
                planned_year=money.planned_year,
                committed_year=money.committed_year,
                paid_year=money.paid_year,
                committed_year_pct=money.committed_year_pct,
                committed_year_pct_shown=shown_pct(money.committed_year_pct),
                paid_year_pct=money.paid_year_pct,
                paid_year_pct_shown=shown_pct(money.paid_year_pct),
                planned_to_date=money.planned_to_date,
                committed_to_date=money.committed_to_date,
                paid_to_date=money.paid_to_date,
                committed_to_date_pct=money.committed_to_date_pct,
                committed_to_date_pct_shown=shown_pct(money.committed_to_date_pct),
                paid_to_date_pct=money.paid_to_date_pct,
                paid_to_date_pct_shown=shown_pct(money.paid_to_date_pct),
                physical_year_pct=physical[a.id],
                physical_year_pct_shown=shown_pct(physical[a.id]),
                gap=None if gap is None else GapOut(gap_points=gap.gap_points, message=gap.message),
            )
        )
    return out
