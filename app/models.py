"""Every table of the service, imported in one place for Alembic and the metadata."""

from app.organizations.models import Organization
from app.units.models import Unit
from app.users.models import ApiToken, LoginThrottle, User, UserUnit

__all__ = ["ApiToken", "LoginThrottle", "Organization", "Unit", "User", "UserUnit"]
