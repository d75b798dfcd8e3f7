"""HTTP routes of the alerts (at a cut, at a date), a unit's digest, the reporting status of
a plan and the evidence completeness of a cut."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from app.alerts import service
from app.alerts.schemas import (
    Alerts,
    EvidenceCompleteness,
    ReportingStatus,
    SeverityCode,
    UnitDigest,
)
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.cuts.dependencies import CutDep
from app.plans.dependencies import PlanDep
from app.units.dependencies import UnitDep

router = APIRouter(prefix="/api/v1", tags=["alerts"], responses=problem_responses(401, 404, 422))

LagThreshold = Annotated[
    Decimal,
    Query(
        ge=0,
        le=100,
        allow_inf_nan=False,
        description="An indicator lags when its shown advance is below 100 minus this",
    ),
]
AsOf = Annotated[
    date | None, Query(description="The day to look at (default today); inside the plan's years")
]
UnitFilter = Annotated[uuid.UUID | None, Query(description="Only alerts about this unit")]
KindFilter = Annotated[
    list[Annotated[str, Query(max_length=40)]] | None,
    Query(max_length=20, description="Only these kinds (repeat the parameter for several)"),
]
SeverityFilter = Annotated[SeverityCode | None, Query(description="Only this severity")]


@router.get("/cuts/{cut_id}/alerts", response_model=Alerts, name="get_cut_alerts")
def get_cut_alerts(
    found: CutDep,
    session: SessionDep,
    lag_threshold_pct: LagThreshold = Decimal(10),
    unit_id: UnitFilter = None,
    kind: KindFilter = None,
    severity: SeverityFilter = None,
):
    """Every alert at the cut: the cut-bound ones speak of this cut's follow-ups."""
    return service.cut_alerts(
        session, *found, lag_threshold_pct, kind=kind, unit_id=unit_id, severity=severity
    )


@router.get("/plans/{plan_id}/alerts", response_model=Alerts, name="get_plan_alerts")
def get_plan_alerts(
    plan: PlanDep,
    session: SessionDep,
    as_of: AsOf = None,
    lag_threshold_pct: LagThreshold = Decimal(10),
    unit_id: UnitFilter = None,
    kind: KindFilter = None,
    severity: SeverityFilter = None,
):
    """Every alert of the plan at a date, not only at cuts; follow-up alerts over its open
    cuts dated on or before it."""
    return service.plan_alerts(
        session, plan, as_of, lag_threshold_pct, kind=kind, unit_id=unit_id, severity=severity
    )


@router.get(
    "/plans/{plan_id}/reporting-status",
    response_model=ReportingStatus,
    name="get_reporting_status",
)
def get_reporting_status(plan: PlanDep, session: SessionDep, as_of: AsOf = None):
    """Who has reported the last period due, who is late and by how many days."""
    return service.reporting_status(session, plan, as_of)


@router.get(
    "/cuts/{cut_id}/evidence-completeness",
    response_model=EvidenceCompleteness,
    name="get_evidence_completeness",
)
def get_evidence_completeness(found: CutDep, session: SessionDep):
    """Per unit, the follow-ups the plan's evidence rule applies to and those that meet it."""
    return service.evidence_completeness(session, *found)


@router.get("/units/{unit_id}/digest", response_model=UnitDigest, name="get_unit_digest")
def get_unit_digest(
    unit: UnitDep,
    session: SessionDep,
    as_of: Annotated[date | None, Query(description="The day to look at (default today)")] = None,
    plan_id: Annotated[uuid.UUID | None, Query(description="Only this plan")] = None,
):
    """Everything the unit must do now: overdue reports, follow-ups returned to it, missing
    evidence (and every other kind marked for the digest)."""
    return service.digest(session, unit, as_of, plan_id)
