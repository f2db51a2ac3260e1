# Two commands: `make run` (set up and start everything on the embedded default) and
# `make test` (set up and run the whole suite). Nothing else needs installing but Python >= 3.12.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PEOPLE ?= 3000
export PORT

# Environment for the local app: development mode, everything embedded under var/.
RUN_ENV := DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://localhost:$(PORT)}
# Environment for the tests: production-like settings (DEBUG off) without HTTPS redirects.
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings

.PHONY: run test lint bench install migrate seed clean help lock translations messages

help:
	@echo "make run    - set up and start web, worker and beat on http://localhost:$(PORT)"
	@echo "make test   - set up and run the whole test suite (lint included)"
	@echo "make bench  - the performance table on PostgreSQL (docs/PERFORMANCE.md)"
	@echo "make lock   - regenerate requirements.lock and requirements-dev.lock from pyproject.toml"

$(VENV)/pyvenv.cfg:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.13/python3.12/python3 not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Exactly the pinned, hash-checked versions of requirements-dev.lock (runtime + dev), then the
# project itself without resolving anything; pip check fails if pyproject.toml asks for something
# the lock lacks (run make lock).
$(BIN)/.installed: $(VENV)/pyvenv.cfg pyproject.toml requirements.lock requirements-dev.lock
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $@

install: $(BIN)/.installed

# The local .env that manage.py reads (program/core/dotenv.py): development mode and a secret key
# generated once, so README.md's manage.py commands work as written. Never overwritten; gitignored.
.env:
	@printf '# Written by make run for local development; manage.py reads it. Not for production.\nDEBUG=1\nSECRET_KEY=%s\n' \
		"$$(LC_ALL=C tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 50)" > $@
	@echo "Wrote .env (DEBUG=1 and a generated SECRET_KEY) for manage.py."

# The translation catalogues compiled to .mo (gitignored), with polib: no GNU gettext needed.
translations: install
	$(TEST_ENV) $(BIN)/python manage.py compile_translations -v0

migrate: install .env translations
	@mkdir -p var/mail var/celery-broker var/celery-processed
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input -v0

seed: migrate
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty --people $(PEOPLE) --seed 1 --quiet

run: seed
	@echo ""
	@echo "  Open http://localhost:$(PORT)/  (password for every demo login: demo-pass-2026)"
	@echo "    employee@example.com  mentor@example.com  sponsor@example.com  hr@example.com"
	@echo "    hr@example.com asks for a two-factor code: $(BIN)/python manage.py demo_totp"
	@echo "  Emails land in var/mail/ and in each person's inbox. Ctrl-C stops web, worker and beat."
	@echo ""
	$(RUN_ENV) $(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .

test: install lint translations
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# One table on PostgreSQL (docs/PERFORMANCE.md): BENCH_DATABASE_URL names the database to seed
# with 100,000 people once and reuse; BENCH_ARGS="--skip-load --runs 5" for a quicker run.
bench: install
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

# The lock files: every package pinned with its hashes, for any platform and Python >= 3.12
# (uv's universal resolution). Existing pins are kept; LOCK_ARGS=--upgrade moves to the newest
# versions pyproject.toml allows, LOCK_ARGS="--upgrade-package django" just one. uv is needed
# here only, never to install.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.12 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)
# Extract every marked string into locale/{fr,es}/LC_MESSAGES/django.po (needs GNU gettext's
# xgettext: apt-get install gettext); translate there, and `make` compiles them.
messages: install
	$(TEST_ENV) $(BIN)/python manage.py makemessages -l fr -l es --no-obsolete --add-location=file \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'var/*' --ignore 'staticfiles/*' --ignore 'node_modules/*'

lock: $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet 'uv>=0.13'
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra dev -c requirements.lock -o requirements-dev.lock

clean:
	rm -rf var staticfiles .pytest_cache
