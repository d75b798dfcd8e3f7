"""The job that renders a report: figures gathered again, laid out, stored, then marked ready."""

from __future__ import annotations

import uuid

from app.core import metrics
from app.core.storage import FileTooLarge
from app.cuts.models import Cut
from app.jobs import service as jobs
from app.plans.models import Plan
from app.reports import repository, service
from app.reports.models import Report
from app.reports.storage import report_storage
from app.webhooks import service as webhooks


@jobs.handler(service.JOB_KIND)
def render_report(ctx: jobs.JobContext) -> dict:
    session = ctx.session
    report = session.get(Report, uuid.UUID(ctx.payload["report_id"]))
    if report is None:
        raise jobs.JobFailed("The report was deleted before it was rendered.")
    cut, plan = session.get(Cut, report.cut_id), session.get(Plan, report.plan_id)
    if cut is None or plan is None:  # deleting either deletes its reports: not reached
        raise jobs.JobFailed("The report's cut or plan was deleted before it was rendered.")
    ctx.progress(5)
    data = service.build_report_data(session, cut, plan)
    ctx.progress(50)
    version = service.renderer_version(report.format)
    report.inputs_hash = service.inputs_hash(data, report.format, version)
    report.renderer_version = version
    same = repository.rendered_with(
        session, report.cut_id, report.format, report.inputs_hash, other_than=report.id
    )
    if same is not None:
        # The rows moved but not the figures: the document already made says the same.
        report.sha256, report.size_bytes = same.sha256, same.size_bytes
    else:
        content = service.render(report.format, data)
        ctx.progress(90)
        # The file is stored (atomically, under its SHA-256) before the row says ready: a
        # reader never sees a ready report without its whole file.
        try:
            stored = report_storage(ctx.settings).put(
                iter([content]),
                max_bytes=ctx.settings.reports_max_bytes,
                content_type=report.media_type,
            )
            report.sha256, report.size_bytes = stored.sha256, stored.size
            metrics.record_report_rendered(report.format)
        except FileTooLarge:
            raise jobs.JobFailed(
                f"The document is larger than the {ctx.settings.reports_max_bytes} bytes allowed."
            ) from None
    report.status, report.rendered_at = "ready", data.generated_at
    session.add(report)
    session.flush()
    webhooks.report_event(session, plan, report)
    return {
        "report_id": str(report.id),
        "links": {
            "report": f"/api/v1/reports/{report.id}",
            "content": f"/api/v1/reports/{report.id}/content",
        },
    }
