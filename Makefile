# clm: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PY := .venv/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/clm
REDIS_URL ?= redis://127.0.0.1:6379/0

# make test uses PostgreSQL and Redis when they answer, SQLite otherwise (PostgreSQL-only tests are then skipped).
PG_UP := $(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo yes)
TEST_DB := $(if $(DATABASE_URL),$(DATABASE_URL),$(if $(PG_UP),$(PG_URL),sqlite:///var/test.sqlite3))

.PHONY: setup setup-dev run test lint format bench messages lock

setup:
	@scripts/setup.sh

setup-dev:
	@scripts/setup.sh dev

run: setup
	@scripts/run.sh

test: setup-dev
	@mkdir -p var
	@$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=var
	DATABASE_URL=$(TEST_DB) REDIS_URL=$(REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: setup-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

format: setup-dev
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages: setup-dev
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

bench: setup
	DATABASE_URL=$(if $(DATABASE_URL),$(DATABASE_URL),$(PG_URL)) $(PY) -m bench

# Pin pyproject.toml's dependencies again, with hashes, into requirements.txt and requirements-dev.txt.
lock: setup-dev
	@scripts/lock.sh
