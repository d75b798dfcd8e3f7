"""415 for a body of a media type the operation does not take.

What each operation takes is what the OpenAPI schema documents for its request body
(`application/json` for most; multipart/form-data for workbook imports; JSON, CSV or XLSX for
measurement batches; a form or JSON for evidence): the table is built from the app's own schema
once, so the documentation and the check cannot drift apart.

A body of another type is never parsed (FastAPI reads JSON only from JSON, forms only from
forms), so the route fails on the body it needs: every documented body is required. Where it
fails — its body's validation error, or the 415 of a route that reads its raw body — the
answer becomes a problem+json 415 naming the accepted types (`accepted`, and an
`Accept-Post`/`Accept-Patch`/`Accept-Put` header listing them, RFC 9110 15.5.16). So the
route's authentication, authorization and lookups answer first (401, 403, 404), as they do for
every other bad input, and a wrongly typed body is never mistaken for a missing field (422).
A request without a body and without a `Content-Type` is left to the route (422 there).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from app.core.errors import PROBLEM_JSON, TYPE_BASE, DomainError, problem_responses
from app.core.routing import media_type

_ACCEPT_HEADER = {"POST": "Accept-Post", "PATCH": "Accept-Patch", "PUT": "Accept-Put"}

Table = dict[tuple[str, str], tuple[str, ...]]


def accepted_types(openapi: dict[str, Any]) -> Table:
    """(path template, method) -> accepted media types, of every operation with a body."""
    table = {}
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content")
            if isinstance(content, dict) and content:
                table[(path, method.upper())] = tuple(content)
    return table


def _accepted(request: Request) -> tuple[str, ...] | None:
    table = getattr(request.app.state, "accepted_media_types", None)
    if table is None:
        table = request.app.state.accepted_media_types = accepted_types(request.app.openapi())
    route = request.scope.get("route")
    return table.get((getattr(route, "path", ""), request.method))


def unsupported(request: Request) -> JSONResponse | None:
    """The 415 answer when the request's body is of a type its operation does not take."""
    if request.method not in _ACCEPT_HEADER:
        return None
    declared = request.headers.get("content-type")
    has_body = "transfer-encoding" in request.headers or request.headers.get(
        "content-length", ""
    ).strip() not in ("", "0")
    if declared is None and not has_body:
        return None
    accepted = _accepted(request)
    sent = media_type(declared)
    if accepted is None or sent in accepted:
        return None
    names = ", ".join(accepted)
    return JSONResponse(
        {
            "type": TYPE_BASE + "unsupported-media-type",
            "title": "Unsupported media type",
            "status": 415,
            "detail": (
                f"{request.method} {request.url.path} takes a body of type {names}; "
                f"this one is {sent or 'not declared (no Content-Type)'}."
            ),
            "instance": request.url.path,
            "request_id": getattr(request.state, "request_id", None),
            "accepted": list(accepted),
        },
        status_code=415,
        media_type=PROBLEM_JSON,
        headers={_ACCEPT_HEADER[request.method]: names},
    )


def install(app: FastAPI) -> None:
    """Wrap the handlers of body validation errors and of the routes' own 415s (call after
    app.core.errors.install_error_handlers)."""
    for exc_class in (RequestValidationError, DomainError):
        original = app.exception_handlers[exc_class]

        async def handler(request: Request, exc: Exception, original: Any = original) -> Response:
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
