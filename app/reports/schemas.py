"""JSON bodies of the report resource."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from app.core.schemas import InputModel, OutputModel
from app.jobs.schemas import JobProblem

ReportFormat = Literal["pdf", "xlsx"]


class ReportCreate(InputModel):
    format: ReportFormat = Field(description="pdf or xlsx")


class ReportPublic(OutputModel):
    id: uuid.UUID
    cut_id: uuid.UUID
    plan_id: uuid.UUID
    format: ReportFormat
    status: Literal["pending", "ready", "failed"] = Field(
        description="failed while its job is failed (retry the job)"
    )
    file_name: str
    media_type: str
    size_bytes: int | None
    sha256: str | None = Field(description="Of the file, once ready")
    inputs_hash: str | None = Field(
        description="SHA-256 of the figures shown, format and renderer version (once rendered)"
    )
    renderer_version: str
    job_id: uuid.UUID | None
    error: JobProblem | None = Field(description="Why its job failed")
    rendered_at: datetime | None
    created_at: datetime
    links: dict[str, str] = Field(description="`self`, `cut`, `job`, and `content` when ready")
