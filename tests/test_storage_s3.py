"""Evidence in an S3-compatible store: moto's standalone server on loopback, spoken to over
HTTP by boto3 exactly as production speaks to MinIO or AWS S3."""

from __future__ import annotations

import hashlib
import logging
import socket

import pytest
from sqlalchemy import func, select, text

from app.core.storage import LocalStorage, S3Storage, storage_from_url
from app.evidence.models import Evidence
from tests.api.test_followups_evidence import NARRATIVE, PDF, PNG, ctx  # noqa: F401
from tests.helpers import assert_problem

moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")
BUCKET = "evidencias"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _quiet_moto():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _start_s3(monkeypatch) -> tuple[object, str]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return server, endpoint


@pytest.fixture
def s3(app, monkeypatch):
    """The app's storage switched to `STORAGE_URL=s3://evidencias/plan-followup` on a fresh
    S3 server; yields (storage, server)."""
    server, _ = _start_s3(monkeypatch)
    storage = storage_from_url(f"s3://{BUCKET}/plan-followup", None, "evidence")
    assert isinstance(storage, S3Storage)
    storage.client.create_bucket(Bucket=BUCKET)
    local, app.state.storage = app.state.storage, storage
    try:
        yield storage, server
    finally:
        app.state.storage = local
        server.stop()


def _objects(storage: S3Storage) -> list[str]:
    listed = storage.client.list_objects_v2(Bucket=BUCKET)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def _evidence_rows(session) -> int:
    return session.execute(select(func.count()).select_from(Evidence)).scalar_one()


def test_storage_url_picks_the_store(tmp_path):
    assert isinstance(storage_from_url(None, tmp_path), LocalStorage)
    assert storage_from_url(f"file://{tmp_path}/x", tmp_path).root == tmp_path / "x"
    assert storage_from_url(f"file://{tmp_path}/x", tmp_path, "reports").root == (
        tmp_path / "x" / "reports"
    )
    with pytest.raises(ValueError, match="bucket"):
        storage_from_url("s3:///prefix", tmp_path)
    with pytest.raises(ValueError, match="not supported"):
        storage_from_url("ftp://host/x", tmp_path)


def test_upload_download_delete_through_s3(client, ctx, session, s3):  # noqa: F811
    storage, _ = s3
    client.put(ctx["url"], json=NARRATIVE)
    r = client.post(
        f"{ctx['url']}/evidence",
        files={"file": ("acta.pdf", PDF, "application/pdf")},
        data={"kind": "acta", "title": "Acta"},
    )
    assert r.status_code == 201, r.text
    sha = hashlib.sha256(PDF).hexdigest()
    assert r.json()["sha256"] == sha
    assert _objects(storage) == [f"plan-followup/evidence/{sha}"]
    head = storage.client.head_object(Bucket=BUCKET, Key=f"plan-followup/evidence/{sha}")
    assert (head["ContentType"], head["ContentLength"]) == ("application/pdf", len(PDF))

    content = client.get(f"/api/v1/evidence/{r.json()['id']}/content")
    assert content.status_code == 200 and content.content == PDF
    assert content.headers["content-length"] == str(len(PDF))
    assert content.headers["content-disposition"] == 'attachment; filename="acta.pdf"'

    assert client.delete(f"/api/v1/evidence/{r.json()['id']}").status_code == 204
    assert _evidence_rows(session) == 0
    assert _objects(storage) == []


def test_refused_upload_never_reaches_the_store(client, ctx, session, s3):  # noqa: F811
    storage, _ = s3
    client.put(ctx["url"], json=NARRATIVE)
    r = client.post(
        f"{ctx['url']}/evidence",
        files={"file": ("foto.png", PDF, "image/png")},  # the declared type lies
        data={"title": "x"},
    )
    assert_problem(r, 415)
    assert _objects(storage) == [] and _evidence_rows(session) == 0


def test_same_content_twice_is_one_object_kept_while_a_row_holds_it(client, ctx, s3):  # noqa: F811
    storage, _ = s3
    client.put(ctx["url"], json=NARRATIVE)
    ids = [
        client.post(
            f"{ctx['url']}/evidence",
            files={"file": (f"foto{i}.png", PNG, "image/png")},
            data={"kind": "photo", "title": f"Foto {i}"},
        ).json()["id"]
        for i in range(2)
    ]
    sha = hashlib.sha256(PNG).hexdigest()
    assert _objects(storage) == [f"plan-followup/evidence/{sha}"]
    assert client.delete(f"/api/v1/evidence/{ids[0]}").status_code == 204
    assert _objects(storage) == [f"plan-followup/evidence/{sha}"]  # the other row still holds it
    assert client.get(f"/api/v1/evidence/{ids[1]}/content").content == PNG
    assert client.delete(f"/api/v1/evidence/{ids[1]}").status_code == 204
    assert _objects(storage) == []


def test_store_killed_mid_upload_answers_503_and_writes_no_row(client, ctx, session, s3):  # noqa: F811
    storage, server = s3
    client.put(ctx["url"], json=NARRATIVE)
    # The store dies as the object's bytes are about to go out.
    storage.client.meta.events.register("before-send.s3.PutObject", lambda **_: server.stop())
    r = client.post(
        f"{ctx['url']}/evidence",
        files={"file": ("acta.pdf", PDF, "application/pdf")},
        data={"title": "Acta"},
    )
    problem = assert_problem(r, 503)
    assert "file store" in problem["detail"]
    assert _evidence_rows(session) == 0
    server.start()  # moto keeps its state in memory: what it holds after the failure
    assert _objects(storage) == []


def test_row_that_fails_after_the_object_is_written_takes_the_object_with_it(
    client,
    ctx,  # noqa: F811
    session,
    s3,
):
    storage, _ = s3
    client.put(ctx["url"], json=NARRATIVE)
    # The object is written first; then the row's INSERT fails in the request's transaction.
    session.execute(
        text(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
        )
    )
    session.execute(
        text(
            "CREATE TRIGGER refuse BEFORE INSERT ON evidence FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    )
    r = client.post(
        f"{ctx['url']}/evidence",
        files={"file": ("acta.pdf", PDF, "application/pdf")},
        data={"title": "Acta"},
    )
    assert_problem(r, 500)
    assert _objects(storage) == []


def test_local_storage_also_drops_the_object_of_a_failed_row(client, ctx, session, app):  # noqa: F811
    storage = app.state.storage
    assert isinstance(storage, LocalStorage)
    client.put(ctx["url"], json=NARRATIVE)
    content = PDF + b"% local rollback\n"
    sha = hashlib.sha256(content).hexdigest()
    session.execute(
        text(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
        )
    )
    session.execute(
        text(
            "CREATE TRIGGER refuse BEFORE INSERT ON evidence FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    )
    r = client.post(
        f"{ctx['url']}/evidence",
        files={"file": ("acta.pdf", content, "application/pdf")},
        data={"title": "Acta"},
    )
    assert_problem(r, 500)
    assert not storage.exists(sha)
    assert list((storage.root / "tmp").iterdir()) == []
