"""CORS for the public routes alone (`PUBLIC_CORS_ORIGINS`): read-only, no credentials."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

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
