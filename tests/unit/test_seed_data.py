"""Internal consistency of the transcribed seed plans (app.demo.seeds), and the seed figures."""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from app.demo.seeds import SEEDS, bogota, cali_gd, cali_pet, cauca

SEED_IDS = [s["plan"]["code"] for s in SEEDS]
by_seed = pytest.mark.parametrize("seed", SEEDS, ids=SEED_IDS)

TOP_KEYS = {
    "organization",
    "units",
    "plan",
    "nodes",
    "actions",
    "indicators",
    "budget_allocations",
    "cuts",
    "measurements",
    "followups",
    "expected",
    "notes",
}
PLAN_KEYS = {
    "code",
    "name",
    "kind",
    "first_year",
    "last_year",
    "approval_reference",
    "description",
    "levels",
    "axes",
    "tolerance_pct",
    "cap_at_100",
}
NODE_KEYS = {"code", "name", "parent_code", "order", "weight"}
ACTION_KEYS = {
    "code",
    "node_code",
    "description",
    "unit_codes",
    "start_date",
    "due_date",
    "planned_cost",
    "axis_values",
    "weight",
    "order",
}
INDICATOR_KEYS = {
    "code",
    "name",
    "action_code",
    "node_code",
    "source",
    "source_reference",
    "unit_of_measure",
    "unit_label",
    "baseline_value",
    "baseline_year",
    "target_value",
    "accumulation",
    "unit_code",
    "contributions",
    "programming",
}
FOLLOWUP_KEYS = {
    "cut_code",
    "indicator_code",
    "narrative",
    "observations",
    "lag_justification",
    "evidence",
}
EVIDENCE_KEYS = {"kind", "title", "url", "reference", "date"}

ORG_KINDS = {"gobernacion", "alcaldia", "secretaria", "other"}
PLAN_KINDS = {"pet", "pei", "digital_government", "action_plan", "development_plan", "other"}
SOURCES = {"sectoral", "investment_project", "management", "other"}
UNITS_OF_MEASURE = {"number", "percentage", "currency", "other"}
ACCUMULATIONS = {"sum", "constant", "increasing", "decreasing"}
PERIOD_KINDS = {"monthly", "quarterly", "semiannual", "annual"}
EVIDENCE_KINDS = {
    "acta",
    "attendance_list",
    "photo",
    "official_letter",
    "document",
    "link",
    "other",
}
DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")
CENT = Decimal("0.01")


# --- helpers -------------------------------------------------------------------------------


def _walk(value, path="SEED"):
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _is_decimal(text):
    return isinstance(text, str) and bool(DECIMAL_RE.match(text))


def _day(text):
    return date.fromisoformat(text)


