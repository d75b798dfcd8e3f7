"""JSON bodies of users, logins and API tokens."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import EmailStr, Field, StringConstraints, model_validator

from app.core.schemas import (
    LINE_PATTERN,
    NAME_PATTERN,
    InputModel,
    Name,
    OutputModel,
    Resource,
    UpdateModel,
)

Role = Literal["admin", "coordinator", "reporter", "viewer"]
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@\-]*$"
Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, min_length=3, max_length=80, pattern=USERNAME_PATTERN
    ),
]
# Long passphrases welcome; argon2 makes their length harmless up to this bound.
Password = Annotated[str, StringConstraints(min_length=12, max_length=256, pattern=LINE_PATTERN)]
UnitRefs = Annotated[
    list[
        Annotated[
            uuid.UUID | Annotated[str, StringConstraints(max_length=40)],
            Field(union_mode="left_to_right"),  # a UUID string is an id, not a code
        ]
    ],
    Field(max_length=200, description="Unit ids or unit codes"),
]


class UserCreate(InputModel):
    username: Username
    full_name: Name
    email: EmailStr | None = None
    role: Role
    password: Password
    unit_ids: UnitRefs = []

    @model_validator(mode="after")
    def _reporters_have_units(self):
        if self.role == "reporter" and not self.unit_ids:
            raise ValueError("a reporter must be bound to at least one unit (unit_ids)")
        return self


class UserUpdate(UpdateModel):
    nullable_fields = frozenset({"email"})

    full_name: Name | None = None
    email: EmailStr | None = None
    role: Role | None = None
    active: bool | None = None
    password: Password | None = None
    unit_ids: UnitRefs | None = None


class UserPublic(Resource):
    organization_id: uuid.UUID | None
    username: str
    full_name: str
    email: str | None
    role: str
    is_platform_admin: bool
    active: bool
    unit_ids: list[uuid.UUID]


class LoginRequest(InputModel):
    username: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, to_lower=True, min_length=1, max_length=80, pattern=NAME_PATTERN
        ),
    ]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=LINE_PATTERN)]


class TokenIssued(OutputModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_at: datetime


class PasswordChange(InputModel):
    current_password: Annotated[
        str, StringConstraints(min_length=1, max_length=256, pattern=LINE_PATTERN)
    ]
    new_password: Password


class ApiTokenCreate(InputModel):
    name: Name
    expires_in_days: int = Field(default=90, ge=1, le=365)


class ApiTokenPublic(Resource):
    user_id: uuid.UUID
    name: str
    kind: str
    prefix: str
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiTokenCreated(ApiTokenPublic):
    token: str = Field(description="The secret: shown only in this answer, store it now.")
