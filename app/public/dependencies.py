"""The web side of the public routes: the per-address limit, cache headers, ETag and 304,
and CORS for the configured origins."""

from __future__ import annotations

from fastapi import Request, Response
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import DomainError
from app.public import repository
from app.results.cache import etag_of


class TooManyRequests(DomainError):
    status = 429


def rate_limit(request: Request) -> None:
    """Count the request against its client address (`PUBLIC_RATE_LIMIT` requests per
    `PUBLIC_RATE_WINDOW_S` seconds; 0: no limit). The counter is a row in PostgreSQL,
    written in its own one-statement transaction, so every replica shares it and no lock
    outlives the statement."""
    settings = request.app.state.settings
    engine = request.app.state.engine
    if not settings.public_rate_limit or engine is None:
        return
    address = request.client.host if request.client else "unknown"
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        row = repository.hit(connection, address[:100], settings.public_rate_window_s)
    if row.hits > settings.public_rate_limit:
        retry = max(1, int(row.seconds_left))
        raise TooManyRequests(
            f"Too many requests from this address: at most {settings.public_rate_limit} every "
            f"{settings.public_rate_window_s} s on the public routes; try again in {retry} s. "
            "Demasiadas solicitudes desde esta dirección.",
            headers={"Retry-After": str(retry)},
        )


def cacheable(request: Request, body: bytes, media_type: str = "application/json") -> Response:
    """`body` with a strong ETag and `Cache-Control: public`; 304 when the client holds it."""
    etag = etag_of(body)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={request.app.state.settings.public_max_age_s}",
    }
    held = {
        t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")
    }
    if etag in held or "*" in held:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


PUBLIC_PREFIX = "/api/v1/public/"


class PublicCORSMiddleware:
    """Answers preflights and adds the CORS headers on paths under /api/v1/public for the
    configured origins; any other path passes through untouched (the general `CORS_ORIGINS`
    still applies there)."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET", "HEAD", "OPTIONS"],
            allow_headers=["If-None-Match", "Accept"],
            expose_headers=["ETag", "Retry-After", "X-Request-ID"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PUBLIC_PREFIX):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
