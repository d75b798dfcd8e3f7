"""The `{"items": [...]}` body of a batch (measurements, financial execution), decoded.

Batches are validated from the bytes in one pass first; only when that fails is the body
decoded here, so each item can be judged alone by its own parser.
"""

from __future__ import annotations

import json

from app.core.errors import BadRequest, DomainError


def raw_items(body: bytes, what: str) -> list:
    """The items of a JSON body `{"items": [...]}`; any other body is refused whole (`what`
    names an item in the 422: "a list of measurements")."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
        raise BadRequest("The request body is not valid JSON.") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("items"), list)
        or set(data) - {"items"}
    ):
        raise DomainError(
            'The body must be {"items": [...]} and nothing else.',
            status=422,
            errors=[{"loc": ["body", "items"], "msg": what}],
        )
    return data["items"]
