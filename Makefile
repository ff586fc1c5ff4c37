# Two commands set up everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

# Installs come from lock files that pin every package, the extras included, with its hashes;
# pyproject.toml keeps the ranges for anyone who installs DealerHub as a library.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# `make lock` runs uv, installed into the venv first; LOCK_ARGS=--upgrade moves every pin to
# the newest release within pyproject's ranges, --upgrade-package NAME one package only.
UV_REQUIREMENT := uv>=0.13,<0.14
LOCK_ARGS ?=

.PHONY: install install-dev run serve worker beat test lint check migrate seed services bench \
	bench-intake bench-fanout loadtest clean lock

# The embedded default runs with DEBUG on and a development key; production sets its own.
export DEBUG ?= 1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(DEV_STAMP): $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(STAMP)

# The locks for Python 3.11 and up on every platform; the development one holds the base's pins.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' --quiet $(LOCK_ARGS)

lock: | $(BIN)/python
	$(BIN)/pip install --quiet '$(UV_REQUIREMENT)'
	$(UV_COMPILE) -o $(LOCK)
	$(UV_COMPILE) --extra dev --constraints $(LOCK) -o $(DEV_LOCK)

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

# Production: the settings come from the environment (README, "Running in production"); DEBUG
# is off whatever the shell says. The deployment checks refuse a missing or placeholder
# SECRET_KEY before anything else runs; then the schema is migrated, the static files are
# collected (and compressed) and gunicorn serves with dealerhub/gunicorn.conf.py. The Celery
# worker and beat run beside it, each in its own process: `make worker` and `make beat`.
serve: install $(CATALOGUES)
	DEBUG=0 $(BIN)/python manage.py check --deploy --tag security
	DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving DealerHub with gunicorn on $${GUNICORN_BIND:-127.0.0.1:8000}; start the Celery worker and beat with 'make worker' and 'make beat'."
	DEBUG=0 exec $(BIN)/gunicorn -c dealerhub/gunicorn.conf.py dealerhub.wsgi

# Runs every queued job (reports, imports, candidate flags); several may run on many machines.
worker: install $(CATALOGUES)
	DEBUG=0 exec $(BIN)/celery -A dealerhub worker --loglevel INFO

# The schedule (editable in the admin, django-celery-beat); exactly one beat runs at a time.
beat: install
	DEBUG=0 exec $(BIN)/celery -A dealerhub beat --loglevel INFO

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

# The busiest pages under gunicorn as in production (2 workers, DEBUG off), loaded by wrk for
# 30 s each on the database of `make bench`; prints requests a second, p50, p99 and errors.
# wrk comes from Debian and is installed here when it is missing.
loadtest: install-dev services $(CATALOGUES)
	@command -v wrk >/dev/null || { echo "Installing wrk (the load generator) from Debian"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; \
	  else sudo apt-get install -y -qq wrk >/dev/null; fi; }
	$(BIN)/python -m tests.bench.loadtest $(LOADTEST_ARGS)

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
