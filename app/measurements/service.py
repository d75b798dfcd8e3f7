"""The measurement import: validate every item, then one statement reads what exists and one
upserts what changed, whatever the batch size."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import select, text, tuple_
from sqlmodel import Session

from app.auth.deps import Actor
from app.core.errors import ContentTooLarge, DomainError, Forbidden
from app.cuts.service import covering, frozen_cuts
from app.measurements.models import Measurement
from app.measurements.schemas import MAX_BATCH, ImportSummary, MeasurementItem, RejectedItem
from app.plans.models import Indicator, Plan
from app.plans.repository import responsible_units


@dataclass(frozen=True)
class _Valid:
    index: int
    indicator: Indicator
    period_end: date
    value: Decimal
    note: str | None


def _indicators(session: Session, plan: Plan, items: list[MeasurementItem]):
    codes = {i.indicator_code for i in items if i.indicator_code}
    ids = {i.indicator_id for i in items if i.indicator_id}
    rows = session.execute(select(Indicator).where(
        Indicator.plan_id == plan.id,
        (Indicator.code.in_(codes)) | (Indicator.id.in_(ids)))).scalars().all()
    by_code = {r.code: r for r in rows}
    by_id = {r.id: r for r in rows}
    return by_code, by_id


def import_batch(session: Session, actor: Actor, plan: Plan, raw_items: list, *,
                 atomic: bool, dry_run: bool) -> ImportSummary:
    if len(raw_items) > MAX_BATCH:
        raise ContentTooLarge(f"A batch holds at most {MAX_BATCH} items; this one has "
                              f"{len(raw_items)}. Split it.")
    rejected: list[RejectedItem] = []
    parsed: list[tuple[int, MeasurementItem]] = []
    for index, raw in enumerate(raw_items):
        try:
            parsed.append((index, MeasurementItem.model_validate(raw)))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "item"
            rejected.append(RejectedItem(index=index, reason=f"{where}: {first['msg']}",
                                         indicator_code=_text(raw, "indicator_code"),
                                         period_end=_text(raw, "period_end")))

    by_code, by_id = _indicators(session, plan, [i for _, i in parsed])
    frozen = frozen_cuts(session, plan.id)
    valid: list[_Valid] = []
    seen: dict[tuple[uuid.UUID, date], int] = {}
    for index, item in parsed:
        ref = item.indicator_code or str(item.indicator_id)
        indicator = by_code.get(item.indicator_code) if item.indicator_code else by_id.get(
            item.indicator_id)

        def reject(reason: str, index=index, item=item) -> None:
            rejected.append(RejectedItem(index=index, reason=reason,
                                         indicator_code=item.indicator_code,
                                         period_end=item.period_end.isoformat()))

        if indicator is None:
            reject(f"unknown indicator {ref} in this plan")
            continue
        if indicator.retired_at is not None:
            reject(f"indicator {indicator.code} is retired")
            continue
        if not plan.first_year <= item.period_end.year <= plan.last_year:
            reject(f"period_end {item.period_end} is outside the plan's years "
                   f"{plan.first_year}-{plan.last_year}")
            continue
        cut = covering(frozen, item.period_end)
        if cut is not None:
            reject(f"period_end {item.period_end} falls in cut {cut.code}, which is "
                   f"{cut.status}")
            continue
        if indicator.min_value is not None and item.value < indicator.min_value:
            reject(f"value {item.value} is below the indicator's minimum {indicator.min_value}"
                   + (" (negative values are not allowed)" if indicator.min_value == 0 else ""))
            continue
        if indicator.max_value is not None and item.value > indicator.max_value:
            reject(f"value {item.value} is above the indicator's maximum {indicator.max_value}")
            continue
        key = (indicator.id, item.period_end)
        if key in seen:
            reject(f"duplicate of item {seen[key]} (same indicator and period_end)")
            continue
        seen[key] = index
        valid.append(_Valid(index, indicator, item.period_end, item.value, item.note))

    rejected.sort(key=lambda r: r.index)
    if not (actor.is_platform_admin or actor.role in ("admin", "coordinator")):
        units = responsible_units(session, list({v.indicator.id: v.indicator
                                                  for v in valid}.values()))
        foreign = sorted({v.indicator.code for v in valid
                          if not units[v.indicator.id] & actor.unit_ids})
        if foreign:
            raise Forbidden("You report only for your units; these indicators belong to "
                            f"others: {', '.join(foreign[:20])}. Nothing was written.")

    existing = _existing(session, valid)
    created = [v for v in valid if (v.indicator.id, v.period_end) not in existing]
    updated = [v for v in valid if (v.indicator.id, v.period_end) in existing
               and existing[(v.indicator.id, v.period_end)] != (v.value, v.note)]
    summary = ImportSummary(received=len(raw_items), created=len(created), updated=len(updated),
                            unchanged=len(valid) - len(created) - len(updated),
                            rejected=rejected, dry_run=dry_run, atomic=atomic, written=False)
    if atomic and rejected:
        raise DomainError(
            f"{len(rejected)} of {len(raw_items)} items were rejected and atomic=true: "
            "nothing was written.",
            errors=[{"loc": ["body", "items", r.index], "msg": r.reason} for r in rejected],
            status=422)
    if dry_run or not (created or updated):
        return summary
    _upsert(session, actor, created + updated)
    summary.written = True
    return summary


def _text(raw: object, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value[:100] if isinstance(value, str) else None


def _existing(session: Session, valid: list[_Valid]) -> dict:
    if not valid:
        return {}
    keys = [(v.indicator.id, v.period_end) for v in valid]
    rows = session.execute(
        select(Measurement.indicator_id, Measurement.period_end, Measurement.value,
               Measurement.note)
        .where(tuple_(Measurement.indicator_id, Measurement.period_end).in_(keys)))
    return {(i, p): (v, n) for i, p, v, n in rows}


_UPSERT = text("""
    INSERT INTO measurements (id, indicator_id, period_end, value, note, recorded_by,
                              created_at, updated_at)
    SELECT gen_random_uuid(), t.indicator_id, t.period_end, t.value, t.note, :actor, now(), now()
    FROM unnest(CAST(:indicator_ids AS uuid[]), CAST(:period_ends AS date[]),
                CAST(:vals AS numeric[]), CAST(:notes AS text[]))
         AS t(indicator_id, period_end, value, note)
    ON CONFLICT (indicator_id, period_end) DO UPDATE
    SET value = EXCLUDED.value, note = EXCLUDED.note, recorded_by = EXCLUDED.recorded_by,
        updated_at = now()
""")


def _upsert(session: Session, actor: Actor, rows: list[_Valid]) -> None:
    """All rows in one statement (arrays unnested server-side), never a round trip per item."""
    session.execute(_UPSERT, {
        "actor": actor.user_id,
        "indicator_ids": [r.indicator.id for r in rows],
        "period_ends": [r.period_end for r in rows],
        "vals": [r.value for r in rows],
        "notes": [r.note for r in rows],
    })


def list_stmt(indicator_id: uuid.UUID, since: date | None, until: date | None):
    stmt = select(Measurement).where(Measurement.indicator_id == indicator_id)
    if since is not None:
        stmt = stmt.where(Measurement.period_end >= since)
    if until is not None:
        stmt = stmt.where(Measurement.period_end <= until)
    return stmt.order_by(Measurement.period_end)


