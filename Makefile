# Two commands matter: `make run` (the bot, offline sandbox) and `make test` (everything CI checks).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# Installs come from hash-checked locks (requirements/*.lock, made from pyproject.toml's ranges
# by `make lock`): every machine gets the versions CI tested.
LOCK_ARGS := --generate-hashes --universal --python-version 3.11 --quiet
UV_VERSION := 0.13.9

.PHONY: run serve test lint bench lock

$(BIN)/.installed: pyproject.toml requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

run: $(BIN)/.installed
	$(BIN)/zoombot sandbox

serve: $(BIN)/.installed
	$(BIN)/zoombot serve

lint: $(BIN)/.installed
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/mypy bot bench/*.py  # bench/ is excluded from directory scans (its scripts import each other by file)
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

# Needs the `bench` extra (py-spy, httpx-aiohttp for the transport comparison): installed here.
bench: $(BIN)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/bench.lock
	$(BIN)/python bench/run.py --json bench-run.json
	$(BIN)/python bench/zoom_client.py
	$(BIN)/python bench/reminders.py

# Refresh the locks to the newest versions pyproject.toml allows (then run `make test`).
lock: $(BIN)/.installed
	$(BIN)/pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/uv pip compile pyproject.toml --extra test --upgrade $(LOCK_ARGS) -o requirements/dev.lock
	$(BIN)/uv pip compile pyproject.toml $(LOCK_ARGS) -c requirements/dev.lock -o requirements/app.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --extra bench $(LOCK_ARGS) -c requirements/dev.lock -o requirements/bench.lock