def _shown(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _element_codes(seed):
    return {
        "node": {n["code"] for n in seed["nodes"]},
        "action": {a["code"] for a in seed["actions"]},
        "indicator": {i["code"] for i in seed["indicators"]},
        "cut": {c["code"] for c in seed["cuts"]},
        "unit": {u["code"] for u in seed["units"]},
    }


def _advance(seed, indicator_code, cut_date):
    """DOMAIN.md's advance at a cut: None when nothing was due (not due)."""
    indicator = next(i for i in seed["indicators"] if i["code"] == indicator_code)
    start = date(cut_date.year, 1, 1)
    planned = sorted((_day(p["period_end"]), Decimal(p["value"])) for p in indicator["programming"])
    measured = sorted(
        (_day(m["period_end"]), Decimal(m["value"]))
        for m in seed["measurements"]
        if m["indicator_code"] == indicator_code
    )
    in_year = [(d, v) for d, v in planned if start <= d <= cut_date]
    done = [(d, v) for d, v in measured if start <= d <= cut_date]
    baseline = Decimal(indicator["baseline_value"] or "0")
    if indicator["accumulation"] == "sum":
        p_cut = sum((v for _, v in in_year), Decimal(0))
        e_cut = sum((v for _, v in done), Decimal(0))
        return None if p_cut == 0 else e_cut / p_cut * 100
    if not in_year:
        return None
    p_cut = in_year[-1][1]
    e_cut = done[-1][1] if done else baseline
    if indicator["accumulation"] == "constant":
        return None if p_cut == 0 else e_cut / p_cut * 100
    if indicator["accumulation"] == "increasing":
        return None if p_cut == baseline else (e_cut - baseline) / (p_cut - baseline) * 100
    return None if p_cut == baseline else (baseline - e_cut) / (baseline - p_cut) * 100


def _node_advance(seed, node_code, cut_date):
    """Weighted mean over child nodes and contributing indicators whose advance is defined."""
    parts = []
    for child in seed["nodes"]:
        if child["parent_code"] == node_code:
            parts.append((_node_advance(seed, child["code"], cut_date), child["weight"]))
    for indicator in seed["indicators"]:
        contributions = indicator["contributions"] or [
            {"node_code": indicator["node_code"], "weight": "1"}
        ]
        for contribution in contributions:
            if contribution["node_code"] == node_code:
                parts.append((_advance(seed, indicator["code"], cut_date), contribution["weight"]))
    parts = [(value, Decimal(weight)) for value, weight in parts if value is not None]
    if not parts:
        return None
    return sum(v * w for v, w in parts) / sum(w for _, w in parts)


def _band(seed, shown):
    return [b for b in seed["plan"]["bands"] if shown >= Decimal(b["lower_bound"])][-1]["code"]


def _status(shown):
    if shown == 100:
        return "on_track", "En cumplimiento"
    if shown < 100:
        return "lagging", f"Rezago {100 - shown}%"
    return "over_executed", f"Sobre ejecución {shown - 100}%"


# --- shape ---------------------------------------------------------------------------------


def test_four_seeds_in_order():
    assert SEEDS == [cauca.SEED, cali_pet.SEED, cali_gd.SEED, bogota.SEED]


@by_seed
def test_shape_uses_exactly_the_agreed_keys(seed):
    assert set(seed) == TOP_KEYS
    assert set(seed["organization"]) == {"code", "name", "kind"}
    assert PLAN_KEYS <= set(seed["plan"]) <= PLAN_KEYS | {"bands"}
    for unit in seed["units"]:
        assert set(unit) == {"code", "name", "acronym"}
    for node in seed["nodes"]:
        assert set(node) == NODE_KEYS
    for action in seed["actions"]:
        assert set(action) - {"illustrative"} == ACTION_KEYS
    for indicator in seed["indicators"]:
        assert set(indicator) - {"illustrative"} == INDICATOR_KEYS
        for row in indicator["programming"]:
            assert set(row) == {"period_end", "value"}
        for contribution in indicator["contributions"]:
            assert set(contribution) == {"node_code", "weight"}
    for allocation in seed["budget_allocations"]:
        assert {"unit_code", "year", "planned", "executed"} <= set(allocation)
        assert len(set(allocation) & {"node_code", "action_code"}) == 1
    for cut in seed["cuts"]:
        assert set(cut) == {"code", "cut_date", "label", "period_kind"}
    for measurement in seed["measurements"]:
        assert set(measurement) == {"indicator_code", "period_end", "value", "note"}
    for followup in seed["followups"]:
        assert set(followup) == FOLLOWUP_KEYS
        for evidence in followup["evidence"]:
            assert set(evidence) == EVIDENCE_KEYS


@by_seed
def test_no_floats_anywhere(seed):
    floats = [path for path, value in _walk(seed) if isinstance(value, float)]
    assert floats == []


@by_seed
def test_enumerations(seed):
    plan = seed["plan"]
    assert seed["organization"]["kind"] in ORG_KINDS
    assert plan["kind"] in PLAN_KINDS
    assert plan["levels"] and all(isinstance(level, str) for level in plan["levels"])
    assert isinstance(plan["cap_at_100"], bool)
    for indicator in seed["indicators"]:
        assert indicator["source"] in SOURCES, indicator["code"]
        assert indicator["unit_of_measure"] in UNITS_OF_MEASURE, indicator["code"]
        assert indicator["accumulation"] in ACCUMULATIONS, indicator["code"]
    for cut in seed["cuts"]:
        assert cut["period_kind"] in PERIOD_KINDS
    for followup in seed["followups"]:
        for evidence in followup["evidence"]:
            assert evidence["kind"] in EVIDENCE_KINDS
            assert evidence["title"] and evidence["reference"]
            assert evidence["url"] is None or evidence["url"].startswith("https://")


@by_seed
def test_amounts_and_values_are_decimal_strings(seed):
    plan = seed["plan"]
    checks = [plan["tolerance_pct"]]
    checks += [b["lower_bound"] for b in plan.get("bands", [])]
    checks += [n["weight"] for n in seed["nodes"]]
    checks += [a["weight"] for a in seed["actions"]]
    checks += [a["planned_cost"] for a in seed["actions"] if a["planned_cost"] is not None]
    for indicator in seed["indicators"]:
        checks += [v for v in (indicator["baseline_value"], indicator["target_value"]) if v]
        checks += [c["weight"] for c in indicator["contributions"]]
        checks += [p["value"] for p in indicator["programming"]]
    checks += [m["value"] for m in seed["measurements"]]
    for allocation in seed["budget_allocations"]:
        checks += [v for v in (allocation["planned"], allocation["executed"]) if v is not None]
    bad = [value for value in checks if not _is_decimal(value)]
    assert bad == []
    assert all(Decimal(v) >= 0 for v in checks)


@by_seed
def test_dates_are_iso_strings(seed):
    texts = [c["cut_date"] for c in seed["cuts"]]
    texts += [m["period_end"] for m in seed["measurements"]]
    texts += [a[k] for a in seed["actions"] for k in ("start_date", "due_date") if a[k]]
    texts += [p["period_end"] for i in seed["indicators"] for p in i["programming"]]
    texts += [e["date"] for f in seed["followups"] for e in f["evidence"] if e["date"]]
    for text in texts:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), text
        _day(text)


