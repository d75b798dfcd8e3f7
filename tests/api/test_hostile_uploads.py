"""Hostile uploads (issue 11, proof 3): every file of bench/hostile.py is refused with a
problem+json 4xx, or stored inert and served back only as a sandboxed, nosniff attachment."""

from __future__ import annotations

import pytest

from bench import hostile

MAX_BYTES = 256 * 1024  # the tests' EVIDENCE_MAX_BYTES (tests/conftest.py)
CASES = {c.label: c for c in hostile.cases(MAX_BYTES)}


@pytest.fixture(scope="module")
def targets(module_client):
    c = module_client
    org = c.post("/api/v1/organizations", json={"code": "hostil", "name": "Hostil"}).json()
    plan = c.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "other",
            "code": "H",
            "name": "H",
            "first_year": 2024,
            "last_year": 2024,
            "levels": ["Objetivo"],
        },
    ).json()
    base = f"/api/v1/plans/{plan['id']}"
    c.post(f"{base}/nodes", json={"code": "O1", "name": "O"})
    indicator = c.post(f"{base}/indicators", json={"code": "I1", "name": "I", "node_code": "O1"})
    cut = c.post(f"{base}/cuts", json={"code": "C1", "cut_date": "2024-06-30", "label": "Corte"})
    upload = f"/api/v1/cuts/{cut.json()['id']}/followups/{indicator.json()['id']}/evidence"
    assert c.put(upload.rsplit("/", 1)[0], json={"narrative": "n"}).status_code == 201
    return upload, f"{base}/import"


@pytest.mark.parametrize("label", list(CASES))
def test_a_hostile_upload_is_refused_or_stored_inert(client, targets, settings, label):
    assert settings.evidence_max_bytes == MAX_BYTES
    verdict = hostile.judge(client, CASES[label], *targets)
    assert verdict.unsafe == [], verdict


EXPECTED = {
    # Refused with these statuses; the others are stored and served inert.
    "ELF named .pdf": 415,
    "ELF named .pdf, no declared type": 415,
    "HTML named .pdf": 415,
    "HTML as text/html": 415,
    "PDF declared text/html": 415,
    "PNG named .html": 415,
    "SVG with script": 415,
    "SVG with script named .png": 415,
    "empty file": 422,
    "oversize PDF": 413,
    # The name as shown says .html once the invisible override is removed.
    "right-to-left override name": 415,
    # The multipart parser's bound on a part's headers.
    "name of 5,000 characters": 400,
    "zip bomb as workbook import": 400,
    "XML entity bomb as workbook import": 400,
    "ELF as workbook import": 400,
    "HTML as workbook import": 400,
    "empty workbook import": 400,
}


def test_the_battery_refuses_what_it_must_and_stores_the_rest_inert(client, targets):
    verdicts = [hostile.judge(client, c, *targets) for c in CASES.values()]
    refused = {v.case.label: v.status for v in verdicts if not v.stored}
    assert refused == EXPECTED
    stored = sorted(v.case.label for v in verdicts if v.stored)
    assert stored == sorted(set(CASES) - set(EXPECTED))
    assert hostile.summary(verdicts)[0] == (
        f"hostile uploads: tried {len(CASES)}, refused {len(EXPECTED)}, "
        f"stored inert {len(CASES) - len(EXPECTED)}, accepted unsafely 0"
    )
