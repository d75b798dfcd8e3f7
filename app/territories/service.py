"""The DIVIPOLA list as the API shows it: filtered, paginated, with department names."""

from __future__ import annotations

import unicodedata

from app.core.errors import NotFound
from app.core.pagination import PageParams
from app.territories import divipola
from app.territories.divipola import Territory
from app.territories.schemas import TerritoryPublic


def _plain(text: str) -> str:
    """Lower case without accents: "Popayán" and "popayan" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def public(territory: Territory) -> TerritoryPublic:
    department = divipola.territories()[territory.department_code]
    return TerritoryPublic(
        code=territory.code,
        name=territory.name,
        kind=territory.kind,
        department_code=department.code,
        department_name=department.name,
    )


def list_(
    page: PageParams,
    *,
    department: str | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> tuple[list[TerritoryPublic], int]:
    """Departments first, then municipalities, each in code order; `department` keeps that
    department's municipalities (and itself unless `kind` says otherwise); `q` matches names
    without regard to case or accents."""
    found = [
        t
        for t in divipola.territories().values()
        if (department is None or t.department_code == department)
        and (kind is None or t.kind == kind)
        and (q is None or _plain(q) in _plain(t.name))
    ]
    return [public(t) for t in found[page.offset : page.offset + page.limit]], len(found)


def get(code: str) -> TerritoryPublic:
    found = divipola.get(code)
    if found is None:
        raise NotFound("territory", code)
    return public(found)
