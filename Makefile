# Avrusning: the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test setup install lint typecheck check messages clean bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## setup: migrate (loads the shipped guideline data), compile translations, demo users and demo data
setup: install
	$(PY) manage.py compile_catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_guideline
	$(PY) manage.py create_demo_users
	$(PY) manage.py create_demo_data

## run: the embedded default (SQLite, Celery in-process) at http://127.0.0.1:$(PORT)
run: setup
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite; uses DATABASE_URL / REDIS_URL when set, else SQLite and eager Celery
test: install
	DJANGO_SETTINGS_MODULE=detox.settings.test $(PY) manage.py compile_catalogues
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy .

check: lint typecheck test

## messages: refresh the catalogue after changing user-facing strings (needs GNU gettext)
messages: install
	$(PY) manage.py makemessages -l nb -l en --ignore=.venv --ignore=staticfiles --no-obsolete

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache .mypy_cache .ruff_cache

## bench: the load benchmark against PostgreSQL + Redis on this machine (writes docs/benchmarks.md)
bench: install
	$(PIP) install --quiet -r benchmarks/requirements.txt
	$(PY) benchmarks/run.py
