"""/metrics: Prometheus text, behind its own token, labelled by route template."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from app.core import metrics
from app.core.db import make_engine
from app.demo.loader import as_json, load_structure
from app.demo.seeds import bogota
from tests.helpers import assert_problem

TOKEN = "metrics-s3cret"


def _with_token(app, settings, monkeypatch) -> None:
    # Starlette's State deletes what monkeypatch restores; put the original back by hand.
    monkeypatch.setattr(app.state, "_state", {**app.state._state})
    app.state.settings = settings.model_copy(update={"metrics_token": TOKEN})


@pytest.fixture
def scrape(app, settings, monkeypatch, anon):
    _with_token(app, settings, monkeypatch)

    def get() -> str:
        r = anon.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/plain; version=")
        return r.text

    return get


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_are_not_served_without_a_token(anon):
    assert_problem(anon.get("/metrics"), 404)


def test_metrics_need_the_token(app, settings, monkeypatch, anon):
    _with_token(app, settings, monkeypatch)
    assert_problem(anon.get("/metrics"), 401)
    r = anon.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert_problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"


def test_requests_are_counted_by_route_template_and_status(client, scrape):
    plan = load_structure(client, bogota.SEED)["plan"]
    route = "/api/v1/plans/{plan_id}"
    labels = {"method": "GET", "route": route, "status": "200"}
    before = value("http_requests_total", **labels)
    hist_before = value("http_request_duration_seconds_count", **labels)
    for _ in range(3):
        assert client.get(f"/api/v1/plans/{plan['id']}").status_code == 200
    assert value("http_requests_total", **labels) == before + 3
    assert value("http_request_duration_seconds_count", **labels) == hist_before + 3
    missing = {"method": "GET", "route": route, "status": "404"}
    before_404 = value("http_requests_total", **missing)
    client.get("/api/v1/plans/00000000-0000-0000-0000-000000000000")
    assert value("http_requests_total", **missing) == before_404 + 1
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    before_unmatched = value("http_requests_total", **unmatched)
    client.get("/no/such/thing/123")
    assert value("http_requests_total", **unmatched) == before_unmatched + 1

    text = scrape()
    assert f'http_requests_total{{method="GET",route="{route}",status="200"}}' in text
    assert plan["id"] not in text  # ids never become labels


def test_rows_imported_are_counted(client, scrape):
    plan = load_structure(client, bogota.SEED)["plan"]
    client.post(f"/api/v1/plans/{plan['id']}/cuts", json=bogota.SEED["cuts"][0])
    before = value("rows_imported_total", kind="measurements")
    batch = {"items": as_json(bogota.SEED["measurements"])}
    assert (
        client.post(f"/api/v1/plans/{plan['id']}/measurements", json=batch).json()["created"] == 14
    )
    assert value("rows_imported_total", kind="measurements") == before + 14
    client.post(f"/api/v1/plans/{plan['id']}/measurements", json=batch)  # unchanged: not counted
    assert value("rows_imported_total", kind="measurements") == before + 14
    assert 'rows_imported_total{kind="measurements"}' in scrape()


def test_pool_connections_in_use(settings):
    engine = make_engine(settings.database_url, settings)
    try:
        base = value("db_pool_connections_in_use")
        with engine.connect(), engine.connect():
            assert value("db_pool_connections_in_use") == base + 2
            assert value("db_pool_checkouts_waiting") == 0
        assert value("db_pool_connections_in_use") == base
    finally:
        engine.dispose()


def test_job_queue_depth_is_read_at_scrape(scrape, engine):
    # Read from the database by the scrape itself: committed rows, removed afterwards.
    from sqlalchemy import delete, func
    from sqlmodel import Session

    from app.jobs.models import Job

    with Session(engine) as session:
        before = session.execute(
            select(func.count()).select_from(Job).where(Job.status == "queued")
        ).scalar_one()
        jobs = [Job(kind="capacity_test", status="queued") for _ in range(3)]
        session.add_all(jobs)
        session.commit()
        ids = [job.id for job in jobs]
    try:
        assert f"job_queue_depth {before + 3:.1f}" in scrape()
    finally:
        with engine.begin() as conn:
            conn.execute(delete(Job).where(Job.id.in_(ids)))


def test_hooks_for_jobs_and_reports(scrape):
    before = value("reports_rendered_total", format="pdf")
    metrics.record_report_rendered("pdf")
    metrics.set_job_queue_depth(7)
    metrics.observe_job("render_report", 1.5, "ok")
    assert value("reports_rendered_total", format="pdf") == before + 1
    assert value("job_queue_depth") == 7
    text = scrape()
    assert 'job_duration_seconds_count{kind="render_report",outcome="ok"}' in text
