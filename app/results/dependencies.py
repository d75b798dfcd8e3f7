"""The web side of the results cache: key a request, answer from the cache with ETag / 304."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from app.auth.deps import OptionalActorDep
from app.core.db import SessionDep
from app.cuts.dependencies import PublicCutDep
from app.results import cache

# Members and anonymous readers of a published cut may get different bodies (live figures vs
# the frozen revision) from one URL; a client revalidates every time (a 304 costs one lookup).
CACHE_HEADERS = {"Cache-Control": "no-cache", "Vary": "Authorization"}
CACHED_RESPONSES: dict[int | str, dict] = {
    200: {"headers": {"ETag": {"description": "Tag of the figures", "schema": {"type": "string"}}}},
    304: {"description": "Not modified: `If-None-Match` holds the current `ETag`"},
}


class Cached:
    """Answers a results endpoint of a cut from the results cache (`app.results.cache`)."""

    def __init__(
        self, request: Request, session: SessionDep, actor: OptionalActorDep, found: PublicCutDep
    ):
        self.session = session
        self.cut, self.plan = found
        self.frozen = actor is None and self.cut.status == "published"
        self.params = cache.params_key(
            [(k, str(v)) for k, v in request.path_params.items() if k != "cut_id"]
            + list(request.query_params.multi_items())
        )
        self.tags = request.headers.get("if-none-match", "").split(",")

    def __call__(self, kind: str, compute: cache.Compute) -> Response:
        served = cache.serve(
            self.session,
            self.cut,
            self.plan,
            kind,
            self.params,
            compute,
            tags=self.tags,
            frozen=self.frozen,
        )
        headers = {"ETag": served.etag, **CACHE_HEADERS}
        if served.payload is None:
            return Response(status_code=304, headers=headers)
        return Response(served.payload, media_type="application/json", headers=headers)


CachedDep = Annotated[Cached, Depends(Cached)]
