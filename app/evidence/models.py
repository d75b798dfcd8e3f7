"""Evidence ("soportes"): a stored file or a link attached to a follow-up."""

import uuid
from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import TableBase, fk


class Evidence(TableBase, table=True):
    __tablename__ = "evidence"
    __table_args__ = (
        sa.CheckConstraint("(url IS NULL) <> (sha256 IS NULL)", name="file_or_link"),
        sa.CheckConstraint(
            "kind IN ('acta', 'attendance_list', 'photo', 'official_letter', 'document', "
            "'link', 'other')",
            name="kind",
        ),
    )

    followup_id: uuid.UUID = fk("followups.id", ondelete="CASCADE")
    kind: str = Field(max_length=30)
    title: str = Field(max_length=300)
    evidence_date: date | None = None
    reference: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    sha256: str | None = Field(default=None, max_length=64, index=True)
    media_type: str | None = Field(default=None, max_length=100)
    size_bytes: int | None = None
    original_name: str | None = Field(default=None, max_length=255)
    uploaded_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
