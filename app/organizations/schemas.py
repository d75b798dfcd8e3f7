"""JSON bodies of organizations."""

from typing import Annotated, Literal

from pydantic import StringConstraints

from app.core.schemas import Code, InputModel, Name, Resource, UpdateModel

OrganizationKind = Literal["gobernacion", "alcaldia", "secretaria", "other"]
Nit = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6,15}(-[0-9])?$")]


class OrganizationCreate(InputModel):
    code: Code
    name: Name
    kind: OrganizationKind = "other"
    nit: Nit | None = None


class OrganizationUpdate(UpdateModel):
    nullable_fields = frozenset({"nit"})

    code: Code | None = None
    name: Name | None = None
    kind: OrganizationKind | None = None
    nit: Nit | None = None


class OrganizationPublic(Resource):
    code: str
    name: str
    kind: OrganizationKind
    nit: str | None
