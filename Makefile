# A fresh machine needs only python3: every target creates .venv and installs exactly the lock
# (requirements-dev.txt: every package pinned with its hashes) with uv, then the project itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV := $(BIN)/uv
# the uv release the lock pins; pip bootstraps it, then it installs everything else
UV_PIN = $(shell sed -n 's/^\(uv==[^ ]*\).*/\1/p' requirements-dev.txt)
LOCK_FLAGS := --generate-hashes --universal --python-version 3.11 --quiet
# Bytecode is written on first import (uv does not compile at install, which keeps a fresh
# install fast). With PYTHONDONTWRITEBYTECODE set (some shells and CI images set it), every
# interpreter the tests start would compile SQLAlchemy, aiogram and pydantic from source again,
# seconds each; so make does not pass it on.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test lint bench catalogs clean browser lock upgrade fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '$(UV_PIN)'

$(STAMP): $(UV) requirements-dev.txt pyproject.toml
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements-dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# The locks, from the ranges in pyproject.toml: requirements.txt for the product alone (what a
# production install takes), requirements-dev.txt for the product and its tools, within it.
# Existing pins are kept; `make upgrade` moves them.
lock: $(UV)
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) $(UPGRADE) -o requirements.txt
	$(UV) pip compile pyproject.toml --extra dev $(LOCK_FLAGS) $(UPGRADE) \
	  --constraint requirements.txt -o requirements-dev.txt

# Every pin to the newest release the ranges allow, then the whole test suite on it.
upgrade:
	$(MAKE) lock UPGRADE=--upgrade
	$(MAKE) test

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
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP) catalogs
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Coverage-guided fuzzing of parse_feed (it must never raise) for FUZZ_SECONDS; the corpus grows in
# var/fuzz-corpus (seeded with the example feeds), a crash is written to var/fuzz/crash-*.
FUZZ_SECONDS ?= 300
fuzz: $(STAMP)
	mkdir -p var/fuzz var/fuzz-corpus
	cp -n examples/feeds/*.xml var/fuzz-corpus/
	$(BIN)/python fuzz/parse_feed.py -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=var/fuzz/ \
	  -print_final_stats=1 var/fuzz-corpus

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# make migration MSG="feeds: sources and items" REV=0003
migration: $(STAMP)
	$(BIN)/python -m storage.migrate "$(MSG)" $(REV)
	$(BIN)/ruff format -q storage/migrations
