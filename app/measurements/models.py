"""Measurements: executed values of an indicator for periods ending on a date."""

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import NUMERIC, TableBase, fk


class Measurement(TableBase, table=True):
    __tablename__ = "measurements"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "period_end"),)

    indicator_id: uuid.UUID = fk("indicators.id", ondelete="CASCADE", index=False)
    period_end: date
    value: Decimal = Field(sa_type=NUMERIC)
    note: str | None = Field(default=None, max_length=1000)
    recorded_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
