"""JSON answers of the DIVIPOLA reference list."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.core.schemas import OutputModel

TerritoryKind = Literal["department", "municipality"]


class TerritoryPublic(OutputModel):
    code: str = Field(description='DIVIPOLA code: "19" (department) or "19001" (municipality)')
    name: str = Field(description='"Cauca", "Popayán"')
    kind: TerritoryKind
    department_code: str
    department_name: str
