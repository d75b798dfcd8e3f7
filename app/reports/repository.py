"""Every statement of the reports module: what a report adds to the results, and report rows."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Row, func, or_, select
from sqlmodel import Session, col

from app.core.models import TableBase
from app.cuts.models import Cut
from app.evidence.models import Evidence
from app.followups.models import FollowUp
from app.jobs.models import Job
from app.measurements.models import Measurement
from app.organizations.models import Organization
from app.plans.models import (
    Action,
    ActionUnit,
    BudgetAllocation,
    Contribution,
    Indicator,
    Node,
    Plan,
    Programming,
)
from app.reports.models import Report
from app.units.models import Unit


def organization_name(session: Session, organization_id: uuid.UUID) -> str:
    return session.execute(
        select(col(Organization.name)).where(col(Organization.id) == organization_id)
    ).scalar_one()


def units(session: Session, organization_id: uuid.UUID) -> list[Row]:
    return list(
        session.execute(
            select(col(Unit.id), col(Unit.code), col(Unit.name))
            .where(col(Unit.organization_id) == organization_id)
            .order_by(col(Unit.code))
        )
    )


def followups(session: Session, cut_id: uuid.UUID) -> list[Row]:
    """The cut's follow-ups with their indicator's code, by code."""
    return list(
        session.execute(
            select(
                col(FollowUp.indicator_id),
                col(Indicator.code).label("indicator_code"),
                col(FollowUp.status),
                col(FollowUp.narrative),
                col(FollowUp.observations),
                col(FollowUp.lag_justification),
            )
            .join(Indicator, col(Indicator.id) == col(FollowUp.indicator_id))
            .where(col(FollowUp.cut_id) == cut_id)
            .order_by(col(Indicator.code))
        )
    )


def evidence(session: Session, cut_id: uuid.UUID) -> list[Row]:
    """Evidence attached to the cut's follow-ups, by indicator code and date."""
    return list(
        session.execute(
            select(
                col(FollowUp.indicator_id),
                col(Indicator.code).label("indicator_code"),
                col(Evidence.id),
                col(Evidence.kind),
                col(Evidence.title),
                col(Evidence.evidence_date),
                col(Evidence.url),
                col(Evidence.original_name),
                col(Evidence.reference),
                col(Evidence.sha256),
            )
            .join(FollowUp, col(FollowUp.id) == col(Evidence.followup_id))
            .join(Indicator, col(Indicator.id) == col(FollowUp.indicator_id))
            .where(col(FollowUp.cut_id) == cut_id)
            .order_by(col(Indicator.code), col(Evidence.evidence_date), col(Evidence.title))
        )
    )


def source_state(
    session: Session, organization_id: uuid.UUID, plan_id: uuid.UUID, cut_id: uuid.UUID
) -> str:
    """Row counts and last changes of everything a cut's report is made from, in one statement.

    Any insert, update or delete in those rows changes it: the cheap way for a request to know
    whether the figures may have moved, without computing them.
    """
    plan_actions = select(col(Action.id)).where(col(Action.plan_id) == plan_id)
    plan_indicators = select(col(Indicator.id)).where(col(Indicator.plan_id) == plan_id)
    cut_followups = select(col(FollowUp.id)).where(col(FollowUp.cut_id) == cut_id)
    sources: list[tuple[type[TableBase], ColumnElement[bool]]] = [
        (Organization, col(Organization.id) == organization_id),
        (Unit, col(Unit.organization_id) == organization_id),
        (Plan, col(Plan.id) == plan_id),
        (Cut, col(Cut.plan_id) == plan_id),
        (Node, col(Node.plan_id) == plan_id),
        (Action, col(Action.plan_id) == plan_id),
        (ActionUnit, col(ActionUnit.action_id).in_(plan_actions)),
        (Indicator, col(Indicator.plan_id) == plan_id),
        (Contribution, col(Contribution.indicator_id).in_(plan_indicators)),
        (Programming, col(Programming.indicator_id).in_(plan_indicators)),
        (Measurement, col(Measurement.indicator_id).in_(plan_indicators)),
        (BudgetAllocation, col(BudgetAllocation.plan_id) == plan_id),
        (FollowUp, col(FollowUp.cut_id) == cut_id),
        (Evidence, col(Evidence.followup_id).in_(cut_followups)),
    ]
    columns = [
        select(func.concat(func.count(), "@", func.max(col(model.updated_at))))
        .where(where)
        .scalar_subquery()
        for model, where in sources
    ]
    return "|".join(str(v) for v in session.execute(select(*columns)).one())


def get(session: Session, report_id: uuid.UUID) -> Report | None:
    return session.get(Report, report_id)


def get_with_job(session: Session, report_id: uuid.UUID) -> Row | None:
    return session.execute(
        select(Report, Job)
        .outerjoin(Job, col(Job.id) == col(Report.job_id))
        .where(col(Report.id) == report_id)
    ).first()


def same_sources(session: Session, cut_id: uuid.UUID, fmt: str, source_key: str) -> Row | None:
    """The report made from these very rows, ready or on its way (not one whose job failed)."""
    return session.execute(
        select(Report, Job)
        .outerjoin(Job, col(Job.id) == col(Report.job_id))
        .where(
            col(Report.cut_id) == cut_id,
            col(Report.format) == fmt,
            col(Report.source_key) == source_key,
            col(Report.job_id).is_not(None),
            or_(col(Report.status) == "ready", col(Job.status).in_(("queued", "running"))),
        )
        .order_by((col(Report.status) == "ready").desc(), col(Report.created_at).desc())
        .limit(1)
    ).first()


def rendered_with(
    session: Session, cut_id: uuid.UUID, fmt: str, inputs_hash: str, other_than: uuid.UUID
) -> Report | None:
    """A ready report of the same figures (its file can be served again)."""
    return session.execute(
        select(Report)
        .where(
            col(Report.cut_id) == cut_id,
            col(Report.format) == fmt,
            col(Report.inputs_hash) == inputs_hash,
            col(Report.status) == "ready",
            col(Report.id) != other_than,
        )
        .limit(1)
    ).scalar_one_or_none()


def list_page(
    session: Session, cut_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[Row], int]:
    """A page of the cut's reports (newest first) with their jobs, and how many there are."""
    total = session.execute(
        select(func.count()).select_from(Report).where(col(Report.cut_id) == cut_id)
    ).scalar_one()
    rows = session.execute(
        select(Report, Job)
        .outerjoin(Job, col(Job.id) == col(Report.job_id))
        .where(col(Report.cut_id) == cut_id)
        .order_by(col(Report.created_at).desc(), col(Report.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(total)


def save(session: Session, report: Report) -> Report:
    session.add(report)
    session.flush()
    return report
