# A fresh machine needs only python3: every target creates .venv and installs the project first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench catalogs clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

catalogs: $(STAMP)
	$(BIN)/python -m app.catalogs compile

run: $(STAMP) catalogs
	$(BIN)/aive db upgrade
	$(BIN)/aive demo load
	$(BIN)/aive run

# Headless Chromium for the bulletin layout tests: installed when missing and apt-get is usable as
# root; otherwise those tests skip. Never fails the build.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq >/dev/null 2>&1 \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } || true

test: $(STAMP) catalogs browser
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP) catalogs
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# make migration MSG="feeds: sources and items" REV=0003
migration: $(STAMP)
	$(BIN)/python -m storage.migrate "$(MSG)" $(REV)
	$(BIN)/ruff format -q storage/migrations
