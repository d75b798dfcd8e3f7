"""Signed webhooks: registration and its URL rules, delivery to a real receiver on loopback,
retries on the queue with their spacing, disabling, redelivery, and tenancy."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text

from app.demo.client import AsgiClient
from app.main import create_app
from tests.committed import make_world
from tests.helpers import assert_problem

SCHEDULE = [0, 3600]  # the first retry at once, the second an hour later
COUNTER = itertools.count()


def verify(secret: str, headers, body: bytes, tolerance_s: int = 300) -> bool:
    """The README's verification, as a receiver writes it."""
    timestamp = headers["Webhook-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    given = headers["Webhook-Signature"].removeprefix("v1=")
    fresh = abs(time.time() - int(timestamp)) <= tolerance_s
    return fresh and hmac.compare_digest(expected.hexdigest(), given)


class Receiver:
    """An HTTP server on loopback; each path answers with its script of statuses."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.scripts: dict[str, list[int]] = {}
        self.slow_s: dict[str, float] = {}
        self.entered = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                outer.entered.set()
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                time.sleep(outer.slow_s.get(self.path, 0))
                script = outer.scripts.get(self.path, [200])
                code = script.pop(0) if len(script) > 1 else script[0]
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


@pytest.fixture(scope="module")
def world(migrated_database, tmp_path_factory):
    url = migrated_database()
    w = make_world(url, tmp_path_factory)
    w.settings = w.settings.model_copy(
        update={
            "webhooks_allow_private": True,
            "webhooks_retry_schedule_s": SCHEDULE,
            "webhooks_timeout_s": 1,
        }
    )
    w.app = create_app(w.settings, engine=w.engine)
    # The production rules, on the same database.
    w.strict_app = create_app(
        w.settings.model_copy(update={"webhooks_allow_private": False}), engine=w.engine
    )
    yield w
    for c in w.clients:
        c.close()
    w.engine.dispose()


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture(scope="module")
def root(world):
    return world.client(world.token(platform=True))


def _org(world, root) -> dict:
    """An organization with its admin, a plan, an indicator and an open cut."""
    code = f"org-{next(COUNTER)}"
    org = root.post("/api/v1/organizations", json={"code": code, "name": code.upper()}).json()
    token = world.token(uuid.UUID(org["id"]), "admin")
    admin = world.client(token)
    plan = admin.post(
        "/api/v1/plans",
        json={
            "organization_id": org["id"],
            "kind": "pet",
            "code": "P",
            "name": "P",
            "first_year": 2023,
            "last_year": 2024,
            "levels": ["Objetivo"],
        },
    ).json()
    base = f"/api/v1/plans/{plan['id']}"
    admin.post(f"{base}/nodes", json={"code": "OE1", "name": "O"})
    admin.post(f"{base}/actions", json={"code": "A1", "description": "a", "node_code": "OE1"})
    indicator = admin.post(
        f"{base}/indicators", json={"code": "M1", "name": "m", "action_code": "A1"}
    ).json()
    cut = admin.post(
        f"{base}/cuts", json={"code": "C1", "cut_date": "2023-06-30", "label": "Corte"}
    ).json()
    return {
        "org": org,
        "token": token,
        "admin": admin,
        "plan": plan,
        "indicator": indicator,
        "cut": cut,
    }


def _strict(world, o: dict) -> AsgiClient:
    """The organization's admin on a service with the production URL rules."""
    client = AsgiClient(world.strict_app, headers={"Authorization": f"Bearer {o['token']}"})
    world.clients.append(client)
    return client


def _register(admin, url: str, events: list[str]) -> dict:
    r = admin.post("/api/v1/webhooks", json={"url": url, "events": events, "description": "ERP"})
    assert r.status_code == 201, r.text
    return r.json()


def _deliveries(admin, hook: dict) -> list[dict]:
    r = admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries")
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _bring_retries_forward(world) -> None:
    with world.engine.begin() as conn:
        conn.execute(
            text("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")
        )


def test_register_shows_the_secret_once(world, root, receiver):
    o = _org(world, root)
    admin = o["admin"]
    hook = _register(admin, f"{receiver.url}/once", ["cut.closed", "cut.published"])
    assert hook["secret"].startswith("whsec_") and len(hook["secret"]) > 40
    assert hook["organization_id"] == o["org"]["id"]
    assert (hook["active"], hook["disabled_reason"], hook["failing_since"]) == (True, None, None)
    assert hook["links"] == {
        "self": f"/api/v1/webhooks/{hook['id']}",
        "deliveries": f"/api/v1/webhooks/{hook['id']}/deliveries",
    }
    got = admin.get(f"/api/v1/webhooks/{hook['id']}").json()
    assert "secret" not in got
    assert got["events"] == ["cut.closed", "cut.published"]
    listed = admin.get("/api/v1/webhooks").json()
    assert listed["total"] == 1 and "secret" not in listed["items"][0]

    r = admin.patch(f"/api/v1/webhooks/{hook['id']}", json={"events": ["report.ready"]})
    assert r.status_code == 200 and r.json()["events"] == ["report.ready"]
    assert admin.delete(f"/api/v1/webhooks/{hook['id']}").status_code == 204
    assert_problem(admin.get(f"/api/v1/webhooks/{hook['id']}"), 404)


def test_a_closed_cut_is_delivered_signed_and_only_after_the_request(world, root, receiver):
    o = _org(world, root)
    admin, cut, plan = o["admin"], o["cut"], o["plan"]
    hook = _register(admin, f"{receiver.url}/signed", ["cut.closed"])

    r = admin.post(f"/api/v1/cuts/{cut['id']}/close")
    assert r.status_code == 200
    # The request only wrote the delivery: nothing was sent yet.
    assert receiver.at("/signed") == []
    [queued] = _deliveries(admin, hook)
    assert (queued["status"], queued["attempts"], queued["event_type"]) == (
        "queued",
        0,
        "cut.closed",
    )

    world.run_jobs()
    [req] = receiver.at("/signed")
    assert verify(hook["secret"], req["headers"], req["body"])
    assert not verify("whsec_other", req["headers"], req["body"])
    body = json.loads(req["body"])
    assert req["headers"]["Webhook-Id"] == body["id"] == queued["event_id"]
    assert req["headers"]["Content-Type"] == "application/json"
    assert body["type"] == "cut.closed"
    assert body["organization_id"] == o["org"]["id"]
    assert body["data"] == {
        "link": f"/api/v1/cuts/{cut['id']}",
        "cut_id": cut["id"],
        "cut_code": "C1",
        "plan_id": plan["id"],
        "plan_code": "P",
        "status": "closed",
    }
    [done] = _deliveries(admin, hook)
    assert (done["status"], done["attempts"], done["response_code"], done["error"]) == (
        "succeeded",
        1,
        200,
        None,
    )
    assert done["delivered_at"] == done["last_attempt_at"] and done["next_attempt_at"] is None

    # Publishing is not an event it asked for.
    admin.post(f"/api/v1/cuts/{cut['id']}/publish")
    world.run_jobs()
    assert len(receiver.at("/signed")) == 1 and len(_deliveries(admin, hook)) == 1


def test_a_rolled_back_change_sends_nothing(world, root, receiver):
    o = _org(world, root)
    admin, cut = o["admin"], o["cut"]
    hook = _register(admin, f"{receiver.url}/rollback", ["cut.published"])
    # Publishing an open cut fails: no delivery is left behind.
    assert_problem(admin.post(f"/api/v1/cuts/{cut['id']}/publish"), 409)
    world.run_jobs()
    assert _deliveries(admin, hook) == [] and receiver.at("/rollback") == []


def test_failures_are_retried_on_the_schedule_then_succeed(world, root, receiver):
    o = _org(world, root)
    admin, cut = o["admin"], o["cut"]
    receiver.scripts["/flaky"] = [500, 503, 200]
    hook = _register(admin, f"{receiver.url}/flaky", ["cut.closed"])
    admin.post(f"/api/v1/cuts/{cut['id']}/close")

    world.run_jobs()
    # The first retry came at once; the second waits its hour.
    assert len(receiver.at("/flaky")) == 2
    [d] = _deliveries(admin, hook)
    assert (d["status"], d["attempts"], d["response_code"], d["error"]) == (
        "retrying",
        2,
        503,
        "Answered 503.",
    )
    last, nxt = (datetime.fromisoformat(d[k]) for k in ("last_attempt_at", "next_attempt_at"))
    assert nxt - last == timedelta(seconds=3600)
    with world.engine.connect() as conn:
        scheduled = conn.execute(
            text("SELECT scheduled_at FROM procrastinate_jobs WHERE status = 'todo'")
        ).scalar_one()
    assert scheduled == nxt
    failing = admin.get(f"/api/v1/webhooks/{hook['id']}").json()["failing_since"]
    assert failing is not None

    _bring_retries_forward(world)
    world.run_jobs()
    tries = receiver.at("/flaky")
    assert len(tries) == 3
    # The same event, body and id each time; each attempt signed afresh.
    assert len({t["body"] for t in tries}) == 1
    assert len({t["headers"]["Webhook-Id"] for t in tries}) == 1
    assert all(verify(hook["secret"], t["headers"], t["body"]) for t in tries)
    [d] = _deliveries(admin, hook)
    assert (d["status"], d["attempts"], d["response_code"]) == ("succeeded", 3, 200)
    assert admin.get(f"/api/v1/webhooks/{hook['id']}").json()["failing_since"] is None


def test_redirects_are_failures_and_not_followed(world, root, receiver):
    o = _org(world, root)
    admin, cut = o["admin"], o["cut"]
    receiver.scripts["/moved"] = [302]
    hook = _register(admin, f"{receiver.url}/moved", ["cut.closed"])
    admin.post(f"/api/v1/cuts/{cut['id']}/close")
    world.run_jobs()
    [d] = _deliveries(admin, hook)
    assert (d["status"], d["attempts"], d["response_code"]) == ("retrying", 2, 302)
    assert d["error"] == "Answered 302 (redirects are not followed)."


def test_a_slow_receiver_times_out_without_slowing_the_request(world, root, receiver):
    o = _org(world, root)
    admin, cut = o["admin"], o["cut"]
    receiver.slow_s["/slow"] = 1.5  # more than the 1 s timeout these tests set
    hook = _register(admin, f"{receiver.url}/slow", ["cut.closed"])
    receiver.entered.clear()
    assert admin.post(f"/api/v1/cuts/{cut['id']}/close").status_code == 200
    # The request answered without the receiver having been called at all.
    assert not receiver.entered.is_set()
    world.run_jobs()
    [d] = _deliveries(admin, hook)
    assert (d["status"], d["attempts"], d["response_code"]) == ("retrying", 2, None)
    assert d["error"] == "No answer within 1 s."


def test_an_endpoint_failing_for_a_day_is_disabled(world, root, receiver):
    o = _org(world, root)
    admin, cut = o["admin"], o["cut"]
    receiver.scripts["/down"] = [500]
    hook = _register(admin, f"{receiver.url}/down", ["cut.closed", "cut.published"])
    admin.post(f"/api/v1/cuts/{cut['id']}/close")
    world.run_jobs()
    with world.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE webhooks SET failing_since = failing_since - interval '25 hours' "
                "WHERE id = :id"
            ),
            {"id": hook["id"]},
        )
    _bring_retries_forward(world)
    world.run_jobs()
    got = admin.get(f"/api/v1/webhooks/{hook['id']}").json()
    assert got["active"] is False and got["disabled_at"] is not None
    assert got["disabled_reason"].startswith("Desactivado: sin una entrega exitosa desde ")
    assert got["disabled_reason"].endswith("UTC. Último error: Answered 500.")
    [d] = _deliveries(admin, hook)
    assert (d["status"], d["attempts"], d["next_attempt_at"]) == ("failed", 3, None)

    # Disabled: new events are not delivered to it, and redelivery waits for it.
    admin.post(f"/api/v1/cuts/{cut['id']}/publish")
    assert len(_deliveries(admin, hook)) == 1
    redeliver = f"/api/v1/webhooks/{hook['id']}/deliveries/{d['id']}/redeliver"
    assert_problem(admin.post(redeliver), 409)

    # Turned back on (the receiver fixed): the admin redelivers the event.
    receiver.scripts["/down"] = [200]
    back = admin.patch(f"/api/v1/webhooks/{hook['id']}", json={"active": True}).json()
    assert (back["active"], back["disabled_reason"], back["failing_since"]) == (True, None, None)
    r = admin.post(redeliver)
    assert r.status_code == 202 and r.json()["status"] == "queued"
    assert_problem(admin.post(redeliver), 409)
    world.run_jobs()
    [d] = _deliveries(admin, hook)
    assert (d["status"], d["attempts"], d["response_code"]) == ("succeeded", 1, 200)
    assert_problem(
        admin.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{uuid.uuid4()}/redeliver"), 404
    )


