"""`plan-followup push measurements`: against the real app (an httpx transport into it, inside the
test's transaction), and against a small flaky server on loopback for retries and the key."""

from __future__ import annotations

import copy
import io
import json
import socket
import threading
from datetime import datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app import cli, push
from app.demo.loader import load_structure
from app.demo.seeds import bogota
from app.measurements.models import Measurement
from tests.asgi_http import http_client

ITEMS = bogota.SEED["measurements"]  # 14 items of plan PEI, values as exact decimal strings


def count(session) -> int:
    return session.execute(select(func.count()).select_from(Measurement)).scalar_one()


def stored(session) -> dict[tuple[str, str], Decimal]:
    from app.plans.models import Indicator

    rows = session.execute(
        select(Indicator.code, Measurement.period_end, Measurement.value).join(
            Indicator, Indicator.id == Measurement.indicator_id
        )
    )
    return {(code, day.isoformat()): value for code, day, value in rows}


@pytest.fixture
def pei(client) -> dict:
    return load_structure(client, copy.deepcopy(bogota.SEED))["plan"]


@pytest.fixture
def run(client, pei):
    """Runs the push against the app; returns (exit code, stdout, stderr lines, requests)."""

    def run_push(path: Path, *, api=client, plan="PEI", **kwargs):
        out, err = io.StringIO(), io.StringIO()
        with http_client(api) as http:
            code = push.push_measurements(path, plan=plan, client=http, out=out, err=err, **kwargs)
            requests = http._transport.requests
        return code, out.getvalue(), err.getvalue().splitlines(), requests

    return run_push


def write_csv(path: Path, rows: list[list[str]], sep=";", bom=True) -> Path:
    lines = [sep.join(["indicator_code", "period_end", "value", "note"])]
    lines += [sep.join(r) for r in rows]
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\r\n".join(lines) + "\r\n").encode())
    return path


def seed_rows(decimal_comma=False) -> list[list[str]]:
    return [
        [
            m["indicator_code"],
            m["period_end"],
            m["value"].replace(".", ",") if decimal_comma else m["value"],
            '"Nota; con separador"' if i == 0 else "",
        ]
        for i, m in enumerate(ITEMS)
    ]


EXPECTED = {(m["indicator_code"], m["period_end"]): Decimal(m["value"]) for m in ITEMS}


def test_csv_with_semicolons_bom_and_decimal_commas_then_a_rerun(run, session, pei, tmp_path):
    path = write_csv(tmp_path / "avance.csv", seed_rows(decimal_comma=True))
    code, out, err, requests = run(path)
    assert (code, err) == (0, [])
    assert out == "PEI: 14 measurements in 1 batch: 14 created, 0 updated, 0 unchanged.\n"
    assert stored(session) == EXPECTED
    note = session.execute(select(Measurement.note).where(Measurement.note.is_not(None)))
    assert note.scalars().all() == ["Nota; con separador"]
    url = f"/api/v1/plans/{pei['id']}/measurements"
    assert [(r.method, r.url.path, dict(r.url.params)) for r in requests] == [
        ("GET", "/api/v1/plans", {"code": "PEI", "limit": "100"}),
        ("POST", url, {"dry_run": "true"}),
        ("POST", url, {"atomic": "true"}),
    ]
    assert "idempotency-key" not in requests[1].headers
    key = requests[2].headers["idempotency-key"]
    assert key == push.idempotency_key(path.read_bytes(), pei["id"], 1, 1)

    # The same file again (cron re-running after a failure): the same key, no duplicate.
    code, out, err, again = run(path)
    assert (code, err) == (0, [])
    assert again[2].headers["idempotency-key"] == key
    assert out == (
        "PEI: 14 measurements in 1 batch (1 of them already sent by an earlier run: its answer "
        "repeated): 14 created, 0 updated, 0 unchanged.\n"
    )
    assert count(session) == 14


def test_comma_separated_without_bom_in_batches(run, session, tmp_path):
    path = write_csv(tmp_path / "avance.csv", seed_rows(), sep=",", bom=False)
    code, out, err, requests = run(path, batch_size=5)
    assert (code, err) == (0, [])
    assert out == "PEI: 14 measurements in 3 batches: 14 created, 0 updated, 0 unchanged.\n"
    sends = [r for r in requests if r.url.params.get("atomic") == "true"]
    assert [len(json.loads(r.content)["items"]) for r in sends] == [5, 5, 4]
    assert len({r.headers["idempotency-key"] for r in sends}) == 3
    assert stored(session) == EXPECTED


