"""Queries of the public read model: only plans that are not drafts, only published cuts."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy import Connection, Row, Select, case, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session, col, select

from app.cuts.models import Cut
from app.organizations.models import Organization
from app.plans.models import Indicator, Plan, Programming
from app.public.models import PublicRateLimit
from app.results.models import ResultsCacheEntry
from app.revisions.models import CutRevision


def organization(session: Session, code: str) -> Organization | None:
    return session.exec(select(Organization).where(col(Organization.code) == code)).first()


def _has_published_cut() -> sa.ColumnElement[bool]:
    revision = select(CutRevision.id).where(col(CutRevision.cut_id) == col(Cut.id)).exists()
    return (
        select(Cut.id)
        .where(col(Cut.plan_id) == col(Plan.id), col(Cut.status) == "published", revision)
        .exists()
    )


def plans_stmt(organization_id: uuid.UUID) -> Select:
    """The organization's plans that are not drafts and have at least one published cut."""
    return (
        select(Plan)
        .where(
            col(Plan.organization_id) == organization_id,
            col(Plan.status) != "draft",
            _has_published_cut(),
        )
        .order_by(col(Plan.first_year).desc(), col(Plan.code))
    )


def plan(session: Session, organization_id: uuid.UUID, code: str) -> Plan | None:
    stmt = plans_stmt(organization_id).where(col(Plan.code) == code)
    return session.execute(stmt).scalars().first()


def published_cuts(session: Session, plan_ids: list[uuid.UUID]) -> list[Row]:
    """(plan_id, id, code, label, cut_date, revision, published_at) of every published cut of
    the plans with a revision, the latest revision's number and date, in date order."""
    if not plan_ids:
        return []
    number = func.max(col(CutRevision.number))
    return list(
        session.connection().execute(
            sa.select(
                col(Cut.plan_id),
                col(Cut.id),
                col(Cut.code),
                col(Cut.label),
                col(Cut.cut_date),
                number.label("revision"),
                func.max(col(CutRevision.published_at)).label("published_at"),
            )
            .join(CutRevision, col(CutRevision.cut_id) == col(Cut.id))
            .where(col(Cut.plan_id).in_(plan_ids), col(Cut.status) == "published")
            .group_by(col(Cut.id))
            .order_by(col(Cut.cut_date), col(Cut.code))
        )
    )


def frozen_payloads(
    session: Session, revisions: list[tuple[uuid.UUID, int]], kind: str, params: str = ""
) -> dict[uuid.UUID, str]:
    """The frozen JSON bodies of `kind` of the given (cut, revision) pairs: one statement."""
    if not revisions:
        return {}
    entry = ResultsCacheEntry
    rows = session.connection().execute(
        sa.select(col(entry.cut_id), col(entry.payload)).where(
            sa.tuple_(col(entry.cut_id), col(entry.revision)).in_(revisions),
            col(entry.kind) == kind,
            col(entry.params) == params,
        )
    )
    return {row.cut_id: row.payload for row in rows}


def indicator(session: Session, plan_id: uuid.UUID, code: str) -> Indicator | None:
    return session.exec(
        select(Indicator).where(
            col(Indicator.plan_id) == plan_id,
            col(Indicator.code) == code,
            col(Indicator.retired_at).is_(None),
        )
    ).first()


def programming(session: Session, indicator_id: uuid.UUID) -> list[Programming]:
    return list(
        session.exec(
            select(Programming)
            .where(col(Programming.indicator_id) == indicator_id)
            .order_by(col(Programming.period_end))
        )
    )


def programming_of_plan(session: Session, plan_id: uuid.UUID) -> list[Row]:
    """(indicator code, period_end, value) of the plan's live indicators' programming."""
    return list(
        session.connection().execute(
            sa.select(col(Indicator.code), col(Programming.period_end), col(Programming.value))
            .join(Indicator, col(Indicator.id) == col(Programming.indicator_id))
            .where(col(Indicator.plan_id) == plan_id, col(Indicator.retired_at).is_(None))
            .order_by(col(Indicator.code), col(Programming.period_end))
        )
    )


def hit(connection: Connection, address: str, window_s: int) -> Row:
    """Count one request of `address` in its current fixed window (a new window when the
    last one is over): (hits, seconds_left). One statement; the row lock ends with it."""
    table = PublicRateLimit.__table__  # type: ignore[attr-defined]
    window = func.make_interval(0, 0, 0, 0, 0, 0, window_s)
    insert = pg_insert(table).values(address=address, window_started_at=func.now(), hits=1)
    expired = table.c.window_started_at <= func.now() - window
    stmt = insert.on_conflict_do_update(
        index_elements=["address"],
        set_={
            "hits": case((expired, 1), else_=table.c.hits + 1),
            "window_started_at": case((expired, func.now()), else_=table.c.window_started_at),
        },
    ).returning(
        table.c.hits,
        func.ceil(func.extract("epoch", table.c.window_started_at + window - func.now())).label(
            "seconds_left"
        ),
    )
    return connection.execute(stmt).one()
