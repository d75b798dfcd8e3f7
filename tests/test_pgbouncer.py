"""The service behind PgBouncer in transaction mode: a PgBouncer started here on a loopback
port in front of the test server, and a subset of the suite run through it with the settings
README "Connection poolers" gives (DB_PREPARED_STATEMENTS=false, DB_STATEMENT_TIMEOUT_MS=0).

Skipped when `pgbouncer` is not installed (`apt-get install -y pgbouncer`) or the test server
is the embedded one (no DATABASE_URL to put PgBouncer in front of)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from app.core.config import PROJECT_ROOT, Settings

PGBOUNCER = shutil.which("pgbouncer") or (
    "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
)
SUBSET = ["tests/api/test_cuts_measurements.py", "tests/api/test_auth.py"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"pgbouncer exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("pgbouncer did not listen")


@pytest.fixture
def pgbouncer() -> Iterator[str]:
    # Its own directory under /tmp: PgBouncer may run as another user (see below).
    with tempfile.TemporaryDirectory(prefix="pgbouncer-") as tmp:
        yield from _pgbouncer(Path(tmp))


def _pgbouncer(tmp_path: Path) -> Iterator[str]:
    """A PgBouncer in transaction mode in front of the test server; its URL."""
    if PGBOUNCER is None:
        pytest.skip("pgbouncer is not installed (apt-get install -y pgbouncer)")
    configured = Settings().database_url
    if not configured:
        pytest.skip("DATABASE_URL is unset: no server to put PgBouncer in front of")
    server = make_url(configured)
    port = _free_port()
    ini = tmp_path / "pgbouncer.ini"
    ini.write_text(
        f"""[databases]
* = host={server.host or "127.0.0.1"} port={server.port or 5432} user={server.username}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
; a test server on loopback that trusts its clients; production uses scram-sha-256
auth_type = any
pool_mode = transaction
default_pool_size = 10
max_client_conn = 200
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = {tmp_path / "pgbouncer.log"}
""",
        encoding="utf-8",
    )
    command = [PGBOUNCER, str(ini)]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        shutil.chown(tmp_path, "postgres")
        shutil.chown(ini, "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    proc = subprocess.Popen(command)  # noqa: S603 - fixed command
    try:
        _wait_port(port, proc)
        yield server.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_suite_subset_through_pgbouncer_in_transaction_mode(pgbouncer):
    url = pgbouncer.replace("postgresql+psycopg://", "postgresql://")
    env = {
        # Not one of this run's xdist workers: a pytest of its own.
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST_", "PLAN_FOLLOWUP_TEST"))
        },
        "DATABASE_URL": url,
        "DB_PREPARED_STATEMENTS": "false",
        "DB_STATEMENT_TIMEOUT_MS": "0",
    }
    result = subprocess.run(  # noqa: S603 - our own test runner
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *SUBSET],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout.splitlines()[-1]
