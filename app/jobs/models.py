"""A job as the API reports it: ours, independent of the queue's own tables."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from app.core.models import TableBase, fk

STATUSES = ("queued", "running", "done", "failed")


class Job(TableBase, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )

    organization_id: uuid.UUID | None = fk(
        "organizations.id", nullable=True, ondelete="CASCADE", index=True
    )
    kind: str = Field(max_length=60)
    status: str = Field(default="queued", max_length=20)
    progress: int = Field(default=0)
    payload: dict = Field(default_factory=dict, sa_type=JSONB)
    # What the handler returned (its `links` point at what it made).
    result: dict | None = Field(default=None, sa_type=JSONB)
    # Problem details (RFC 9457) of the last failure.
    error: dict | None = Field(default=None, sa_type=JSONB)
    attempts: int = Field(default=0)
    created_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
    started_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The queue's job that runs it now (procrastinate_jobs.id), for operators.
    queue_job_id: int | None = Field(default=None, sa_type=sa.BigInteger)
