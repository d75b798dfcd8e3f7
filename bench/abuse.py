"""Abuse limits against the real service process (issue 11, proof 4), run by `make chaos`.

Each hostile request must get its documented answer (413, 400, 422, 408, 429) while a
bystander client keeps being served; every answer carries the security headers and no server
banner; CORS answers only the configured origin.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
ALLOWED_ORIGIN = "https://panel.example"


@dataclass
class Check:
    name: str
    expected: str
    got: str
    ok: bool


@dataclass
class Bystander:
    """Another client reading while the abuse goes on: its latencies and failures."""

    base: str
    headers: dict[str, str]
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    pause_s: float = 0.1
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as c:
            while not self.stop.is_set():
                t0 = time.monotonic()
                try:
                    r = c.get("/api/v1/organizations", params={"limit": 5})
                    if r.status_code != 200:
                        self.failures += 1
                except httpx.HTTPError:
                    self.failures += 1
                self.latencies.append(time.monotonic() - t0)
                time.sleep(self.pause_s)

    def __enter__(self) -> Bystander:
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=60)

    def figures(self) -> str:
        if not self.latencies:
            return "no requests"
        return (
            f"{len(self.latencies)} requests, failed {self.failures}, "
            f"median {statistics.median(self.latencies) * 1000:.0f} ms, "
            f"max {max(self.latencies) * 1000:.0f} ms"
        )


def _status_of(fn) -> str:
    try:
        r = fn()
    except httpx.HTTPError as exc:
        return f"no answer ({type(exc).__name__})"
    return str(r.status_code)


def _trickle(base: str, token: str, seconds: float, results: list, index: int) -> None:
    """A POST whose declared 1,000-byte body comes a byte per second; the status and when."""
    url = urlparse(base)
    started = time.monotonic()
    status = "no answer"
    try:
        with socket.create_connection((url.hostname, url.port), timeout=seconds + 30) as s:
            s.sendall(
                (
                    "POST /api/v1/organizations HTTP/1.1\r\n"
                    f"Host: {url.hostname}\r\nAuthorization: Bearer {token}\r\n"
                    "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
                ).encode()
            )
            s.setblocking(False)
            answer = b""
            while time.monotonic() - started < seconds:
                try:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
                    if b"\r\n\r\n" in answer:
                        break
                except BlockingIOError:
                    pass
                try:
                    s.send(b" ")
                except OSError:
                    break  # the server closed the connection
                time.sleep(1)
            s.setblocking(True)
            s.settimeout(5)
            try:
                while b"\r\n\r\n" not in answer:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
            except OSError:
                pass
            if answer.startswith(b"HTTP/1.1 "):
                status = answer.split(b" ", 2)[1].decode()
    except OSError as exc:
        status = f"no answer ({type(exc).__name__})"
    results[index] = (status, time.monotonic() - started)


def run(base: str, token: str, organization_id: str, *, body_timeout_s: float) -> list[str]:
    """Run every abuse; return the lines to print (the last says OK or FAILED)."""
    h = {"Authorization": f"Bearer {token}"}
    checks: list[Check] = []
    lines: list[str] = ["abuse limits (the real uvicorn process):"]
    with httpx.Client(base_url=base, headers=h, timeout=60) as c:
        big = b'{"code": "x", "name": "' + b"a" * (20 * 1024 * 1024) + b'"}'
        got = _status_of(
            lambda: c.post(
                "/api/v1/organizations", content=big, headers={"content-type": "application/json"}
            )
        )
        checks.append(Check("20 MB JSON body", "413", got, got == "413"))
        deep = b'{"items": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
        got = _status_of(
            lambda: c.post(
                "/api/v1/organizations", content=deep, headers={"content-type": "application/json"}
            )
        )
        checks.append(Check("JSON nested 10,000 deep", "400/422", got, got in ("400", "422")))
        got = _status_of(lambda: c.get("/api/v1/organizations", params={"limit": 100_000}))
        checks.append(Check("?limit=100000", "422", got, got == "422"))

        # Security headers and no banner, on a few kinds of answer.
        missing = []
        for r in (
            c.get("/health"),
            c.get("/api/v1/organizations"),
            c.get("/api/v1/nowhere"),
            httpx.get(base + "/api/v1/organizations"),
        ):
            for k, v in SECURITY.items():
                if r.headers.get(k) != v:
                    missing.append(f"{r.status_code}:{k}")
            if "server" in r.headers:
                missing.append(f"{r.status_code}:server={r.headers['server']}")
        checks.append(
            Check(
                "security headers, no server banner",
                "all present",
                "all present" if not missing else ", ".join(missing),
                not missing,
            )
        )
        preflight = {"Access-Control-Request-Method": "POST"}
        evil = c.options(
            "/api/v1/organizations", headers={**preflight, "Origin": "https://evil.example"}
        )
        good = c.options("/api/v1/organizations", headers={**preflight, "Origin": ALLOWED_ORIGIN})
        cors_ok = (
            "access-control-allow-origin" not in evil.headers
            and good.headers.get("access-control-allow-origin") == ALLOWED_ORIGIN
        )
        checks.append(
            Check(
                "CORS: other origin refused, configured one allowed",
                "refused/allowed",
                f"{evil.status_code} {evil.headers.get('access-control-allow-origin', 'no ACAO')}"
                f" / {good.headers.get('access-control-allow-origin')}",
                cors_ok,
            )
        )

        # 20 bodies trickled a byte per second for up to a minute, a bystander reading.
        n_slow = 20
        results: list = [None] * n_slow
        with Bystander(base, h) as bystander:
            threads = [
                threading.Thread(target=_trickle, args=(base, token, 60, results, i), daemon=True)
                for i in range(n_slow)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
        statuses = sorted({str(r[0]) for r in results if r})
        waited = [r[1] for r in results if r]
        checks.append(
            Check(
                f"{n_slow} bodies trickled 1 byte/s",
                f"408 after ~{body_timeout_s:g} s",
                f"{', '.join(statuses)} after {min(waited):.1f}-{max(waited):.1f} s",
                statuses == ["408"] and max(waited) < body_timeout_s + 10,
            )
        )
        lines.append(f"  bystander during the slow bodies: {bystander.figures()}")
        slow_bystander_ok = bystander.failures == 0

        # 50 parallel logins against one username.
        org_users = f"/api/v1/organizations/{organization_id}/users"
        c.post(
            org_users,
            json={
                "username": "victima",
                "full_name": "Víctima",
                "role": "viewer",
                "password": "la clave correcta y larga",
            },
        ).raise_for_status()
        answers: list = [None] * 50
        barrier = threading.Barrier(50)

        pool = httpx.Client(base_url=base, timeout=120, limits=httpx.Limits(max_connections=60))

        def attempt(i: int) -> None:
            barrier.wait()
            try:
                r = pool.post(
                    "/api/v1/auth/login",
                    json={"username": "victima", "password": f"adivinanza {i}"},
                )
                answers[i] = (r.status_code, r.headers.get("retry-after"))
            except httpx.HTTPError as exc:
                answers[i] = (type(exc).__name__, None)

        with Bystander(base, h, pause_s=0.0) as login_bystander:
            started = time.monotonic()
            threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=180)
            login_s = time.monotonic() - started
        counts: dict = {}
        for status, _ in answers:
            counts[status] = counts.get(status, 0) + 1
        pool.close()
        retry_ok = all(ra and int(ra) > 0 for status, ra in answers if status == 429)
        # Guessing on, one at a time, locks the username: then even the right password waits.
        for i in range(5):
            guess = c.post(
                "/api/v1/auth/login", json={"username": "victima", "password": f"otra {i}"}
            )
            if guess.status_code == 429:
                break
        right = c.post(
            "/api/v1/auth/login",
            json={"username": "victima", "password": "la clave correcta y larga"},
        )
        checks.append(
            Check(
                "50 parallel logins, one username",
                "<= 5 x 401, the rest 429 + Retry-After",
                ", ".join(f"{v} x {k}" for k, v in sorted(counts.items(), key=str))
                + f" in {login_s:.1f} s; Retry-After on every 429: {'yes' if retry_ok else 'no'}",
                set(counts) <= {401, 429}
                and counts.get(401, 0) <= 5
                and counts.get(429, 0) >= 45
                and retry_ok,
            )
        )
        checks.append(
            Check(
                "guesses one by one, then the right password",
                "429",
                str(right.status_code),
                right.status_code == 429,
            )
        )
        lines.append(f"  bystander during the logins: {login_bystander.figures()}")
        login_bystander_ok = login_bystander.failures == 0

    for ch in checks:
        verdict = "ok" if ch.ok else "FAILED"
        lines.append(f"  {ch.name:<48} expected {ch.expected:<36} got {ch.got}  {verdict}")
    ok = all(ch.ok for ch in checks) and slow_bystander_ok and login_bystander_ok
    lines.append("abuse limits: " + ("OK" if ok else "FAILED"))
    return lines
