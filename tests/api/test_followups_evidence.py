"""Follow-ups (seguimiento) and their evidence: workflow, closed cuts, uploads."""

import hashlib

import pytest
from sqlalchemy import func, select

from app.demo.loader import load_structure
from app.demo.seeds import bogota
from app.evidence.models import Evidence
from tests.helpers import assert_problem

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def ctx(client):
    loaded = load_structure(client, bogota.SEED)
    plan = loaded["plan"]
    cut = client.post(f"/api/v1/plans/{plan['id']}/cuts", json=bogota.SEED["cuts"][0]).json()
    indicators = client.get(f"/api/v1/plans/{plan['id']}/indicators", params={"limit": 100}).json()[
        "items"
    ]
    by_code = {i["code"]: i for i in indicators}
    units = {
        u["code"]: u
        for u in client.get(f"/api/v1/organizations/{loaded['organization']['id']}/units").json()[
            "items"
        ]
    }
    url = f"/api/v1/cuts/{cut['id']}/followups/{by_code['IS-545']['id']}"
    return {
        "plan": plan,
        "cut": cut,
        "ind": by_code,
        "url": url,
        "units": units,
        "org": loaded["organization"],
    }


NARRATIVE = {
    "narrative": "Se atendieron 1.474.056 orientaciones por la línea 195.",
    "observations": "Preferencia ciudadana por canales virtuales (Chatico).",
    "lag_justification": "Rezago de 1.269.378 por cambio de canal.",
}


def test_followup_workflow(client, ctx, make_token, as_token):
    r = client.put(ctx["url"], json=NARRATIVE)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "draft" and r.json()["indicator_code"] == "IS-545"
    assert (
        client.put(ctx["url"], json={**NARRATIVE, "observations": "Actualizado"}).status_code == 200
    )
    assert client.post(f"{ctx['url']}/submit").json()["status"] == "submitted"
    assert_problem(client.put(ctx["url"], json=NARRATIVE), 409)
    returned = client.post(f"{ctx['url']}/return", json={"comment": "Falta el soporte"}).json()
    assert returned["status"] == "returned" and returned["return_comment"] == "Falta el soporte"
    client.put(ctx["url"], json=NARRATIVE)
    client.post(f"{ctx['url']}/submit")
    approved = client.post(f"{ctx['url']}/approve").json()
    assert approved["status"] == "approved"
    assert [(e["from_status"], e["to_status"]) for e in approved["events"]] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]
    assert all(e["actor_username"] == "root" for e in approved["events"])
    listed = client.get(
        f"/api/v1/cuts/{ctx['cut']['id']}/followups", params={"status": "approved"}
    ).json()
    assert listed["total"] == 1


def test_reporter_writes_only_for_own_units_and_cannot_approve(client, ctx, make_token, as_token):
    oap = as_token(make_token(ctx["org"]["id"], "reporter", [ctx["units"]["OAP"]["id"]]))
    # MG-7.1 is the Subsecretaría Corporativa's.
    mg = f"/api/v1/cuts/{ctx['cut']['id']}/followups/{ctx['ind']['MG-7.1']['id']}"
    assert_problem(oap.put(mg, json=NARRATIVE), 403)
    sc = as_token(make_token(ctx["org"]["id"], "reporter", [ctx["units"]["SC"]["id"]]))
    assert sc.put(mg, json=NARRATIVE).status_code == 201
    assert sc.post(f"{mg}/submit").status_code == 200
    assert_problem(sc.post(f"{mg}/approve"), 403)


def test_closed_cut_freezes_followups_and_evidence(client, ctx):
    client.put(ctx["url"], json=NARRATIVE)
    link = client.post(
        f"{ctx['url']}/evidence",
        json={"kind": "link", "title": "Informe", "url": "https://www.tangara.gov.co/informe"},
    ).json()
    client.post(f"/api/v1/cuts/{ctx['cut']['id']}/close")
    assert_problem(client.put(ctx["url"], json=NARRATIVE), 409)
    assert_problem(client.post(f"{ctx['url']}/submit"), 409)
    assert_problem(
        client.post(
            f"{ctx['url']}/evidence",
            json={"kind": "link", "title": "x", "url": "https://example.org"},
        ),
        409,
    )
    assert_problem(client.delete(f"/api/v1/evidence/{link['id']}"), 409)


