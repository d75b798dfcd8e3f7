"""The four seed plans loaded by the demo loader reproduce the figures their documents publish."""

import pytest

from app.demo.loader import load
from app.demo.seeds import SEEDS, bogota, cali_pet, cauca


@pytest.fixture(scope="module")
def demo(module_client):
    """The four plans, loaded once for the module (each test's changes are rolled back)."""
    return {seed["plan"]["code"]: load(module_client, seed) for seed in SEEDS}


def _cut_results(client, plan_id: str, path: str = "") -> dict:
    cut = client.get(f"/api/v1/plans/{plan_id}/cuts").json()["items"][0]
    return client.get(f"/api/v1/cuts/{cut['id']}/results{path}").json()


def test_loading_twice_changes_nothing(client, demo):
    again = {seed["plan"]["code"]: load(client, seed) for seed in SEEDS}
    assert all(not loaded["created"] for loaded in again.values())
    plans = client.get("/api/v1/plans", params={"limit": 50}).json()
    assert plans["total"] == 4


def test_bogota_indicators_and_objectives_as_published(client, demo):
    results = _cut_results(client, demo["PEI"]["plan"]["id"])
    indicators = {i["code"]: i for i in results["indicators"]}
    for code, expected in bogota.SEED["expected"]["indicators"].items():
        got = indicators[code]
        assert got["advance_pct_shown"] == float(expected["advance_pct_shown"]), code
        assert got["status"]["code"] == expected["status_code"], code
        if "status_label" in expected:
            assert got["status"]["label"] == expected["status_label"], code
    assert indicators["IS-546"]["year_advance_pct_shown"] == 72.26
    assert indicators["IS-546"]["programmed_to_date"] == 104220
    assert indicators["IS-546"]["executed_to_date"] == 150623
    nodes = {n["code"]: n for n in results["nodes"]}
    for code, shown in bogota.SEED["expected"]["nodes"].items():
        assert nodes[code]["advance_pct_shown"] == float(shown), code
    # Objective 1 follows the formula (the document prints 98.49 %).
    assert nodes["OBJ1"]["advance_pct_shown"] == 99.32


def test_cali_investment_matrix_as_published(client, demo):
    budget = client.get(f"/api/v1/plans/{demo['PET-CALI']['plan']['id']}/budget").json()
    assert budget["total"] == 3_538_975_000
    columns = {c["code"]: c for c in budget["columns"]}
    assert {code: c["total"] for code, c in columns.items()} == {
        "C1": 1_931_975_000,
        "C2": 454_500_000,
        "C3": 1_036_500_000,
        "C4": 116_000_000,
    }
    rows = {r["code"]: r for r in budget["rows"]}
    expected = {}
    for alloc in cali_pet.SEED["budget_allocations"]:
        expected.setdefault(alloc["unit_code"], dict.fromkeys(columns, 0))[alloc["node_code"]] = (
            int(alloc["planned"])
        )
    assert {code: r["cells"] for code, r in rows.items() if r["total"]} == expected
    planeacion = next(r for r in budget["rows"] if r["total"] == 2_135_475_000)
    assert planeacion["share_pct_shown"] == 60.34


def test_cauca_bands_and_not_due_actions(client, demo):
    results = _cut_results(client, demo["PET-2023-2024"]["plan"]["id"])
    indicators = {i["code"]: i for i in results["indicators"]}
    for code, band in cauca.SEED["expected"]["bands"].items():
        assert indicators[code]["band"]["code"] == band, code
    actions = {a["code"]: a for a in results["actions"]}
    for code in cauca.SEED["expected"]["not_due_actions"]:
        assert actions[code]["execution_state"]["code"] == "not_due", code


def test_published_results_are_public(client, anon, demo):
    plan_id = demo["PEI"]["plan"]["id"]
    cut = client.get(f"/api/v1/plans/{plan_id}/cuts").json()["items"][0]
    assert cut["status"] == "published"
    assert anon.get(f"/api/v1/plans/{plan_id}/tree").status_code == 200
    assert anon.get(f"/api/v1/cuts/{cut['id']}/results").status_code == 200
