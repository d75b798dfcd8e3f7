"""The plan's evidence rule: which follow-ups need how many pieces of evidence, and whether
a follow-up meets it.

A plan may require N pieces of evidence for the follow-up of an indicator that claims to be
on track or over-executed at the cut (scope `on_track`), or also for any indicator with a
value reported in the cut's year (scope `any_reported`). In `warn` mode a shortfall is an
alert; in `block` mode submitting such a follow-up is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.compute.advance import IndicatorAdvance
from app.compute.alerting import Severity
from app.compute.status import StatusCode, status_for
from app.compute.types import HUNDRED


class EvidenceScope(StrEnum):
    ON_TRACK = "on_track"
    ANY_REPORTED = "any_reported"


class EvidenceMode(StrEnum):
    WARN = "warn"
    BLOCK = "block"


CLAIMS = (StatusCode.ON_TRACK, StatusCode.OVER_EXECUTED)


@dataclass(frozen=True)
class EvidenceRule:
    min_count: int
    scope: EvidenceScope = EvidenceScope.ON_TRACK
    mode: EvidenceMode = EvidenceMode.WARN

    def __post_init__(self) -> None:
        if self.min_count < 0:
            raise ValueError("min_count must be >= 0")
        object.__setattr__(self, "scope", EvidenceScope(self.scope))
        object.__setattr__(self, "mode", EvidenceMode(self.mode))

    @property
    def active(self) -> bool:
        return self.min_count > 0

    @property
    def description(self) -> str:
        """The rule in an official's words."""
        pieces = "1 evidencia" if self.min_count == 1 else f"{self.min_count} evidencias"
        whom = (
            "indicadores en cumplimiento o sobre ejecución"
            if self.scope is EvidenceScope.ON_TRACK
            else "indicadores en cumplimiento o sobre ejecución y todo valor reportado"
        )
        mode = "bloquea el envío" if self.mode is EvidenceMode.BLOCK else "solo advierte"
        return f"{pieces} por seguimiento de {whom} ({mode})"


def rule_of(min_count: int, scope: str, mode: str) -> EvidenceRule:
    """The rule from a plan's stored fields."""
    return EvidenceRule(min_count, EvidenceScope(scope), EvidenceMode(mode))


def reported_in_year(advance: IndicatorAdvance, cut_date: date) -> bool:
    """A value was measured for a period of the cut's year, up to the cut."""
    last = advance.last_measured_on
    return last is not None and last.year == cut_date.year and last <= cut_date


def needs_evidence(
    rule: EvidenceRule, advance: IndicatorAdvance, cut_date: date, tolerance_pct: Decimal
) -> bool:
    """Whether the rule applies to the follow-up of an indicator with this advance at the cut."""
    if not rule.active:
        return False
    if rule.scope is EvidenceScope.ANY_REPORTED and reported_in_year(advance, cut_date):
        return True
    return status_for(advance.advance_pct, tolerance_pct).code in CLAIMS


def missing_pieces(rule: EvidenceRule, needed: bool, attached: int) -> int:
    """How many more pieces the follow-up needs (0 when the rule does not apply)."""
    return max(rule.min_count - attached, 0) if needed else 0


def shortfall_severity(rule: EvidenceRule) -> Severity:
    return Severity.CRITICAL if rule.mode is EvidenceMode.BLOCK else Severity.WARNING


@dataclass(frozen=True)
class Completeness:
    needing: int  # follow-ups the rule applies to
    complete: int  # of those, with enough evidence

    @property
    def pct(self) -> Decimal | None:
        """complete / needing in percent; None when none needs evidence."""
        return None if self.needing == 0 else Decimal(self.complete) * HUNDRED / self.needing


def completeness(rule: EvidenceRule, followups: Iterable[tuple[bool, int]]) -> Completeness:
    """Over (needs evidence, pieces attached) of each follow-up."""
    needing = complete = 0
    for needed, attached in followups:
        if needed:
            needing += 1
            complete += attached >= rule.min_count
    return Completeness(needing, complete)
