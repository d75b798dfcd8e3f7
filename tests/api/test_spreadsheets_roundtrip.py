"""Export -> import into another organization rebuilds an identical plan: the four seeds,
compared on the tree and on the results at every cut."""

import pytest

from app.demo.loader import load
from app.demo.seeds import SEEDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_VOLATILE = {"id", "created_at", "updated_at", "organization_id", "closed_at", "published_at"}


def _normal(data, names: dict):
    """Ids replaced by codes (they differ between copies), timestamps dropped."""
    if isinstance(data, dict):
        return {k: _normal(v, names) for k, v in data.items() if k not in _VOLATILE}
    if isinstance(data, list):
        return [_normal(v, names) for v in data]
    if isinstance(data, str) and data in names:
        return names[data]
    return data


def _names(client, plan_id: str, organization_id: str) -> dict:
    names = {plan_id: "<plan>"}
    tree = client.get(f"/api/v1/plans/{plan_id}/tree").json()

    def walk(nodes):
        for n in nodes:
            names[n["id"]] = f"node:{n['code']}"
            for a in n["actions"]:
                names[a["id"]] = f"action:{a['code']}"
                for i in a["indicators"]:
                    names[i["id"]] = f"indicator:{i['code']}"
            for i in n["indicators"]:
                names[i["id"]] = f"indicator:{i['code']}"
            walk(n["children"])

    walk(tree["nodes"])
    for a in tree["actions"]:
        names[a["id"]] = f"action:{a['code']}"
        for i in a["indicators"]:
            names[i["id"]] = f"indicator:{i['code']}"
    units = client.get(
        f"/api/v1/organizations/{organization_id}/units", params={"limit": 500}
    ).json()
    names.update({u["id"]: f"unit:{u['code']}" for u in units["items"]})
    for cut in client.get(f"/api/v1/plans/{plan_id}/cuts").json()["items"]:
        names[cut["id"]] = f"cut:{cut['code']}"
    return names


def _snapshot(client, plan_id: str, organization_id: str) -> dict:
    names = _names(client, plan_id, organization_id)
    tree = client.get(f"/api/v1/plans/{plan_id}/tree").json()
    tree["plan"].pop("status")
    tree["plan"].pop("version")
    cuts = client.get(f"/api/v1/plans/{plan_id}/cuts").json()["items"]
    results = {}
    for cut in cuts:
        got = client.get(f"/api/v1/cuts/{cut['id']}/results").json()
        got["cut"].pop("status")
        results[cut["code"]] = got
        results[cut["code"] + "/by-unit"] = client.get(
            f"/api/v1/cuts/{cut['id']}/results/by-unit"
        ).json()
        results[cut["code"] + "/by-unit"]["cut"].pop("status")
    budget = client.get(f"/api/v1/plans/{plan_id}/budget").json()
    measured = {}
    for name, label in names.items():
        if label.startswith("indicator:"):
            items = client.get(f"/api/v1/indicators/{name}/measurements").json()["items"]
            measured[label] = [(m["period_end"], m["value"], m["note"]) for m in items]
    return _normal(
        {"tree": tree, "results": results, "budget": budget, "measured": measured}, names
    )


@pytest.fixture
def other_org(client):
    return client.post(
        "/api/v1/organizations", json={"code": "copia", "name": "Entidad copia", "kind": "other"}
    ).json()


@pytest.mark.parametrize("seed", SEEDS, ids=[s["plan"]["code"] for s in SEEDS])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_import_rebuilds_the_plan(client, other_org, seed, fmt):
    loaded = load(client, seed)
    plan, org = loaded["plan"], loaded["organization"]
    for unit in seed["units"]:
        body = {k: v for k, v in unit.items() if v is not None}
        r = client.post(f"/api/v1/organizations/{other_org['id']}/units", json=body)
        assert r.status_code == 201, r.text

    exported = client.get(f"/api/v1/plans/{plan['id']}/workbook", params={"format": fmt})
    assert exported.status_code == 200, exported.text
    media = XLSX if fmt == "xlsx" else "application/zip"
    assert exported.headers["content-type"] == media
    name = f"plan.{'xlsx' if fmt == 'xlsx' else 'zip'}"

    r = client.post(
        "/api/v1/plans/import",
        params={"organization_id": other_org["id"]},
        files={"file": (name, exported.content, media)},
    )
    assert r.status_code == 200, r.text
    summary = r.json()
    assert summary["errors"] == []
    # Our own export reads without a warning, but for the cuts' statuses (created open).
    assert [(w["sheet"], w["column"]) for w in summary["warnings"]] == [
        ("cuts", "status") for _ in seed.get("cuts", [])
    ]
    assert summary["status"] == "created"
    assert summary["written"] is True
    assert summary["sheets"]["indicators"]["created"] == len(seed["indicators"])
    assert summary["sheets"]["measurements"]["created"] == len(seed.get("measurements", []))
    copy_id = summary["plan_id"]

    original = _snapshot(client, plan["id"], org["id"])
    assert len(original["results"]) == 2 * len(seed.get("cuts", []))
    assert sum(len(v) for v in original["measured"].values()) == len(seed.get("measurements", []))
    assert _snapshot(client, copy_id, other_org["id"]) == original

    # The copy exported again imports into itself as "unchanged", writing nothing.
    again = client.get(f"/api/v1/plans/{copy_id}/workbook", params={"format": fmt})
    r = client.post(f"/api/v1/plans/{copy_id}/import", files={"file": (name, again.content, media)})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "unchanged", r.json()
    assert r.json()["written"] is False
    assert all(
        c["created"] == c["updated"] == c["rejected"] == 0 for c in r.json()["sheets"].values()
    ), r.json()["sheets"]
