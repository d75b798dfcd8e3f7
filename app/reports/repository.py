"""Every statement of the reports module: what a report adds to the results, and report rows."""

from __future__ import annotations

import uuid

from sqlalchemy import Row, func, or_, select
from sqlmodel import Session

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
        select(Organization.name).where(Organization.id == organization_id)
    ).scalar_one()


def units(session: Session, organization_id: uuid.UUID) -> list[Row]:
    return list(
        session.execute(
            select(Unit.id, Unit.code, Unit.name)
            .where(Unit.organization_id == organization_id)
            .order_by(Unit.code)
        )
    )


def followups(session: Session, cut_id: uuid.UUID) -> list[Row]:
    """The cut's follow-ups with their indicator's code, by code."""
    return list(
        session.execute(
            select(
                FollowUp.indicator_id,
                Indicator.code.label("indicator_code"),
                FollowUp.status,
                FollowUp.narrative,
                FollowUp.observations,
                FollowUp.lag_justification,
            )
            .join(Indicator, Indicator.id == FollowUp.indicator_id)
            .where(FollowUp.cut_id == cut_id)
            .order_by(Indicator.code)
        )
    )


def evidence(session: Session, cut_id: uuid.UUID) -> list[Row]:
    """Evidence attached to the cut's follow-ups, by indicator code and date."""
    return list(
        session.execute(
            select(
                FollowUp.indicator_id,
                Indicator.code.label("indicator_code"),
                Evidence.id,
                Evidence.kind,
                Evidence.title,
                Evidence.evidence_date,
                Evidence.url,
                Evidence.original_name,
                Evidence.reference,
                Evidence.sha256,
            )
            .join(FollowUp, FollowUp.id == Evidence.followup_id)
            .join(Indicator, Indicator.id == FollowUp.indicator_id)
            .where(FollowUp.cut_id == cut_id)
            .order_by(Indicator.code, Evidence.evidence_date, Evidence.title)
        )
    )


def source_state(
    session: Session, organization_id: uuid.UUID, plan_id: uuid.UUID, cut_id: uuid.UUID
) -> str:
    """Row counts and last changes of everything a cut's report is made from, in one statement.

    Any insert, update or delete in those rows changes it: the cheap way for a request to know
    whether the figures may have moved, without computing them.
    """
    plan_actions = select(Action.id).where(Action.plan_id == plan_id)
    plan_indicators = select(Indicator.id).where(Indicator.plan_id == plan_id)
    cut_followups = select(FollowUp.id).where(FollowUp.cut_id == cut_id)
    sources = [
        (Organization, Organization.id == organization_id),
        (Unit, Unit.organization_id == organization_id),
        (Plan, Plan.id == plan_id),
        (Cut, Cut.plan_id == plan_id),
        (Node, Node.plan_id == plan_id),
        (Action, Action.plan_id == plan_id),
        (ActionUnit, ActionUnit.action_id.in_(plan_actions)),
        (Indicator, Indicator.plan_id == plan_id),
        (Contribution, Contribution.indicator_id.in_(plan_indicators)),
        (Programming, Programming.indicator_id.in_(plan_indicators)),
        (Measurement, Measurement.indicator_id.in_(plan_indicators)),
        (BudgetAllocation, BudgetAllocation.plan_id == plan_id),
        (FollowUp, FollowUp.cut_id == cut_id),
        (Evidence, Evidence.followup_id.in_(cut_followups)),
    ]
    columns = [
        select(func.concat(func.count(), "@", func.max(model.updated_at)))
        .where(where)
        .scalar_subquery()
        for model, where in sources
    ]
    return "|".join(str(v) for v in session.execute(select(*columns)).one())


def get(session: Session, report_id: uuid.UUID) -> Report | None:
    return session.get(Report, report_id)


def get_with_job(session: Session, report_id: uuid.UUID) -> Row | None:
    return session.execute(
        select(Report, Job).outerjoin(Job, Job.id == Report.job_id).where(Report.id == report_id)
    ).first()


def same_sources(session: Session, cut_id: uuid.UUID, fmt: str, source_key: str) -> Row | None:
    """The report made from these very rows, ready or on its way (not one whose job failed)."""
    return session.execute(
        select(Report, Job)
        .outerjoin(Job, Job.id == Report.job_id)
        .where(
            Report.cut_id == cut_id,
            Report.format == fmt,
            Report.source_key == source_key,
            Report.job_id.is_not(None),
            or_(Report.status == "ready", Job.status.in_(("queued", "running"))),
        )
        .order_by((Report.status == "ready").desc(), Report.created_at.desc())
        .limit(1)
    ).first()


def rendered_with(
    session: Session, cut_id: uuid.UUID, fmt: str, inputs_hash: str, other_than: uuid.UUID
) -> Report | None:
    """A ready report of the same figures (its file can be served again)."""
    return session.execute(
        select(Report)
        .where(
            Report.cut_id == cut_id,
            Report.format == fmt,
            Report.inputs_hash == inputs_hash,
            Report.status == "ready",
            Report.id != other_than,
        )
        .limit(1)
    ).scalar_one_or_none()


def list_page(
    session: Session, cut_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[Row], int]:
    """A page of the cut's reports (newest first) with their jobs, and how many there are."""
    total = session.execute(
        select(func.count()).select_from(Report).where(Report.cut_id == cut_id)
    ).scalar_one()
    rows = session.execute(
        select(Report, Job)
        .outerjoin(Job, Job.id == Report.job_id)
        .where(Report.cut_id == cut_id)
        .order_by(Report.created_at.desc(), Report.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(total)


def save(session: Session, report: Report) -> Report:
    session.add(report)
    session.flush()
    return report
