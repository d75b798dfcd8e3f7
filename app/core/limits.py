"""Abuse limits and security headers that hold for every route (README "Reliability proofs").

- Security headers on every answer: `X-Content-Type-Options: nosniff`, `X-Frame-Options:
  DENY` (with the `frame-ancestors 'none'` of app/core/docs.py's Content-Security-Policy),
  `Referrer-Policy: no-referrer`. uvicorn runs with `server_header=False` (app/cli.py).
- A body read deadline: a client must send its body within BODY_READ_TIMEOUT_S plus one
  second per BODY_MIN_RATE_BYTES_S bytes already sent; one that trickles it slower (a
  "slowloris" holding a worker and a connection) gets 408 problem+json and the connection is
  closed.
- JSON nested deeper than the parser's recursion limit is a 400, never a crash.
"""

from __future__ import annotations

import asyncio
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Settings
from app.core.errors import problem, send_problem

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeadersMiddleware:
    """Add the security headers to every answer that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                # A server banner with versions says too much: none at all.
                headers = [(k, v) for k, v in headers if k.lower() != b"server"]
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _BodyTimeout(StarletteHTTPException):
    # An HTTPException so that FastAPI's body parsing lets it through, like BodySizeLimit's.
    def __init__(self, detail: str) -> None:
        super().__init__(408, detail)


class BodyReadDeadlineMiddleware:
    """Answer 408 to a body that arrives slower than the deadline allows.

    The deadline grows with what was received (`timeout_s + received / min_rate`), so a large
    upload on a slow but honest link is not cut, while a body trickled a byte at a time is cut
    after about `timeout_s`. Only bodies the application reads are timed.
    """

    def __init__(self, app: ASGIApp, timeout_s: float, min_rate: int) -> None:
        self.app = app
        self.timeout_s = timeout_s
        self.min_rate = min_rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        received = 0
        done = False
        response_started = False

        async def timed_receive() -> Message:
            nonlocal received, done
            if done:
                return await receive()
            allowed = self.timeout_s + received / self.min_rate
            remaining = started + allowed - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                message = await asyncio.wait_for(receive(), remaining)
            except TimeoutError:
                raise _BodyTimeout(
                    f"The request body did not arrive within the time allowed "
                    f"({self.timeout_s:g} s plus 1 s per {self.min_rate} bytes)."
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                done = not message.get("more_body", False)
            else:
                done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, timed_receive, tracking_send)
        except _BodyTimeout as exc:
            if not response_started:
                await _timed_out(scope, send, str(exc.detail))


async def _timed_out(scope: Scope, send: Send, detail: str) -> None:
    await send_problem(
        scope,
        send,
        408,
        "request-timeout",
        "Request timeout",
        detail,
        # The rest of the body may still be coming: the connection is not reusable.
        ((b"connection", b"close"),),
    )


def install(app: FastAPI, settings: Settings) -> None:
    """The body deadline inside the size limit; the headers around everything but the docs'
    CSP (added later, so outermost)."""
    app.add_middleware(
        BodyReadDeadlineMiddleware,
        timeout_s=settings.body_read_timeout_s,
        min_rate=settings.body_min_rate_bytes_s,
    )

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        return problem(400, "The request body is nested too deeply.", request=request)


def install_headers(app: FastAPI) -> None:
    app.add_middleware(SecurityHeadersMiddleware)
