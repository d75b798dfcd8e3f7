"""Routes chosen by the body's media type: two handlers on one path and method.

A twin route declared with `media_type_route(...)` is taken only by requests whose
`Content-Type` is one of its types; every other request falls through to the route declared
after it on the same path. This lets a feature package (spreadsheets) take CSV/XLSX bodies of
a route owned by another package (measurements) without that package importing it.
"""

from __future__ import annotations

from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def media_type_route(*types: str) -> type[APIRoute]:
    accepted = frozenset(types)

    class MediaTypeRoute(APIRoute):
        def matches(self, scope: Scope) -> tuple[Match, Scope]:
            match, child_scope = super().matches(scope)
            if match is Match.FULL:
                headers = dict(scope["headers"])
                if media_type(headers.get(b"content-type", b"").decode("latin-1")) not in accepted:
                    return Match.NONE, {}
            return match, child_scope

    return MediaTypeRoute
