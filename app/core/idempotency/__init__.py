"""`Idempotency-Key` on every POST that creates or imports: one mechanism for all of them.

`make_idempotent(routers, actor=...)` (called by app.main.create_app before the routers are
included) gives every POST route that creates or imports (`is_create`: it answers 201, or is named
`create_*` / `import_*`):

- a dependency, `claim`, run after authentication and before the route's own work: it digests
  the request (method, path, query, media type and body: JSON canonicalised, a form field by
  field with each file's SHA-256, any other body byte for byte) and, within the request's
  transaction, takes the key for the caller (`idempotency_keys`, unique per user and key) by
  inserting its row first. A concurrent request with the same key waits on that unique index
  until the first one's transaction ends; then it finds the key taken. A key taken by the same
  request answers the stored answer again (`Idempotency-Replayed: true`) and nothing else runs;
  by another request (method, path or body differ), 409. Past 24 h the key is forgotten.
- a route handler that, once the route has answered and before the transaction commits,
  records the answer (status, JSON body, `Location`, `ETag`, `Content-Type`) on the key's row.
  An error raised by the route rolls everything back, the key included: a failed request may
  be retried with the same key. So a key is never stored without the writes it answered for.

A request without the header is untouched.
"""

import contextlib
import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.core.db import SessionDep
from app.core.errors import Conflict, problem_responses
from app.core.idempotency import repository
from app.core.models import utcnow
from app.core.routing import media_type

# How long a key answers with its first answer.
IDEMPOTENCY_TTL = timedelta(hours=24)
HEADER = "Idempotency-Key"
REPLAYED = "Idempotency-Replayed"
# The response headers a replay gives again (besides its status and body).
KEPT_HEADERS = ("location", "etag", "content-type")

IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Retry safely: the same key and body within 24 h return the first answer "
        "(and write nothing more); the same key with another request is 409.",
    ),
]

_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def is_create(route: APIRoute) -> bool:
    """A POST that creates (answers 201, or is named create_*: a report queued, 202) or
    imports (import_*). Retrying a job or redelivering a webhook creates nothing: they are
    state changes, refused with 409 when repeated."""
    return "POST" in (route.methods or set()) and (
        route.status_code == 201 or route.name.startswith(("create_", "import_"))
    )


async def request_digest(request: Request) -> str | None:
    """SHA-256 of what makes two requests the same one; None without an Idempotency-Key."""
    if HEADER.lower() not in request.headers:
        return None
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode()
            digest.update(len(data).to_bytes(8, "big") + data)

    kind = media_type(request.headers.get("content-type"))
    add(request.method, request.url.path, kind, *sorted(request.query_params.multi_items()))
    if kind in _FORMS:
        # Parsed already by the route (with its limits); the multipart boundary, which every
        # client picks at random, is not part of the request's meaning.
        form = await request.form()
        for name, value in sorted(form.multi_items(), key=lambda item: item[0]):
            if isinstance(value, UploadFile):
                content = hashlib.sha256()
                while chunk := await value.read(1 << 16):
                    content.update(chunk)
                await value.seek(0)
                add(name, "file", value.filename or "", value.content_type or "")
                add(content.hexdigest())
            else:
                add(name, "field", value)
    else:
        body = await request.body()
        if kind == "application/json":
            with contextlib.suppress(ValueError):  # refused by the route; digested as sent
                body = json.dumps(json.loads(body), sort_keys=True).encode()
        add(body)
    return digest.hexdigest()


class Replay(Exception):  # noqa: N818 - not an error: the first answer, again
    def __init__(self, status_code: int, body: Any, headers: dict[str, str]) -> None:
        super().__init__(status_code)
        self.status_code, self.body, self.headers = status_code, body, headers


