"""Shown values, status labels, traffic-light bands and execution states."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.compute import (
    DEFAULT_BANDS,
    Band,
    ExecutionState,
    StatusCode,
    band_for,
    execution_state,
    format_pct,
    is_lagging,
    is_overdue,
    shown_pct,
    status_for,
    validate_bands,
)
from tests.unit.seed_data import d

# Cali digital government: "0% - 40%" critical, "41% - 80%" in process, "81% - 100%" finished.
CALI_BANDS = (
    Band(d(0), "critical", "Crítica (0% - 40%)", "#c62828"),
    Band(d(41), "in_process", "En proceso (41% - 80%)", "#f9a825"),
    Band(d(81), "finished", "Finalizada (81% - 100%)", "#2e7d32"),
)


def test_shown_is_rounded_half_up_to_two_decimals():
    assert shown_pct(d("0.005")) == d("0.01")
    assert shown_pct(d("0.004999")) == d("0.00")
    assert shown_pct(d("99.995")) == d("100.00")
    assert shown_pct(d("53.725")) == d("53.73")
    assert shown_pct(None) is None


def test_shown_100_is_never_a_lag():
    status = status_for(d("99.995"))
    assert (status.code, status.label) == (StatusCode.ON_TRACK, "En cumplimiento")
    assert band_for(d("99.995")).code == "green"
    assert status_for(d("99.99499")).label == "Rezago 0.01%"
    assert status_for(d("100.00499")).code == StatusCode.ON_TRACK


@pytest.mark.parametrize(
    ("advance", "code", "label"),
    [
        (d(1_474_056) * 100 / d(2_743_434), "lagging", "Rezago 46.27%"),
        (d(150_623) * 100 / d(104_220), "over_executed", "Sobre ejecución 44.52%"),
        (d("98.31"), "lagging", "Rezago 1.69%"),
        (d(95), "lagging", "Rezago 5%"),
        (d("98.5"), "lagging", "Rezago 1.5%"),
        (d(130), "over_executed", "Sobre ejecución 30%"),
        (d(100), "on_track", "En cumplimiento"),
        (d(-20), "lagging", "Rezago 120%"),
        (None, "not_due", "Sin programación al corte"),
    ],
)
def test_status_labels(advance, code, label):
    status = status_for(advance)
    assert (status.code, status.label) == (code, label)


def test_format_pct_keeps_up_to_two_decimals():
    assert format_pct(d("46.27")) == "46.27"
    assert format_pct(d("1.50")) == "1.5"
    assert format_pct(d("5.00")) == "5"
    assert format_pct(d("100")) == "100"
    assert format_pct(d("0.004")) == "0"
    assert format_pct(d("0.005")) == "0.01"
    assert format_pct(d("-0.004")) == "0"
    assert format_pct(d("-1.255")) == "-1.26"


def test_tolerance_widens_on_track_on_both_sides():
    assert status_for(d(98), tolerance_pct=d(2)).code == StatusCode.ON_TRACK
    assert status_for(d(102), tolerance_pct=d(2)).code == StatusCode.ON_TRACK
    assert status_for(d("97.99"), tolerance_pct=d(2)).label == "Rezago 2.01%"
    assert status_for(d("102.01"), tolerance_pct=d(2)).label == "Sobre ejecución 2.01%"
    # Decided on the shown value: 97.995 shows as 98.00.
    assert status_for(d("97.995"), tolerance_pct=d(2)).code == StatusCode.ON_TRACK
    with pytest.raises(ValueError):
        status_for(d(100), tolerance_pct=d(-1))


@pytest.mark.parametrize(
    ("advance", "code"),
    [
        (d(130), "green"),  # Cauca "Mínimo 50 indicadores": 65 of 50
        (d(2) * 100 / d(14), "red"),  # Cauca "Socialización en 14 dependencias": 2 of 14
        (d(0), "red"),
        (d("49.99"), "red"),
        (d("49.995"), "yellow"),
        (d(50), "yellow"),
        (d("99.99"), "yellow"),
        (d(100), "green"),
        (d(-5), "red"),
    ],
)
def test_cauca_default_bands(advance, code):
    assert band_for(advance, DEFAULT_BANDS).code == code


def test_default_band_green_matches_api_example():
    green = band_for(d("144.52"))
    assert (green.code, green.label, green.color) == ("green", "100%", "#2e7d32")


@pytest.mark.parametrize(
    ("advance", "code"),
    [
        (d(0), "critical"),
        (d(40), "critical"),
        (d("40.99"), "critical"),
        (d("40.995"), "in_process"),
        (d(41), "in_process"),
        (d("80.99"), "in_process"),
        (d(81), "finished"),
        (d(100), "finished"),
        (d(120), "finished"),
    ],
)
def test_cali_digital_government_bands(advance, code):
    assert validate_bands(CALI_BANDS) == []
    assert band_for(advance, CALI_BANDS).code == code


def test_not_due_has_no_band():
    assert band_for(None) is None


def test_validate_bands_accepts_the_defaults():
    assert validate_bands(DEFAULT_BANDS) == []
    assert validate_bands([Band(d(0), "all", "Todo", "#fff")]) == []


def test_validate_bands_reports_each_problem_with_its_place():
    bands = [
        Band(d(10), "red", "Rojo", "#c62828"),
        Band(d(10), "yellow", "", "#f9a825"),
        Band(d(5), "red", "Verde", "green"),
        Band(d(90), " ", "Azul", "#1565c0"),
    ]
    errors = validate_bands(bands)
    assert errors == [
        "bands[0].lower_bound: the first band must start at 0, not 10",
        "bands[1].lower_bound: must be greater than the previous band's (10), got 10",
        "bands[1].label: must not be empty",
        "bands[2].lower_bound: must be greater than the previous band's (10), got 5",
        "bands[2].code: 'red' repeats bands[0]",
        "bands[2].color: must be '#rgb' or '#rrggbb', got 'green'",
        "bands[3].code: must not be empty",
    ]
    assert validate_bands([]) == ["bands: at least one band is required"]


@pytest.mark.parametrize(
    ("advance", "state"),
    [
        (None, ExecutionState.NOT_DUE),
        (d(0), ExecutionState.NOT_STARTED),
        (d("0.004"), ExecutionState.NOT_STARTED),
        (d("0.005"), ExecutionState.IN_PROGRESS),
        (d(50), ExecutionState.IN_PROGRESS),
        (d("99.994"), ExecutionState.IN_PROGRESS),
        (d("99.995"), ExecutionState.COMPLETED),
        (d(150), ExecutionState.COMPLETED),
        (d(-3), ExecutionState.NOT_STARTED),
    ],
)
def test_execution_state(advance, state):
    assert execution_state(advance) == state


advances = st.decimals(min_value=-200, max_value=400, places=4)


@given(advances)
def test_status_band_and_state_are_decided_on_the_shown_value(advance):
    shown = shown_pct(advance)
    assert status_for(advance) == status_for(shown)
    assert band_for(advance) == band_for(shown)
    assert band_for(advance, CALI_BANDS) == band_for(shown, CALI_BANDS)
    assert execution_state(advance) == execution_state(shown)


@given(advances)
def test_label_gap_plus_shown_is_100(advance):
    status = status_for(advance)
    shown = shown_pct(advance)
    if status.code == StatusCode.LAGGING:
        assert Decimal(status.label.removeprefix("Rezago ").removesuffix("%")) == 100 - shown
    elif status.code == StatusCode.OVER_EXECUTED:
        gap = status.label.removeprefix("Sobre ejecución ").removesuffix("%")
        assert Decimal(gap) == shown - 100
    else:
        assert shown == 100


@given(advances)
def test_format_pct_reads_back_as_the_shown_value(advance):
    assert Decimal(format_pct(advance)) == shown_pct(advance)


@pytest.mark.parametrize(
    ("due", "state", "overdue"),
    [
        (date(2023, 6, 30), ExecutionState.IN_PROGRESS, True),  # due on the cut itself
        (date(2023, 1, 31), ExecutionState.NOT_STARTED, True),
        (date(2023, 1, 31), ExecutionState.NOT_DUE, True),
        (date(2023, 1, 31), ExecutionState.COMPLETED, False),
        (date(2023, 7, 1), ExecutionState.NOT_STARTED, False),  # due after the cut
        (None, ExecutionState.NOT_STARTED, False),  # no due date
    ],
)
def test_an_action_is_overdue_when_due_by_the_cut_and_not_completed(due, state, overdue):
    assert is_overdue(due, state, date(2023, 6, 30)) is overdue


@pytest.mark.parametrize(
    ("shown", "threshold", "lagging"),
    [
        (d("79.99"), d(20), True),
        (d(80), d(20), False),  # exactly at the threshold is not a lag
        (d(0), d(20), True),
        (d("99.99"), d(0), True),
        (d(100), d(0), False),
        (d(150), d(0), False),
        (None, d(20), False),  # not due: nothing to lag
    ],
)
def test_an_advance_lags_beyond_the_threshold_below_100(shown, threshold, lagging):
    assert is_lagging(shown, threshold) is lagging