# --- codes and references ------------------------------------------------------------------


@by_seed
def test_codes_unique_per_plan(seed):
    for key in ("nodes", "actions", "indicators", "cuts", "units"):
        codes = [item["code"] for item in seed[key]]
        assert len(codes) == len(set(codes)), key
    tree_codes = [x["code"] for key in ("nodes", "actions", "indicators") for x in seed[key]]
    assert len(tree_codes) == len(set(tree_codes))


def test_units_shared_by_an_organization_agree():
    seen = {}
    for seed in SEEDS:
        org = seed["organization"]["code"]
        for unit in seed["units"]:
            key = (org, unit["code"])
            assert seen.setdefault(key, unit) == unit, key
    orgs = {}
    for seed in SEEDS:
        org = seed["organization"]
        assert orgs.setdefault(org["code"], org) == org


@by_seed
def test_nodes_form_a_tree_at_the_plan_levels(seed):
    levels = seed["plan"]["levels"]
    depth = {}
    for node in seed["nodes"]:  # parents are listed before their children
        parent = node["parent_code"]
        depth[node["code"]] = 0 if parent is None else depth[parent] + 1
        assert depth[node["code"]] < len(levels), node["code"]
    orders = [(n["parent_code"], n["order"]) for n in seed["nodes"]]
    assert len(orders) == len(set(orders))


@by_seed
def test_actions_hang_from_last_level_nodes(seed):
    levels = seed["plan"]["levels"]
    parents = {n["code"]: n["parent_code"] for n in seed["nodes"]}

    def depth(code):
        return 0 if parents[code] is None else depth(parents[code]) + 1

    for action in seed["actions"]:
        assert action["node_code"] in parents, action["code"]
        assert depth(action["node_code"]) == len(levels) - 1, action["code"]
    orders = [(a["node_code"], a["order"]) for a in seed["actions"]]
    assert len(orders) == len(set(orders))