def test_xlsx_with_date_cells_and_numbers(run, session, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Indicator_Code", "period_end", "value", "note"])
    for m in ITEMS:
        value = Decimal(m["value"])
        sheet.append(
            [
                m["indicator_code"],
                datetime.fromisoformat(m["period_end"]),
                int(value) if value == value.to_integral_value() else float(value),
                None,
            ]
        )
    sheet.append([None, None, None, None])  # an empty row at the end is no item
    book.save(tmp_path / "avance.xlsx")
    code, out, err, _ = run(tmp_path / "avance.xlsx")
    assert (code, err) == (0, [])
    assert out == "PEI: 14 measurements in 1 batch: 14 created, 0 updated, 0 unchanged.\n"
    assert stored(session) == EXPECTED


@pytest.mark.parametrize("wrapped", [True, False])
def test_json_items_or_a_list(run, session, tmp_path, wrapped):
    # Numbers are written as JSON numbers with their exact digits.
    items = [{**m, "value": m["value"]} for m in ITEMS]
    text = json.dumps({"items": items} if wrapped else items)
    for m in ITEMS:
        text = text.replace(f'"value": "{m["value"]}"', f'"value": {m["value"]}', 1)
    path = tmp_path / "avance.json"
    path.write_text(text, encoding="utf-8")
    code, out, err, requests = run(path)
    assert (code, err) == (0, [])
    assert out == "PEI: 14 measurements in 1 batch: 14 created, 0 updated, 0 unchanged.\n"
    assert stored(session) == EXPECTED
    assert b'"value":72.5,' in requests[-1].content or b'"value":72.50,' in requests[-1].content


def test_rejected_rows_are_located_and_nothing_is_sent(run, session, tmp_path):
    rows = seed_rows()
    rows.insert(2, ["NOPE", "2023-06-30", "1", ""])  # row 4 (the header is row 1)
    rows.insert(5, ["IS-545", "2031-06-30", "1", ""])  # row 7: after the plan's years
    rows.insert(8, ["IS-546", "2023-05-31", "abc", ""])  # row 10: not a number
    rows.append([ITEMS[0]["indicator_code"], ITEMS[0]["period_end"], "3", ""])  # row 19
    rows.append(["IS-546", "2023-05-30", "1", "", "5"])  # row 20: one cell too many
    path = write_csv(tmp_path / "avance.csv", rows)
    code, out, err, requests = run(path, batch_size=10)
    assert (code, out) == (1, "")
    assert err == [
        "row 4: NOPE 2023-06-30: unknown indicator NOPE in this plan",
        "row 7: IS-545 2031-06-30: period_end 2031-06-30 is outside the plan's years 2020-2024",
        "row 10: IS-546 2023-05-31: value 'abc' is not a number",
        "row 19: IS-321 2023-06-30: duplicate of row 2 (same indicator and period_end)",
        "row 20: IS-546 2023-05-30: more cells than columns (5): a decimal comma unquoted?",
        "5 of 19 items rejected by the dry run: nothing was sent.",
    ]
    assert not [r for r in requests if r.url.params.get("atomic")]
    assert count(session) == 0


def test_unknown_plan_code(run, session, tmp_path):
    code, out, err, requests = run(write_csv(tmp_path / "a.csv", seed_rows()), plan="NOPE")
    assert (code, out, err) == (2, "", ["No plan with code 'NOPE' is visible to this token."])
    assert [r.method for r in requests] == ["GET"]


def test_organization_picks_the_plan(run, client, pei, tmp_path):
    org = client.get(f"/api/v1/organizations/{pei['organization_id']}").json()
    path = write_csv(tmp_path / "a.csv", seed_rows())
    assert run(path, organization=org["code"])[0] == 0
    code, _, err, _ = run(path, organization="OTRA")
    assert (code, err) == (2, ["No organization with code 'OTRA' is visible to this token."])


def test_bad_token_is_one_line_and_exit_3(run, as_token, tmp_path):
    code, out, err, requests = run(
        write_csv(tmp_path / "a.csv", seed_rows()), api=as_token("not-a-real-token")
    )
    assert (code, out, len(err)) == (3, "", 1)
    assert err[0].startswith("The service refused the token (401): check PLAN_FOLLOWUP_TOKEN.")
    assert [r.method for r in requests] == ["GET"]


def test_a_viewer_may_not_push(run, as_token, make_token, pei, tmp_path):
    token = make_token(pei["organization_id"], role="viewer")
    code, _, err, requests = run(write_csv(tmp_path / "a.csv", seed_rows()), api=as_token(token))
    assert code == 3 and len(err) == 1 and err[0].startswith("The token may not do this (403)")
    assert not [r for r in requests if r.url.params.get("atomic")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"code;period_end;value\n", "the first row must name the columns"),
        (b"", "the file is empty"),
        (b"indicator_code;period_end;value\n", "no measurements in the file"),
    ],
)
def test_bad_files_are_usage_errors(run, tmp_path, content, message):
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    code, _, err, requests = run(path)
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert requests == []


