"""Evidence files follow their rows (issue 11, defect 4): deleting a draft plan or element
removes, after the commit, each file whose last row went; files shared by content stay while a
row holds them; `plan-followup sweep-evidence` removes the orphans left otherwise."""

from datetime import timedelta

import pytest

from app.cli import main
from app.core.config import get_settings
from app.core.storage import LocalStorage
from app.demo.loader import load_structure
from app.demo.seeds import bogota
from app.evidence.sweep import sweep

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
OTHER_PDF = PDF.replace(b"Catalog", b"Catalog /Lang (es)")


@pytest.fixture
def ctx(client, app):
    loaded = load_structure(client, bogota.SEED)
    plan = loaded["plan"]
    cut = client.post(f"/api/v1/plans/{plan['id']}/cuts", json=bogota.SEED["cuts"][0]).json()
    items = client.get(f"/api/v1/plans/{plan['id']}/indicators", params={"limit": 100}).json()
    ind = {i["code"]: i for i in items["items"]}
    storage = app.state.storage
    assert isinstance(storage, LocalStorage)
    return {"plan": plan, "cut": cut, "ind": ind, "storage": storage}


def upload(client, ctx, code: str, content: bytes) -> dict:
    url = f"/api/v1/cuts/{ctx['cut']['id']}/followups/{ctx['ind'][code]['id']}"
    assert client.put(url, json={"narrative": "Avance."}).status_code in (200, 201)
    r = client.post(
        f"{url}/evidence",
        files={"file": ("acta.pdf", content, "application/pdf")},
        data={"kind": "acta", "title": "Acta"},
    )
    assert r.status_code == 201, r.text
    return r.json()


def on_disk(ctx, evidence: dict) -> bool:
    return ctx["storage"].path(evidence["sha256"]).is_file()


def test_deleting_an_indicator_removes_its_files(client, ctx):
    mine = upload(client, ctx, "IS-545", OTHER_PDF)
    assert on_disk(ctx, mine)
    r = client.delete(f"/api/v1/indicators/{ctx['ind']['IS-545']['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["deleted"]["followups"] == 1
    assert not on_disk(ctx, mine)


def test_a_file_shared_by_content_stays_until_its_last_row_goes(client, ctx):
    first = upload(client, ctx, "IS-545", PDF)
    second = upload(client, ctx, "IS-546", PDF)
    assert first["sha256"] == second["sha256"]
    assert client.delete(f"/api/v1/indicators/{ctx['ind']['IS-545']['id']}").status_code == 200
    assert on_disk(ctx, second)  # IS-546's evidence still holds it
    assert client.get(f"/api/v1/evidence/{second['id']}/content").content == PDF
    assert client.delete(f"/api/v1/plans/{ctx['plan']['id']}").status_code == 200
    assert not on_disk(ctx, second)


def test_deleting_a_node_removes_the_files_below_it(client, ctx):
    ev = upload(client, ctx, "IS-545", OTHER_PDF)
    node = ctx["ind"]["IS-545"]["node_id"]
    assert client.delete(f"/api/v1/nodes/{node}").status_code == 200
    assert not on_disk(ctx, ev)


def test_a_failed_delete_keeps_the_files(client, ctx):
    ev = upload(client, ctx, "IS-545", OTHER_PDF)
    stale = client.delete(
        f"/api/v1/indicators/{ctx['ind']['IS-545']['id']}", headers={"If-Match": '"stale"'}
    )
    assert stale.status_code == 412
    assert on_disk(ctx, ev)


def test_sweep_removes_orphans_only(client, ctx, session):
    kept = upload(client, ctx, "IS-545", PDF)
    storage = ctx["storage"]
    orphan = storage.put([b"%PDF-1.4 huerfano"], max_bytes=1000)
    report = sweep(session, storage, dry_run=True, min_age=timedelta(0))
    assert orphan.key in report.orphans and kept["sha256"] not in report.orphans
    assert report.removed == 0 and storage.exists(orphan.key)
    # A file younger than the minimum age may be an upload whose row is not committed yet.
    young = sweep(session, storage, dry_run=False, min_age=timedelta(hours=1))
    assert orphan.key not in young.orphans and storage.exists(orphan.key)
    done = sweep(session, storage, dry_run=False, min_age=timedelta(0))
    assert orphan.key in done.orphans and done.removed == len(done.orphans)
    assert not storage.exists(orphan.key)
    assert storage.exists(kept["sha256"])


def test_sweep_command(database_url, tmp_path, monkeypatch, capsys):
    storage = LocalStorage(tmp_path / "evidence")
    orphan = storage.put([b"%PDF-1.4 solo"], max_bytes=1000)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.delenv("STORAGE_URL", raising=False)
    get_settings.cache_clear()
    try:
        main(["sweep-evidence", "--dry-run", "--min-age-minutes", "0"])
        out = capsys.readouterr().out
        assert f"orphan {orphan.key}" in out
        assert "1 orphans" in out and "0 removed (dry run: nothing removed)" in out
        assert storage.exists(orphan.key)
        main(["sweep-evidence", "--min-age-minutes", "0"])
        out = capsys.readouterr().out
        assert f"removed {orphan.key}" in out and "1 removed" in out
        assert not storage.exists(orphan.key)
    finally:
        get_settings.cache_clear()
