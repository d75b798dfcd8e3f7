"""JSON bodies of units."""

import uuid
from typing import Annotated

from pydantic import StringConstraints

from app.core.schemas import NAME_PATTERN, Code, InputModel, Name, Resource, UpdateModel

Acronym = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=NAME_PATTERN)
]


class UnitCreate(InputModel):
    code: Code
    name: Name
    acronym: Acronym | None = None
    active: bool = True


class UnitUpdate(UpdateModel):
    nullable_fields = frozenset({"acronym"})

    code: Code | None = None
    name: Name | None = None
    acronym: Acronym | None = None
    active: bool | None = None


class UnitPublic(Resource):
    organization_id: uuid.UUID
    code: str
    name: str
    acronym: str | None
    active: bool
