"""Plans, the elements of their tree (nodes, actions, indicators, programming, budget) and
the change-control log of every change made to them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from app.core.errors import Invalid
from app.core.models import NUMERIC, TableBase, fk, json_field, utcnow

# Reporting frequencies ("periodicidad de reporte") an indicator may have; app.compute.reporting
# knows their period ends.
REPORTING_FREQUENCIES = ("monthly", "bimonthly", "quarterly", "semiannual", "annual")
_FREQUENCIES_SQL = ", ".join(f"'{f}'" for f in REPORTING_FREQUENCIES)


def _retired() -> Any:
    """The `retired_at` column: when the element was retired, null while it is in force."""
    return Field(default=None, sa_type=sa.DateTime(timezone=True))


class Plan(TableBase, table=True):
    __tablename__ = "plans"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "code"),
        sa.CheckConstraint("first_year <= last_year", name="years"),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'in_execution', 'closed')", name="status"
        ),
        sa.CheckConstraint(f"reporting_frequency IN ({_FREQUENCIES_SQL})", name="frequency"),
        sa.CheckConstraint("reporting_grace_days >= 0", name="grace_days"),
        sa.CheckConstraint("evidence_min_count >= 0", name="evidence_min_count"),
        sa.CheckConstraint("evidence_scope IN ('on_track', 'any_reported')", name="evidence_scope"),
        sa.CheckConstraint("evidence_mode IN ('warn', 'block')", name="evidence_mode"),
    )

    organization_id: uuid.UUID = fk("organizations.id")
    kind: str = Field(max_length=40)
    code: str = Field(max_length=40)
    name: str = Field(max_length=300)
    description: str | None = Field(default=None, sa_type=sa.Text)
    first_year: int
    last_year: int
    status: str = Field(default="draft", max_length=20)
    approval_reference: str | None = Field(default=None, max_length=300)
    version: int = Field(default=1)
    levels: list = json_field(list)
    axes: list = json_field(list)
    bands: list = json_field(list)
    tolerance_pct: Decimal = Field(default=Decimal(0), sa_type=NUMERIC)
    cap_at_100: bool = Field(default=False)
    # Plan-wide defaults of the indicators' reporting schedule, and the evidence rule.
    reporting_frequency: str = Field(
        default="quarterly", max_length=20, sa_column_kwargs={"server_default": "quarterly"}
    )
    reporting_grace_days: int = Field(default=10, sa_column_kwargs={"server_default": "10"})
    evidence_min_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    evidence_scope: str = Field(
        default="on_track", max_length=20, sa_column_kwargs={"server_default": "on_track"}
    )
    evidence_mode: str = Field(
        default="warn", max_length=20, sa_column_kwargs={"server_default": "warn"}
    )
    # Points by which an action's physical and financial advance may differ before an alert.
    financial_gap_threshold_pct: Decimal = Field(
        default=Decimal(30), sa_type=NUMERIC, sa_column_kwargs={"server_default": "30"}
    )
    # Raised by database triggers in the transaction of every write that changes the plan's
    # results (migrations: results_cache_revisions); results caches are keyed by it.
    data_version: int = Field(
        default=1, sa_type=sa.BigInteger, sa_column_kwargs={"server_default": sa.text("1")}
    )

    def covers_year(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def year_problem(self, value: date | int) -> str | None:
        """The one wording of "inside the plan's years": None when `value` is inside."""
        year = value if isinstance(value, int) else value.year
        if self.covers_year(year):
            return None
        return f"{value} is outside the plan's years {self.first_year}-{self.last_year}"

    def check_in_years(self, value: date | int | None, loc: list[str | int]) -> None:
        """422 located at `loc` when a date or year falls outside the plan's years."""
        problem = None if value is None else self.year_problem(value)
        if problem:
            raise Invalid(loc, problem)


class Node(TableBase, table=True):
    __tablename__ = "nodes"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "code"),
        sa.CheckConstraint("weight >= 0", name="weight"),
    )

    plan_id: uuid.UUID = fk("plans.id", ondelete="CASCADE")
    parent_id: uuid.UUID | None = fk("nodes.id", nullable=True, ondelete="CASCADE")
    level: int
    code: str = Field(max_length=40)
    name: str = Field(sa_type=sa.Text)
    description: str | None = Field(default=None, sa_type=sa.Text)
    order: int = Field(default=0)
    weight: Decimal = Field(default=Decimal(1), sa_type=NUMERIC)
    weights_by_year: dict = json_field(dict)
    retired_at: datetime | None = _retired()


class Action(TableBase, table=True):
    __tablename__ = "actions"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "code"),
        sa.CheckConstraint("weight >= 0", name="weight"),
        sa.CheckConstraint(
            "start_date IS NULL OR due_date IS NULL OR start_date <= due_date", name="dates"
        ),
    )

    plan_id: uuid.UUID = fk("plans.id", ondelete="CASCADE")
    node_id: uuid.UUID | None = fk("nodes.id", nullable=True, ondelete="CASCADE")
    code: str = Field(max_length=40)
    description: str = Field(sa_type=sa.Text)
    start_date: date | None = None
    due_date: date | None = None
    planned_cost: Decimal | None = Field(default=None, sa_type=NUMERIC)
    axis_values: dict = json_field(dict)
    order: int = Field(default=0)
    weight: Decimal = Field(default=Decimal(1), sa_type=NUMERIC)
    retired_at: datetime | None = _retired()


