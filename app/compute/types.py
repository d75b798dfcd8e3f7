"""Plain value types shared by the compute modules, and the one rule for shown percentages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

HUNDRED = Decimal(100)
ZERO = Decimal(0)
_CENT = Decimal("0.01")


class Accumulation(StrEnum):
    """How an indicator's values add up (DOMAIN.md, "Accumulation types and % advance")."""

    SUM = "sum"
    CONSTANT = "constant"
    INCREASING = "increasing"
    DECREASING = "decreasing"
    # DNP's "acumulado": amounts per period that add up over the plan's years, never reset
    # on 1 January (the baseline is not part of them). See app/compute/typology.py.
    CUMULATIVE = "cumulative"


def to_decimal(value: Decimal | int | str, what: str = "value") -> Decimal:
    """Return `value` as a finite Decimal; floats are refused because they are not exact."""
    # The common case first: results build a DatedValue per planned and measured value, and
    # a plan of 5,000 indicators has over 100,000 of them.
    if type(value) is Decimal and value.is_finite():
        return value
    # bool is an int subclass, and True as a weight or amount is always a caller's slip.
    if isinstance(value, bool | float):
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        result = Decimal(value)
    else:
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, got {result}")
    return result


def shown_pct(value: Decimal | None) -> Decimal | None:
    """The value people see: rounded to 2 decimals, half up. Status and band are decided on it."""
    if value is None:
        return None
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DatedValue:
    """A planned or measured value for the period ending on `period_end`."""

    period_end: date
    value: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", to_decimal(self.value, "value"))
