"""HTTP routes of the DIVIPOLA reference list: public, no token (it is DANE's open data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.core.errors import problem_responses
from app.core.pagination import Page, PageDep
from app.territories import service
from app.territories.schemas import TerritoryKind, TerritoryPublic

router = APIRouter(prefix="/api/v1", tags=["territories"], responses=problem_responses(422))


@router.get("/territories", response_model=Page[TerritoryPublic], name="list_territories")
def list_territories(
    page: PageDep,
    department: Annotated[
        str | None, Query(pattern=r"^\d{2}$", description='A department code: "19"')
    ] = None,
    kind: TerritoryKind | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=80, description="Name")] = None,
):
    """DANE's DIVIPOLA departments and municipalities, the codes `territory` values take."""
    items, total = service.list_(page, department=department, kind=kind, q=q)
    return Page(items=items, total=total)


@router.get(
    "/territories/{code}",
    response_model=TerritoryPublic,
    name="get_territory",
    responses=problem_responses(404),
)
def get_territory(code: Annotated[str, Path(pattern=r"^\d{2}(\d{3})?$")]):
    return service.get(code)
