"""Base classes of the JSON bodies: inputs forbid unknown fields, outputs read ORM objects."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputModel(BaseModel):
    # python-re: `\s` must mean what str.strip() strips (Unicode white space), as in clients
    # that generate from the schema.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, regex_engine="python-re")

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL, and no field of this API has a use for controls.
        if isinstance(value, str) and _CONTROL.search(value):
            raise ValueError("must not contain control characters")
        return value


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Resource(OutputModel):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


# Natural keys: what scripts and people type ("C1-1", "OE2", "IS-546", "DAPM").
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$"
    ),
]
# One line of text; the pattern (no control characters) is in the schema for clients to see.
LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
# Several lines (narratives, observations): tabs and line breaks allowed, other controls not.
LONG_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
# Something visible besides white space (which is stripped).
NAME_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
# Several lines, something visible besides white space.
LONG_NAME_PATTERN = (
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\s\x00-\x1f\x7f]"
    r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
)
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=NAME_PATTERN),
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300, pattern=LINE_PATTERN)
]


class UpdateModel(InputModel):
    """A PATCH body: every field optional, and only those in `nullable_fields` may be null."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _not_null(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name not in cls.nullable_fields:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value


# Query-string filters: codes as in bodies, free text without control characters.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-]*$"
TEXT_PATTERN = LINE_PATTERN


def _decimal_to_json(value: Decimal) -> int | float:
    # JSON numbers, as clients expect (208446, 144.5240836691614): integral values stay exact
    # integers; others become the nearest double, whose shortest form is what people read.
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# An exact decimal inside, a JSON number outside.
Number = Annotated[
    Decimal, PlainSerializer(_decimal_to_json, return_type=int | float, when_used="json")
]


def _json_number_only(value: object) -> object:
    # Strings are not numbers here: a schema-driven client must see the same rule we apply.
    if isinstance(value, str | bool):
        raise ValueError("must be a JSON number")
    return value


def decimal_input(*, ge: float | None = None, le: float | None = None):
    """An exact decimal read from a JSON number, within bounds (stored with 6 decimals)."""
    lo = -1e17 if ge is None else ge
    hi = 1e17 if le is None else le
    return Annotated[
        Decimal,
        BeforeValidator(_json_number_only),
        Field(ge=Decimal(str(lo)), le=Decimal(str(hi)), allow_inf_nan=False),
        WithJsonSchema({"type": "number", "minimum": lo, "maximum": hi}),
    ]
