"""Real processes for the tests that need them: `plan-followup serve` on a loopback port."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import make_url

from app.core.db import sqlalchemy_url

# Safety nets so a broken service fails the test instead of hanging it; never asserted on.
PATIENCE_S = 120

CLI = Path(sys.executable).with_name("plan-followup")


def cli(*args: str) -> list[str]:
    # The console script the package installs; `python -m app.cli` where it is not on disk.
    return [str(CLI), *args] if CLI.exists() else [sys.executable, "-m", "app.cli", *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PORT", "HOST", "WEB_CONCURRENCY"}}
    # One worker unless a test asks for more (`serve` defaults to one per core).
    env.update(DATABASE_URL=database_url, LOG_JSON="false", LOG_LEVEL="INFO", WEB_CONCURRENCY="1")
    env.update(extra)
    return env


def dsn(url: str) -> str:
    return sqlalchemy_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def with_port(url: str, port: int) -> str:
    """The same database over TCP on 127.0.0.1:`port` (the embedded server's URL names a
    unix socket directory in `?host=`: that is dropped)."""
    parsed = make_url(sqlalchemy_url(url))
    query = {k: v for k, v in parsed.query.items() if k != "host"}
    return parsed.set(host="127.0.0.1", port=port, query=query).render_as_string(
        hide_password=False
    )


class Service:
    """`plan-followup serve` in a subprocess, its log lines collected as they come."""

    def __init__(self, database_url: str, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(  # noqa: S603 (our own command line)
            cli("serve", "--host", "127.0.0.1", "--port", str(self.port)),
            env=env_for(database_url, **env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)
            self._new.put(line)

    def wait_for_line(self, text: str) -> str:
        deadline = time.monotonic() + PATIENCE_S
        for line in self.lines:
            if text in line:
                return line
        while time.monotonic() < deadline:
            try:
                line = self._new.get(timeout=1)
            except queue.Empty:
                if self.proc.poll() is not None and self._new.empty():
                    break
                continue
            if text in line:
                return line
        raise AssertionError(f"no log line with {text!r}:\n{''.join(self.lines)}")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + PATIENCE_S
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "".join(self.lines)
            try:
                if httpx.get(self.base + "/health/ready", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError("never ready:\n" + "".join(self.lines))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=PATIENCE_S)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def running_services():
    """Body of a `services` fixture: a factory of Services, all killed at the end."""
    started: list[Service] = []

    def start(database_url: str, **env: str) -> Service:
        service = Service(database_url, **env)
        started.append(service)
        return service

    yield start
    for service in started:
        service.kill()
