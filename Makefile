# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-m 'not browser'"`.
PYTEST_ARGS ?=

.PHONY: run test lint format bench bench-quick clean plotly

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-install only when a requirements file changed, so a second run starts fast.
$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .coverage htmlcov

# Performance figures for the README (issue 13), on a scratch database: SQLite, or
# PostgreSQL next to DATABASE_URL's. Full tier about 10-12 minutes on 2 cores; quick a few.
bench: $(VENV)/.dev-installed
	$(BIN)/python -m tests.bench

bench-quick: $(VENV)/.dev-installed
	$(BIN)/python -m tests.bench --quick

# Rebuild static/vendor/plotly/plotly-bonetrack.min.js from the npm registry's plotly.js
# (only the traces the charts use; .ci/plotly/entry.js). Needs node and npm; the built
# file is committed, so `make run` needs neither.
plotly:
	npm install --prefix .ci/plotly --no-audit --no-fund --no-package-lock --loglevel=error
	node .ci/plotly/build.mjs
