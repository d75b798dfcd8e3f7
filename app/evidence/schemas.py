"""JSON bodies of evidence."""

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field

from app.core.schemas import InputModel, Name, Resource, ShortText

EvidenceKind = Literal[
    "acta", "attendance_list", "photo", "official_letter", "document", "link", "other"
]


class EvidenceLink(InputModel):
    kind: EvidenceKind = "link"
    title: Name
    url: Annotated[AnyHttpUrl, Field(description="http(s) address of the evidence")]
    evidence_date: date | None = None
    reference: ShortText | None = None


class EvidencePublic(Resource):
    followup_id: uuid.UUID
    kind: str
    title: str
    evidence_date: date | None
    reference: str | None
    url: str | None
    sha256: str | None
    media_type: str | None
    size_bytes: int | None
    original_name: str | None
