"""The job as clients poll it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from app.core.schemas import OutputModel

JobStatus = Literal["queued", "running", "done", "failed"]


class JobProblem(OutputModel):
    """Why the job failed, as RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Located problems (an import's sheet, row, column and code)"
    )


class JobPublic(OutputModel):
    id: uuid.UUID
    kind: str
    status: JobStatus
    progress: int = Field(ge=0, le=100)
    attempts: int = Field(description="Times a worker started it")
    error: JobProblem | None = Field(description="Set while the job is failed")
    result: dict[str, Any] | None = Field(description="What the job made, once done")
    links: dict[str, str] = Field(description="`self`, `retry` when failed, and its result's")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
