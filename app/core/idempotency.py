"""`Idempotency-Key` on POSTs, the HTTP side: the header, the request's digest, the replay.

What a key answered is stored and looked up by the service of the route that accepts it
(`app.measurements.service.previous_answer` / `remember_answer`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import Header
from fastapi.responses import JSONResponse

IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Retry safely: the same key and body within 24 h return the first answer",
    ),
]


def body_digest(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def replayed(status_code: int, response: dict) -> JSONResponse:
    """A stored answer, sent again and marked as such."""
    return JSONResponse(response, status_code=status_code, headers={"Idempotency-Replayed": "true"})
