"""indicators.accumulation_dnp: the DNP guide's name of an indicator's accumulation type

Revision ID: de2ef9889936
Revises: 01e7f9fe09bd
Create Date: 2026-11-25 10:40:00+00:00

Expand only: a nullable column, then the usual DNP name of each existing indicator's type
(sum: flujo, constant: capacidad, increasing: stock, decreasing: reduccion). A release
that does not know the column keeps working; rows it writes read as their type's usual name.
Downgrading drops the column; indicators typed "cumulative" (acumulado) would then need a
type the older release knows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "de2ef9889936"
down_revision: str | Sequence[str] | None = "01e7f9fe09bd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "indicators",
        sa.Column("accumulation_dnp", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    )
    op.execute(
        "UPDATE indicators SET accumulation_dnp = CASE accumulation "
        "WHEN 'sum' THEN 'flujo' WHEN 'constant' THEN 'capacidad' "
        "WHEN 'increasing' THEN 'stock' WHEN 'decreasing' THEN 'reduccion' END "
        "WHERE accumulation_dnp IS NULL"
    )


def downgrade() -> None:
    op.drop_column("indicators", "accumulation_dnp")
