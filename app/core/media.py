"""415 for a body of a media type the operation does not take, before anything parses it.

What each operation takes is what the OpenAPI schema documents for its request body
(`application/json` for most; multipart/form-data for uploads and workbook imports; JSON, CSV or
XLSX for measurement batches; a form or JSON for evidence): the table is built from the app's
own schema once, so the documentation and the check cannot drift apart. A request with a body
(or a `Content-Type`) whose media type is not among them gets a problem+json 415 naming the
accepted types, and an `Accept-Post`/`Accept-Patch` header (RFC 5789, W3C LDP) listing them. A
request without a body is left to the route (a missing body is a 422 there). Operations
without a documented body are not checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import PROBLEM_JSON, TYPE_BASE, problem_responses

_PARAM = re.compile(r"\{[^/}]+\}")
# Answered with the list of accepted types, as RFC 9110 15.5.16 suggests.
_ACCEPT_HEADER = {"POST": b"accept-post", "PATCH": b"accept-patch", "PUT": b"accept-put"}

Table = list[tuple[re.Pattern[str], str, tuple[str, ...]]]


def accepted_types(openapi: dict[str, Any]) -> Table:
    """(path pattern, method, accepted media types) of every operation with a request body;
    literal paths before templated ones (`/plans/import` before `/plans/{plan_id}`)."""
    rows = []
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content")
            if not isinstance(content, dict) or not content:
                continue
            literal = (re.escape(part) for part in _PARAM.split(path))
            pattern = re.compile("^" + "[^/]+".join(literal) + "$")
            rows.append((path.count("{"), pattern, method.upper(), tuple(content)))
    rows.sort(key=lambda row: row[0])
    return [(pattern, method, types) for _, pattern, method, types in rows]


def media_type_of(value: bytes | None) -> str:
    return (value or b"").decode("latin-1").split(";")[0].strip().lower()


class MediaTypeMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.table: Table | None = None

    def _accepted(self, scope: Scope) -> tuple[str, ...] | None:
        if self.table is None:
            self.table = accepted_types(scope["app"].openapi())
        method, path = scope["method"], scope["path"]
        for pattern, op_method, types in self.table:
            if op_method == method and pattern.match(path):
                return types
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _ACCEPT_HEADER:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type")
        length = headers.get(b"content-length")
        has_body = b"transfer-encoding" in headers or (
            length is not None and length.strip() not in (b"", b"0")
        )
        if content_type is None and not has_body:
            await self.app(scope, receive, send)
            return
        accepted = self._accepted(scope)
        if accepted is None or media_type_of(content_type) in accepted:
            await self.app(scope, receive, send)
            return
        await _unsupported(scope, send, media_type_of(content_type), accepted)


async def _unsupported(scope: Scope, send: Send, sent: str, accepted: tuple[str, ...]) -> None:
    names = ", ".join(accepted)
    body = json.dumps(
        {
            "type": TYPE_BASE + "unsupported-media-type",
            "title": "Unsupported media type",
            "status": 415,
            "detail": (
                f"{scope['method']} {scope['path']} takes a body of type {names}; "
                f"this one is {sent or 'not declared (no Content-Type)'}."
            ),
            "instance": scope["path"],
            "request_id": scope.get("state", {}).get("request_id"),
            "accepted": list(accepted),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 415,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (_ACCEPT_HEADER[scope["method"]], names.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def document_unsupported(routers: Iterable[APIRouter]) -> None:
    """Add the 415 answer to the OpenAPI of every route that takes a body (before inclusion)."""
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            if not (route.methods or set()) & set(_ACCEPT_HEADER):
                continue
            if route.body_field is None and not (route.openapi_extra or {}).get("requestBody"):
                continue
            if 415 not in route.responses:
                route.responses = {**route.responses, **problem_responses(415)}
