"""Long imports as jobs (issue 12): a file over the thresholds answers 202 and a job to poll;
the job imports it with the request's own summary, validation and atomicity.

Two apps share one committed database: `large` has thresholds low enough that the small files
below count as large (IMPORT_JOB_THRESHOLD_ROWS=5); `small` has the defaults and imports in
the request. The same file sent to both must end in the same summary."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
import xlsxwriter
from sqlalchemy import func, select
from sqlmodel import Session

from app.core.config import Settings
from app.demo.client import AsgiClient
from app.jobs.models import Job
from app.main import create_app
from app.measurements.models import Measurement
from app.plans.models import Indicator, Plan
from app.spreadsheets import reader
from tests.api.test_spreadsheets import XLSX, _with_part, officials_workbook
from tests.committed import world  # noqa: F401  (fixture)
from tests.helpers import assert_problem

# What test_problems_are_located_and_atomic_writes_nothing locates in the same file.
LOCATED = {
    ("actions", 3, "planned_cost", "A1"),
    ("measurements", 3, "value", "IND-1"),
    ("indicators", 3, "action_code", "IND-1"),
    ("indicators", 4, "action_code", "IND-2"),
    ("programming", 3, "indicator_code", "IND-1"),
    ("programming", 4, "indicator_code", "IND-2"),
    ("measurements", 4, None, "IND-2"),
}
CSV = (
    b"indicator_code;period_end;value;note\r\n"
    b"IND-1;30/06/2024;4;primera\r\n"
    b"IND-1;31/12/2024;1.500;\r\n"
    b"ind-2;30/06/2024;43,5;\r\n"
    b"IND-2;31/12/2024;45 %;\r\n"
    b"IND-9;31/12/2024;1;\r\n"
    b"IND-1;31/13/2024;1;\r\n"
    b"IND-2;30/06/2024;44;duplicada\r\n"
)


@pytest.fixture(scope="module")
def apps(world, tmp_path_factory):  # noqa: F811
    """(large, small): two apps on the world's database, with and without low thresholds."""
    large = Settings(
        **{
            **world.settings.model_dump(),
            "data_dir": tmp_path_factory.mktemp("data"),
            "import_job_threshold_rows": 5,
        }
    )
    world.settings = large  # the worker of world.run_jobs reads the stored files here
    large_app = create_app(large, engine=world.engine)
    small = Settings(**{**large.model_dump(), "import_job_threshold_rows": 20_000})
    small_app = create_app(small, engine=world.engine)
    return large_app, small_app


def _client(world, app, token: str) -> AsgiClient:  # noqa: F811
    c = AsgiClient(app, headers={"Authorization": f"Bearer {token}"})
    world.clients.append(c)
    return c


def _org(world, code: str) -> tuple[str, str]:  # noqa: F811
    """An organization with the units the officials' workbook names: (id, admin token)."""
    root = world.client(world.token(platform=True))
    r = root.post(
        "/api/v1/organizations", json={"code": code, "name": code.upper(), "kind": "alcaldia"}
    )
    assert r.status_code == 201, r.text
    org_id = r.json()["id"]
    for unit in ("DAPM", "DATIC"):
        u = root.post(f"/api/v1/organizations/{org_id}/units", json={"code": unit, "name": unit})
        assert u.status_code == 201, u.text
    return org_id, world.token(uuid.UUID(org_id))


@pytest.fixture(scope="module")
def orgs(world):  # noqa: F811
    return [_org(world, "job-a"), _org(world, "job-b")]


def _plans_of(world, org_id: str) -> int:  # noqa: F811
    with Session(world.engine) as session:
        return session.execute(
            select(func.count()).select_from(Plan).where(Plan.organization_id == uuid.UUID(org_id))
        ).scalar_one()


def _measurements_of(world, plan_id: str) -> set:  # noqa: F811
    with Session(world.engine) as session:
        rows = session.execute(
            select(Measurement)
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .where(Indicator.plan_id == uuid.UUID(plan_id))
        ).scalars()
        return {(m.period_end.isoformat(), float(m.value), m.note) for m in rows}


def _stored(world) -> set[str]:  # noqa: F811
    """The uploaded files waiting for (or kept for a retry of) their job."""
    folder = world.settings.data_dir / "imports" / "uploads"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _without_plan_id(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "plan_id"}


