"""JSON bodies of follow-ups."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import StringConstraints

from app.core.schemas import LONG_NAME_PATTERN, LONG_TEXT_PATTERN, InputModel, OutputModel, Resource

LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000, pattern=LONG_TEXT_PATTERN)
]
FollowUpStatus = Literal["draft", "submitted", "approved", "returned"]


class FollowUpWrite(InputModel):
    narrative: LongText | None = None
    observations: LongText | None = None
    lag_justification: LongText | None = None


class FollowUpReturn(InputModel):
    comment: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=5000, pattern=LONG_NAME_PATTERN
        ),
    ]


class FollowUpEventPublic(OutputModel):
    at: datetime
    actor_username: str
    from_status: str
    to_status: str
    comment: str | None


class FollowUpPublic(Resource):
    cut_id: uuid.UUID
    indicator_id: uuid.UUID
    indicator_code: str
    narrative: str | None
    observations: str | None
    lag_justification: str | None
    status: str
    return_comment: str | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    evidence_count: int
    events: list[FollowUpEventPublic]
