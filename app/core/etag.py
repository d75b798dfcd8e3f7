"""Entity tags for single resources and the `If-Match` precondition on writes."""

from __future__ import annotations

import hashlib

from fastapi import Response
from pydantic import BaseModel

from app.core.errors import PreconditionFailed


def etag_of(resource: BaseModel) -> str:
    # A hash of what the client sees: any visible change gives a new tag, no extra column.
    digest = hashlib.sha256(resource.model_dump_json().encode()).hexdigest()[:32]
    return f'"{digest}"'


def with_etag(response: Response, resource: BaseModel) -> BaseModel:
    response.headers["ETag"] = etag_of(resource)
    return resource


def check_if_match(if_match: str | None, current: BaseModel) -> None:
    """Refuse a write whose `If-Match` names another version than the current one (412)."""
    if if_match is None:
        return
    wanted = {tag.strip().removeprefix("W/") for tag in if_match.split(",") if tag.strip()}
    if "*" in wanted:
        return
    if etag_of(current) not in wanted:
        raise PreconditionFailed(
            "The resource has changed since it was read (If-Match does not match its ETag). "
            "Read it again and retry."
        )
