"""The committed OpenAPI document generates clean clients, as an integrator would generate them.

Python: openapi-python-client with --fail-on-warning (it once dropped the response types of the
results operations over two schemas named `BandOut`), then the generated client reads the real
app's results into its typed models. TypeScript: openapi-typescript, then `tsc --noEmit --strict`
on tests/clients/results_usage.ts. The npm tools (pinned in tests/clients/package-lock.json) are
installed once under .venv/node-clients/<hash of package.json and the lock>/ and reused; without
node and npm on the machine the TypeScript half is skipped, saying so.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import typing
from pathlib import Path

import pytest

from app.core.config import PROJECT_ROOT
from app.demo.loader import load
from app.demo.seeds import bogota
from tests.asgi_http import http_client

OPENAPI = PROJECT_ROOT / "openapi" / "openapi.json"
CLIENTS = Path(__file__).parent / "clients"
PACKAGE = "plan_followup_client"

# operationId -> the schema its 200 answers, for every results operation.
RESULTS_OPERATIONS = {
    "get_cut_results": "CutResults",
    "get_results_by_unit": "GroupedResults",
    "get_results_by_axis": "GroupedResults",
    "get_results_by_band": "ListedResults",
    "get_results_by_status": "ListedResults",
    "get_plan_trend": "PlanTrend",
    "get_cut_alerts": "Alerts",
    "get_plan_budget": "BudgetMatrixOut",
}
# The generator puts an operation under its tag; the results operations not tagged "results".
TAGS = {"get_cut_alerts": "alerts"}


def _run(cmd: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed tools on files the test writes
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_schema_names_are_unique_across_modules():
    # FastAPI names colliding models `app__x__schemas__Name`; generators then collide or drop.
    names = json.loads(OPENAPI.read_text(encoding="utf-8"))["components"]["schemas"]
    assert [n for n in names if "__" in n] == []


# --- Python -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The Python client generated from the committed document, importable as PACKAGE."""
    out = tmp_path_factory.mktemp("python-client")
    # The generator formats its output with ruff: the one in this virtualenv.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = _run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(OPENAPI),
            "--output-path",
            str(out / PACKAGE),
            "--meta",
            "none",
            "--fail-on-warning",
            "--config",
            str(OPENAPI.parent / "python-client.yaml"),
        ],
        cwd=out,
        env=env,
    )
    log = done.stdout + done.stderr
    sys.path.insert(0, str(out))
    yield done.returncode, log, out / PACKAGE
    sys.path.remove(str(out))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def test_python_client_generates_without_a_warning(generated):
    returncode, log, _ = generated
    assert returncode == 0, log
    assert "warning" not in log.lower(), log
    assert "unable" not in log.lower(), log


@pytest.mark.parametrize("operation", sorted(RESULTS_OPERATIONS))
def test_results_operations_have_typed_answers(generated, operation):
    returncode, log, path = generated
    assert returncode == 0, log
    tag = TAGS.get(operation, "results")
    module = importlib.import_module(f"{PACKAGE}.api.{tag}.{operation}")
    model = importlib.import_module(f"{PACKAGE}.models").__dict__[RESULTS_OPERATIONS[operation]]
    answer = typing.get_type_hints(module.sync)["return"]
    assert model in typing.get_args(answer), answer


def test_generated_client_reads_real_results(generated, client):
    """The generated client, on the app itself, parses every results answer into its models."""
    returncode, log, _ = generated
    assert returncode == 0, log
    package = importlib.import_module(PACKAGE)
    models = importlib.import_module(f"{PACKAGE}.models")
    api = {
        op: importlib.import_module(f"{PACKAGE}.api.{TAGS.get(op, 'results')}.{op}")
        for op in RESULTS_OPERATIONS
    }

    plan_id = load(client, copy.deepcopy(bogota.SEED))["plan"]["id"]
    cut_id = client.get(f"/api/v1/plans/{plan_id}/cuts").json()["items"][0]["id"]
    generated_client = package.Client(base_url="http://testserver", raise_on_unexpected_status=True)
    generated_client.set_httpx_client(http_client(client))

    results = api["get_cut_results"].sync(cut_id=cut_id, client=generated_client)
    assert isinstance(results, models.CutResults)
    raw = client.get(f"/api/v1/cuts/{cut_id}/results").json()
    assert results.to_dict() == raw
    indicator = {i.code: i for i in results.indicators}["IS-546"]
    assert (indicator.year_advance_pct_shown, indicator.executed_to_date) == (72.26, 150623)
    assert isinstance(results.nodes[0].band, models.ResultBand)

    calls = {
        "get_results_by_unit": {"cut_id": cut_id},
        "get_results_by_band": {"cut_id": cut_id},
        "get_results_by_status": {"cut_id": cut_id},
        "get_plan_trend": {"plan_id": plan_id},
    }
    for op, kwargs in calls.items():
        answer = api[op].sync(client=generated_client, **kwargs)
        assert type(answer).__name__ == RESULTS_OPERATIONS[op], (op, answer)


# --- TypeScript ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def node_tools(request) -> Path:
    """node_modules/.bin with the pinned openapi-typescript and typescript (installed once)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("TypeScript half skipped: node and npm are not installed on this machine")
    lock = (CLIENTS / "package-lock.json").read_bytes()
    key = hashlib.sha256((CLIENTS / "package.json").read_bytes() + lock).hexdigest()[:16]
    # Kept with the virtualenv (`make clean` drops it), else in pytest's cache.
    in_venv = sys.prefix != sys.base_prefix
    cache = Path(sys.prefix) / "node-clients" if in_venv else request.config.cache.mkdir("node")
    home = cache / key
    bin_dir = home / "node_modules" / ".bin"
    if not (bin_dir / "tsc").exists() or not (bin_dir / "openapi-typescript").exists():
        cache.mkdir(parents=True, exist_ok=True)
        # Installed aside, then renamed into place: two runs at once never see half a tree.
        work = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=cache))
        for name in ("package.json", "package-lock.json"):
            shutil.copy(CLIENTS / name, work / name)
        done = _run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts"],
            cwd=work,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        try:
            work.rename(home)
        except OSError:  # another run got there first
            shutil.rmtree(work, ignore_errors=True)
    return bin_dir


def test_typescript_types_compile_strictly(node_tools, tmp_path):
    shutil.copy(CLIENTS / "results_usage.ts", tmp_path / "results_usage.ts")
    done = _run(
        [str(node_tools / "openapi-typescript"), str(OPENAPI), "-o", str(tmp_path / "api.d.ts")],
        cwd=tmp_path,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert "warn" not in log.lower() and "error" not in log.lower(), log

    done = _run(
        [
            str(node_tools / "tsc"),
            "--noEmit",
            "--strict",
            "--noUncheckedIndexedAccess",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
            "results_usage.ts",
        ],
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
