"""Loads a seed plan through the HTTP API, so the demo exercises what clients use.

`client` is anything with httpx's `get/post/put` (an httpx.Client on the running service,
or the tests' ASGI client). Loading is idempotent: what exists (by code) is left as it is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

ILLUSTRATIVE = "[Valor ilustrativo: el documento fuente no trae esta cifra]"


NUMERIC_KEYS = {
    "lower_bound",
    "tolerance_pct",
    "weight",
    "planned_cost",
    "baseline_value",
    "target_value",
    "value",
    "planned",
    "executed",
    "min_value",
    "max_value",
}


class LoadError(RuntimeError):
    pass


def as_json(data: Any) -> Any:
    """Seeds keep amounts as exact decimal strings; the API takes JSON numbers."""
    if isinstance(data, dict):
        return {
            k: (_number(v) if k in NUMERIC_KEYS and isinstance(v, str) else as_json(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [as_json(v) for v in data]
    return data


def _number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def _ok(response, what: str) -> dict:
    if response.status_code >= 300:
        raise LoadError(f"{what}: {response.status_code} {response.text[:500]}")
    return response.json() if response.content else {}


def _find(client, url: str, **params) -> dict | None:
    items = _ok(client.get(url, params=params), f"GET {url}")["items"]
    return items[0] if items else None


def _depth(nodes: list[dict]) -> dict[str, int]:
    parent = {n["code"]: n["parent_code"] for n in nodes}
    depth: dict[str, int] = {}

    def of(code: str) -> int:
        if code not in depth:
            depth[code] = 0 if parent[code] is None else of(parent[code]) + 1
        return depth[code]

    for code in parent:
        of(code)
    return depth


def _indicator_body(ind: dict) -> dict[str, Any]:
    body = {
        k: v
        for k, v in ind.items()
        if k not in ("programming", "illustrative", "contributions") and v is not None
    }
    if ind.get("contributions"):
        body["contributions"] = ind["contributions"]
    if ind.get("illustrative"):
        ref = body.get("source_reference")
        body["source_reference"] = f"{ref} {ILLUSTRATIVE}"[:300] if ref else ILLUSTRATIVE
    return body


def load_structure(client, seed: dict) -> dict:
    """Organization, units, plan, nodes, actions, indicators, programming and budget."""
    org = seed["organization"]
    organization = _find(client, "/api/v1/organizations", code=org["code"])
    if organization is None:
        organization = _ok(client.post("/api/v1/organizations", json=as_json(org)), "organization")
    units_url = f"/api/v1/organizations/{organization['id']}/units"
    for unit in seed["units"]:
        if _find(client, units_url, code=unit["code"]) is None:
            body = {k: v for k, v in unit.items() if v is not None}
            _ok(client.post(units_url, json=as_json(body)), f"unit {unit['code']}")

    plan = _find(
        client, "/api/v1/plans", organization_id=organization["id"], code=seed["plan"]["code"]
    )
    if plan is not None:
        return {"organization": organization, "plan": plan, "created": False}
    body = {k: v for k, v in seed["plan"].items() if v is not None and k != "illustrative"}
    plan = _ok(
        client.post("/api/v1/plans", json=as_json({**body, "organization_id": organization["id"]})),
        "plan",
    )
    base = f"/api/v1/plans/{plan['id']}"

    depth = _depth(seed["nodes"])
    for node in sorted(seed["nodes"], key=lambda n: depth[n["code"]]):
        body = {k: v for k, v in node.items() if v is not None}
        _ok(client.post(f"{base}/nodes", json=as_json(body)), f"node {node['code']}")
    for action in seed["actions"]:
        body = {k: v for k, v in action.items() if v is not None and k != "illustrative"}
        body["unit_ids"] = body.pop("unit_codes", [])
        _ok(client.post(f"{base}/actions", json=as_json(body)), f"action {action['code']}")
    for ind in seed["indicators"]:
        created = _ok(
            client.post(f"{base}/indicators", json=as_json(_indicator_body(ind))),
            f"indicator {ind['code']}",
        )
        if ind.get("programming"):
            _ok(
                client.put(
                    f"/api/v1/indicators/{created['id']}/programming",
                    json=as_json(ind["programming"]),
                ),
                f"programming {ind['code']}",
            )
    for alloc in seed.get("budget_allocations", []):
        body = {k: v for k, v in alloc.items() if v is not None}
        _ok(client.post(f"{base}/budget-allocations", json=as_json(body)), "budget allocation")
    return {"organization": organization, "plan": plan, "created": True}


def load_followup(client, seed: dict, plan: dict) -> dict:
    """Cuts, measurements, follow-ups and their evidence links; then the cuts are closed and
    published, as the seed reports were."""
    base = f"/api/v1/plans/{plan['id']}"
    cuts = {}
    for cut in seed.get("cuts", []):
        cuts[cut["code"]] = _ok(client.post(f"{base}/cuts", json=cut), f"cut {cut['code']}")
    if seed.get("measurements"):
        summary = _ok(
            client.post(
                f"{base}/measurements",
                params={"atomic": "true"},
                json={"items": as_json(seed["measurements"])},
            ),
            "measurements",
        )
        if summary["rejected"]:
            raise LoadError(f"measurements rejected: {summary['rejected'][:3]}")
    indicators = {
        i["code"]: i["id"]
        for i in _ok(client.get(f"{base}/indicators", params={"limit": 500}), "indicators")["items"]
    }
    links = 0
    for fu in seed.get("followups", []):
        cut_id = cuts[fu["cut_code"]]["id"]
        url = f"/api/v1/cuts/{cut_id}/followups/{indicators[fu['indicator_code']]}"
        references = [e for e in fu["evidence"] if not e.get("url")]
        observations = fu.get("observations") or ""
        if references:
            listed = "; ".join(e["reference"] or e["title"] for e in references)
            observations = f"{observations}\nSoportes citados: {listed}".strip()
        body = {
            "narrative": fu.get("narrative"),
            "observations": observations or None,
            "lag_justification": fu.get("lag_justification"),
        }
        _ok(client.put(url, json={k: v for k, v in body.items() if v}), f"follow-up {url}")
        for ev in fu["evidence"]:
            if ev.get("url"):
                link = {
                    "kind": ev["kind"],
                    "title": ev["title"][:300],
                    "url": ev["url"],
                    "reference": (ev.get("reference") or "")[:300] or None,
                    "evidence_date": ev.get("date"),
                }
                _ok(
                    client.post(
                        f"{url}/evidence", json={k: v for k, v in link.items() if v is not None}
                    ),
                    "evidence link",
                )
                links += 1
    for cut in cuts.values():
        _ok(client.post(f"/api/v1/cuts/{cut['id']}/close"), "close cut")
        _ok(client.post(f"/api/v1/cuts/{cut['id']}/publish"), "publish cut")
    return {"cuts": len(cuts), "followups": len(seed.get("followups", [])), "links": links}


def load(client, seed: dict) -> dict:
    """A whole seed plan: structure, then its follow-up. Loading again changes nothing."""
    seed = dict(seed)
    notes = seed.get("notes") or []
    if notes:
        plan = dict(seed["plan"])
        plan["description"] = (
            (plan.get("description") or "") + "\n\nNotas de la carga "
            "(datos de demostración tomados del documento fuente):\n- " + "\n- ".join(notes)
        ).strip()
        seed["plan"] = plan
    loaded = load_structure(client, seed)
    if loaded["created"]:
        loaded["followup"] = load_followup(client, seed, loaded["plan"])
    return loaded
