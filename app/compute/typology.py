"""The DNP's accumulation types (Guía para la construcción y análisis de indicadores) and the
service's own: which formula each DNP name is computed with, and how a name is typed.

Four DNP types are one of DOMAIN.md's four; "acumulado" has a formula of its own
(`Accumulation.CUMULATIVE`: amounts that add up over the plan's years, never reset on 1 Jan);
"reducción" and "reducción anual" are both `decreasing`, whose B is the value at the start
of the cut's year (the previous year's last measurement, else the baseline).
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from app.compute.types import Accumulation


class DnpAccumulation(StrEnum):
    """DNP's names, as codes (ASCII, snake case); `DNP_LABELS` has them as the guide writes."""

    FLUJO = "flujo"
    STOCK = "stock"
    ACUMULADO = "acumulado"
    CAPACIDAD = "capacidad"
    REDUCCION = "reduccion"
    REDUCCION_ANUAL = "reduccion_anual"


DNP_LABELS: dict[DnpAccumulation, str] = {
    DnpAccumulation.FLUJO: "Flujo",
    DnpAccumulation.STOCK: "Stock",
    DnpAccumulation.ACUMULADO: "Acumulado",
    DnpAccumulation.CAPACIDAD: "Capacidad",
    DnpAccumulation.REDUCCION: "Reducción",
    DnpAccumulation.REDUCCION_ANUAL: "Reducción anual",
}

# The formula each DNP type is computed with.
DNP_TO_ACCUMULATION: dict[DnpAccumulation, Accumulation] = {
    DnpAccumulation.FLUJO: Accumulation.SUM,
    DnpAccumulation.STOCK: Accumulation.INCREASING,
    DnpAccumulation.ACUMULADO: Accumulation.CUMULATIVE,
    DnpAccumulation.CAPACIDAD: Accumulation.CONSTANT,
    DnpAccumulation.REDUCCION: Accumulation.DECREASING,
    DnpAccumulation.REDUCCION_ANUAL: Accumulation.DECREASING,
}

# The DNP name shown for an indicator given with one of the service's own types.
ACCUMULATION_TO_DNP: dict[Accumulation, DnpAccumulation] = {
    Accumulation.SUM: DnpAccumulation.FLUJO,
    Accumulation.CONSTANT: DnpAccumulation.CAPACIDAD,
    Accumulation.INCREASING: DnpAccumulation.STOCK,
    Accumulation.DECREASING: DnpAccumulation.REDUCCION,
    Accumulation.CUMULATIVE: DnpAccumulation.ACUMULADO,
}


def code_of(name: str) -> str:
    """A type name as people type it ("Reducción anual", "REDUCCION-ANUAL") as its code
    ("reduccion_anual"): lower case, accents dropped, spaces and hyphens as underscores."""
    plain = unicodedata.normalize("NFKD", name.strip().lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return "_".join(plain.replace("-", " ").split())


def typed_name(value: object) -> object:
    """`code_of` for input validation: anything but a string is left for it to refuse."""
    return code_of(value) if isinstance(value, str) else value


def resolve(name: str) -> tuple[Accumulation, DnpAccumulation]:
    """(the formula's type, the DNP name) of a type given by either name.

    A DNP name keeps itself; one of the service's types takes its usual DNP name.
    Raises ValueError on an unknown name.
    """
    code = code_of(name)
    if code in DnpAccumulation._value2member_map_:
        dnp = DnpAccumulation(code)
        return DNP_TO_ACCUMULATION[dnp], dnp
    kind = Accumulation(code)
    return kind, ACCUMULATION_TO_DNP[kind]


def dnp_name(accumulation: str, stored: str | None) -> DnpAccumulation:
    """The DNP name of an indicator: the one it was given, else its type's usual one."""
    if stored:
        return DnpAccumulation(stored)
    return ACCUMULATION_TO_DNP[Accumulation(accumulation)]


def written_type(accumulation: str, stored: str | None) -> str:
    """How a spreadsheet writes an indicator's type so that reading it back keeps both names:
    the service's type, or the DNP label where the DNP name is not that type's usual one."""
    kind = Accumulation(accumulation)
    if stored and DnpAccumulation(stored) is not ACCUMULATION_TO_DNP[kind]:
        return DNP_LABELS[DnpAccumulation(stored)].lower()
    return kind.value
