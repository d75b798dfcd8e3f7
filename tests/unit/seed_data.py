"""Figures of the seed documents (shared/seeds/) as plain compute inputs, with small builders."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from app.compute import Accumulation, DatedValue, IndicatorSeries

BOGOTA_CUT = date(2023, 6, 30)
CAUCA_CUT = date(2023, 9, 30)


def d(value: str | int) -> Decimal:
    return Decimal(value)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def monthly(year: int, values: list[int | str], first_month: int = 1) -> list[DatedValue]:
    """Values for consecutive months of `year`, each dated on its month's last day."""
    return [DatedValue(month_end(year, first_month + i), d(v)) for i, v in enumerate(values)]


def semiannual(
    accumulation: Accumulation, year_value: str, cut_value: str, executed: str
) -> IndicatorSeries:
    """A Bogotá-style indicator: planned for June and December, measured in June.

    For `sum` the December value is what is left of the year after June; for levels it is
    the year's level itself.
    """
    year, cut = d(year_value), d(cut_value)
    december = year - cut if accumulation is Accumulation.SUM else year
    return IndicatorSeries(
        accumulation=accumulation,
        programming=(
            DatedValue(date(2023, 6, 30), cut),
            DatedValue(date(2023, 12, 31), december),
        ),
        measurements=(DatedValue(date(2023, 6, 30), d(executed)),),
    )


def bogota_545() -> IndicatorSeries:
    """Indicador sectorial 545, línea 195: 5 486 863 for 2023, 2 743 434 by June, 1 474 056 done."""
    # 457 239 a month through November and the remainder in December.
    programming = monthly(2023, [457_239] * 11 + [457_234])
    measurements = (
        # The 2022 flow must not count in 2023's executed-to-date.
        monthly(2022, [400_000] * 12)
        + monthly(2023, [250_000, 240_000, 245_000, 248_000, 241_000, 250_056])
        # July was reported after the cut date and must not count either.
        + monthly(2023, [260_000], first_month=7)
    )
    return IndicatorSeries(
        Accumulation.SUM, programming=programming, measurements=measurements, target=d(21_000_000)
    )


def bogota_546() -> IndicatorSeries:
    """Indicador sectorial 546, PQRS por otros canales: 104 220 to June of 208 446, 150 623 done."""
    return IndicatorSeries(
        Accumulation.SUM,
        programming=(
            DatedValue(date(2023, 6, 30), d(104_220)),
            DatedValue(date(2023, 12, 31), d(104_226)),
        ),
        measurements=monthly(2023, [24_000, 25_100, 26_300, 24_900, 25_200, 25_123]),
    )


def bogota_321() -> IndicatorSeries:
    """Indicador sectorial 321, a % level: 90.00 for 2023, 73.50 by June, 72.50 reached."""
    return IndicatorSeries(
        Accumulation.CONSTANT,
        programming=(
            DatedValue(date(2023, 3, 31), d("70.00")),
            DatedValue(date(2023, 6, 30), d("73.50")),
            DatedValue(date(2023, 9, 30), d("80.00")),
            DatedValue(date(2023, 12, 31), d("90.00")),
        ),
        measurements=(
            DatedValue(date(2023, 3, 31), d("69.00")),
            DatedValue(date(2023, 6, 30), d("72.50")),
        ),
    )


def bogota_plan() -> dict[str, tuple[list[str], IndicatorSeries]]:
    """Every indicator of the Bogotá PEI report: the objectives it feeds and its series."""
    constant, total = Accumulation.CONSTANT, Accumulation.SUM
    return {
        "IS-321": (["O1"], bogota_321()),
        "PI-7871-4": (["O1"], semiannual(constant, "90.00", "66.67", "66.67")),
        "IS-464": (["O2"], semiannual(total, "1.00", "0.50", "0.50")),
        # 543 feeds objectives 2 and 3.
        "IS-543": (["O2", "O3"], semiannual(constant, "24.00", "16.00", "16.00")),
        "IS-554": (["O2"], semiannual(constant, "90.00", "80.50", "80.50")),
        "IS-552": (["O3"], semiannual(constant, "80.00", "66.16", "66.16")),
        "IS-513": (["O4"], semiannual(constant, "75.00", "60.00", "60.00")),
        "IS-514": (["O4"], semiannual(constant, "1.00", "1.00", "1.00")),
        "IS-545": (["O5"], bogota_545()),
        "IS-546": (["O5"], bogota_546()),
        "IS-551": (["O6"], semiannual(total, "20.00", "9.00", "9.00")),
        "MG-presupuesto": (["O7"], semiannual(constant, "100.00", "100.00", "95.00")),
        "MG-estrategia": (["O7"], semiannual(constant, "100.00", "100.00", "100.00")),
        "MG-PIC": (["O8"], semiannual(constant, "100.00", "100.00", "100.00")),
    }


# Cali PET, "Inversión en 4 años": unit -> (C1, C2, C3, C4, printed total, printed share).
CALI_COMPONENTS = ("C1", "C2", "C3", "C4")
CALI_INVESTMENT = {
    "Bienestar": (4_375_000, 8_750_000, 8_400_000, 0, 21_525_000, "0.61"),
    "Control Disciplinario": (7_875_000, 1_750_000, 8_400_000, 0, 18_025_000, "0.51"),
    "Control Interno": (4_375_000, 1_750_000, 8_400_000, 0, 14_525_000, "0.41"),
    "Cultura y turismo": (14_350_000, 5_250_000, 8_400_000, 0, 28_000_000, "0.79"),
    "Dagma": (123_375_000, 33_250_000, 8_400_000, 0, 165_025_000, "4.66"),
    "Educación": (82_075_000, 19_250_000, 8_400_000, 0, 109_725_000, "3.10"),
    "General": (221_875_000, 8_750_000, 208_400_000, 0, 439_025_000, "12.41"),
    "Gobierno": (34_125_000, 14_000_000, 8_400_000, 0, 56_525_000, "1.60"),
    "Hacienda": (47_075_000, 15_750_000, 8_400_000, 0, 71_225_000, "2.01"),
    "Infraestructura": (14_000_000, 1_750_000, 8_400_000, 0, 24_150_000, "0.68"),
    "Jurídica": (4_375_000, 90_000_000, 8_400_000, 0, 102_775_000, "2.90"),
    "Planeación": (1_115_975_000, 193_000_000, 710_500_000, 116_000_000, 2_135_475_000, "60.34"),
    "Salud": (203_875_000, 38_500_000, 8_400_000, 0, 250_775_000, "7.09"),
    "Tránsito": (38_850_000, 10_500_000, 8_400_000, 0, 57_750_000, "1.63"),
    "Vivienda": (15_400_000, 12_250_000, 8_400_000, 0, 36_050_000, "1.02"),
    "Deporte": (0, 0, 8_400_000, 0, 8_400_000, "0.24"),
}
