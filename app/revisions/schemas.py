"""JSON bodies of publication revisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from app.core.schemas import OutputModel


class RevisionPublic(OutputModel):
    cut_id: uuid.UUID
    number: int = Field(description="1 for the first publication, then one more each time")
    reason: str | None = Field(
        description="Why the cut was reopened before this publication (none for the first)"
    )
    published_at: datetime
    published_by: uuid.UUID | None
    published_by_username: str | None
    etag: str = Field(description="Tag of the frozen figures (the `ETag` of `…/revisions/{n}`)")


class FrozenAnswer(OutputModel):
    kind: str = Field(description="results, by-unit, by-axis, by-band, by-status or budget")
    params: str = Field(description="The answer's parameters, e.g. axis=eje or measure=planned")
    etag: str
    figures: dict[str, Any] = Field(
        description="The body the results endpoint answered when the cut was published"
    )


class RevisionFigures(RevisionPublic):
    answers: list[FrozenAnswer]


class FigureChange(OutputModel):
    kind: str
    params: str
    path: str = Field(description="Where in the answer, e.g. indicators[I-12].advance_pct")
    code: str | None = Field(description="The code of the element that changed")
    field: str = Field(description="The field inside the element; empty: added or removed")
    old: Any
    new: Any


class RevisionDiff(OutputModel):
    cut_id: uuid.UUID
    from_revision: int
    to_revision: int
    reason: str | None = Field(description="The reason of the later revision")
    total: int
    changes: list[FigureChange]
