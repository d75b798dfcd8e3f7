"""Per-address request counters of the public routes (in PostgreSQL: one limit for all replicas)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class PublicRateLimit(SQLModel, table=True):
    __tablename__ = "public_rate_limits"

    address: str = Field(primary_key=True, max_length=100)
    window_started_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    hits: int
