"""`?explain=true` on a cut's results: every published figure rebuilt by hand from `explain`.

The rebuilding helpers below read nothing but `explain` fields and redo the arithmetic with
plain decimals; the tests then compare with the figures the results publish.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app.demo.seeds import bogota, cauca
from tests.api.test_results import by_code, load_with_cut

D = Decimal


@pytest.fixture
def bogota_cut(client, session):
    return load_with_cut(client, session, bogota.SEED)


@pytest.fixture
def cauca_cut(client, session):
    return load_with_cut(client, session, cauca.SEED)


def explained(client, cut) -> dict:
    r = client.get(f"/api/v1/cuts/{cut.id}/results", params={"explain": "true"})
    assert r.status_code == 200, r.text
    return r.json()


def shown(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


# --- rebuilding from `explain` alone -------------------------------------------------------

# DOMAIN.md's formulas as (numerator, denominator) of E, P and B.
FORMULAS = {
    "E_cut / P_cut": lambda e, p, b: (e, p),
    "(E_cut - B) / (P_cut - B)": lambda e, p, b: (e - b, p - b),
    "(B - E_cut) / (B - P_cut)": lambda e, p, b: (b - e, b - p),
}


def term(explain_term: dict, accumulation: str) -> Decimal | None:
    """P_cut, P_year or E_cut from its dated values: summed, or the latest level."""
    values = [D(v["value"]) for v in explain_term["values"]]
    if not values:
        return None
    if accumulation in ("sum", "cumulative"):
        return sum(values, D(0))
    assert len(values) == 1
    return values[0]


def rebuild_indicator(explain: dict) -> Decimal | None:
    """An indicator's unrounded advance at the cut from its `explain`."""
    kind = explain["accumulation"]
    b = D(explain["start"]["value"])
    p = term(explain["planned_to_date"], kind)
    e = term(explain["executed_to_date"], kind)
    assert explain["planned_to_date"]["value"] == (None if p is None else format(p, "f"))
    if e is None:
        assert explain["executed_to_date"]["nothing_measured"]
        e = D(0) if kind in ("sum", "cumulative") else b
    assert D(explain["executed_to_date"]["value"]) == e
    if p is None:
        return None
    numerator, denominator = FORMULAS[explain["formula"]](e, p, b)
    # advance_pct = 100 x formula; a zero denominator means nothing was due.
    return numerator * 100 / denominator if denominator else None


def rebuild_mean(explain: dict) -> Decimal | None:
    """A node's (or the plan's) advance from its contributors: Σ(w × A) / Σ(w) over the ones
    that counted."""
    numerator, denominator = D(0), D(0)
    for part in explain["contributors"]:
        if not part["counted"]:
            continue
        numerator += D(part["weight"]) * D(part["advance_used"])
        denominator += D(part["weight"])
    return numerator / denominator if denominator else None


# --- the tests -----------------------------------------------------------------------------


def test_bogota_objective_5_is_rebuilt_from_explain_alone(client, bogota_cut):
    _, cut = bogota_cut
    body = explained(client, cut)
    indicators = {i["indicator_id"]: i for i in body["indicators"]}
    obj5 = by_code(body["nodes"])["OBJ5"]
    explain = obj5["explain"]
    assert explain["formula"] == "Σ(weight × advance_used) / Σ(weight)"
    assert [(c["code"], c["kind"], c["weight"]) for c in explain["contributors"]] == [
        ("IS-545", "indicator", "1"),
        ("IS-546", "indicator", "1"),
    ]
    for part in explain["contributors"]:
        # Each indicator's advance, redone from its own explain, is the one the node used.
        indicator = indicators[str(part["id"])]
        advance = rebuild_indicator(indicator["explain"])
        assert advance == D(part["advance_pct"]) == D(part["advance_used"])
        assert D(indicator["explain"]["advance_pct"]) == advance
        assert indicator["advance_pct"] == float(advance)
        assert part["renormalised_weight"] == "0.5" and part["left_out"] is None

    rebuilt = rebuild_mean(explain)
    assert rebuilt == D(explain["advance_pct"])
    assert shown(rebuilt) == D("99.13") and obj5["advance_pct_shown"] == 99.13
    assert obj5["advance_pct"] == float(rebuilt)

    # The inputs themselves, exactly as the report has them.
    is546 = by_code(body["indicators"])["IS-546"]["explain"]
    assert is546["accumulation"] == "sum" and is546["accumulation_dnp"] == "flujo"
    assert is546["formula"] == "E_cut / P_cut" and is546["year_formula"] == "E_cut / P_year"
    assert is546["planned_to_date"] == {
        "symbol": "P_cut",
        "value": "104220",
        "values": [{"period_end": "2023-06-30", "value": "104220"}],
    }
    assert is546["planned_year"]["value"] == "208446"
    assert [v["period_end"] for v in is546["planned_year"]["values"]] == [
        "2023-06-30",
        "2023-12-31",
    ]
    assert is546["executed_to_date"] == {
        "symbol": "E_cut",
        "value": "150623",
        "values": [{"period_end": "2023-06-30", "value": "150623"}],
        "nothing_measured": False,
    }
    assert is546["start"] == {"symbol": "B", "value": "0", "source": "baseline", "period_end": None}
    assert is546["advance_pct"] == "144.5240836691613893686432547"
    assert D(is546["year_advance_pct"]) == D(150623) * 100 / D(208446)
    assert is546["window_start"] == "2023-01-01" and is546["year"] == 2023


