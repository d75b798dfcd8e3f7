"""app.compute.dimensions: keys, the total of posted and summed indicators, the series of one
dimension value, a breakdown's advance and the rules on dimension values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.compute import Accumulation, DatedValue
from app.compute.dimensions import (
    KeyedValue,
    TotalMode,
    breakdown_advance,
    dimension_values,
    dims_key,
    dims_problem,
    parse_key,
    total_series,
)
from app.territories import divipola

MAR, JUN = date(2023, 3, 31), date(2023, 6, 30)
SEX = {
    "code": "sex",
    "label": "Sexo",
    "values": [{"code": "F", "label": "Mujer"}, {"code": "M", "label": "Hombre"}],
}


def kv(dims: dict[str, str], day: date, value: int) -> KeyedValue:
    return KeyedValue(dims_key(dims), day, Decimal(value))


def series(*pairs: tuple[date, int]) -> list[DatedValue]:
    return [DatedValue(d, Decimal(v)) for d, v in pairs]


def test_key_is_canonical_and_parses_back():
    assert dims_key({}) == ""
    assert dims_key({"territory": "19001", "sex": "F"}) == "sex=F;territory=19001"
    assert dims_key({"sex": "F", "territory": "19001"}) == "sex=F;territory=19001"
    assert parse_key("sex=F;territory=19001") == {"sex": "F", "territory": "19001"}
    assert parse_key("") == {}


VALUES = [
    kv({}, JUN, 90),
    kv({"territory": "19001"}, JUN, 50),
    kv({"territory": "19698"}, JUN, 30),
    kv({"sex": "F"}, JUN, 45),
    kv({"sex": "M"}, JUN, 45),
    kv({"sex": "F", "territory": "19001"}, JUN, 20),
    kv({"territory": "19001"}, MAR, 10),
]


def test_posted_total_is_the_posted_value_only():
    assert total_series(TotalMode.POSTED, VALUES) == series((JUN, 90))


def test_sum_takes_one_breakdown_per_period():
    # June: by sex (45 + 45) and by territory (50 + 30) are both one-dimension breakdowns;
    # the coarsest by dimension code is sex. March has only the territory.
    assert total_series(TotalMode.SUM, VALUES) == series((MAR, 10), (JUN, 90))
    only_territories = [v for v in VALUES if "sex" not in v.key and v.key]
    assert total_series("sum", only_territories) == series((MAR, 10), (JUN, 80))


def test_sum_keeps_a_posted_total_where_nothing_is_disaggregated():
    values = [kv({}, MAR, 7), kv({"territory": "19001"}, JUN, 3), kv({"territory": "19"}, JUN, 4)]
    # June: the department (coarser) rather than the department plus its municipality.
    assert total_series(TotalMode.SUM, values) == series((MAR, 7), (JUN, 4))


def test_series_of_one_value():
    assert total_series("posted", VALUES, {"territory": "19001"}) == series((MAR, 10), (JUN, 50))
    # Summed: the finer breakdown (territory by sex) stands in for the value itself.
    assert total_series("sum", VALUES, {"territory": "19001"}) == series((MAR, 10), (JUN, 20))
    # A department takes in its municipalities when summed; posted, only its own value.
    assert total_series("sum", VALUES, {"territory": "19"}) == series((MAR, 10), (JUN, 80))
    assert total_series("posted", VALUES, {"territory": "19"}) == []
    assert total_series("posted", VALUES, {"sex": "M"}) == series((JUN, 45))


def test_dimension_values_in_order_of_appearance():
    keys = [v.key for v in VALUES]
    assert dimension_values(keys, "territory") == ["19001", "19698"]
    assert dimension_values(keys, "sex") == ["F", "M"]


def test_breakdown_advance_uses_the_same_rules():
    adv = breakdown_advance("sum", series((JUN, 60)), series((MAR, 20), (JUN, 30)), JUN)
    assert (adv.programmed_to_date, adv.executed_to_date) == (Decimal(60), Decimal(50))
    assert adv.advance_pct_shown == Decimal("83.33")
    assert adv.plan_advance_pct is None  # no target for a breakdown
    # A level: the last level, not a sum of quarters.
    adv = breakdown_advance("constant", series((JUN, 20)), series((MAR, 10), (JUN, 12)), JUN)
    assert adv.advance_pct_shown == Decimal("60.00")


@pytest.mark.parametrize("kind", [Accumulation.INCREASING, Accumulation.DECREASING])
def test_breakdown_of_a_rising_or_falling_level_needs_its_own_start(kind):
    planned = series((JUN, 20))
    # No measurement before the year: no start level, so no advance (not one from 0).
    adv = breakdown_advance(kind, planned, series((JUN, 12)), JUN)
    assert (adv.advance_pct, adv.not_due, adv.missing_report) == (None, False, False)
    # With last year's level as its start, the usual formula.
    adv = breakdown_advance(kind, planned, series((date(2022, 12, 31), 10), (JUN, 12)), JUN)
    # (12 - 10) / (20 - 10) rising; (10 - 12) / (10 - 20) falling: 20 % either way.
    assert adv.advance_pct == Decimal(20)


def test_dimension_value_rules():
    def check(dims):
        return dims_problem(dims, [SEX], divipola.problem)

    assert check({}) is None
    assert check({"territory": "19001", "sex": "F"}) is None
    assert check({"territory": "11"}) is None
    assert check({"territory": "19999"}) == "territory '19999' is not in DANE's DIVIPOLA list"
    assert check({"territory": "Popayán"}) == (
        "territory 'Popayán' is not a DIVIPOLA code (2 digits for a department, "
        "5 for a municipality)"
    )
    assert check({"sex": "X"}) == "'X' is not a value of dimension 'sex'; allowed values: F, M"
    assert check({"age": "0-5"}) == (
        "dimension 'age' is not declared by the plan; its dimensions are: territory, sex"
    )


def test_divipola_list():
    every = divipola.territories()
    departments = [t for t in every.values() if t.kind == "department"]
    municipalities = [t for t in every.values() if t.kind == "municipality"]
    assert len(departments) == 33
    assert len(municipalities) == 1121
    assert {c: divipola.name_of(c) for c in ("19001", "76001", "11001", "05001", "11")} == {
        "19001": "Popayán",
        "76001": "Cali",
        "11001": "Bogotá, D.C.",
        "05001": "Medellín",
        "11": "Bogotá, D.C.",
    }
    # Every municipality's code starts with its department's.
    assert all(m.code[:2] == m.department_code and len(m.code) == 5 for m in municipalities)
    assert all(len(d.code) == 2 for d in departments)
