"""Domain errors and the one place that turns every error into RFC 9457 problem+json."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope, Send

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://plan-followup.example/problems/"


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """A problem+json answer sent from pure ASGI middleware (before any route ran)."""
    body = json.dumps(
        {
            "type": TYPE_BASE + slug,
            "title": title,
            "status": status,
            "detail": detail,
            "instance": scope["path"],
            "request_id": scope.get("state", {}).get("request_id"),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Validation failed",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}
_TYPES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "precondition-failed",
    413: "content-too-large",
    415: "unsupported-media-type",
    422: "validation",
    428: "precondition-required",
    429: "too-many-requests",
    500: "internal",
    503: "unavailable",
}


class DomainError(Exception):
    """An error a client can act on; `status` picks the HTTP answer."""

    status = 400

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail)
        if status is not None:
            self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers


class BadRequest(DomainError):
    status = 400


class Unauthorized(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404

    def __init__(self, what: str, key: object | None = None) -> None:
        super().__init__(f"{what} {key} not found" if key is not None else f"{what} not found")


class Conflict(DomainError):
    status = 409


class PreconditionFailed(DomainError):
    status = 412


class ContentTooLarge(DomainError):
    status = 413


class UnsupportedMediaType(DomainError):
    status = 415


class ServiceUnavailable(DomainError):
    status = 503


class Invalid(DomainError):
    """A body that parses but breaks a domain rule; `loc` names the field."""

    status = 422

    def __init__(self, loc: list[str | int], msg: str) -> None:
        # A location in the body unless it says where ("query", "path", "header").
        full = loc if loc and loc[0] in ("query", "path", "header", "body") else ["body", *loc]
        super().__init__(msg, errors=[{"loc": full, "msg": msg}])


def problem(
    status: int,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    request: Request | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + _TYPES.get(status, "error"),
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
        request_id = getattr(request.state, "request_id", None)
        if request_id:
            body["request_id"] = request_id
            headers = {**(headers or {}), "X-Request-ID": request_id}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(
        jsonable_encoder(body), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        item: dict[str, Any] = {"loc": list(err.get("loc", ())), "msg": err.get("msg", "")}
        if err.get("type"):
            item["type"] = err["type"]
        out.append(item)
    return out


def _allowed_methods(request: Request) -> list[str]:
    """Every method the API documents for this path (Starlette names only the first route's)."""
    table = getattr(request.app.state, "path_methods", None)
    if table is None:
        table = [
            (
                re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"),
                [m.upper() for m in ops],
            )
            for path, ops in request.app.openapi()["paths"].items()
        ]
        request.app.state.path_methods = table
    return sorted(
        {m for pattern, methods in table if pattern.match(request.url.path) for m in methods}
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem(
            exc.status, exc.detail, errors=exc.errors, headers=exc.headers, request=request
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(
                400, "The request body is not valid JSON.", errors=errors, request=request
            )
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
        return problem(422, f"Invalid input: {fields}", errors=errors, request=request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "")
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No route {request.url.path}"
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            allowed = _allowed_methods(request)
            detail = (
                f"Method {request.method} is not allowed on {request.url.path}; "
                f"allowed: {', '.join(allowed)}"
            )
            headers = {**(headers or {}), "Allow": ", ".join(allowed)}
        return problem(exc.status_code, detail, headers=headers, request=request)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot store (NUL byte, out-of-range number) slipped past the
        # schemas: the client's input, not a server fault. Logged, since a schema should say so.
        log.warning(
            "database refused a value",
            extra={"path": request.url.path, "error": type(exc.orig).__name__},
        )
        return problem(
            422,
            "A value in the request cannot be stored (invalid characters or out of range).",
            request=request,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The body says nothing about the cause; the log has it, under the request id.
        # This handler runs outside the request-id middleware: name the id explicitly.
        log.exception(
            "unhandled error",
            extra={
                "path": request.url.path,
                "request_id": getattr(request.state, "request_id", None),
            },
        )
        return problem(
            500, "An unexpected error occurred. Quote the request id to support.", request=request
        )


class ProblemError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API answers."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[ProblemError] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers of a route, all problem+json."""
    return {
        status: {
            "model": Problem,
            "description": _TITLES.get(status, "Error"),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