class ActionUnit(TableBase, table=True):
    """A unit responsible for an action (an action may have several)."""

    __tablename__ = "action_units"
    __table_args__ = (sa.UniqueConstraint("action_id", "unit_id"),)

    action_id: uuid.UUID = fk("actions.id", ondelete="CASCADE")
    unit_id: uuid.UUID = fk("units.id")


class Indicator(TableBase, table=True):
    __tablename__ = "indicators"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "code"),
        sa.CheckConstraint("(action_id IS NULL) <> (node_id IS NULL)", name="hangs_from_one"),
        sa.CheckConstraint("weight >= 0", name="weight"),
        sa.CheckConstraint(
            f"reporting_frequency IS NULL OR reporting_frequency IN ({_FREQUENCIES_SQL})",
            name="frequency",
        ),
        sa.CheckConstraint(
            "reporting_grace_days IS NULL OR reporting_grace_days >= 0", name="grace_days"
        ),
    )

    plan_id: uuid.UUID = fk("plans.id", ondelete="CASCADE")
    action_id: uuid.UUID | None = fk("actions.id", nullable=True, ondelete="CASCADE")
    node_id: uuid.UUID | None = fk("nodes.id", nullable=True, ondelete="CASCADE")
    code: str = Field(max_length=40)
    name: str = Field(sa_type=sa.Text)
    source: str = Field(max_length=40)
    source_reference: str | None = Field(default=None, max_length=300)
    unit_of_measure: str = Field(max_length=20)
    unit_label: str | None = Field(default=None, max_length=80)
    baseline_value: Decimal | None = Field(default=None, sa_type=NUMERIC)
    baseline_year: int | None = None
    target_value: Decimal | None = Field(default=None, sa_type=NUMERIC)
    accumulation: str = Field(max_length=20)
    # The DNP guide's name of its type (flujo, stock, acumulado, capacidad, reduccion,
    # reduccion_anual); `accumulation` is the type it is computed with.
    accumulation_dnp: str | None = Field(default=None, max_length=20)
    min_value: Decimal | None = Field(default=None, sa_type=NUMERIC)
    max_value: Decimal | None = Field(default=None, sa_type=NUMERIC)
    unit_id: uuid.UUID | None = fk("units.id", nullable=True)
    axis_values: dict = json_field(dict)
    order: int = Field(default=0)
    weight: Decimal = Field(default=Decimal(1), sa_type=NUMERIC)
    retired_at: datetime | None = _retired()
    # Null: the plan's default.
    reporting_frequency: str | None = Field(default=None, max_length=20)
    reporting_grace_days: int | None = None


class Contribution(TableBase, table=True):
    """An indicator feeding a node with a weight (optionally per year)."""

    __tablename__ = "contributions"
    __table_args__ = (
        sa.UniqueConstraint("indicator_id", "node_id"),
        sa.CheckConstraint("weight >= 0", name="weight"),
    )

    indicator_id: uuid.UUID = fk("indicators.id", ondelete="CASCADE")
    node_id: uuid.UUID = fk("nodes.id", ondelete="CASCADE")
    weight: Decimal = Field(default=Decimal(1), sa_type=NUMERIC)
    weights_by_year: dict = json_field(dict)


class Programming(TableBase, table=True):
    """A planned value of an indicator for the period ending on `period_end`."""

    __tablename__ = "programming"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "period_end"),)

    indicator_id: uuid.UUID = fk("indicators.id", ondelete="CASCADE", index=False)
    period_end: date
    value: Decimal = Field(sa_type=NUMERIC)


class BudgetAllocation(TableBase, table=True):
    """Planned (and executed) money of a unit against an action or a node, maybe for a year."""

    __tablename__ = "budget_allocations"
    __table_args__ = (
        sa.CheckConstraint("(action_id IS NULL) <> (node_id IS NULL)", name="against_one"),
        sa.CheckConstraint("planned >= 0 AND (executed IS NULL OR executed >= 0)", name="amounts"),
    )

    plan_id: uuid.UUID = fk("plans.id", ondelete="CASCADE")
    unit_id: uuid.UUID = fk("units.id")
    action_id: uuid.UUID | None = fk("actions.id", nullable=True, ondelete="CASCADE")
    node_id: uuid.UUID | None = fk("nodes.id", nullable=True, ondelete="CASCADE")
    year: int | None = None
    planned: Decimal = Field(sa_type=NUMERIC)
    executed: Decimal | None = Field(default=None, sa_type=NUMERIC)
    note: str | None = Field(default=None, max_length=300)


class ChangeRecord(TableBase, table=True):
    """One entry of the change-control log ("control de cambios"): who changed what, why."""

    __tablename__ = "change_records"
    __table_args__ = (sa.Index("ix_change_records_plan_at", "plan_id", "at"),)

    plan_id: uuid.UUID = fk("plans.id", ondelete="CASCADE", index=False)
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    actor_id: uuid.UUID | None = fk("users.id", nullable=True, ondelete="SET NULL", index=False)
    actor_username: str = Field(max_length=80)
    entity: str = Field(max_length=40)
    entity_id: uuid.UUID = Field(sa_type=sa.Uuid)
    entity_code: str | None = Field(default=None, max_length=40)
    operation: str = Field(max_length=20)
    before: dict | None = Field(default=None, sa_type=JSONB)
    after: dict | None = Field(default=None, sa_type=JSONB)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    plan_version: int
