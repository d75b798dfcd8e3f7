"""Two `plan-followup serve` processes (real uvicorn) on one database behave as one service:
nothing a request leaves behind lives in a replica's memory or disk."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.demo.loader import as_json, load_structure
from app.demo.seeds import bogota

PASSWORD = "replica password 123"
METRICS_TOKEN = "replica-metrics"
CLI = [str(Path(sys.executable).parent / "plan-followup")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        "PLAN_FOLLOWUP_ADMIN_PASSWORD": PASSWORD,
        "MIGRATE_ON_START": "false",
        **extra,
    }


def _wait_ready(base: str, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"replica exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} not ready")


@pytest.fixture(scope="module")
def replicas(migrated_database, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Replica A (one worker) and replica B (WEB_CONCURRENCY=2, multiprocess metrics)."""
    url = (
        migrated_database()
    )  # migrated before both start, as a deployment does (README "Deploying")
    data_dir = tmp_path_factory.mktemp("replicas")
    metrics_dir = tmp_path_factory.mktemp("prometheus")
    env = _env(url, data_dir)
    subprocess.run([*CLI, "create-admin", "--username", "root"], env=env, check=True)  # noqa: S603 - our own command
    procs, bases = [], []
    for workers, extra in (
        ("1", {}),
        ("2", {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "METRICS_TOKEN": METRICS_TOKEN}),
    ):
        port = _free_port()
        procs.append(
            subprocess.Popen(  # noqa: S603 - our own command
                [*CLI, "serve", "--port", str(port)],
                env={**env, "WEB_CONCURRENCY": workers, **extra},
                start_new_session=True,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, proc in zip(bases, procs, strict=True):
            _wait_ready(base, proc)
        yield bases[0], bases[1]
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=30)


def _login(base: str, username: str = "root", password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{base}/api/v1/auth/login", json={"username": username, "password": password}
    )


@pytest.fixture(scope="module")
def clients(replicas) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    a, b = replicas
    token = _login(a).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=a, headers=headers, timeout=30) as ca,
        httpx.Client(base_url=b, headers=headers, timeout=30) as cb,
    ):
        yield ca, cb


@pytest.fixture(scope="module")
def plan(clients) -> dict:
    ca, _ = clients
    loaded = load_structure(ca, bogota.SEED)
    cut = ca.post(f"/api/v1/plans/{loaded['plan']['id']}/cuts", json=bogota.SEED["cuts"][0])
    assert cut.status_code == 201, cut.text
    return {"plan": loaded["plan"], "cut": cut.json()}


def test_a_batch_retried_on_the_other_replica_is_not_written_twice(clients, plan):
    ca, cb = clients
    url = f"/api/v1/plans/{plan['plan']['id']}/measurements"
    batch = {"items": as_json(bogota.SEED["measurements"])}
    headers = {"Idempotency-Key": "corte-2023-06-lote-1"}
    first = ca.post(url, json=batch, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["created"] == 14
    retried = cb.post(url, json=batch, headers=headers)
    assert retried.status_code == 200
    assert retried.json() == first.json()  # the first answer, replayed by the other replica
    # Without the key, the same batch is now simply unchanged: 14 rows, not 28.
    plain = cb.post(url, json=batch).json()
    assert (plain["created"], plain["unchanged"]) == (0, 14)


def test_a_login_locked_on_one_replica_is_locked_on_the_other(clients):
    a, b = (str(c.base_url) for c in clients)  # tokens already issued keep working
    for _ in range(5):
        assert _login(a, "root", "wrong password!!").status_code == 401
    locked = _login(b)
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["retry-after"]) > 0


def test_a_cut_closed_on_one_replica_is_closed_on_the_other(clients, plan):
    ca, cb = clients
    cut_id = plan["cut"]["id"]
    assert ca.post(f"/api/v1/cuts/{cut_id}/close").status_code == 200
    assert cb.get(f"/api/v1/cuts/{cut_id}").json()["status"] == "closed"
    late = {"items": [{"indicator_code": "IS-545", "period_end": "2023-06-30", "value": 1}]}
    answer = cb.post(f"/api/v1/plans/{plan['plan']['id']}/measurements", json=late).json()
    assert (answer["created"], answer["updated"], len(answer["rejected"])) == (0, 0, 1)
    assert (
        cb.post(
            f"/api/v1/cuts/{cut_id}/reopen", json={"reason": "Corrección de la meta"}
        ).status_code
        == 200
    )
    assert ca.get(f"/api/v1/cuts/{cut_id}").json()["status"] == "open"


def test_metrics_of_several_workers_add_up(replicas):
    _, b = replicas
    for _ in range(12):
        assert httpx.get(f"{b}/health").status_code == 200
    r = httpx.get(f"{b}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert r.status_code == 200
    line = next(
        line
        for line in r.text.splitlines()
        if line.startswith("http_requests_total{")
        and 'route="/health"' in line
        and 'status="200"' in line
    )
    assert float(line.rsplit(" ", 1)[1]) == 12  # whichever worker answered each


def test_a_job_queued_on_one_replica_runs_once(clients, plan):
    # Every replica (and each of B's two workers) runs a job worker; one of them takes it.
    ca, cb = clients
    queued = ca.post(f"/api/v1/cuts/{plan['cut']['id']}/reports", json={"format": "xlsx"})
    assert queued.status_code == 202, queued.text
    job_url = f"/api/v1/jobs/{queued.json()['id']}"
    deadline = time.monotonic() + 120
    while (job := cb.get(job_url).json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
    assert (job["status"], job["attempts"]) == ("done", 1)
    report = cb.get(job["links"]["report"]).json()
    content = ca.get(f"/api/v1/reports/{report['id']}/content")
    assert content.status_code == 200
    assert len(content.content) == report["size_bytes"] and content.content[:2] == b"PK"


def test_results_cached_on_one_replica_follow_a_write_on_the_other(clients, plan):
    ca, cb = clients
    url = f"/api/v1/cuts/{plan['cut']['id']}/results"
    first = ca.get(url)
    assert first.status_code == 200, first.text
    tag = first.headers["etag"]
    assert cb.get(url, headers={"If-None-Match": tag}).status_code == 304  # one cache
    indicator = next(i for i in first.json()["indicators"] if i["code"] == "IS-545")
    renamed = cb.patch(
        f"/api/v1/indicators/{indicator['indicator_id']}", json={"name": "Renombrado en B"}
    )
    assert renamed.status_code == 200, renamed.text
    again = ca.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 200 and again.headers["etag"] != tag
    names = {i["code"]: i["name"] for i in again.json()["indicators"]}
    assert names["IS-545"] == "Renombrado en B"
