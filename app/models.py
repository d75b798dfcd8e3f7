"""Every table of the service, imported in one place for Alembic and the metadata."""

from app.cuts.models import Cut
from app.evidence.models import Evidence
from app.finance.models import FinancialExecution
from app.followups.models import FollowUp, FollowUpEvent
from app.jobs.models import Job
from app.measurements.models import IdempotencyKey, Measurement
from app.organizations.models import Organization
from app.plans.models import (
    Action,
    ActionUnit,
    BudgetAllocation,
    ChangeRecord,
    Contribution,
    Indicator,
    Node,
    Plan,
    Programming,
)
from app.reports.models import Report
from app.results.models import ResultsCacheEntry
from app.revisions.models import CutRevision
from app.units.models import Unit
from app.users.models import ApiToken, LoginThrottle, User, UserUnit
from app.webhooks.models import Webhook, WebhookDelivery

__all__ = [
    "Cut",
    "CutRevision",
    "Evidence",
    "FinancialExecution",
    "FollowUp",
    "FollowUpEvent",
    "IdempotencyKey",
    "Job",
    "Measurement",
    "Action",
    "ActionUnit",
    "ApiToken",
    "BudgetAllocation",
    "ChangeRecord",
    "Contribution",
    "Indicator",
    "LoginThrottle",
    "Node",
    "Organization",
    "Plan",
    "Programming",
    "Report",
    "ResultsCacheEntry",
    "Unit",
    "User",
    "UserUnit",
    "Webhook",
    "WebhookDelivery",
]
