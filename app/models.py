"""Every table of the service, imported in one place for Alembic and the metadata."""

from app.changes.models import ChangeRecord
from app.organizations.models import Organization
from app.plans.models import (
    Action,
    ActionUnit,
    BudgetAllocation,
    Contribution,
    Indicator,
    Node,
    Plan,
    Programming,
)
from app.units.models import Unit
from app.users.models import ApiToken, LoginThrottle, User, UserUnit

__all__ = [
    "Action", "ActionUnit", "ApiToken", "BudgetAllocation", "ChangeRecord", "Contribution",
    "Indicator", "LoginThrottle", "Node", "Organization", "Plan", "Programming", "Unit", "User",
    "UserUnit",
]
