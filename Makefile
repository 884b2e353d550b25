# Two commands: `make run` and `make test`. Both set themselves up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-fast screenshots lint format venv db system-deps clean bench bench-api bench-suggest bench-readers \
	schema-snapshot

# The packages are installed by uv (pinned here), which pip puts in the virtual environment first: on a new
# machine the environment and its packages take about 8 s, where pip took 20 s (both download every package).
# Like pip without --compile, uv leaves compiling to Python, which compiles the few thousand files imported, once.
UV_VERSION := 0.13.9
UV := VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/uv pip install --quiet --python $(BIN)/python

$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "error: $(PYTHON) cannot make a virtual environment (its venv module is missing)."; \
	  echo "       On Debian or Ubuntu: sudo apt-get install python3-venv  (or: sudo bash scripts/system-deps.sh)"; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(UV) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(UV) -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime

db: $(VENV)/.runtime
	$(BIN)/python -m recommendations load --if-empty

run: db
	$(BIN)/streamlit run app.py --server.port $(PORT)

system-deps:
	bash scripts/system-deps.sh

# After changing a table class or adding a migration: the tables as SQLAlchemy Core (models/core.py, written from
# models/orm.py by models/core_render.py), and the statements an empty database is made from (models/snapshot.py),
# captured from Alembic's upgrade of a new SQLite file and of a throw-away PostgreSQL server. The tests fail until
# they are.
schema-snapshot: $(VENV)/.dev system-deps
	$(BIN)/python -m models.core_render
	$(BIN)/python -m models.snapshot

# Python's bytecode cache on (some shells turn it off): every test worker, command-line run and server started by
# the tests would otherwise compile the project and rewrite the tests' asserts again (4 s per process).
unexport PYTHONDONTWRITEBYTECODE

# Workers for pytest: one per core (2 here); the tests that share a server or a database do so per worker.
WORKERS ?= auto

# The type checker runs beside the tests (the browser tests leave a core idle while pages load); both must pass.
test: $(VENV)/.dev system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m recommendations validate
	$(BIN)/mypy > .mypy.out 2>&1 & types=$$!; \
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal $(PYTEST_ARGS); tests=$$?; \
	wait $$types; typed=$$?; cat .mypy.out; rm -f .mypy.out; \
	test $$tests -eq 0 && test $$typed -eq 0

# The browser tests with a full-page screenshot of each state, to look at (test-output/screenshots/).
screenshots: $(VENV)/.dev system-deps
	TRACKER_SCREENSHOTS=1 $(BIN)/python -m pytest -n $(WORKERS) -m e2e

# The edit-test loop: unit tests and AppTests on SQLite (no PostgreSQL, no browser), in parallel.
test-fast: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal -m "not e2e and not postgres and not slow"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var test-output .pytest_cache

BENCH_SIZES ?= 1000

# Not part of `make test`: measured and recorded in docs/performance.md, not asserted.
bench: $(VENV)/.dev system-deps
	BENCH_SIZES=$(BENCH_SIZES) $(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_suggest.py
	$(BIN)/python benchmarks/bench_docx.py

# The open-data API alone: a page of 100 on the real data and at BENCH_API_SIZE (default 10,000) recommendations.
bench-api: $(VENV)/.dev system-deps
	$(BIN)/python benchmarks/bench_api.py

# Suggested earlier recommendations alone: the index built and a query at BENCH_SUGGEST_SIZE (default 10,000).
bench-suggest: $(VENV)/.dev system-deps
	$(BIN)/python benchmarks/bench_suggest.py

# Many readers at once: 1, 5, 10 and 25 sessions of the real app server (websocket clients speaking Streamlit's
# protocol) and 1 to 25 concurrent API clients, at 10,000 recommendations. BENCH_READERS_DB names a loaded SQLite
# database to copy (otherwise a synthetic one is made); BENCH_READERS_ARGS=--write records the section in
# docs/performance.md, BENCH_READERS_ARGS=--servers 2 spreads the sessions over two app servers, as deploy/ runs them.
bench-readers: $(VENV)/.dev system-deps
	$(BIN)/python benchmarks/bench_readers.py $(BENCH_READERS_ARGS)
