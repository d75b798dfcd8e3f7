"""Queries on measurements: the staged batch (COPY, classify, upsert) and reading by indicator."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from app.measurements.models import Measurement
from app.plans.models import Indicator


def indicators_named(
    session: Session, plan_id: uuid.UUID, codes: set[str], ids: set[uuid.UUID]
) -> list[Indicator]:
    """The plan's indicators with one of these codes or ids, in one statement."""
    return list(
        session.execute(
            select(Indicator).where(
                col(Indicator.plan_id) == plan_id,
                (col(Indicator.code).in_(codes)) | (col(Indicator.id).in_(ids)),
            )
        ).scalars()
    )


def stage(
    session: Session, rows: Iterable[tuple[uuid.UUID, date, Decimal, str | None, str, str]]
) -> None:
    """COPY (indicator_id, period_end, value, note, dims as JSON text, dims_key) rows into a
    temporary table of this transaction, for `staged_changes` and `upsert_staged`;
    `drop_stage` removes it."""
    # Dropped at the end of the import (and at commit, whatever happens).
    session.execute(
        text(
            "CREATE TEMP TABLE measurement_import (indicator_id uuid, "
            "period_end date, value numeric, note text, dims jsonb, dims_key text) ON COMMIT DROP"
        )
    )
    raw = session.connection().connection.driver_connection
    if raw is None:  # only a closed connection has none
        raise RuntimeError("the session has no open database connection")
    with raw.cursor() as cur, cur.copy("COPY measurement_import FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def staged_changes(session: Session) -> tuple[int, int]:
    """(new, changed) rows of the staged batch against what is stored."""
    row = session.execute(
        text("""
        SELECT count(*) FILTER (WHERE m.id IS NULL),
               count(*) FILTER (WHERE m.id IS NOT NULL
                                AND (m.value, m.note) IS DISTINCT FROM (s.value, s.note))
        FROM measurement_import s
        LEFT JOIN measurements m USING (indicator_id, period_end, dims_key)""")
    ).one()
    return int(row[0]), int(row[1])


def upsert_staged(session: Session, recorded_by: uuid.UUID) -> None:
    """All staged rows in one statement; rows whose value and note did not change are left
    alone."""
    session.execute(
        text("""
        INSERT INTO measurements (id, indicator_id, period_end, value, note, dims, dims_key,
                                  recorded_by, created_at, updated_at)
        SELECT gen_random_uuid(), indicator_id, period_end, value, note, dims, dims_key,
               :actor, now(), now()
        FROM measurement_import
        ON CONFLICT (indicator_id, period_end, dims_key) DO UPDATE
        SET value = EXCLUDED.value, note = EXCLUDED.note, recorded_by = EXCLUDED.recorded_by,
            updated_at = now()
        WHERE (measurements.value, measurements.note)
              IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.note)"""),
        {"actor": recorded_by},
    )


def drop_stage(session: Session) -> None:
    session.execute(text("DROP TABLE measurement_import"))


def list_stmt(indicator_id: uuid.UUID, since: date | None, until: date | None) -> Select:
    stmt = select(Measurement).where(col(Measurement.indicator_id) == indicator_id)
    if since is not None:
        stmt = stmt.where(col(Measurement.period_end) >= since)
    if until is not None:
        stmt = stmt.where(col(Measurement.period_end) <= until)
    return stmt.order_by(col(Measurement.period_end), col(Measurement.dims_key))
