"""Financial execution: money committed ("compromisos") and paid ("obligaciones") by a unit
on an action in the period ending on a date."""

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import NUMERIC, TableBase, fk


class FinancialExecution(TableBase, table=True):
    __tablename__ = "financial_executions"
    __table_args__ = (
        sa.UniqueConstraint("action_id", "unit_id", "period_end"),
        sa.CheckConstraint("committed >= 0 AND paid >= 0", name="amounts"),
    )

    plan_id: uuid.UUID = fk("plans.id", ondelete="CASCADE")
    action_id: uuid.UUID = fk("actions.id", ondelete="CASCADE", index=False)
    unit_id: uuid.UUID = fk("units.id")
    period_end: date
    committed: Decimal = Field(sa_type=NUMERIC)
    paid: Decimal = Field(sa_type=NUMERIC)
    note: str | None = Field(default=None, max_length=1000)
    recorded_by: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
