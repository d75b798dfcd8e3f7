"""The measurement import: validate every item, then one statement reads what exists and one
upserts what changed, whatever the batch size."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select, text
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import BadRequest, ContentTooLarge, DomainError, Forbidden
from app.cuts.service import covering, frozen_cuts
from app.measurements.models import Measurement
from app.measurements.schemas import (
    MAX_BATCH,
    ImportSummary,
    MeasurementItem,
    RejectedItem,
    ValidBatch,
)
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
    rows = (
        session.execute(
            select(Indicator).where(
                Indicator.plan_id == plan.id, (Indicator.code.in_(codes)) | (Indicator.id.in_(ids))
            )
        )
        .scalars()
        .all()
    )
    by_code = {r.code: r for r in rows}
    by_id = {r.id: r for r in rows}
    return by_code, by_id


_VALID_BATCH = TypeAdapter(ValidBatch)


def parse_body(body: bytes) -> tuple[int, list[tuple[int, MeasurementItem]], list[RejectedItem]]:
    """(item count, well-formed items by index, rejected items) from the raw JSON body.

    The common case, every item well formed, is validated from the bytes in one pass (no
    Python objects in between); otherwise the body is decoded and each item judged alone.
    """
    try:
        items = _VALID_BATCH.validate_json(body).items
        return len(items), list(enumerate(items)), []
    except ValidationError:
        pass
    try:
        data = json.loads(body)
    except ValueError:
        raise BadRequest("The request body is not valid JSON.") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("items"), list)
        or set(data) - {"items"}
    ):
        raise DomainError(
            'The body must be {"items": [...]} and nothing else.',
            status=422,
            errors=[{"loc": ["body", "items"], "msg": "a list of measurements"}],
        )
    raw_items = data["items"]
    if len(raw_items) > MAX_BATCH:
        return len(raw_items), [], []
    rejected: list[RejectedItem] = []
    return len(raw_items), _parse(raw_items, rejected), rejected


def import_batch(
    session: Session, actor: Actor, plan: Plan, body: bytes, *, atomic: bool, dry_run: bool
) -> ImportSummary:
    received, parsed, rejected = parse_body(body)
    if received > MAX_BATCH:
        raise ContentTooLarge(
            f"A batch holds at most {MAX_BATCH} items; this one has {received}. Split it."
        )
    by_code, by_id = _indicators(session, plan, [i for _, i in parsed])
    frozen = frozen_cuts(session, plan.id)
    valid: list[_Valid] = []
    seen: dict[tuple[uuid.UUID, date], int] = {}
    for index, item in parsed:
        ref = item.indicator_code or str(item.indicator_id)
        indicator = (
            by_code.get(item.indicator_code)
            if item.indicator_code
            else by_id.get(item.indicator_id)
        )

        def reject(reason: str, index=index, item=item) -> None:
            rejected.append(
                RejectedItem(
                    index=index,
                    reason=reason,
                    indicator_code=item.indicator_code,
                    period_end=item.period_end.isoformat(),
                )
            )

        if indicator is None:
            reject(f"unknown indicator {ref} in this plan")
            continue
        if indicator.retired_at is not None:
            reject(f"indicator {indicator.code} is retired")
            continue
        if problem := plan.year_problem(item.period_end):
            reject(f"period_end {problem}")
            continue
        cut = covering(frozen, item.period_end)
        if cut is not None:
            reject(f"period_end {item.period_end} falls in cut {cut.code}, which is {cut.status}")
            continue
        if indicator.min_value is not None and item.value < indicator.min_value:
            reject(
                f"value {item.value} is below the indicator's minimum {indicator.min_value}"
                + (" (negative values are not allowed)" if indicator.min_value == 0 else "")
            )
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
        units = responsible_units(
            session, list({v.indicator.id: v.indicator for v in valid}.values())
        )
        foreign = sorted(
            {v.indicator.code for v in valid if not units[v.indicator.id] & actor.unit_ids}
        )
        if foreign:
            raise Forbidden(
                "You report only for your units; these indicators belong to "
                f"others: {', '.join(foreign[:20])}. Nothing was written."
            )

    staged = _stage(session, valid) if valid else None
    created, updated = _classify(session) if staged else (0, 0)
    summary = ImportSummary(
        received=received,
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
            f"{len(rejected)} of {received} items were rejected and atomic=true: "
            "nothing was written.",
            errors=[{"loc": ["body", "items", r.index], "msg": r.reason} for r in rejected],
            status=422,
        )
    if not (dry_run or not (created or updated)):
        _upsert(session, actor)
        summary.written = True
    if staged:
        session.execute(text("DROP TABLE measurement_import"))
    return summary


_ITEMS = TypeAdapter(list[MeasurementItem])


def _parse(raw_items: list, rejected: list[RejectedItem]) -> list[tuple[int, MeasurementItem]]:
    """Validate all items in one pass; on errors, report them and validate the rest again."""
    try:
        return list(enumerate(_ITEMS.validate_python(raw_items)))
    except ValidationError as exc:
        first_error: dict[int, dict] = {}
        for err in exc.errors():
            first_error.setdefault(err["loc"][0], err)
    for index, err in sorted(first_error.items()):
        raw = raw_items[index]
        where = ".".join(str(p) for p in err["loc"][1:]) or "item"
        rejected.append(
            RejectedItem(
                index=index,
                reason=f"{where}: {err['msg']}",
                indicator_code=_text(raw, "indicator_code"),
                period_end=_text(raw, "period_end"),
            )
        )
    good = [i for i in range(len(raw_items)) if i not in first_error]
    return list(zip(good, _ITEMS.validate_python([raw_items[i] for i in good]), strict=True))


def _text(raw: object, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value[:100] if isinstance(value, str) else None


def _stage(session: Session, valid: list[_Valid]) -> str:
    """COPY the batch into a temporary table of this transaction; return its name."""
    # Dropped at the end of the import (and at commit, whatever happens).
    session.execute(
        text(
            "CREATE TEMP TABLE measurement_import (indicator_id uuid, "
            "period_end date, value numeric, note text) ON COMMIT DROP"
        )
    )
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy("COPY measurement_import FROM STDIN") as copy:
        for v in valid:
            copy.write_row((v.indicator.id, v.period_end, v.value, v.note))
    return "measurement_import"


def _classify(session: Session) -> tuple[int, int]:
    """(new, changed) rows of the staged batch against what is stored."""
    row = session.execute(
        text("""
        SELECT count(*) FILTER (WHERE m.id IS NULL),
               count(*) FILTER (WHERE m.id IS NOT NULL
                                AND (m.value, m.note) IS DISTINCT FROM (s.value, s.note))
        FROM measurement_import s
        LEFT JOIN measurements m USING (indicator_id, period_end)""")
    ).one()
    return int(row[0]), int(row[1])


def _upsert(session: Session, actor: Actor) -> None:
    """All rows in one statement; rows whose value and note did not change are left alone."""
    session.execute(
        text("""
        INSERT INTO measurements (id, indicator_id, period_end, value, note, recorded_by,
                                  created_at, updated_at)
        SELECT gen_random_uuid(), indicator_id, period_end, value, note, :actor, now(), now()
        FROM measurement_import
        ON CONFLICT (indicator_id, period_end) DO UPDATE
        SET value = EXCLUDED.value, note = EXCLUDED.note, recorded_by = EXCLUDED.recorded_by,
            updated_at = now()
        WHERE (measurements.value, measurements.note)
              IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.note)"""),
        {"actor": actor.user_id},
    )


def list_stmt(indicator_id: uuid.UUID, since: date | None, until: date | None):
    stmt = select(Measurement).where(Measurement.indicator_id == indicator_id)
    if since is not None:
        stmt = stmt.where(Measurement.period_end >= since)
    if until is not None:
        stmt = stmt.where(Measurement.period_end <= until)
    return stmt.order_by(Measurement.period_end)
