"""Shapes of the public read model (no ids of people, no drafts, no narratives)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from app.core.schemas import Number, OutputModel
from app.results.schemas import CutResults, GroupedResults, ResultBand, StatusOut

Figure = int | float | None


class PublicCut(OutputModel):
    code: str
    label: str
    cut_date: date
    revision: int = Field(description="The number of the cut's latest publication revision")
    published_at: datetime = Field(description="When that revision was published")


class PublicPlan(OutputModel):
    code: str
    name: str
    kind: str
    description: str | None
    first_year: int
    last_year: int
    status: str
    cuts: list[PublicCut] = Field(description="Its published cuts, in date order")


class PublicOrganization(OutputModel):
    code: str
    name: str


class PublicPlanTree(OutputModel):
    organization: PublicOrganization
    plan: PublicPlan
    cut: PublicCut
    results: CutResults = Field(
        description="The figures frozen when the cut was published (its latest revision), "
        "byte for byte what `GET /cuts/{id}/results` answered then"
    )


class PublicReportingStatus(OutputModel):
    organization: PublicOrganization
    plan: PublicPlan
    cut: PublicCut
    by_unit: GroupedResults = Field(
        description="Indicators of each unit by status (missing reports included) and band, "
        "as frozen at the publication"
    )


class PublishedValue(OutputModel):
    cut: PublicCut
    programmed_year: Figure
    programmed_to_date: Figure
    executed_to_date: Figure
    advance_pct: Figure
    advance_pct_shown: Figure
    not_due: bool
    missing_report: bool
    status: StatusOut
    band: ResultBand | None


class PublishedTerritoryValue(OutputModel):
    """The indicator on one DIVIPOLA territory's series at a published cut (the frozen
    by-territory answer of that cut's revision)."""

    cut: PublicCut
    territory: str = Field(description='DIVIPOLA code ("19001")')
    name: str = Field(description='Its name ("Popayán")')
    programmed_to_date: Figure
    executed_to_date: Figure
    advance_pct: Figure
    advance_pct_shown: Figure
    not_due: bool
    status: StatusOut
    band: ResultBand | None


class ProgrammedValue(OutputModel):
    period_end: date
    value: Number


class PublicIndicator(OutputModel):
    indicator_id: uuid.UUID
    code: str
    name: str
    unit_of_measure: str
    unit_label: str | None
    accumulation: str
    accumulation_dnp: str | None
    baseline_value: Number | None
    baseline_year: int | None
    target_value: Number | None
    programming: list[ProgrammedValue]
    values: list[PublishedValue] = Field(
        description="Its published figures at every published cut, in date order"
    )
    band: ResultBand | None = Field(description="Its band at the latest published cut")
    status: StatusOut | None = Field(description="Its status at the latest published cut")
    last_revision: int | None = Field(
        description="The revision number of the latest published cut's figures"
    )
    by_territory: list[PublishedTerritoryValue] = Field(
        description="Its published figures per territory (values posted with a DIVIPOLA "
        "code), by cut in date order, then by code; empty when none were posted"
    )