def test_evidence_upload_round_trip(client, ctx, session):
    client.put(ctx["url"], json=NARRATIVE)
    r = client.post(
        f"{ctx['url']}/evidence",
        files={"file": ("acta comité.pdf", PDF, "application/pdf")},
        data={"kind": "acta", "title": "Acta del comité", "evidence_date": "2023-06-15"},
    )
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (ev["media_type"], ev["size_bytes"], ev["original_name"]) == (
        "application/pdf",
        len(PDF),
        "acta comité.pdf",
    )
    content = client.get(f"/api/v1/evidence/{ev['id']}/content")
    assert content.status_code == 200 and content.content == PDF
    assert content.headers["content-type"] == "application/pdf"
    assert content.headers["content-disposition"].startswith("attachment;")
    assert content.headers["x-content-type-options"] == "nosniff"
    assert (
        client.get(
            f"/api/v1/cuts/{ctx['cut']['id']}/followups/{ctx['ind']['IS-545']['id']}"
        ).json()["evidence_count"]
        == 1
    )
    assert client.delete(f"/api/v1/evidence/{ev['id']}").status_code == 204
    assert session.execute(select(func.count()).select_from(Evidence)).scalar_one() == 0


def test_evidence_of_approved_followup_is_kept(client, ctx):
    client.put(ctx["url"], json=NARRATIVE)
    ev = client.post(
        f"{ctx['url']}/evidence",
        files={"file": ("foto.png", PNG, "image/png")},
        data={"kind": "photo", "title": "Foto"},
    ).json()
    client.post(f"{ctx['url']}/submit")
    client.post(f"{ctx['url']}/approve")
    assert_problem(client.delete(f"/api/v1/evidence/{ev['id']}"), 409)


@pytest.mark.parametrize(
    ("name", "content", "ctype", "status"),
    [
        ("informe.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf", 415),  # an .exe
        ("foto.png", PDF, "image/png", 415),  # declared type lies
        ("informe.png", PDF, "application/pdf", 415),  # the name lies
        ("vacio.pdf", b"", "application/pdf", 422),  # empty
        ("script.pdf", b"<script>alert(1)</script>", "application/pdf", 415),
    ],
)
def test_hostile_uploads_refused(client, ctx, session, name, content, ctype, status):
    client.put(ctx["url"], json=NARRATIVE)
    r = client.post(
        f"{ctx['url']}/evidence", files={"file": (name, content, ctype)}, data={"title": "x"}
    )
    assert_problem(r, status)
    assert session.execute(select(func.count()).select_from(Evidence)).scalar_one() == 0


def test_oversize_upload_refused(client, ctx, settings):
    client.put(ctx["url"], json=NARRATIVE)
    big = PDF + b"0" * (settings.evidence_max_bytes + 1)
    problem = assert_problem(
        client.post(
            f"{ctx['url']}/evidence",
            files={"file": ("big.pdf", big, "application/pdf")},
            data={"title": "x"},
        ),
        413,
    )
    assert "limit" in problem["detail"]


def test_hostile_names_are_neutralised(client, ctx, settings):
    client.put(ctx["url"], json=NARRATIVE)
    ev = client.post(
        f"{ctx['url']}/evidence",
        files={"file": ("../../etc/pass\x07wd.pdf", PDF, "application/pdf")},
        data={"title": "x"},
    ).json()
    # httpx sends the control character percent-encoded; the path is gone either way.
    assert ev["original_name"] == "pass%07wd.pdf"
    stored = list(settings.evidence_dir.rglob("*"))
    assert all(settings.evidence_dir in p.parents for p in stored)
    assert any(p.name == ev["sha256"] for p in stored)


def test_upload_stream_is_cut_at_the_limit(client, ctx, settings):
    client.put(ctx["url"], json=NARRATIVE)

    async def body():  # a well-formed form whose file never ends, with no Content-Length
        yield (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        )
        for _ in range(settings.evidence_max_bytes // 65536 + 4):
            yield b"x" * 65536

    r = client.post(
        f"{ctx['url']}/evidence",
        content=body(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert_problem(r, 413)