@by_seed
def test_every_reference_resolves(seed):
    codes = _element_codes(seed)
    axes = {axis["code"]: {v["code"] for v in axis["values"]} for axis in seed["plan"]["axes"]}
    for action in seed["actions"]:
        assert action["node_code"] in codes["node"]
        assert set(action["unit_codes"]) <= codes["unit"], action["code"]
        for axis, value in action["axis_values"].items():
            assert value in axes[axis], action["code"]
    for indicator in seed["indicators"]:
        owners = [indicator["action_code"], indicator["node_code"]]
        assert sum(owner is not None for owner in owners) == 1, indicator["code"]
        if indicator["action_code"]:
            assert indicator["action_code"] in codes["action"]
        else:
            assert indicator["node_code"] in codes["node"]
        assert indicator["unit_code"] is None or indicator["unit_code"] in codes["unit"]
        for contribution in indicator["contributions"]:
            assert contribution["node_code"] in codes["node"]
    for allocation in seed["budget_allocations"]:
        assert allocation["unit_code"] in codes["unit"]
        if "node_code" in allocation:
            assert allocation["node_code"] in codes["node"]
        else:
            assert allocation["action_code"] in codes["action"]
    for measurement in seed["measurements"]:
        assert measurement["indicator_code"] in codes["indicator"]
    for followup in seed["followups"]:
        assert followup["cut_code"] in codes["cut"]
        assert followup["indicator_code"] in codes["indicator"]


@by_seed
def test_no_duplicate_measurements_or_followups(seed):
    keys = [(m["indicator_code"], m["period_end"]) for m in seed["measurements"]]
    assert len(keys) == len(set(keys))
    keys = [(f["cut_code"], f["indicator_code"]) for f in seed["followups"]]
    assert len(keys) == len(set(keys))
    for indicator in seed["indicators"]:
        ends = [p["period_end"] for p in indicator["programming"]]
        assert len(ends) == len(set(ends)), indicator["code"]


@by_seed
def test_dates_inside_the_plan_years(seed):
    first, last = seed["plan"]["first_year"], seed["plan"]["last_year"]
    assert first <= last

    def inside(text):
        return first <= _day(text).year <= last

    for cut in seed["cuts"]:
        assert inside(cut["cut_date"]), cut["code"]
    for measurement in seed["measurements"]:
        assert inside(measurement["period_end"]), measurement["indicator_code"]
    for indicator in seed["indicators"]:
        for row in indicator["programming"]:
            assert inside(row["period_end"]), indicator["code"]
    for action in seed["actions"]:
        for key in ("start_date", "due_date"):
            if action[key]:
                assert inside(action[key]), action["code"]
        if action["start_date"] and action["due_date"]:
            assert action["start_date"] <= action["due_date"]
    for allocation in seed["budget_allocations"]:
        assert allocation["year"] is None or first <= allocation["year"] <= last


@by_seed
def test_bands_ordered_from_zero(seed):
    bands = seed["plan"].get("bands")
    if bands is None:
        return
    bounds = [Decimal(b["lower_bound"]) for b in bands]
    assert bounds[0] == 0 and bounds == sorted(bounds) and len(set(bounds)) == len(bounds)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", b["color"]) for b in bands)


@by_seed
def test_illustrative_values_are_explained(seed):
    assert seed["notes"] and all(isinstance(note, str) and note for note in seed["notes"])
    flagged = [x for key in ("actions", "indicators") for x in seed[key] if x.get("illustrative")]
    if flagged:
        assert any("illustrative" in note for note in seed["notes"])
    for item in flagged:
        assert item["illustrative"] is True


# --- Cali PET: costs and the investment matrix ----------------------------------------------

