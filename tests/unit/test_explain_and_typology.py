"""The traced advance and rollup (what `?explain=true` shows) and the DNP accumulation types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.compute import Accumulation, Contribution, DatedValue, IndicatorSeries, NodeIn, rollup_tree
from app.compute.advance import compute_advance, formula, trace_advance
from app.compute.typology import DnpAccumulation, dnp_name, resolve, typed_name
from tests.unit.seed_data import BOGOTA_CUT, bogota_545, d, monthly


def test_trace_of_bogota_545_names_every_input_and_rebuilds_the_advance():
    advance, trace = trace_advance(bogota_545(), BOGOTA_CUT)
    assert advance == compute_advance(bogota_545(), BOGOTA_CUT)
    assert trace.accumulation is Accumulation.SUM
    assert trace.formula == "E_cut / P_cut" and trace.year_formula == "E_cut / P_year"
    assert trace.window_start == date(2023, 1, 1)
    # 2022 was measured: B is its December value, not the baseline.
    assert trace.start_from == DatedValue(date(2022, 12, 31), d(400_000))
    # The six months of 2023 up to the cut; July (after the cut) and 2022 are not taken.
    assert [v.period_end.month for v in trace.planned_to_date_values] == [1, 2, 3, 4, 5, 6]
    assert len(trace.planned_year_values) == 12
    assert [v.period_end for v in trace.executed_values] == [
        date(2023, m, last) for m, last in ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30))
    ]
    planned = sum(v.value for v in trace.planned_to_date_values)
    executed = sum(v.value for v in trace.executed_values)
    assert (planned, executed) == (d(2_743_434), d(1_474_056))
    assert executed * 100 / planned == advance.advance_pct
    assert not trace.executed_defaulted


def test_trace_of_levels_takes_the_latest_level_and_says_where_b_comes_from():
    series = IndicatorSeries(
        Accumulation.INCREASING,
        programming=monthly(2023, [12, 14, 16]),
        measurements=monthly(2023, [11, 13]),
        baseline=d(10),
    )
    advance, trace = trace_advance(series, date(2023, 3, 31))
    assert trace.start_from is None and trace.start_value == d(10) == trace.baseline
    assert trace.planned_to_date_values == (DatedValue(date(2023, 3, 31), d(16)),)
    assert trace.executed_values == (DatedValue(date(2023, 2, 28), d(13)),)
    assert trace.formula == "(E_cut - B) / (P_cut - B)"
    assert advance.advance_pct == (d(13) - 10) * 100 / (d(16) - 10)


def test_trace_when_nothing_was_measured_says_e_counts_as_nothing_done():
    series = IndicatorSeries(
        Accumulation.DECREASING, programming=monthly(2023, [8]), baseline=d(10)
    )
    advance, trace = trace_advance(series, date(2023, 1, 31))
    assert trace.executed_values == () and trace.executed_defaulted
    assert trace.formula == "(B - E_cut) / (B - P_cut)"
    assert advance.executed_to_date == d(10) and advance.advance_pct == 0
    assert advance.missing_report


def test_rollup_trace_renormalises_over_what_was_due_and_names_what_was_left_out():
    nodes = [NodeIn("OBJ5")]
    contributions = [
        Contribution("IS-545", "OBJ5", d(3)),
        Contribution("IS-546", "OBJ5", d(1)),
        Contribution("LATE", "OBJ5", d(2)),
        Contribution("ZERO", "OBJ5", d(0)),
    ]
    a545 = d(1_474_056) * 100 / d(2_743_434)
    a546 = d(150_623) * 100 / d(104_220)
    advances = {"IS-545": a545, "IS-546": a546, "LATE": None, "ZERO": d(50)}
    plain = rollup_tree(nodes, contributions, advances, 2023)
    traced = rollup_tree(nodes, contributions, advances, 2023, trace=True)
    assert traced.nodes == plain.nodes and traced.plan == plain.plan
    assert plain.node_traces == {} and plain.plan_trace is None

    mean = traced.node_traces["OBJ5"]
    parts = {p.id: p for p in mean.parts}
    assert [p.id for p in mean.parts] == ["IS-545", "IS-546", "LATE", "ZERO"]
    assert parts["IS-545"].renormalised_weight == d(3) / 4
    assert parts["IS-546"].renormalised_weight == d(1) / 4
    assert (parts["LATE"].left_out, parts["LATE"].renormalised_weight) == ("not_due", None)
    assert parts["ZERO"].left_out == "zero_weight"
    assert mean.weight_sum == 4 and mean.weighted_sum == 3 * a545 + a546
    assert mean.result == plain.nodes["OBJ5"].advance_pct == (3 * a545 + a546) / 4
    plan_parts = traced.plan_trace.parts
    assert [(p.kind, p.id, p.renormalised_weight) for p in plan_parts] == [("node", "OBJ5", 1)]


def test_rollup_trace_shows_the_capped_advance_it_used():
    traced = rollup_tree(
        [NodeIn("N")],
        [Contribution("A", "N"), Contribution("B", "N")],
        {"A": d(150), "B": d(50)},
        2023,
        cap_at_100=True,
        trace=True,
    )
    parts = traced.node_traces["N"].parts
    assert (parts[0].advance, parts[0].advance_used) == (d(150), d(100))
    assert traced.node_traces["N"].result == 75 and traced.node_traces["N"].cap_at_100


# --- DNP typology --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "dnp"),
    [
        ("flujo", Accumulation.SUM, DnpAccumulation.FLUJO),
        ("Stock", Accumulation.INCREASING, DnpAccumulation.STOCK),
        ("ACUMULADO", Accumulation.CUMULATIVE, DnpAccumulation.ACUMULADO),
        ("capacidad", Accumulation.CONSTANT, DnpAccumulation.CAPACIDAD),
        ("reducción", Accumulation.DECREASING, DnpAccumulation.REDUCCION),
        ("Reducción anual", Accumulation.DECREASING, DnpAccumulation.REDUCCION_ANUAL),
        ("reduccion-anual", Accumulation.DECREASING, DnpAccumulation.REDUCCION_ANUAL),
        ("sum", Accumulation.SUM, DnpAccumulation.FLUJO),
        ("decreasing", Accumulation.DECREASING, DnpAccumulation.REDUCCION),
        ("cumulative", Accumulation.CUMULATIVE, DnpAccumulation.ACUMULADO),
    ],
)
def test_either_vocabulary_resolves_to_a_formula_and_a_dnp_name(typed, kind, dnp):
    assert resolve(typed) == (kind, dnp)


def test_unknown_names_are_refused_and_stored_names_win():
    with pytest.raises(ValueError):
        resolve("promedio")
    assert typed_name(3) == 3
    assert dnp_name("decreasing", "reduccion_anual") is DnpAccumulation.REDUCCION_ANUAL
    assert dnp_name("decreasing", None) is DnpAccumulation.REDUCCION


def test_acumulado_adds_up_over_the_plans_years_without_the_baseline():
    # "Kilómetros de vía construidos" (acumulado): 10 km planned a quarter over 2024-2025,
    # the baseline (120 km built before the plan) is not part of the figures.
    series = IndicatorSeries(
        Accumulation.CUMULATIVE,
        programming=[
            DatedValue(date(year, month, 28), d(10))
            for year in (2024, 2025)
            for month in (3, 6, 9, 12)
        ],
        measurements=[
            DatedValue(date(2024, 3, 28), d(8)),
            DatedValue(date(2024, 6, 28), d(12)),
            DatedValue(date(2024, 9, 28), d(10)),
            DatedValue(date(2024, 12, 28), d(9)),
            DatedValue(date(2025, 3, 28), d(11)),
        ],
        baseline=d(120),
        target=d(80),
    )
    advance, trace = trace_advance(series, date(2025, 6, 30))
    # P_cut: the four quarters of 2024 and two of 2025; E_cut: everything measured so far.
    assert advance.programmed_to_date == 60 and advance.programmed_year == 80
    assert advance.executed_to_date == 50
    assert advance.advance_pct == d(50) * 100 / 60
    assert advance.year_advance_pct == d(50) * 100 / 80
    assert advance.plan_advance_pct == d(50) * 100 / 80
    assert trace.window_start is None and len(trace.executed_values) == 5
    assert trace.formula == formula(Accumulation.CUMULATIVE) == "E_cut / P_cut"
    assert not advance.missing_report
    # A flujo (sum) indicator with the same figures starts again on 1 January.
    as_flow = compute_advance(
        IndicatorSeries(Accumulation.SUM, series.programming, series.measurements),
        date(2025, 6, 30),
    )
    assert (as_flow.programmed_to_date, as_flow.executed_to_date) == (20, 11)


def test_acumulado_without_a_report_this_year_keeps_last_years_total_and_is_flagged():
    series = IndicatorSeries(
        Accumulation.CUMULATIVE,
        programming=[DatedValue(date(2024, 12, 31), d(10)), DatedValue(date(2025, 6, 30), d(10))],
        measurements=[DatedValue(date(2024, 12, 31), d(10))],
    )
    advance = compute_advance(series, date(2025, 6, 30))
    assert advance.executed_to_date == 10 and advance.advance_pct == 50
    assert advance.missing_report


def test_reduccion_anual_measures_each_year_from_where_the_previous_one_ended():
    # Tasa de homicidios: 30 in the baseline, 27 at the end of 2024; 2025 aims at 24.
    series = IndicatorSeries(
        Accumulation.DECREASING,
        programming=[DatedValue(date(2024, 12, 31), d(26)), DatedValue(date(2025, 12, 31), d(24))],
        measurements=[DatedValue(date(2024, 12, 31), d(27)), DatedValue(date(2025, 12, 31), d(25))],
        baseline=d(30),
        target=d(24),
    )
    advance, trace = trace_advance(series, date(2025, 12, 31))
    assert trace.start_from == DatedValue(date(2024, 12, 31), d(27))
    assert advance.advance_pct == (d(27) - 25) * 100 / (d(27) - 24)
    # Against the plan's target the reduction counts from the baseline.
    assert advance.plan_advance_pct == (d(30) - 25) * 100 / (d(30) - 24)


def test_inputs_of_a_trace_are_exact_decimals():
    series = IndicatorSeries(
        Accumulation.CONSTANT,
        programming=[DatedValue(date(2023, 6, 30), Decimal("0.333333"))],
        measurements=[DatedValue(date(2023, 6, 30), Decimal("0.1"))],
    )
    advance, trace = trace_advance(series, date(2023, 6, 30))
    assert trace.executed_values[0].value == Decimal("0.1")
    assert advance.advance_pct == Decimal("0.1") * 100 / Decimal("0.333333")