def test_followup_and_import_events(world, root, receiver):
    o = _org(world, root)
    admin, cut, ind, plan = o["admin"], o["cut"], o["indicator"], o["plan"]
    events = ["followup.submitted", "followup.returned", "followup.approved", "import.finished"]
    hook = _register(admin, f"{receiver.url}/followups", events)
    r = admin.post(
        f"/api/v1/plans/{plan['id']}/measurements",
        json={"items": [{"indicator_code": "M1", "period_end": "2023-06-30", "value": 3}]},
    )
    assert r.json()["created"] == 1, r.text
    url = f"/api/v1/cuts/{cut['id']}/followups/{ind['id']}"
    assert admin.put(url, json={"narrative": "Hecho"}).status_code == 201
    assert admin.post(f"{url}/submit").status_code == 200
    assert admin.post(f"{url}/return", json={"comment": "Falta el acta"}).status_code == 200
    assert admin.post(f"{url}/submit").status_code == 200
    assert admin.post(f"{url}/approve").status_code == 200
    world.run_jobs()
    bodies = [json.loads(r["body"]) for r in receiver.at("/followups")]
    assert sorted(b["type"] for b in bodies) == sorted(
        [
            "import.finished",
            "followup.submitted",
            "followup.returned",
            "followup.submitted",
            "followup.approved",
        ]
    )
    [imported] = [b["data"] for b in bodies if b["type"] == "import.finished"]
    assert imported == {
        "link": f"/api/v1/plans/{plan['id']}",
        "plan_id": plan["id"],
        "plan_code": "P",
        "kind": "measurements",
        "received": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    [approved] = [b["data"] for b in bodies if b["type"] == "followup.approved"]
    assert approved["link"] == url and approved["indicator_code"] == "M1"
    assert approved["status"] == "approved" and approved["cut_id"] == cut["id"]
    assert len(_deliveries(admin, hook)) == 5


def test_another_organization_neither_sees_nor_receives(world, root, receiver):
    a, b = _org(world, root), _org(world, root)
    hook_a = _register(a["admin"], f"{receiver.url}/tenant-a", ["cut.closed"])
    hook_b = _register(b["admin"], f"{receiver.url}/tenant-b", ["cut.closed"])
    outsider = b["admin"]
    assert_problem(outsider.get(f"/api/v1/webhooks/{hook_a['id']}"), 404)
    assert_problem(outsider.patch(f"/api/v1/webhooks/{hook_a['id']}", json={"active": False}), 404)
    assert_problem(outsider.get(f"/api/v1/webhooks/{hook_a['id']}/deliveries"), 404)
    assert [h["id"] for h in outsider.get("/api/v1/webhooks").json()["items"]] == [hook_b["id"]]
    # Registering names no organization: an endpoint hears only its own organization.
    r = outsider.post(
        "/api/v1/webhooks",
        json={
            "url": f"{receiver.url}/x",
            "events": ["cut.closed"],
            "organization_id": a["org"]["id"],
        },
    )
    assert_problem(r, 422)
    # A viewer of the organization may not manage them.
    viewer = world.client(world.token(uuid.UUID(a["org"]["id"]), "viewer"))
    assert_problem(viewer.get("/api/v1/webhooks"), 403)

    a["admin"].post(f"/api/v1/cuts/{a['cut']['id']}/close")
    world.run_jobs()
    assert len(receiver.at("/tenant-a")) == 1
    assert receiver.at("/tenant-b") == []
    assert _deliveries(b["admin"], hook_b) == []


@pytest.mark.parametrize(
    ("url", "events", "message"),
    [
        ("http://93.184.215.14/h", ["cut.closed"], "The URL must be https"),
        ("https://10.0.0.1/h", ["cut.closed"], "resolves to a private"),
        ("https://127.0.0.1/h", ["cut.closed"], "resolves to a private"),
        ("https://169.254.169.254/latest", ["cut.closed"], "resolves to a private"),
        ("https://[::1]/h", ["cut.closed"], "resolves to a private"),
        ("https://localhost/h", ["cut.closed"], "resolves to a private"),
        ("https://user:pass@93.184.215.14/h", ["cut.closed"], "must not carry credentials"),
        ("ftp://93.184.215.14/h", ["cut.closed"], "The URL must be https"),
    ],
)
def test_unsafe_urls_are_refused(world, root, url, events, message):
    strict = _strict(world, _org(world, root))
    r = strict.post("/api/v1/webhooks", json={"url": url, "events": events})
    assert_problem(r, 422)
    [error] = r.json()["errors"]
    assert error["loc"] == ["body", "url"] and message in error["msg"], error


def test_public_https_is_accepted_and_unknown_events_listed(world, root):
    strict = _strict(world, _org(world, root))
    ok = strict.post(
        "/api/v1/webhooks", json={"url": "https://93.184.215.14/h", "events": ["cut.closed"]}
    )
    assert ok.status_code == 201, ok.text
    # Loopback over http is allowed only with WEBHOOKS_ALLOW_PRIVATE.
    assert_problem(
        strict.patch(f"/api/v1/webhooks/{ok.json()['id']}", json={"url": "http://127.0.0.1/h"}),
        422,
    )
    r = strict.post(
        "/api/v1/webhooks", json={"url": "https://93.184.215.14/h", "events": ["cut.deleted"]}
    )
    assert_problem(r, 422)
    [error] = r.json()["errors"]
    assert error["loc"] == ["body", "events", 0]
    for name in (
        "cut.closed",
        "cut.published",
        "followup.submitted",
        "followup.returned",
        "followup.approved",
        "import.finished",
        "report.ready",
        "alert.raised",
    ):
        assert f"'{name}'" in error["msg"]


def test_a_rendered_report_is_announced(world, root, receiver):
    o = _org(world, root)
    admin, cut, plan = o["admin"], o["cut"], o["plan"]
    hook = _register(admin, f"{receiver.url}/reports", ["report.ready"])
    job = admin.post(f"/api/v1/cuts/{cut['id']}/reports", json={"format": "xlsx"}).json()
    report_id = job["links"]["report"].rsplit("/", 1)[1]
    world.run_jobs()
    assert admin.get(f"/api/v1/jobs/{job['id']}").json()["status"] == "done"
    [req] = receiver.at("/reports")
    assert verify(hook["secret"], req["headers"], req["body"])
    body = json.loads(req["body"])
    assert body["type"] == "report.ready"
    assert body["data"] == {
        "link": f"/api/v1/reports/{report_id}",
        "report_id": report_id,
        "cut_id": cut["id"],
        "plan_id": plan["id"],
        "plan_code": "P",
        "format": "xlsx",
        "content": f"/api/v1/reports/{report_id}/content",
    }
