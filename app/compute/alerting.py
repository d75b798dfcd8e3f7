"""What an alert is, in plain data: the contract between alert producers and the alert list.

Producers (app/alerts/sources.py, and any other domain's loader plugged into
app/alerts/service.py's SOURCES) yield `AlertDraft`s; the alerts package shapes them. The
types live here, below every domain package, so that a producer never imports app.alerts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Severity(StrEnum):
    """How soon someone must act: `critical` first."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}

Figure = Decimal | int | str | bool | date | None


@dataclass(frozen=True)
class AlertKindSpec:
    """A kind of alert: its code, its Spanish name, and whether a unit's digest lists it
    (the digest holds what the unit itself must do now)."""

    code: str
    label: str
    in_digest: bool = False


@dataclass(frozen=True)
class AlertDraft:
    """One alert about one element (an action or an indicator) of a plan.

    `figures` are the numbers behind it (exact decimals, dates, counts), `message` the Spanish
    sentence an official reads. `unit_ids` are every unit the element answers to.
    """

    kind: str
    severity: Severity
    element: str  # "action" or "indicator"
    element_id: uuid.UUID
    code: str
    name: str
    unit_ids: tuple[uuid.UUID, ...]
    message: str
    figures: Mapping[str, Figure] = field(default_factory=dict)
    due_date: date | None = None
    advance_pct: Decimal | None = None
    followup_id: uuid.UUID | None = None
    followup_status: str | None = None


def sort_key(draft: AlertDraft, kind_order: Mapping[str, int]) -> tuple[int, int]:
    """Severity first, then the registry's order of kinds; stable within a kind."""
    return SEVERITY_ORDER[draft.severity], kind_order.get(draft.kind, len(kind_order))


@dataclass(frozen=True)
class AlertScope:
    """Where and when alerts are asked for: a plan at a date, maybe at one of its cuts (then
    `as_of` is the cut's date and cut-bound alerts speak of that cut's follow-ups only)."""

    plan_id: uuid.UUID
    as_of: date
    cut_id: uuid.UUID | None = None
    lag_threshold_pct: Decimal = Decimal(10)
