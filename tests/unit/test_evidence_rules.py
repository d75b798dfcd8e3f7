"""The plan's evidence rule: which follow-ups need evidence, how many pieces are missing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.compute import Accumulation, DatedValue, IndicatorSeries, compute_advance
from app.compute.alerting import Severity
from app.compute.evidence_rules import (
    EvidenceMode,
    EvidenceRule,
    EvidenceScope,
    completeness,
    missing_pieces,
    needs_evidence,
    rule_of,
    shortfall_severity,
)

CUT = date(2024, 6, 30)


def advance(executed: str | None, planned: str = "100", measured_on: str = "2024-06-30"):
    series = IndicatorSeries(
        accumulation=Accumulation.SUM,
        programming=[DatedValue(CUT, Decimal(planned))],
        measurements=[]
        if executed is None
        else [DatedValue(date.fromisoformat(measured_on), Decimal(executed))],
    )
    return compute_advance(series, CUT)


ON_TRACK = EvidenceRule(2)
ANY = EvidenceRule(1, EvidenceScope.ANY_REPORTED, EvidenceMode.BLOCK)


def test_on_track_and_over_executed_claims_need_evidence():
    assert needs_evidence(ON_TRACK, advance("100"), CUT, Decimal(0))
    assert needs_evidence(ON_TRACK, advance("144.52"), CUT, Decimal(0))
    assert not needs_evidence(ON_TRACK, advance("53.73"), CUT, Decimal(0))
    # Within the plan's tolerance a lag is on track, and so needs evidence.
    assert needs_evidence(ON_TRACK, advance("98"), CUT, Decimal(5))
    # Not due: no claim.
    assert not needs_evidence(ON_TRACK, advance("5", planned="0"), CUT, Decimal(0))


def test_any_reported_scope_covers_every_value_reported_in_the_year():
    assert needs_evidence(ANY, advance("10"), CUT, Decimal(0))
    assert not needs_evidence(ANY, advance(None), CUT, Decimal(0))
    # A value of last year is not a report of this year.
    assert not needs_evidence(ANY, advance("10", measured_on="2023-12-31"), CUT, Decimal(0))


def test_no_rule_needs_nothing():
    rule = EvidenceRule(0)
    assert not rule.active
    assert not needs_evidence(rule, advance("100"), CUT, Decimal(0))
    assert missing_pieces(rule, False, 0) == 0


def test_missing_pieces_and_completeness():
    assert missing_pieces(ON_TRACK, True, 0) == 2
    assert missing_pieces(ON_TRACK, True, 1) == 1
    assert missing_pieces(ON_TRACK, True, 3) == 0
    assert missing_pieces(ON_TRACK, False, 0) == 0
    c = completeness(ON_TRACK, [(True, 2), (True, 1), (False, 0), (True, 5)])
    assert (c.needing, c.complete) == (3, 2)
    assert c.pct == Decimal(200) / 3
    assert completeness(ON_TRACK, [(False, 0)]).pct is None


def test_rule_from_plan_fields_and_wording():
    rule = rule_of(2, "on_track", "warn")
    assert rule == ON_TRACK
    assert rule.description == (
        "2 evidencias por seguimiento de indicadores en cumplimiento o sobre ejecución "
        "(solo advierte)"
    )
    assert ANY.description == (
        "1 evidencia por seguimiento de indicadores en cumplimiento o sobre ejecución y todo "
        "valor reportado (bloquea el envío)"
    )
    assert shortfall_severity(ON_TRACK) is Severity.WARNING
    assert shortfall_severity(ANY) is Severity.CRITICAL
    with pytest.raises(ValueError):
        rule_of(1, "sometimes", "warn")
    with pytest.raises(ValueError):
        EvidenceRule(-1)