def test_a_large_workbook_is_imported_by_a_job_with_the_requests_summary(world, apps, orgs):  # noqa: F811
    large, small = apps
    (org_a, token_a), (org_b, token_b) = orgs
    data = officials_workbook()
    files = {"file": ("plan.xlsx", data, XLSX)}

    r = _client(world, large, token_a).post(
        "/api/v1/plans/import", files=files, headers={"Idempotency-Key": "big-1"}
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert (job["kind"], job["status"], job["progress"], job["result"]) == (
        "spreadsheets.import",
        "queued",
        0,
        None,
    )
    assert _plans_of(world, org_a) == 0  # nothing imported in the request
    waiting = _stored(world)
    assert len(waiting) == 1  # the file, stored for the job
    # The same request again (same key, same file) answers the same job, not a second one.
    again = _client(world, large, token_a).post(
        "/api/v1/plans/import", files=files, headers={"Idempotency-Key": "big-1"}
    )
    assert (again.status_code, again.json()["id"]) == (202, job["id"])
    assert again.headers["Idempotency-Replayed"] == "true"

    world.run_jobs()
    done = _client(world, large, token_a).get(r.headers["Location"]).json()
    assert (done["status"], done["progress"], done["error"]) == ("done", 100, None)
    assert _stored(world) == set()  # a job done deletes its file
    summary = done["result"]["summary"]
    assert done["links"]["plan"] == f"/api/v1/plans/{summary['plan_id']}"

    # The same file imported in the request (another organization, default thresholds).
    sync = _client(world, small, token_b).post("/api/v1/plans/import", files=files)
    assert sync.status_code == 200, sync.text
    assert _without_plan_id(summary) == _without_plan_id(sync.json())
    assert summary["status"] == "created" and summary["written"] is True
    assert summary["file_sha256"] == hashlib.sha256(data).hexdigest()
    assert {k: c["created"] for k, c in summary["sheets"].items()} == {
        "plan": 1,
        "nodes": 2,
        "actions": 1,
        "indicators": 2,
        "programming": 2,
        "measurements": 2,
    }
    # The data is there.
    assert _plans_of(world, org_a) == 1
    plan = _client(world, large, token_a).get(f"/api/v1/plans/{summary['plan_id']}").json()
    assert (plan["code"], plan["name"], plan["levels"]) == (
        "PA-2024",
        "Plan de acción",
        ["Componente", "Objetivo"],
    )
    assert _measurements_of(world, summary["plan_id"]) == {
        ("2024-06-30", 1.0, "Acta 1"),
        ("2024-06-30", 42.5, None),
    }


def test_a_bad_large_file_fails_its_job_with_located_errors_and_writes_nothing(
    world,  # noqa: F811
    apps,
    orgs,
):
    large, _ = apps
    org_a, token_a = _org(world, "job-e")
    before = _plans_of(world, org_a)
    data = officials_workbook(cost="mucho", measured="1,2,3")
    client = _client(world, large, token_a)
    r = client.post("/api/v1/plans/import", files={"file": ("malo.xlsx", data, XLSX)})
    assert r.status_code == 202, r.text
    world.run_jobs()
    failed = client.get(r.headers["Location"]).json()
    assert failed["status"] == "failed" and failed["result"] is None
    error = failed["error"]
    assert (error["status"], error["title"]) == (422, "Job failed")
    assert error["detail"].startswith(
        "7 problems in the file and atomic=true: nothing was written."
    )
    assert {(e["sheet"], e["row"], e["column"], e["code"]) for e in error["errors"]} == LOCATED
    assert failed["links"]["retry"] == f"/api/v1/jobs/{failed['id']}/retry"
    assert _plans_of(world, org_a) == before
    assert len(_stored(world)) == 1  # kept for a retry

    # Retried, the stored file is imported again: the same failure, still nothing written.
    assert client.post(failed["links"]["retry"]).status_code == 202
    world.run_jobs()
    again = client.get(r.headers["Location"]).json()
    assert (again["status"], again["attempts"]) == ("failed", 2)
    assert again["error"] == error
    assert _plans_of(world, org_a) == before


def test_a_large_measurement_file_is_imported_by_a_job(world, apps, orgs):  # noqa: F811
    large, small = apps
    # Two organizations import the officials' plan in the request, then the same CSV of
    # measurements: one as a job (large), the other in the request (small).
    plan_ids, tokens = [], []
    for code in ("job-c", "job-d"):
        _, token = _org(world, code)
        r = _client(world, small, token).post(
            "/api/v1/plans/import", files={"file": ("p.xlsx", officials_workbook(), XLSX)}
        )
        assert r.status_code == 200, r.text
        plan_ids.append(r.json()["plan_id"])
        tokens.append(token)
    token_a, token_b = tokens
    job_plan, sync_plan = plan_ids
    headers = {"Content-Type": "text/csv"}
    queued = _client(world, large, token_a).post(
        f"/api/v1/plans/{job_plan}/measurements", content=CSV, headers=headers
    )
    assert queued.status_code == 202, queued.text
    assert queued.headers["Location"] == f"/api/v1/jobs/{queued.json()['id']}"
    assert queued.json()["links"]["plan"] == f"/api/v1/plans/{job_plan}"
    before = _measurements_of(world, job_plan)
    world.run_jobs()
    done = _client(world, large, token_a).get(queued.headers["Location"]).json()
    assert done["status"] == "done", done
    sync = _client(world, small, token_b).post(
        f"/api/v1/plans/{sync_plan}/measurements", content=CSV, headers=headers
    )
    assert sync.status_code == 200, sync.text
    assert done["result"]["summary"] == sync.json()
    summary = done["result"]["summary"]
    assert (summary["received"], summary["created"], summary["updated"]) == (7, 2, 2)
    assert [(i["index"], i["reason"][:22]) for i in summary["rejected"]] == [
        (6, "unknown indicator IND-"),
        (7, "period_end: '31/13/202"),
        (8, "duplicate of row 4 (sa"),
    ]
    after = _measurements_of(world, job_plan)
    assert after - before == {
        ("2024-06-30", 4.0, "primera"),
        ("2024-06-30", 43.5, None),
        ("2024-12-31", 1500.0, None),
        ("2024-12-31", 45.0, None),
    }


def test_what_is_refused_without_parsing_is_refused_before_queueing(world, apps, orgs):  # noqa: F811
    large, _ = apps
    _, token_a = orgs[0]
    with Session(world.engine) as session:
        jobs_before = session.execute(select(func.count()).select_from(Job)).scalar_one()
    client = _client(world, large, token_a)
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\n" * 40  # "40 rows": large
    assert reader.estimate_rows(legacy) == 40
    r = client.post("/api/v1/plans/import", files={"file": ("viejo.xls", legacy, XLSX)})
    assert_problem(r, 415)
    data = _with_part(officials_workbook(), "xl/vbaProject.bin", b"\x00" * 100)
    assert reader.estimate_rows(data) > 5
    r = client.post("/api/v1/plans/import", files={"file": ("m.xlsm", data, XLSX)})
    assert_problem(r, 415)
    with Session(world.engine) as session:
        assert session.execute(select(func.count()).select_from(Job)).scalar_one() == jobs_before
    assert len(_stored(world)) <= 1  # no upload stored for them (at most a failed job's)


def test_rows_are_counted_without_parsing():
    assert reader.estimate_rows(b"a;b\n1;2\n3;4\n") == 3
    assert reader.estimate_rows(b"a;b\n1;2\n3;4") == 3
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    first, second = book.add_worksheet("Uno"), book.add_worksheet("Dos")
    for r in range(40_000):  # more than one inflated chunk of sheet XML
        first.write_row(r, 0, [r, "x" * 20])
    second.write(0, 0, "sola")
    book.close()
    assert reader.estimate_rows(buffer.getvalue()) == 40_001
    assert reader.estimate_rows(b"PK not a zip") == 0


def test_a_new_plan_whose_code_exists_is_a_located_problem_not_a_500(world, apps):  # noqa: F811
    """A bad file naming a plan code the organization already has: the unique-key conflict
    rolled the whole import back before the import's own rollback (it answered 500)."""
    large, small = apps
    _, token = _org(world, "job-f")
    sync = _client(world, small, token)
    assert (
        sync.post(
            "/api/v1/plans/import", files={"file": ("p.xlsx", officials_workbook(), XLSX)}
        ).status_code
        == 200
    )
    bad = officials_workbook(cost="mucho")
    body = assert_problem(
        sync.post("/api/v1/plans/import", files={"file": ("p.xlsx", bad, XLSX)}), 422
    )
    expected = [
        {
            "loc": ["plan", None, None],
            "msg": "A plan with this code already exists in the organization.",
            "sheet": "plan",
            "row": None,
            "column": None,
            "code": "PA-2024",
        }
    ]
    assert body["errors"] == expected
    # The same as a job: failed with the same located problem.
    queued = _client(world, large, token).post(
        "/api/v1/plans/import", files={"file": ("p.xlsx", bad, XLSX)}
    )
    assert queued.status_code == 202
    world.run_jobs()
    job = sync.get(queued.headers["Location"]).json()
    assert (job["status"], job["error"]["status"], job["error"]["errors"]) == (
        "failed",
        422,
        expected,
    )
