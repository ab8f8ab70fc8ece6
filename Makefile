# Frontdesk: `make run` serves a demo instance, `make test` runs the suite.
# Everything lives in .venv, built from the hash-pinned lock files.

PYTHON ?= $(shell command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

VENDOR := src/frontdesk/static/vendor

LOCALE ?= en

.PHONY: run test lint typecheck check schema bench clean help assets messages

help:
	@echo "make run    - set up and serve a demo instance on http://$(HOST):$(PORT)"
	@echo "make test   - set up and run the test suite (SQLite; FRONTDESK_TEST_DATABASE_URL for PostgreSQL)"
	@echo "make lint / typecheck / schema / bench"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Frontdesk needs Python >= 3.12 (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.runtime

# Front-end libraries from npm (package-lock.json), copied into a gitignored static folder.
# Without npm the UI has no scripts: `make run` stops with a clear message, `make test`
# goes on and the browser tests skip themselves.
$(VENDOR)/.stamp: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the web UI's assets (Debian: apt install npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx-ext-sse/dist/sse.min.js $(VENDOR)/
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	@touch $@

assets: $(VENDOR)/.stamp

run: $(VENV)/.runtime assets
	$(BIN)/frontdesk run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev
	@$(MAKE) --no-print-directory assets || echo "!! no front-end assets: browser tests will be skipped"
	$(BIN)/pytest -n auto --ignore=tests/e2e $(PYTEST_ARGS)
	@# The browser tests run on their own: a browser and a live server per xdist worker on
	@# two cores made their 2-second live-update checks miss under load.
	@# A browser test that fails is run once more on its own (--last-failed): the test server
	@# answers one request at a time on two shared cores, and a slow moment can miss a timed
	@# check. A test that fails twice fails the run.
	$(BIN)/pytest -p no:xdist tests/e2e $(PYTEST_ARGS) || \
	  $(BIN)/pytest -p no:xdist --last-failed --last-failed-no-failures none tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy src

check: lint typecheck test

schema: $(VENV)/.dev
	$(BIN)/frontdesk export_openapi > src/frontdesk/api/openapi.json

# The translation catalogue: `make messages LOCALE=de` starts German (needs GNU gettext);
# translate src/frontdesk/locale/de/LC_MESSAGES/django.po, then compilemessages.
messages: $(VENV)/.dev
	cd src/frontdesk && $(abspath $(BIN))/frontdesk makemessages --locale $(LOCALE) --ignore 'static/*' --no-location

bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var node_modules $(VENDOR)
