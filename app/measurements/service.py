"""The measurement import: parse, judge every item, then one statement reads what exists and
one upserts what changed, whatever the batch size. Also reading by indicator."""

from __future__ import annotations

import json
import uuid
from datetime import date

from sqlmodel import Session

from app.auth.actor import Actor
from app.core import metrics
from app.core.errors import ContentTooLarge, DomainError, Forbidden
from app.core.pagination import PageParams, paginate
from app.cuts import lock_exceptions
from app.cuts import service as cuts
from app.measurements import repository, rules
from app.measurements.models import Measurement
from app.measurements.parsing import parse_body
from app.measurements.schemas import MAX_BATCH, ImportSummary
from app.plans.models import Plan
from app.plans.repository import responsible_units
from app.webhooks import service as webhooks


def import_batch(
    session: Session, actor: Actor, plan: Plan, body: bytes, *, atomic: bool, dry_run: bool
) -> ImportSummary:
    batch = parse_body(body)
    if batch.received > MAX_BATCH:
        raise ContentTooLarge(
            f"A batch holds at most {MAX_BATCH} items; this one has {batch.received}. Split it."
        )
    items = [item for _, item in batch.items]
    indicators = repository.indicators_named(
        session,
        plan.id,
        {i.indicator_code for i in items if i.indicator_code},
        {i.indicator_id for i in items if i.indicator_id},
    )
    frozen = cuts.frozen_cuts(session, plan.id)
    unlocks = lock_exceptions.unlocks_of_plan(session, plan) if frozen else None
    # Who answers for each indicator decides which lock exception opens its values.
    units = responsible_units(session, indicators) if unlocks else None
    valid, rejected = rules.judge(plan, batch.items, indicators, frozen, unlocks, units)
    rejected = sorted(batch.rejected + rejected, key=lambda r: r.index)
    if not actor.writes_for_every_unit:
        used = list({v.indicator.id: v.indicator for v in valid}.values())
        if units is None:
            units = responsible_units(session, used)
        foreign = rules.foreign_codes(actor, valid, units)
        if foreign:
            raise Forbidden(
                "You report only for your units; these indicators belong to "
                f"others: {', '.join(foreign[:20])}. Nothing was written."
            )

    if valid:
        repository.stage(
            session,
            (
                (v.indicator.id, v.period_end, v.value, v.note, _json(v.dims), v.dims_key)
                for v in valid
            ),
        )
        created, updated = repository.staged_changes(session)
    else:
        created, updated = 0, 0
    summary = ImportSummary(
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
    if not dry_run and (created or updated):
        repository.upsert_staged(session, actor.user_id)
        summary.written = True
        metrics.record_rows_imported("measurements", created + updated)
        webhooks.import_event(session, plan, summary)
    if valid:
        repository.drop_stage(session)
    if not dry_run:
        lock_exceptions.record_uses(
            session,
            actor,
            plan,
            {c.id: c for c in frozen},
            (
                (
                    v.unlocked_by,
                    {
                        "indicator_code": v.indicator.code,
                        "period_end": v.period_end.isoformat(),
                        "value": str(v.value),
                    },
                )
                for v in valid
                if v.unlocked_by is not None
            ),
            "measurements",
        )
    return summary


def _json(dims: dict[str, str]) -> str:
    return json.dumps(dims, sort_keys=True, ensure_ascii=False) if dims else "{}"


def list_(
    session: Session,
    indicator_id: uuid.UUID,
    page: PageParams,
    *,
    since: date | None,
    until: date | None,
) -> tuple[list[Measurement], int]:
    return paginate(session, repository.list_stmt(indicator_id, since, until), page)