# --- the command line ----------------------------------------------------------------------


def cli_exit(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    return stopped.value.code


def test_cli_missing_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLAN_FOLLOWUP_TOKEN", "t")
    missing = tmp_path / "nada.csv"
    assert cli_exit(["push", "measurements", str(missing), "--plan", "PEI"]) == 2
    assert capsys.readouterr().err == f"{missing}: no such file\n"


def test_cli_without_token(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PLAN_FOLLOWUP_TOKEN", raising=False)
    path = write_csv(tmp_path / "a.csv", seed_rows())
    assert cli_exit(["push", "measurements", str(path), "--plan", "PEI"]) == 2
    assert capsys.readouterr().err.startswith("Set PLAN_FOLLOWUP_TOKEN to an API token")


def test_cli_bad_arguments(capsys):
    assert cli_exit(["push", "measurements", "a.csv"]) == 2  # no --plan
    assert "--plan" in capsys.readouterr().err


def test_cli_unreachable_url(tmp_path, capsys, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(push, "_pause", waits.append)
    monkeypatch.setenv("PLAN_FOLLOWUP_TOKEN", "t")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = write_csv(tmp_path / "a.csv", seed_rows())
    argv = ["push", "measurements", str(path), "--plan", "PEI", "--url", f"http://127.0.0.1:{port}"]
    assert cli_exit(argv) == 3
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(
        f"The service at http://127.0.0.1:{port} did not answer after {push.ATTEMPTS} tries "
        "(ConnectError"
    )
    assert len(waits) == push.ATTEMPTS - 1
    # Exponential backoff with jitter: each wait in [half, all] of 1, 2, 4, 8, 16 s.
    assert all(2**i / 2 <= w <= 2**i for i, w in enumerate(waits)), waits


# --- a flaky server on loopback --------------------------------------------------------------


class Flaky:
    """Answers GET /api/v1/plans with one plan; POSTs from a script of answers, then 200."""

    def __init__(self, script: list) -> None:
        self.script = script
        self.seen: list[tuple[str, dict, bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.seen.append((self.path, dict(self.headers), b""))
                self.answer(200, {"items": [{"id": "p-1", "code": "PEI"}], "total": 1})

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.seen.append((self.path, dict(self.headers), body))
                step = owner.script.pop(0) if owner.script else 200
                if step == "drop":  # the connection closes with no answer
                    self.close_connection = True
                    return
                status, headers, *problem = (step, {}) if isinstance(step, int) else step
                if status != 200:
                    return self.answer(
                        status, problem[0] if problem else {"title": "busy"}, headers
                    )
                n = len(json.loads(body)["items"])
                self.answer(
                    200,
                    {"received": n, "created": n, "updated": 0, "unchanged": 0, "rejected": []},
                )

            def answer(self, status, body, headers=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def posts(self, kind: str) -> list[tuple[str, dict, bytes]]:
        return [s for s in self.seen if f"{kind}=true" in s[0]]


def push_to(url: str, path: Path, waits: list[float]) -> tuple[int, list[str]]:
    err = io.StringIO()
    with httpx.Client(base_url=url, headers={"Authorization": "Bearer t"}) as http:
        code = push.push_measurements(
            path, plan="PEI", client=http, sleep=waits.append, out=io.StringIO(), err=err
        )
    return code, err.getvalue().splitlines()


def test_retries_honour_retry_after_and_reuse_the_key(tmp_path):
    path = write_csv(tmp_path / "a.csv", seed_rows())
    waits: list[float] = []
    # dry run: 503 then fine; send: dropped, 429, then fine.
    script = [(503, {"Retry-After": "7"}), 200, "drop", (429, {"Retry-After": "3"})]
    with Flaky(script) as server:
        code, err = push_to(server.url, path, waits)
    assert code == 0, err
    assert len(server.posts("dry_run")) == 2
    sends = server.posts("atomic")
    assert len(sends) == 3
    keys = {headers["Idempotency-Key"] for _, headers, _ in sends}
    assert keys == {push.idempotency_key(path.read_bytes(), "p-1", 1, 1)}
    assert len({body for _, _, body in sends}) == 1
    assert waits[0] == 7 and 0.5 <= waits[1] <= 1 and waits[2] == 3, waits
    assert err[0] == "HTTP 503; retrying in 7.0 s"
    assert err[1].startswith("RemoteProtocolError: ")
    assert err[2] == "HTTP 429; retrying in 3.0 s"


def test_a_rerun_after_giving_up_sends_the_same_key(tmp_path):
    path = write_csv(tmp_path / "a.csv", seed_rows())
    waits: list[float] = []
    with Flaky([200] + ["drop"] * push.ATTEMPTS) as server:
        code, err = push_to(server.url, path, waits)
    assert code == 3
    assert err[-1].startswith(f"The service at {server.url} did not answer after 6 tries")
    first = {h["Idempotency-Key"] for _, h, _ in server.posts("atomic")}
    assert len(server.posts("atomic")) == push.ATTEMPTS and len(first) == 1

    with Flaky([]) as server:
        code, err = push_to(server.url, path, waits)
    assert (code, err) == (0, [])
    assert {h["Idempotency-Key"] for _, h, _ in server.posts("atomic")} == first

    # Another file (one value changed) is another key.
    rows = seed_rows()
    rows[0][2] = "73"
    other = write_csv(tmp_path / "b.csv", rows)
    assert push.idempotency_key(other.read_bytes(), "p-1", 1, 1) not in first


def test_a_server_that_stays_busy_is_exit_3(tmp_path):
    waits: list[float] = []
    with Flaky([(503, {"Retry-After": "1000"})] * push.ATTEMPTS) as server:
        code, err = push_to(server.url, write_csv(tmp_path / "a.csv", seed_rows()), waits)
    assert code == 3
    assert waits == [push.RETRY_AFTER_CAP] * (push.ATTEMPTS - 1)  # Retry-After, capped
    assert server.posts("atomic") == []


def test_a_batch_refused_after_a_clean_dry_run(tmp_path):
    """The plan changed between the dry run and the send: atomic=true wrote nothing of it."""
    problem = {
        "title": "Validation failed",
        "errors": [{"loc": ["body", "items", 3], "msg": "indicator IS-543 is retired"}],
    }
    path = write_csv(tmp_path / "a.csv", seed_rows())
    with Flaky([200, (422, {}, problem)]) as server:
        code, err = push_to(server.url, path, [])
    assert code == 1
    assert err == [
        "row 5: IS-543 2023-06-30: indicator IS-543 is retired",
        "Batch 1 of 1 was refused after a clean dry run (the plan changed meanwhile): "
        "nothing of it was written.",
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_large_files_at_a_terminal(tmp_path):
    rows = [["IS-321", f"2023-06-{1 + i % 28:02d}", str(i), ""] for i in range(2_500)]
    path = write_csv(tmp_path / "big.csv", rows)
    shown = {}
    for err in (Terminal(), io.StringIO()):
        with Flaky([]) as server, httpx.Client(base_url=server.url) as http:
            out = io.StringIO()
            code = push.push_measurements(path, plan="PEI", client=http, out=out, err=err)
        assert code == 0
        assert out.getvalue().startswith("PEI: 2500 measurements in 1 batch: 2500 created")
        shown[err.isatty()] = err.getvalue()
    # tqdm redraws at most every 0.1 s: what it drew depends on timing, not that it drew.
    assert "checking:   0%" in shown[True] and "sending:   0%" in shown[True], shown[True]
    assert "/2500 [" in shown[True]
    assert shown[False] == ""  # cron's log gets no bar
