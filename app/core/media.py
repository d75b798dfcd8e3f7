"""415 for a body of a media type the operation does not take: it is never parsed.

What each operation takes is what the OpenAPI schema documents for its request body
(`application/json` for most; multipart/form-data for uploads and workbook imports; JSON, CSV or
XLSX for measurement batches; a form or JSON for evidence): the table is built from the app's
own schema once, so the documentation and the check cannot drift apart. A request with a body
(or a `Content-Type`) whose media type is not among them gets a problem+json 415 naming the
accepted types, and an `Accept-Post`/`Accept-Patch` header (RFC 5789, W3C LDP) listing them,
after the route's authentication and authorization (401, 403, 404 come first, as for every
other input). A request without a body is left to the route (a missing body is a 422 there).
Operations without a documented body are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import PROBLEM_JSON, TYPE_BASE, DomainError, problem_responses

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
        if accepted is not None and media_type_of(content_type) not in accepted:
            # Answered 415 by the error handlers below once the route's own checks (401, 403,
            # 404: they come first, as for any other input) have passed: a body of a type the
            # route does not take is never parsed, so the route fails on it.
            scope.setdefault("state", {})[_FLAG] = (media_type_of(content_type), accepted)
        await self.app(scope, receive, send)


_FLAG = "unsupported_media_type"


def unsupported(request: Request) -> JSONResponse | None:
    """The 415 answer of a request the middleware flagged, or None."""
    flagged = request.scope.get("state", {}).get(_FLAG)
    if flagged is None:
        return None
    sent, accepted = flagged
    names = ", ".join(accepted)
    method = request.scope["method"]
    return JSONResponse(
        {
            "type": TYPE_BASE + "unsupported-media-type",
            "title": "Unsupported media type",
            "status": 415,
            "detail": (
                f"{method} {request.url.path} takes a body of type {names}; "
                f"this one is {sent or 'not declared (no Content-Type)'}."
            ),
            "instance": request.url.path,
            "request_id": request.scope.get("state", {}).get("request_id"),
            "accepted": list(accepted),
        },
        status_code=415,
        media_type=PROBLEM_JSON,
        headers={_ACCEPT_HEADER[method].decode(): names},
    )


def install(app: FastAPI) -> None:
    """Answer 415 where a flagged request fails: its body's validation (the body the route
    needs was not parsed), or the route's own 415 (routes that read their raw body)."""
    for exc_class in (RequestValidationError, DomainError):
        original = app.exception_handlers[exc_class]

        async def handler(request: Request, exc: Exception, original=original) -> Response:
            if isinstance(exc, RequestValidationError) or getattr(exc, "status", None) == 415:
                answer = unsupported(request)
                if answer is not None:
                    return answer
            return await original(request, exc)

        app.add_exception_handler(exc_class, handler)


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
