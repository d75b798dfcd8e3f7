"""Unknown query parameters are refused: a misspelt filter must not return unfiltered data."""

from fastapi import Request

from app.core.errors import DomainError


class UnknownQueryParameter(DomainError):
    status = 422


def _documented(request: Request) -> dict[tuple[str, str], frozenset[str]]:
    """Query parameters per (path template, method), as the OpenAPI schema documents them."""
    table = getattr(request.app.state, "query_params", None)
    if table is None:
        table = {
            (path, method.upper()): frozenset(
                p["name"] for p in op.get("parameters", []) if p["in"] == "query"
            )
            for path, ops in request.app.openapi()["paths"].items()
            for method, op in ops.items()
        }
        request.app.state.query_params = table
    return table


async def forbid_unknown_query_params(request: Request) -> None:
    # async: no I/O here, so no hop to the thread pool for every request.
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    known = _documented(request).get((getattr(route, "path", ""), request.method))
    if known is None:  # not an API operation (docs, schema)
        return
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise UnknownQueryParameter(
            f"Unknown query parameter(s): {', '.join(unknown)}",
            errors=[{"loc": ["query", name], "msg": "unknown query parameter"} for name in unknown],
        )
