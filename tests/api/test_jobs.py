"""Jobs on the PostgreSQL queue: lifecycle, progress, failure and retry, restart, tenancy."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.jobs import service as jobs
from tests.committed import make_world, world  # noqa: F401  (fixture)
from tests.helpers import assert_problem

ATTEMPTS: dict[str, int] = {}


@jobs.handler("test.echo")
def _echo(ctx: jobs.JobContext) -> dict:
    ctx.progress(42)
    # What a poller sees while the handler still runs (read on another connection).
    with ctx.engine.connect() as conn:
        seen = conn.execute(
            text("SELECT progress, status FROM jobs WHERE id = :id"), {"id": ctx.job_id}
        ).one()
    return {"seen": [seen.progress, seen.status], "links": {"thing": "/api/v1/things/1"}}


@jobs.handler("test.flaky")
def _flaky(ctx: jobs.JobContext) -> dict:
    key = ctx.payload["key"]
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    # It writes before failing: the failure must roll this back.
    ctx.session.execute(
        text("UPDATE jobs SET kind = 'test.changed' WHERE id = :id"), {"id": ctx.job_id}
    )
    if ATTEMPTS[key] == 1:
        raise jobs.JobFailed("El archivo no tiene la hoja Indicadores.")
    return {"attempt": ATTEMPTS[key]}


@jobs.handler("test.crash")
def _crash(ctx: jobs.JobContext) -> None:
    raise ZeroDivisionError("boom")


@pytest.fixture(scope="module")
def orgs(world):  # noqa: F811
    root = world.client(world.token(platform=True))
    ids = []
    for code in ("org-a", "org-b"):
        r = root.post(
            "/api/v1/organizations", json={"code": code, "name": code.upper(), "kind": "alcaldia"}
        )
        assert r.status_code == 201, r.text
        ids.append(uuid.UUID(r.json()["id"]))
    return ids


def _enqueue(world, token: str, kind: str, payload=None) -> str:  # noqa: F811
    actor = world.actor(token)
    with Session(world.engine, expire_on_commit=False) as session:
        job = jobs.enqueue(session, actor, kind=kind, payload=payload)
        session.commit()
    return str(job.id)


def test_a_job_runs_to_done_with_progress_and_links(world, orgs):  # noqa: F811
    token = world.token(orgs[0])
    client = world.client(token)
    job_id = _enqueue(world, token, "test.echo")

    queued = client.get(f"/api/v1/jobs/{job_id}")
    assert queued.status_code == 200
    body = queued.json()
    assert (body["status"], body["progress"], body["attempts"]) == ("queued", 0, 0)
    assert body["error"] is None and body["result"] is None
    assert body["links"] == {"self": f"/api/v1/jobs/{job_id}"}

    world.run_jobs()
    done = client.get(f"/api/v1/jobs/{job_id}").json()
    assert (done["status"], done["progress"], done["attempts"]) == ("done", 100, 1)
    assert done["result"]["seen"] == [42, "running"]
    assert done["links"]["thing"] == "/api/v1/things/1"
    assert done["started_at"] and done["finished_at"]


def test_a_failed_job_records_why_rolls_back_and_is_retried(world, orgs):  # noqa: F811
    token = world.token(orgs[0])
    client = world.client(token)
    job_id = _enqueue(world, token, "test.flaky", {"key": job_id_key()})

    world.run_jobs()
    failed = client.get(f"/api/v1/jobs/{job_id}").json()
    assert failed["status"] == "failed"
    assert failed["kind"] == "test.flaky"  # the handler's write was rolled back
    assert failed["error"]["status"] == 422
    assert failed["error"]["detail"] == "El archivo no tiene la hoja Indicadores."
    assert failed["error"]["type"].endswith("/job-failed")
    assert failed["links"]["retry"] == f"/api/v1/jobs/{job_id}/retry"

    # Only a failed job is retried; done ones are not.
    retried = client.post(f"/api/v1/jobs/{job_id}/retry")
    assert retried.status_code == 202, retried.text
    assert (retried.json()["status"], retried.json()["error"]) == ("queued", None)
    assert_problem(client.post(f"/api/v1/jobs/{job_id}/retry"), 409)

    world.run_jobs()
    done = client.get(f"/api/v1/jobs/{job_id}").json()
    assert (done["status"], done["attempts"], done["result"]) == ("done", 2, {"attempt": 2})
    assert done["kind"] == "test.changed"  # the successful attempt's write is kept


_keys = iter(range(1000))


def job_id_key() -> str:
    return f"k{next(_keys)}-{uuid.uuid4().hex[:6]}"


def test_an_unexpected_error_fails_the_job_and_the_api_stays_up(world, orgs):  # noqa: F811
    token = world.token(orgs[0])
    client = world.client(token)
    job_id = _enqueue(world, token, "test.crash")
    world.run_jobs()
    failed = client.get(f"/api/v1/jobs/{job_id}").json()
    assert failed["status"] == "failed"
    assert failed["error"]["status"] == 500
    assert "ZeroDivisionError" in failed["error"]["detail"]
    assert "boom" not in failed["error"]["detail"]  # internals stay in the log
    assert client.get("/health/ready").status_code == 200


def test_queued_jobs_survive_a_restart(world, orgs, tmp_path_factory):  # noqa: F811
    token = world.token(orgs[0])
    job_id = _enqueue(world, token, "test.echo")
    # The service stops before any worker ran: the job is in the queue's own table.
    world.engine.dispose()
    with world.engine.connect() as conn:
        queued = conn.execute(
            text(
                "SELECT q.status FROM procrastinate_jobs q JOIN jobs j ON j.queue_job_id = q.id "
                "WHERE j.id = :id"
            ),
            {"id": job_id},
        ).scalar_one()
    assert queued == "todo"

    # A fresh process: new engine, new app, new worker.
    fresh = make_world(world.settings.database_url, tmp_path_factory)
    try:
        fresh.run_jobs()
        body = fresh.client(token).get(f"/api/v1/jobs/{job_id}").json()
        assert (body["status"], body["attempts"]) == ("done", 1)
    finally:
        for c in fresh.clients:
            c.close()
        fresh.engine.dispose()


def test_a_job_left_running_by_a_dead_worker_runs_again(world, orgs):  # noqa: F811
    token = world.token(orgs[0])
    job_id = _enqueue(world, token, "test.echo")
    # A worker took it, started it, and died: no heartbeat for an hour.
    with world.engine.begin() as conn:
        dead = conn.execute(
            text(
                "INSERT INTO procrastinate_workers (last_heartbeat) "
                "VALUES (now() - interval '1 hour') RETURNING id"
            )
        ).scalar_one()
        conn.execute(
            text(
                "UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w "
                "WHERE id = (SELECT queue_job_id FROM jobs WHERE id = :id)"
            ),
            {"w": dead, "id": job_id},
        )
        conn.execute(
            text("UPDATE jobs SET status = 'running', attempts = 1 WHERE id = :id"),
            {"id": job_id},
        )
    client = world.client(token)
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "running"
    world.run_jobs()  # a new worker starts: the stalled job goes back to the queue and runs
    body = client.get(f"/api/v1/jobs/{job_id}").json()
    assert (body["status"], body["attempts"]) == ("done", 2)


def test_jobs_are_seen_only_by_their_organization(world, orgs):  # noqa: F811
    token_a = world.token(orgs[0])
    job_id = _enqueue(world, token_a, "test.crash")
    world.run_jobs()
    other = world.client(world.token(orgs[1]))
    assert_problem(other.get(f"/api/v1/jobs/{job_id}"), 404)
    assert_problem(other.post(f"/api/v1/jobs/{job_id}/retry"), 404)
    assert_problem(world.client(None).get(f"/api/v1/jobs/{job_id}"), 401)
    assert_problem(world.client(token_a).get(f"/api/v1/jobs/{uuid.uuid4()}"), 404)
    # A viewer of the organization reads it but does not rerun someone else's job.
    viewer = world.client(world.token(orgs[0], role="viewer"))
    assert viewer.get(f"/api/v1/jobs/{job_id}").status_code == 200
    assert_problem(viewer.post(f"/api/v1/jobs/{job_id}/retry"), 403)
    platform = world.client(world.token(platform=True))
    assert platform.get(f"/api/v1/jobs/{job_id}").status_code == 200