def test_a_weighted_objective_and_the_plan_are_rebuilt_from_explain_alone(client, bogota_cut):
    plan, cut = bogota_cut
    base = f"/api/v1/plans/{plan['id']}"
    ids = by_code(client.get(f"{base}/indicators", params={"limit": 100}).json()["items"])
    r = client.patch(
        f"/api/v1/indicators/{ids['IS-545']['id']}",
        json={
            "contributions": [{"node_code": "OBJ5", "weight": 1, "weights_by_year": {"2023": 3}}]
        },
    )
    assert r.status_code == 200, r.text
    body = explained(client, cut)
    obj5 = by_code(body["nodes"])["OBJ5"]
    parts = by_code(obj5["explain"]["contributors"])
    # The year's weight, not the default one, and its share of what counted.
    assert parts["IS-545"]["weight"] == "3" and parts["IS-545"]["renormalised_weight"] == "0.75"
    assert parts["IS-546"]["weight"] == "1" and parts["IS-546"]["renormalised_weight"] == "0.25"
    rebuilt = rebuild_mean(obj5["explain"])
    a545 = D(1474056) * 100 / D(2743434)
    a546 = D(150623) * 100 / D(104220)
    assert rebuilt == (3 * a545 + a546) / 4 == D(obj5["explain"]["advance_pct"])
    assert obj5["advance_pct"] == float(rebuilt)
    assert obj5["advance_pct_shown"] == float(shown(rebuilt)) == 76.43

    # The plan: its eight objectives, each rebuilt from its own contributors first.
    by_id = {n["node_id"]: n for n in body["nodes"]}
    for part in body["plan"]["explain"]["contributors"]:
        assert part["kind"] == "node"
        node = by_id[str(part["id"])]
        assert rebuild_mean(node["explain"]) == D(part["advance_used"])
    plan_rebuilt = rebuild_mean(body["plan"]["explain"])
    assert body["plan"]["advance_pct"] == float(plan_rebuilt)
    assert body["plan"]["advance_pct_shown"] == float(shown(plan_rebuilt))


def test_not_due_parts_are_listed_as_left_out_with_the_reason(client, cauca_cut):
    _, cut = cauca_cut
    body = explained(client, cut)
    nodes = by_code(body["nodes"])
    e7 = nodes["E7"]["explain"]
    assert e7["advance_pct"] is None and e7["weight_sum"] == "0"
    assert e7["contributors"] and all(
        c["left_out"] == "not_due" and c["renormalised_weight"] is None and not c["counted"]
        for c in e7["contributors"]
    )
    assert e7["contributors"][0]["left_out_reason"].startswith("No exigible al corte")

    plan_parts = by_code(body["plan"]["explain"]["contributors"])
    assert plan_parts["OE3"]["left_out"] == "not_due"
    assert D(plan_parts["OE1"]["renormalised_weight"]) == D("0.5")
    assert body["plan"]["advance_pct"] == float(rebuild_mean(body["plan"]["explain"]))
    for node in body["nodes"]:
        rebuilt = rebuild_mean(node["explain"])
        assert node["advance_pct"] == (None if rebuilt is None else float(rebuilt)), node["code"]

    # A not-due indicator: nothing planned to date, the formula still named, no advance.
    indicators = body["indicators"]
    not_due = next(i for i in indicators if i["not_due"])
    assert not_due["explain"]["planned_to_date"]["value"] in (None, "0")
    assert not_due["explain"]["advance_pct"] is None
    assert rebuild_indicator(not_due["explain"]) is None
    # Every indicator's figure is rebuilt from its explain.
    for ind in indicators:
        rebuilt = rebuild_indicator(ind["explain"])
        assert ind["advance_pct"] == (None if rebuilt is None else float(rebuilt)), ind["code"]


def test_without_explain_the_payload_is_unchanged(client, cauca_cut, anon):
    _, cut = cauca_cut
    url = f"/api/v1/cuts/{cut.id}/results"
    plain = client.get(url)
    assert plain.status_code == 200
    assert b'"explain"' not in plain.content
    assert client.get(url, params={"explain": "false"}).content == plain.content
    # The explained payload is the plain one plus `explain`, every other byte the same.
    with_explain = client.get(url, params={"explain": "true"}).json()
    for item in (*with_explain["indicators"], *with_explain["nodes"], with_explain["plan"]):
        assert "explain" in item
        del item["explain"]
    assert json.dumps(with_explain, ensure_ascii=False, separators=(",", ":")).encode() == (
        plain.content
    )


def test_explain_costs_no_extra_statement(client, bogota_cut, queries):
    _, cut = bogota_cut
    url = f"/api/v1/cuts/{cut.id}/results"

    def count(params: dict) -> int:
        client.get(url, params=params)
        queries.reset()
        assert client.get(url, params=params).status_code == 200
        return queries.count

    assert count({"explain": "true"}) == count({})


def test_explain_is_a_boolean(client, bogota_cut):
    _, cut = bogota_cut
    r = client.get(f"/api/v1/cuts/{cut.id}/results", params={"explain": "perhaps"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "explain"]
