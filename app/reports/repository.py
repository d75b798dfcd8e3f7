"""Every statement of the reports module: what a report adds to the results, and report rows."""

from __future__ import annotations

import uuid

from sqlalchemy import Row, func, or_, select
from sqlmodel import Session

from app.evidence.models import Evidence
from app.followups.models import FollowUp
from app.jobs.models import Job
from app.organizations.models import Organization
from app.plans.models import Indicator
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


def get(session: Session, report_id: uuid.UUID) -> Report | None:
    return session.get(Report, report_id)


def get_with_job(session: Session, report_id: uuid.UUID) -> Row | None:
    return session.execute(
        select(Report, Job).outerjoin(Job, Job.id == Report.job_id).where(Report.id == report_id)
    ).first()


def same_inputs(session: Session, cut_id: uuid.UUID, fmt: str, inputs_hash: str) -> Row | None:
    """The report of these inputs, ready or on its way (one whose job failed is not reused)."""
    return session.execute(
        select(Report, Job)
        .outerjoin(Job, Job.id == Report.job_id)
        .where(
            Report.cut_id == cut_id,
            Report.format == fmt,
            Report.inputs_hash == inputs_hash,
            Report.job_id.is_not(None),
            or_(Report.status == "ready", Job.status.in_(("queued", "running"))),
        )
        .order_by((Report.status == "ready").desc(), Report.created_at.desc())
        .limit(1)
    ).first()


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