CALI_COLUMNS = {
    "C1": Decimal("1931975000"),
    "C2": Decimal("454500000"),
    "C3": Decimal("1036500000"),
    "C4": Decimal("116000000"),
}
CALI_TOTAL = Decimal("3538975000")


def test_cali_budget_cells_sum_to_the_seed_totals():
    seed = cali_pet.SEED
    columns = dict.fromkeys(CALI_COLUMNS, Decimal(0))
    rows = {}
    for allocation in seed["budget_allocations"]:
        amount = Decimal(allocation["planned"])
        assert amount > 0
        columns[allocation["node_code"]] += amount
        rows[allocation["unit_code"]] = rows.get(allocation["unit_code"], Decimal(0)) + amount
    assert columns == CALI_COLUMNS
    assert sum(columns.values()) == CALI_TOTAL
    assert rows["DAPM"] == Decimal("2135475000")
    assert _shown(rows["DAPM"] * 100 / CALI_TOTAL) == Decimal("60.34")
    assert len(rows) == 16
    assert {node["code"] for node in seed["nodes"] if node["parent_code"] is None} == set(
        CALI_COLUMNS
    )


def test_cali_budget_matches_the_published_rows_and_shares():
    seed = cali_pet.SEED
    expected = seed["expected"]["budget"]
    assert Decimal(expected["total"]) == CALI_TOTAL
    assert {k: Decimal(v) for k, v in expected["columns"].items()} == CALI_COLUMNS
    for code, share in expected["column_share_pct_shown"].items():
        assert _shown(CALI_COLUMNS[code] * 100 / CALI_TOTAL) == Decimal(share)
    rows = {}
    for allocation in seed["budget_allocations"]:
        unit = allocation["unit_code"]
        rows[unit] = rows.get(unit, Decimal(0)) + Decimal(allocation["planned"])
    assert set(rows) == set(expected["rows"])
    for unit, row in expected["rows"].items():
        assert rows[unit] == Decimal(row["total"]), unit
        assert _shown(rows[unit] * 100 / CALI_TOTAL) == Decimal(row["share_pct_shown"]), unit


def test_cali_action_costs_add_up_per_component():
    seed = cali_pet.SEED
    parents = {n["code"]: n["parent_code"] for n in seed["nodes"]}
    totals = dict.fromkeys(CALI_COLUMNS, Decimal(0))
    for action in seed["actions"]:
        if action["planned_cost"] is not None:
            totals[parents[action["node_code"]]] += Decimal(action["planned_cost"])
    assert totals == CALI_COLUMNS
    assert {k: Decimal(v) for k, v in seed["expected"]["action_costs_by_component"].items()} == (
        CALI_COLUMNS
    )


def test_cali_pet_indicators_have_2015_baselines_and_targets():
    seed = cali_pet.SEED
    assert len(seed["actions"]) == len(seed["indicators"]) == 35
    for indicator in seed["indicators"]:
        assert indicator["baseline_year"] == 2015
        assert indicator["baseline_value"] is not None and indicator["target_value"] is not None
        assert indicator["unit_of_measure"] in {"number", "percentage"}


# --- Bogotá: the published figures ----------------------------------------------------------

BOGOTA_CUT = date(2023, 6, 30)


@pytest.mark.parametrize("code", sorted(bogota.SEED["expected"]["indicators"]))
def test_bogota_indicator_advance_and_status(code):
    seed = bogota.SEED
    expected = seed["expected"]["indicators"][code]
    shown = _shown(_advance(seed, code, BOGOTA_CUT))
    assert shown == Decimal(expected["advance_pct_shown"])
    status_code, label = _status(shown)
    assert status_code == expected["status_code"]
    if "status_label" in expected:
        assert label == expected["status_label"]


