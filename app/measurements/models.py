"""Measurements: executed values of an indicator for periods ending on a date."""

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import NUMERIC, TableBase, dims_key_field, fk, json_field


class Measurement(TableBase, table=True):
    __tablename__ = "measurements"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "period_end", "dims_key"),)

    indicator_id: uuid.UUID = fk("indicators.id", ondelete="CASCADE", index=False)
    period_end: date
    value: Decimal = Field(sa_type=NUMERIC)
    # Dimension values ({"territory": "19001", "sex": "F"}); {} and '' for the total.
    dims: dict = json_field(dict)
    dims_key: str = dims_key_field()
    note: str | None = Field(default=None, max_length=1000)
    recorded_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