@dataclass
class Claim:
    """A key this request took: its row waits for the answer."""

    session: Session
    row_id: uuid.UUID

    def remember(self, response: Response) -> None:
        body: Any = None
        if response.status_code < 500 and isinstance(response, Response):
            raw = getattr(response, "body", None)
            if isinstance(raw, bytes | memoryview):
                try:
                    body = json.loads(bytes(raw)) if raw else None
                except ValueError:
                    body = ...
        if response.status_code >= 500 or body is ...:
            # Not an answer to give again: the key is freed (what was written stays).
            repository.release(self.session, self.row_id)
            return
        headers = {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
        repository.record_answer(self.session, self.row_id, response.status_code, body, headers)


def take_key(
    session: Session, user_id: uuid.UUID, key: str, method: str, path: str, digest: str
) -> uuid.UUID:
    """Take the key for this request (its row's id), or raise Replay / Conflict."""
    repository.forget_older(session, user_id, key, utcnow() - IDEMPOTENCY_TTL)
    row_id = repository.insert_first(
        session, user_id=user_id, key=key, method=method, path=path, digest=digest
    )
    if row_id is not None:
        return row_id
    row = repository.taken(session, user_id, key)
    if row is None:  # forgotten meanwhile by another request past the time to live
        raise Conflict(f"This {HEADER} is being reused right now; try again.")
    if (row.method, row.path, row.body_sha256) != (method, path, digest):
        raise Conflict(
            f"This {HEADER} was already used with another request "
            f"({row.method} {row.path} with another body or query); use a new key."
        )
    if row.status_code is None:
        raise Conflict(
            f"The first request with this {HEADER} left no answer to repeat; use a new key."
        )
    raise Replay(row.status_code, row.response, dict(row.headers or {}))


def _claim_dependency(actor: Callable[..., Any]) -> Callable[..., None]:
    def claim(
        request: Request,
        session: SessionDep,
        caller: Annotated[Any, Depends(actor)],
        digest: Annotated[str | None, Depends(request_digest)],
        key: IdempotencyHeader = None,
    ) -> None:
        if key is None or digest is None:
            return
        row_id = take_key(session, caller.user_id, key, request.method, request.url.path, digest)
        request.state.idempotency_claim = Claim(session, row_id)

    return claim


Handler = Callable[[Request], Awaitable[Response]]


def _remembering(get_route_handler: Callable[[], Handler]) -> Callable[[], Handler]:
    def make() -> Handler:
        handler = get_route_handler()

        async def run(request: Request) -> Response:
            # Runs inside the request's transaction: the session commits after this returns.
            response = await handler(request)
            claim: Claim | None = getattr(request.state, "idempotency_claim", None)
            if claim is not None:
                await run_in_threadpool(claim.remember, response)
            return response

        return run

    return make


_MARK = "_idempotent"


def make_idempotent(routers: Iterable[APIRouter], *, actor: Callable[..., Any]) -> list[str]:
    """Give every create/import route of these routers the key; the names of those routes.

    Runs before the routers are included (the app copies each route's dependencies then); a
    route already made idempotent (by an earlier app built from the same routers) is left.
    """
    claim = Depends(_claim_dependency(actor))
    names = []
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute) or not is_create(route):
                continue
            names.append(route.name)
            if getattr(route, _MARK, False):
                continue
            route.dependencies.append(claim)
            route.get_route_handler = _remembering(route.get_route_handler)  # type: ignore[method-assign,assignment]  # per route, not per class
            route.responses = {**problem_responses(409), **route.responses}
            setattr(route, _MARK, True)
    return names


async def _replay(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, Replay):  # pragma: no cover - registered for Replay only
        raise exc
    headers = {k: v for k, v in exc.headers.items() if k.lower() != "content-type"}
    return JSONResponse(
        exc.body,
        status_code=exc.status_code,
        headers={**headers, REPLAYED: "true"},
        media_type=exc.headers.get("content-type", "application/json"),
    )


def install_replay_handler(app: Any) -> None:
    app.add_exception_handler(Replay, _replay)
