"""Base classes of the JSON bodies: inputs forbid unknown fields, outputs read ORM objects."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationInfo, field_validator


class InputModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Resource(OutputModel):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


# Natural keys: what scripts and people type ("C1-1", "OE2", "IS-546", "DAPM").
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40,
                      pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class UpdateModel(InputModel):
    """A PATCH body: every field optional, and only those in `nullable_fields` may be null."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _not_null(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name not in cls.nullable_fields:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value
