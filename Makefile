# Two commands set up everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev run test lint check migrate seed services bench bench-intake bench-fanout clean

# The embedded default runs with DEBUG on and a development key; production sets its own.
export DEBUG ?= 1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

# Compiled translation catalogues, written in Python so no system gettext is needed.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard dealerhub/locale/*/LC_MESSAGES/django.po))

$(CATALOGUES): %.mo: %.po | $(STAMP)
	$(BIN)/python manage.py compile_catalogues

install: $(STAMP) $(CATALOGUES)

install-dev: $(DEV_STAMP) $(CATALOGUES)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# `make run PORT=8080` serves on another port; e-mails link to the same address.
PORT ?= 8000

run: migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	@echo "Serving DealerHub on http://127.0.0.1:$(PORT) (Ctrl-C stops it); admin at /admin/"
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on the real PostgreSQL and Redis; .ci/services starts them when they are down.
TEST_DATABASE_URL ?= postgres://dealerhub@127.0.0.1:5432/dealerhub
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

services:
	bash .ci/run --system-packages
	bash .ci/services

test: install-dev services
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	SECRET_KEY=$${SECRET_KEY:-test-only-not-secret} $(BIN)/python -m pytest $(PYTEST_ARGS)

# Inventory pages at 100,000 vehicles in one dealer, on its own PostgreSQL database.
bench: install-dev services
	$(BIN)/python -m tests.bench.inventory_list $(BENCH_ARGS)

# A 50,000-row stock file checked and imported, against a hand-written COPY of the same rows.
bench-intake: install-dev services
	$(BIN)/python -m tests.bench.intake $(BENCH_ARGS)

# The nightly jobs in shards on 1 and then 2 workers, over the database that
# `manage.py benchmark --keep` leaves (BENCH_DATABASE_URL; Redis at BENCH_REDIS_URL).
bench-fanout: install-dev services
	$(BIN)/python -m tests.bench.fanout $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install-dev
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media test-artifacts $(CATALOGUES)