def test_bogota_546_year_advance():
    seed = bogota.SEED
    indicator = next(i for i in seed["indicators"] if i["code"] == "IS-546")
    year = sum(Decimal(p["value"]) for p in indicator["programming"])
    assert year == Decimal("208446")
    executed = Decimal("150623")
    assert _shown(executed * 100 / year) == Decimal(
        seed["expected"]["indicators"]["IS-546"]["year_advance_pct_shown"]
    )


def test_bogota_programming_reproduces_the_printed_columns():
    # (Programación 2023, Programación al corte, Magnitud ejecutada al corte) as printed.
    printed = {
        "IS-321": ("90.00", "73.50", "72.50"),
        "PI-7871-M4": ("90.00", "66.67", "66.67"),
        "IS-464": ("1.00", "0.50", "0.50"),
        "IS-543": ("24.00", "16.00", "16.00"),
        "IS-554": ("90.00", "80.50", "80.50"),
        "IS-552": ("80.00", "66.16", "66.16"),
        "IS-513": ("75.00", "60.00", "60.00"),
        "IS-514": ("1.00", "1.00", "1.00"),
        "IS-545": ("5486863", "2743434", "1474056"),
        "IS-546": ("208446", "104220", "150623"),
        "IS-551": ("20.00", "9.00", "9.00"),
        "MG-7.1": ("100.00", "100.00", "95.00"),
        "MG-7.2": ("100.00", "100.00", "100.00"),
        "MG-8.1": ("100.00", "100.00", "100.00"),
    }
    seed = bogota.SEED
    assert {i["code"] for i in seed["indicators"]} == set(printed)
    measured = {m["indicator_code"]: m["value"] for m in seed["measurements"]}
    for indicator in seed["indicators"]:
        year, to_date, executed = printed[indicator["code"]]
        values = {p["period_end"]: Decimal(p["value"]) for p in indicator["programming"]}
        assert values["2023-06-30"] == Decimal(to_date)
        if indicator["accumulation"] == "sum":
            assert sum(values.values()) == Decimal(year)
        else:
            assert values["2023-12-31"] == Decimal(year)
        assert measured[indicator["code"]] == executed


@pytest.mark.parametrize("node_code", sorted(bogota.SEED["expected"]["nodes"]))
def test_bogota_objective_advance(node_code):
    seed = bogota.SEED
    shown = _shown(_node_advance(seed, node_code, BOGOTA_CUT))
    assert shown == Decimal(seed["expected"]["nodes"][node_code])


def test_bogota_objective_1_by_formula_and_printed_discrepancies():
    seed = bogota.SEED
    expected = seed["expected"]
    assert _shown(_node_advance(seed, "OBJ1", BOGOTA_CUT)) == Decimal(
        expected["nodes_by_formula"]["OBJ1"]
    )
    for code, item in expected["printed_not_reproduced"].items():
        assert item["printed"] != item["by_formula"], code
    assert any("98,31" in note for note in seed["notes"])
    assert any("98,49" in note for note in seed["notes"])


def test_bogota_543_feeds_objectives_2_and_3():
    indicator = next(i for i in bogota.SEED["indicators"] if i["code"] == "IS-543")
    assert {c["node_code"] for c in indicator["contributions"]} == {"OBJ2", "OBJ3"}
    assert sum(i["code"] == "IS-543" for i in bogota.SEED["indicators"]) == 1


# --- Cauca: traffic lights and not-due actions ----------------------------------------------

CAUCA_CUT = date(2023, 9, 30)


@pytest.mark.parametrize(
    "code", sorted(cauca.SEED["expected"]["bands"] | cauca.SEED["expected"]["bands_derived"])
)
def test_cauca_bands(code):
    seed = cauca.SEED
    expected = seed["expected"]["bands"] | seed["expected"]["bands_derived"]
    assert _band(seed, _shown(_advance(seed, code, CAUCA_CUT))) == expected[code]


def test_cauca_published_examples():
    seed = cauca.SEED
    for code, shown in seed["expected"]["advance_pct_shown"].items():
        assert _shown(_advance(seed, code, CAUCA_CUT)) == Decimal(shown)
    names = {i["code"]: i["name"] for i in seed["indicators"]}
    assert names["M2.2.1-1"].startswith("Mínimo 50 indicadores")
    assert "14 dependencias" in names["M1.1.3-1"]


