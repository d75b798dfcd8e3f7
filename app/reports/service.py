"""Follow-up reports: gather a cut's figures into ReportData, render them in a job, serve them.

Every figure comes from the results service; this module adds what officials wrote (the
follow-ups and their evidence) and keeps one report per set of inputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import re
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel
from sqlmodel import Session

from app.auth.actor import Actor
from app.compute import DEFAULT_BANDS
from app.core.errors import NotFound
from app.core.models import utcnow
from app.cuts import service as cuts
from app.cuts.models import Cut
from app.jobs import service as jobs
from app.jobs.models import Job
from app.plans.models import Plan
from app.reports import repository
from app.reports.data import (
    AxisInfo,
    BandInfo,
    EvidenceEntry,
    FollowUpEntry,
    ReportData,
    UnitInfo,
)
from app.reports.models import Report
from app.reports.schemas import ReportPublic
from app.results import service as results

JOB_KIND = "report.render"
# Alerts in a report use the API's default threshold (GET /cuts/{id}/alerts).
LAG_THRESHOLD_PCT = Decimal(10)
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# format -> (module, function); the module's RENDERER_VERSION is part of the inputs' hash.
RENDERERS = {"pdf": ("app.reports.pdf", "render_pdf"), "xlsx": ("app.reports.xlsx", "render_xlsx")}


# --- the data --------------------------------------------------------------------------------


def _bands(plan: Plan) -> list[BandInfo]:
    if plan.bands:
        raw = [(b["code"], b["label"], b["color"], b["lower_bound"]) for b in plan.bands]
    else:
        raw = [(b.code, b.label, b.color, b.lower_bound) for b in DEFAULT_BANDS]
    bands = [
        BandInfo(code, label, color, float(Decimal(str(low)))) for code, label, color, low in raw
    ]
    return sorted(bands, key=lambda b: b.min_pct)


def build_report_data(session: Session, cut: Cut, plan: Plan) -> ReportData:
    """Everything a report of `cut` shows, in a fixed number of statements.

    The plan is loaded and evaluated at the cut once; every view (results, by unit, by each
    axis, alerts, the trend's point at this cut) is shaped from that one evaluation. The
    renderers show the trend of the plan and its nodes, not each indicator's: those points
    are left out.
    """
    at = results.at_cut(session, cut, plan)
    cut_results = results.results(session, cut, plan, at=at)
    axes = [AxisInfo(a["code"], a["name"]) for a in plan.axes or []]
    budget = results.budget(session, plan, year=None, measure="planned")
    return ReportData(
        organization_name=repository.organization_name(session, plan.organization_id),
        plan_code=plan.code,
        plan_name=plan.name,
        plan_kind=plan.kind,
        first_year=plan.first_year,
        last_year=plan.last_year,
        levels=list(plan.levels or []),
        bands=_bands(plan),
        axes=axes,
        units=[
            UnitInfo(r.id, r.code, r.name) for r in repository.units(session, plan.organization_id)
        ],
        generated_at=utcnow(),
        results=cut_results,
        by_unit=results.by_unit(session, cut, plan, at=at),
        by_axis={a.code: results.by_axis(session, cut, plan, a.code, at=at) for a in axes},
        trend=results.trend(session, plan, at=at, indicators=False),
        alerts=results.alerts(session, cut, plan, LAG_THRESHOLD_PCT, at),
        # A plan without costs has no budget section.
        budget=budget if budget.total != 0 else None,
        followups=[
            FollowUpEntry(
                r.indicator_id,
                r.indicator_code,
                r.status,
                r.narrative,
                r.observations,
                r.lag_justification,
            )
            for r in repository.followups(session, cut.id)
        ],
        evidence=[
            EvidenceEntry(
                r.indicator_id,
                r.indicator_code,
                r.kind,
                r.title,
                r.evidence_date,
                url=r.url or (f"/api/v1/evidence/{r.id}/content" if r.sha256 else None),
                file_name=r.original_name,
                reference=r.reference,
            )
            for r in repository.evidence(session, cut.id)
        ],
    )


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def inputs_hash(data: ReportData, fmt: str, renderer_version: str) -> str:
    """SHA-256 of what the document shows (not when it was made), its format and renderer."""
    digest = hashlib.sha256(f"{fmt}|{renderer_version}".encode())
    for f in dataclasses.fields(data):
        if f.name == "generated_at":
            continue
        value = getattr(data, f.name)
        digest.update(f"|{f.name}=".encode())
        if isinstance(value, BaseModel):
            digest.update(value.model_dump_json().encode())
        elif isinstance(value, dict):
            for key in sorted(value):
                digest.update(f"{key}:".encode())
                item = value[key]
                digest.update(
                    item.model_dump_json().encode()
                    if isinstance(item, BaseModel)
                    else json.dumps(_plain(item), sort_keys=True).encode()
                )
        else:
            digest.update(json.dumps(_plain(value), sort_keys=True).encode())
    return digest.hexdigest()


def source_key(session: Session, cut: Cut, plan: Plan, fmt: str) -> str:
    """What a request compares: the state of the report's source rows, format and renderer."""
    state = repository.source_state(session, plan.organization_id, plan.id, cut.id)
    return hashlib.sha256(f"{fmt}|{renderer_version(fmt)}|{state}".encode()).hexdigest()


# --- rendering -------------------------------------------------------------------------------


def renderer_version(fmt: str) -> str:
    module = importlib.import_module(RENDERERS[fmt][0])
    return f"{fmt}-{getattr(module, 'RENDERER_VERSION', '1')}"


def render(fmt: str, data: ReportData) -> bytes:
    module_name, function = RENDERERS[fmt]
    return getattr(importlib.import_module(module_name), function)(data)


# --- names -----------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(plan: Plan, cut: Cut, fmt: str) -> str:
    """`seguimiento-<plan code>-<cut date>.<format>`: safe as a file name anywhere."""
    code = _UNSAFE.sub("-", plan.code).strip("-.") or "plan"
    return f"seguimiento-{code}-{cut.cut_date.isoformat()}.{fmt}"


def content_disposition(name: str) -> str:
    ascii_name = _UNSAFE.sub("_", name.encode("ascii", "ignore").decode()) or "reporte"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- the resource ----------------------------------------------------------------------------


def public(report: Report, job: Job | None) -> ReportPublic:
    if report.status == "ready":
        status = "ready"
    elif job is not None and job.status == "failed":
        status = "failed"
    else:
        status = "pending"
    links = {
        "self": f"/api/v1/reports/{report.id}",
        "cut": f"/api/v1/cuts/{report.cut_id}",
    }
    if status == "ready":
        links["content"] = f"/api/v1/reports/{report.id}/content"
    if report.job_id is not None:
        links["job"] = f"/api/v1/jobs/{report.job_id}"
    return ReportPublic(
        id=report.id,
        cut_id=report.cut_id,
        plan_id=report.plan_id,
        format=report.format,
        status=status,
        file_name=report.file_name,
        media_type=report.media_type,
        size_bytes=report.size_bytes,
        sha256=report.sha256,
        inputs_hash=report.inputs_hash,
        renderer_version=report.renderer_version,
        job_id=report.job_id,
        error=job.error if status == "failed" and job is not None else None,
        rendered_at=report.rendered_at,
        created_at=report.created_at,
        links=links,
    )


def request(
    session: Session, actor: Actor, cut: Cut, plan: Plan, fmt: str
) -> tuple[Report, Job, bool]:
    """The report of the cut as it is now: (report, its job, whether it was just queued).

    Nothing is computed here: while the rows the report is made from are unchanged, the
    report already made (or on its way) is the answer.
    """
    key = source_key(session, cut, plan, fmt)
    existing = repository.same_sources(session, cut.id, fmt, key)
    if existing is not None:
        return existing[0], existing[1], False
    report = repository.save(
        session,
        Report(
            organization_id=plan.organization_id,
            plan_id=plan.id,
            cut_id=cut.id,
            format=fmt,
            source_key=key,
            renderer_version=renderer_version(fmt),
            file_name=file_name(plan, cut, fmt),
            media_type=MEDIA_TYPES[fmt],
            created_by=actor.user_id,
        ),
    )
    job = jobs.enqueue(
        session,
        actor,
        kind=JOB_KIND,
        payload={"report_id": str(report.id)},
        organization_id=plan.organization_id,
        links={"report": f"/api/v1/reports/{report.id}"},
    )
    report.job_id = job.id
    session.add(report)
    session.flush()
    return report, job, True


def get_visible(
    session: Session, actor: Actor | None, report_id: uuid.UUID
) -> tuple[Report, Job | None]:
    """A report whose cut the caller may read (anonymously: a published cut's)."""
    row = repository.get_with_job(session, report_id)
    if row is None:
        raise NotFound("report", report_id)
    try:
        cuts.get_visible(session, actor, row[0].cut_id, public_ok=True)
    except NotFound:
        raise NotFound("report", report_id) from None
    return row[0], row[1]


def list_for_cut(session: Session, cut: Cut, limit: int, offset: int) -> tuple[list, int]:
    rows, total = repository.list_page(session, cut.id, limit, offset)
    return [public(report, job) for report, job in rows], total
