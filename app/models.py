"""Every table of the service, imported in one place for Alembic and the metadata."""

from app.organizations.models import Organization
from app.units.models import Unit

__all__ = ["Organization", "Unit"]