def test_cauca_later_actions_are_not_due_at_the_cut():
    seed = cauca.SEED
    not_due = set(seed["expected"]["not_due_actions"])
    starts = {a["code"]: a["start_date"] for a in seed["actions"]}
    assert not_due == {code for code, start in starts.items() if start and start > "2023-09-30"}
    for indicator in seed["indicators"]:
        if indicator["action_code"] in not_due:
            assert _advance(seed, indicator["code"], CAUCA_CUT) is None, indicator["code"]
            assert all(p["period_end"] > "2023-09-30" for p in indicator["programming"])


def test_cauca_every_indicator_has_a_followup_at_the_cut():
    seed = cauca.SEED
    followed = {f["indicator_code"] for f in seed["followups"]}
    assert followed == {i["code"] for i in seed["indicators"]}
    assert {a["node_code"] for a in seed["actions"]} == {f"E{n}" for n in range(1, 8)}
    assert [n["code"] for n in seed["nodes"] if n["parent_code"] is None] == ["OE1", "OE2", "OE3"]


# --- Cali digital government ----------------------------------------------------------------


def test_cali_gd_axes_bands_and_activities():
    seed = cali_gd.SEED
    plan = seed["plan"]
    assert [a["code"] for a in plan["axes"]] == ["component", "enabler", "purpose"]
    assert [(b["code"], b["lower_bound"]) for b in plan["bands"]] == [
        ("critical", "0"),
        ("in_process", "41"),
        ("finished", "81"),
    ]
    assert len(seed["actions"]) == 39
    for indicator in seed["indicators"]:
        assert indicator["unit_of_measure"] == "percentage"
        assert indicator["accumulation"] == "constant"
        assert indicator["programming"] == [{"period_end": "2020-09-30", "value": "100"}]


# --- faithfulness to the seed documents ------------------------------------------------------

# Copies shipped with the tests, so that these run wherever the repository is cloned.
SEED_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
# The originals, when the project's shared/ folder is beside the repository.
SHARED_SEED_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_FILES = {
    "PET-2023-2024": "000_92245dbce01886cb.txt",
    "PET-CALI": "001_7f0dc62b494dc379.txt",
    "PTGD-2020": "003_0270fd2b1de441e4.txt",
    "PEI": "004_3ebda388bd7b7355.txt",
}


def _normalise(text):
    text = re.sub(r"<[^>]+>", " ", text).replace("\\$", "$")
    return re.sub(r"\s+", " ", text).strip()


def _words(text):
    return set(re.findall(r"[\wÁÉÍÓÚÑáéíóúñü]+", text.lower()))


@by_seed
def test_texts_are_taken_from_the_seed_document(seed):
    """Names and descriptions appear verbatim in the document; texts that a page break or a
    table cell split (or that were split into several indicators) at least use only its words."""
    document = _normalise((SEED_DIR / SEED_FILES[seed["plan"]["code"]]).read_text())
    vocabulary = _words(document)
    texts = [n["name"] for n in seed["nodes"]]
    texts += [a["description"] for a in seed["actions"]]
    texts += [i["name"] for i in seed["indicators"]]
    verbatim = sum(_normalise(text) in document for text in texts)
    for text in texts:
        missing = _words(text) - vocabulary
        assert not missing, (text, missing)
    assert verbatim >= 0.85 * len(texts)


@pytest.mark.parametrize("name", sorted(SEED_FILES.values()))
def test_shipped_seed_texts_are_the_shared_ones(name):
    shipped = (SEED_DIR / name).read_bytes()
    assert len(shipped) > 10_000
    if SHARED_SEED_DIR.is_dir():
        assert shipped == (SHARED_SEED_DIR / name).read_bytes()
