# Two commands matter: `make run` (the bot, offline sandbox) and `make test` (everything CI checks).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run serve test lint bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
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
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py --json bench-run.json
	$(BIN)/python bench/zoom_client.py
	$(BIN)/python bench/reminders.py
