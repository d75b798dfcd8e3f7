"""The public read model: what a portal shows without a token.

Only plans that are not drafts and have a published cut, only cuts that are published now
(status `published` with a publication revision), and only the figures frozen by their latest
revision (`app.revisions`, the results cache's frozen entries): a write after a publication
never shows here until the cut is published again. No narratives, evidence, users or units'
people are read. A constant number of statements per answer, whatever the plan's size.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import Row
from sqlmodel import Session

from app.core.errors import NotFound
from app.core.pagination import PageParams, paginate
from app.organizations.models import Organization
from app.plans.models import Plan
from app.public import repository
from app.public.schemas import (
    ProgrammedValue,
    PublicCut,
    PublicIndicator,
    PublicOrganization,
    PublicPlan,
    PublishedTerritoryValue,
    PublishedValue,
)

# What the public page takes of each indicator line of the frozen by-territory answer.
TERRITORY_FIGURES = (
    "programmed_to_date",
    "executed_to_date",
    "advance_pct",
    "advance_pct_shown",
    "not_due",
    "status",
    "band",
)


@dataclass(frozen=True)
class Published:
    organization: Organization
    plan: Plan
    cuts: list[PublicCut]
    cut_ids: dict[str, uuid.UUID]


def _cut(row: Row) -> PublicCut:
    return PublicCut(
        code=row.code,
        label=row.label,
        cut_date=row.cut_date,
        revision=row.revision,
        published_at=row.published_at,
    )


def _plan(plan: Plan, cuts: list[PublicCut]) -> PublicPlan:
    return PublicPlan(
        code=plan.code,
        name=plan.name,
        kind=plan.kind,
        description=plan.description,
        first_year=plan.first_year,
        last_year=plan.last_year,
        status=plan.status,
        cuts=cuts,
    )


def _organization(session: Session, code: str) -> Organization:
    org = repository.organization(session, code)
    if org is None:
        raise NotFound(f"No organization with code {code!r}.")
    return org


def list_plans(session: Session, code: str, page: PageParams) -> tuple[list[PublicPlan], int]:
    org = _organization(session, code)
    plans, total = paginate(session, repository.plans_stmt(org.id), page)
    cuts: dict[uuid.UUID, list[PublicCut]] = {p.id: [] for p in plans}
    for row in repository.published_cuts(session, [p.id for p in plans]):
        cuts[row.plan_id].append(_cut(row))
    return [_plan(p, cuts[p.id]) for p in plans], total


def published(session: Session, code: str, plan_code: str) -> Published:
    org = _organization(session, code)
    plan = repository.plan(session, org.id, plan_code)
    if plan is None:
        raise NotFound(f"No published plan with code {plan_code!r} in organization {code!r}.")
    rows = repository.published_cuts(session, [plan.id])
    return Published(org, plan, [_cut(r) for r in rows], {r.code: r.id for r in rows})


def _chosen(found: Published, cut_code: str | None) -> PublicCut:
    if cut_code is None:
        return max(found.cuts, key=lambda c: (c.cut_date, c.code))
    for cut in found.cuts:
        if cut.code == cut_code:
            return cut
    raise NotFound(f"No published cut with code {cut_code!r} in plan {found.plan.code!r}.")


def _frozen(session: Session, found: Published, cut: PublicCut, kind: str) -> str:
    cut_id = found.cut_ids[cut.code]
    payload = repository.frozen_payloads(session, [(cut_id, cut.revision)], kind).get(cut_id)
    if payload is None:  # every publication freezes results and by-unit
        raise NotFound(f"The published figures of cut {cut.code!r} are not available.")
    return payload


def _envelope(found: Published, cut: PublicCut, key: str, payload: str) -> bytes:
    """The answer's JSON: its parts serialised once, the frozen body embedded as it is."""
    org = PublicOrganization(code=found.organization.code, name=found.organization.name)
    parts = (
        org.model_dump_json(),
        _plan(found.plan, found.cuts).model_dump_json(),
        cut.model_dump_json(),
    )
    return (
        f'{{"organization":{parts[0]},"plan":{parts[1]},"cut":{parts[2]},"{key}":{payload}}}'
    ).encode()


def plan_tree(session: Session, code: str, plan_code: str, cut_code: str | None) -> bytes:
    """The plan's tree with the figures frozen by the chosen cut's latest revision."""
    found = published(session, code, plan_code)
    cut = _chosen(found, cut_code)
    return _envelope(found, cut, "results", _frozen(session, found, cut, "results"))


def reporting_status(session: Session, code: str, plan_code: str, cut_code: str | None) -> bytes:
    """Each unit's indicators by status (missing reports among them) and band at the cut."""
    found = published(session, code, plan_code)
    cut = _chosen(found, cut_code)
    return _envelope(found, cut, "by_unit", _frozen(session, found, cut, "by-unit"))


def indicator_page(
    session: Session, code: str, plan_code: str, indicator_code: str
) -> PublicIndicator:
    found = published(session, code, plan_code)
    indicator = repository.indicator(session, found.plan.id, indicator_code)
    if indicator is None:
        raise NotFound(f"No indicator with code {indicator_code!r} in plan {plan_code!r}.")
    payloads = repository.frozen_payloads(
        session, [(found.cut_ids[c.code], c.revision) for c in found.cuts], "results"
    )
    values: list[PublishedValue] = []
    for cut in found.cuts:
        payload = payloads.get(found.cut_ids[cut.code])
        if payload is None:
            continue
        for item in json.loads(payload)["indicators"]:
            if item["code"] == indicator.code:
                values.append(
                    PublishedValue(
                        cut=cut, **{k: item[k] for k in PublishedValue.model_fields if k != "cut"}
                    )
                )
    if not values:  # added after the last publication: not published yet
        raise NotFound(f"No indicator with code {indicator_code!r} in plan {plan_code!r}.")
    territorial = repository.frozen_payloads(
        session, [(found.cut_ids[c.code], c.revision) for c in found.cuts], "by-territory"
    )
    by_territory = [
        PublishedTerritoryValue(
            cut=cut,
            territory=place["code"],
            name=place["label"],
            **{k: item[k] for k in TERRITORY_FIGURES},
        )
        for cut in found.cuts
        if (payload := territorial.get(found.cut_ids[cut.code])) is not None
        for place in json.loads(payload)["items"]
        for item in place["indicators"]
        if item["code"] == indicator.code
    ]
    latest = values[-1]
    return PublicIndicator(
        indicator_id=indicator.id,
        code=indicator.code,
        name=indicator.name,
        unit_of_measure=indicator.unit_of_measure,
        unit_label=indicator.unit_label,
        accumulation=indicator.accumulation,
        accumulation_dnp=indicator.accumulation_dnp,
        baseline_value=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        target_value=indicator.target_value,
        programming=[
            ProgrammedValue(period_end=p.period_end, value=p.value)
            for p in repository.programming(session, indicator.id)
        ],
        values=values,
        band=latest.band,
        status=latest.status,
        last_revision=latest.cut.revision,
        by_territory=by_territory,
    )
