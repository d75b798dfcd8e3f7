"""Status, traffic-light band and execution state of an advance, all decided on its shown value."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.compute.types import HUNDRED, ZERO, shown_pct, to_decimal


class StatusCode(StrEnum):
    ON_TRACK = "on_track"
    LAGGING = "lagging"
    OVER_EXECUTED = "over_executed"
    NOT_DUE = "not_due"


NOT_DUE_LABEL = "Sin programación al corte"
ON_TRACK_LABEL = "En cumplimiento"


@dataclass(frozen=True)
class Status:
    code: StatusCode
    label: str


def format_pct(value: Decimal) -> str:
    """A percentage for a Spanish label: rounded half up to 2 decimals, trailing zeros dropped.

    Dot as decimal separator, as in API.md: 46.27 -> "46.27", 1.50 -> "1.5", 5.00 -> "5"
    (the Bogotá report writes "Rezago 5%").
    """
    shown = shown_pct(value)
    # -0.004 shows as -0.00, which must not read "-0".
    text = f"{shown.copy_abs() if shown == 0 else shown:.2f}"
    return text.rstrip("0").rstrip(".")


def status_for(advance_pct: Decimal | None, tolerance_pct: Decimal = ZERO) -> Status:
    """Status of an advance: on track at 100 % (± the plan's tolerance), else lag or excess.

    The gap X in "Rezago X%" / "Sobre ejecución X%" is taken between the shown value and 100,
    so a shown 100.00 is always on track and X is what a reader can check by subtraction.
    """
    tolerance = to_decimal(tolerance_pct, "tolerance_pct")
    if tolerance < 0:
        raise ValueError("tolerance_pct must be >= 0")
    shown = shown_pct(advance_pct)
    if shown is None:
        return Status(StatusCode.NOT_DUE, NOT_DUE_LABEL)
    gap = shown - HUNDRED
    if abs(gap) <= tolerance:
        return Status(StatusCode.ON_TRACK, ON_TRACK_LABEL)
    if gap < 0:
        return Status(StatusCode.LAGGING, f"Rezago {format_pct(-gap)}%")
    return Status(StatusCode.OVER_EXECUTED, f"Sobre ejecución {format_pct(gap)}%")


@dataclass(frozen=True)
class Band:
    """A traffic-light band: it holds the shown values from `lower_bound` (inclusive) up."""

    lower_bound: Decimal
    code: str
    label: str
    color: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "lower_bound", to_decimal(self.lower_bound, "lower_bound"))


# The Cauca PET's traffic light ("0-49%", "50-99%", "100%"): a sensible default for new plans.
DEFAULT_BANDS: tuple[Band, ...] = (
    Band(Decimal(0), "red", "0-49%", "#c62828"),
    Band(Decimal(50), "yellow", "50-99%", "#f9a825"),
    Band(Decimal(100), "green", "100%", "#2e7d32"),
)

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def validate_bands(bands: Sequence[Band]) -> list[str]:
    """Error messages for a plan's bands, each starting with its location; empty when valid.

    Rules: at least one band; the first lower bound is 0; lower bounds strictly ascending;
    codes non-empty and unique; labels non-empty; colours as "#rgb" or "#rrggbb".
    """
    errors: list[str] = []
    if not bands:
        return ["bands: at least one band is required"]
    if bands[0].lower_bound != 0:
        errors.append(
            f"bands[0].lower_bound: the first band must start at 0, not {bands[0].lower_bound}"
        )
    seen_codes: dict[str, int] = {}
    for index, band in enumerate(bands):
        where = f"bands[{index}]"
        if index > 0 and band.lower_bound <= bands[index - 1].lower_bound:
            errors.append(
                f"{where}.lower_bound: must be greater than the previous band's "
                f"({bands[index - 1].lower_bound}), got {band.lower_bound}"
            )
        if not band.code.strip():
            errors.append(f"{where}.code: must not be empty")
        elif band.code in seen_codes:
            errors.append(f"{where}.code: '{band.code}' repeats bands[{seen_codes[band.code]}]")
        else:
            seen_codes[band.code] = index
        if not band.label.strip():
            errors.append(f"{where}.label: must not be empty")
        if not _COLOR.match(band.color):
            errors.append(f"{where}.color: must be '#rgb' or '#rrggbb', got '{band.color}'")
    return errors


def band_for(advance_pct: Decimal | None, bands: Sequence[Band] = DEFAULT_BANDS) -> Band | None:
    """The last band whose lower bound the shown advance reaches; None when not due.

    A shown value below the first bound (a negative advance, e.g. a decreasing indicator that
    went up) falls in the first band: it is at least as bad as anything there.
    """
    shown = shown_pct(advance_pct)
    if shown is None or not bands:
        return None
    chosen = bands[0]
    for band in bands[1:]:
        if shown < band.lower_bound:
            break
        chosen = band
    return chosen


class ExecutionState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    NOT_DUE = "not_due"


EXECUTION_STATE_LABELS: dict[ExecutionState, str] = {
    ExecutionState.NOT_STARTED: "Sin iniciar",
    ExecutionState.IN_PROGRESS: "En ejecución",
    ExecutionState.COMPLETED: "Finalizada",
    ExecutionState.NOT_DUE: NOT_DUE_LABEL,
}


def execution_state(advance_pct: Decimal | None) -> ExecutionState:
    """An action's state from its advance: shown ≤ 0 not started, ≥ 100 completed."""
    shown = shown_pct(advance_pct)
    if shown is None:
        return ExecutionState.NOT_DUE
    if shown <= 0:
        return ExecutionState.NOT_STARTED
    if shown >= HUNDRED:
        return ExecutionState.COMPLETED
    return ExecutionState.IN_PROGRESS


def is_overdue(due_date: date | None, state: ExecutionState, cut_date: date) -> bool:
    """An action is overdue at a cut when it was due on or before it and is not completed."""
    return due_date is not None and due_date <= cut_date and state is not ExecutionState.COMPLETED


def is_lagging(advance_pct_shown: Decimal | None, lag_threshold_pct: Decimal) -> bool:
    """An advance lags when, as shown, it falls more than `lag_threshold_pct` points below 100."""
    return advance_pct_shown is not None and advance_pct_shown < HUNDRED - lag_threshold_pct
