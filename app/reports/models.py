"""A generated follow-up report of a cut: one file per format and set of inputs."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import TableBase, fk

FORMATS = ("pdf", "xlsx")


class Report(TableBase, table=True):
    __tablename__ = "reports"
    __table_args__ = (
        sa.CheckConstraint("format IN ('pdf', 'xlsx')", name="format"),
        sa.CheckConstraint("status IN ('pending', 'ready')", name="status"),
        sa.CheckConstraint("(status = 'ready') = (sha256 IS NOT NULL)", name="ready_has_file"),
        sa.Index("ix_reports_cut_id_format_source_key", "cut_id", "format", "source_key"),
        sa.Index("ix_reports_cut_id_format_inputs_hash", "cut_id", "format", "inputs_hash"),
    )

    organization_id: uuid.UUID = fk("organizations.id", ondelete="CASCADE")
    plan_id: uuid.UUID = fk("plans.id", ondelete="CASCADE")
    cut_id: uuid.UUID = fk("cuts.id", ondelete="CASCADE", index=False)
    format: str = Field(max_length=10)
    # pending until its file is stored; clients see "failed" while its job is failed.
    status: str = Field(default="pending", max_length=20)
    # SHA-256 of the state of the rows the report is made from (see repository.source_state),
    # the format and the renderer's version: asked again while nothing changed, the same
    # report is answered without computing anything.
    source_key: str = Field(max_length=64)
    # SHA-256 of what the document shows (the ReportData's figures), the format and the
    # renderer's version, set by the job: a report of the same figures reuses the file.
    inputs_hash: str | None = Field(default=None, max_length=64)
    renderer_version: str = Field(max_length=40)
    job_id: uuid.UUID | None = fk("jobs.id", nullable=True, ondelete="SET NULL")
    file_name: str = Field(max_length=255)
    media_type: str = Field(max_length=100)
    sha256: str | None = Field(default=None, max_length=64)
    size_bytes: int | None = None
    rendered_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
