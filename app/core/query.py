"""Query and path parameters held to what the OpenAPI schema says of them.

Unknown query parameters are refused: a misspelt filter must not return unfiltered data. So
are the spellings the schema does not allow but Python's parsers would take: a parameter
given twice where the schema takes one value (`?year=2020&year=2021`), integers written
` 2020`, `+2020`, `2_020` or `2020.0`, UUIDs without their hyphens, in braces or as a URN.
"""

import re
from typing import Any

from fastapi import Request

from app.core.errors import DomainError

_INTEGER = re.compile(r"^-?[0-9]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class UnknownQueryParameter(DomainError):
    status = 422


def _kinds(schema: dict[str, Any]) -> set[str]:
    """ "integer", "uuid", "array": what of these the parameter's schema (or a branch of its
    anyOf, for optional ones) declares."""
    found = set()
    for branch in [schema, *schema.get("anyOf", [])]:
        if branch.get("type") == "integer":
            found.add("integer")
        if branch.get("type") == "array":
            found.add("array")
        if branch.get("format") == "uuid":
            found.add("uuid")
    return found


Params = dict[str, tuple[str, set[str]]]
_SECURED = "\x00secured"  # a name no parameter has: whether the operation takes a token


def _documented(request: Request) -> dict[tuple[str, str], Params]:
    """Parameters per (path template, method): name -> (where, kinds), from the OpenAPI."""
    table = getattr(request.app.state, "query_params", None)
    if table is None:
        table = {
            (path, method.upper()): {
                **{
                    p["name"]: (p["in"], _kinds(p.get("schema", {})))
                    for p in op.get("parameters", [])
                    if p["in"] in ("query", "path")
                },
                **({_SECURED: ("security", set())} if op.get("security") else {}),
            }
            for path, ops in request.app.openapi()["paths"].items()
            for method, op in ops.items()
        }
        request.app.state.query_params = table
    return table


def _wrong(kinds: set[str], value: str) -> str | None:
    if "integer" in kinds and not _INTEGER.match(value):
        return "must be an integer written with digits only"
    if "uuid" in kinds and not _UUID.match(value):
        return "must be a UUID written 8-4-4-4-12 with hyphens"
    return None


async def forbid_unknown_query_params(request: Request) -> None:
    # async: no I/O here, so no hop to the thread pool for every request. (Path parameters
    # are checked too, so a request without a query string is not skipped.)
    route = request.scope.get("route")
    params = _documented(request).get((getattr(route, "path", ""), request.method))
    if params is None:  # not an API operation (docs, schema)
        return
    known = {name for name, (where, _) in params.items() if where == "query"}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise UnknownQueryParameter(
            f"Unknown query parameter(s): {', '.join(unknown)}",
            errors=[{"loc": ["query", name], "msg": "unknown query parameter"} for name in unknown],
        )
    if _SECURED in params and "authorization" not in request.headers:
        return  # the operation's own authentication answers first (401), as for its other inputs
    errors = []
    for name, (where, kinds) in params.items():
        if where == "security":
            continue
        if where == "path":
            values = [str(request.path_params.get(name, ""))]
        else:
            values = request.query_params.getlist(name)
            if len(values) > 1 and "array" not in kinds:
                errors.append({"loc": ["query", name], "msg": "given more than once"})
                continue
        for value in values:
            if (msg := _wrong(kinds, value)) is not None:
                errors.append({"loc": [where, name], "msg": msg})
    if errors:
        names = ", ".join(str(e["loc"][1]) for e in errors)
        raise UnknownQueryParameter(f"Invalid parameter(s): {names}", errors=errors)
