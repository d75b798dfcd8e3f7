"""The budget matrix, with the Cali PET investment of 16 units x 4 components."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.compute import Allocation, budget_matrix, share_pct
from tests.unit.seed_data import CALI_COMPONENTS, CALI_INVESTMENT, d

UNITS = list(CALI_INVESTMENT)


def cali_allocations():
    return [
        Allocation(unit, component, d(amount))
        for unit, row in CALI_INVESTMENT.items()
        for component, amount in zip(CALI_COMPONENTS, row[:4], strict=True)
        if amount
    ]


def test_cali_investment_totals_and_shares():
    matrix = budget_matrix(cali_allocations(), CALI_COMPONENTS, UNITS)

    assert matrix.total == d(3_538_975_000)
    columns = {line.key: line for line in matrix.columns}
    assert {key: line.total for key, line in columns.items()} == {
        "C1": d(1_931_975_000),
        "C2": d(454_500_000),
        "C3": d(1_036_500_000),
        "C4": d(116_000_000),
    }
    assert {key: line.share_pct_shown for key, line in columns.items()} == {
        "C1": d("54.59"),
        "C2": d("12.84"),
        "C3": d("29.29"),
        "C4": d("3.28"),
    }
    planeacion = next(line for line in matrix.rows if line.key == "Planeación")
    assert planeacion.total == d(2_135_475_000)
    assert planeacion.share_pct == d(2_135_475_000) * 100 / d(3_538_975_000)
    assert planeacion.share_pct_shown == d("60.34")


def test_cali_every_unit_matches_the_printed_row():
    matrix = budget_matrix(cali_allocations(), CALI_COMPONENTS, UNITS)

    assert [line.key for line in matrix.rows] == UNITS
    for line in matrix.rows:
        *cells, total, share = CALI_INVESTMENT[line.key]
        assert line.cells == dict(zip(CALI_COMPONENTS, map(Decimal, cells), strict=True))
        assert line.total == d(total)
        assert line.share_pct_shown == d(share)


def test_columns_carry_their_cells_by_unit():
    matrix = budget_matrix(cali_allocations(), CALI_COMPONENTS, UNITS)
    c4 = matrix.columns[3]
    assert c4.cells["Planeación"] == d(116_000_000)
    assert sum(c4.cells.values()) == c4.total
    assert c4.cells["Deporte"] == 0


def test_allocations_of_one_cell_add_up():
    split = [
        Allocation("Planeación", "C4", d(20_000_000)),
        Allocation("Planeación", "C4", d(96_000_000)),
    ]
    matrix = budget_matrix(split, ["C4"], ["Planeación"])
    assert matrix.rows[0].cells == {"C4": d(116_000_000)}
    assert matrix.rows[0].share_pct == d(100)


def test_executed_matrix_counts_unknown_execution_as_zero():
    allocations = [
        Allocation("DAPM", "C1", d(500), executed=d(200)),
        Allocation("DAPM", "C2", d(300)),
        Allocation("Salud", "C1", d(200), executed=d(300)),
    ]
    executed = budget_matrix(allocations, ["C1", "C2"], ["DAPM", "Salud"], measure="executed")
    assert executed.total == d(500)
    assert executed.rows[0].cells == {"C1": d(200), "C2": d(0)}
    assert executed.rows[0].share_pct_shown == d("40.00")
    assert executed.columns[1].share_pct == d(0)


def test_a_zero_total_has_no_shares():
    matrix = budget_matrix([Allocation("DAPM", "C1", d(0))], ["C1", "C2"], ["DAPM", "Salud"])
    assert matrix.total == 0
    assert all(line.share_pct is None for line in matrix.rows + matrix.columns)
    assert all(line.share_pct_shown is None for line in matrix.rows + matrix.columns)
    assert matrix.rows[1].cells == {"C1": d(0), "C2": d(0)}
    assert share_pct(d(5), d(0)) is None


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unknown unit"):
        budget_matrix([Allocation("X", "C1", d(1))], ["C1"], ["DAPM"])
    with pytest.raises(ValueError, match="unknown column"):
        budget_matrix([Allocation("DAPM", "C9", d(1))], ["C1"], ["DAPM"])
    with pytest.raises(ValueError, match="repeat"):
        budget_matrix([], ["C1"], ["DAPM", "DAPM"])
    with pytest.raises(ValueError, match="measure"):
        budget_matrix([], ["C1"], ["DAPM"], measure="spent")
    with pytest.raises(ValueError):
        Allocation("DAPM", "C1", d(-1))
    with pytest.raises(TypeError):
        Allocation("DAPM", "C1", 10.5)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["u1", "u2", "u3"]),
            st.sampled_from(["c1", "c2"]),
            st.integers(min_value=0, max_value=10**12),
        ),
        max_size=20,
    )
)
def test_row_and_column_totals_add_up_to_the_total(cells):
    allocations = [Allocation(u, c, d(amount)) for u, c, amount in cells]
    matrix = budget_matrix(allocations, ["c1", "c2"], ["u1", "u2", "u3"])
    assert sum(line.total for line in matrix.rows) == matrix.total
    assert sum(line.total for line in matrix.columns) == matrix.total
    assert matrix.total == sum(amount for _, _, amount in cells)
    if matrix.total:
        shares = sum(line.share_pct for line in matrix.rows)
        assert abs(shares - 100) < Decimal("1e-20")
