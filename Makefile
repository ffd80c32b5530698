# Two commands do all set-up: `make run` and `make test`. Both create .venv on first use
# and reinstall only when requirements.lock changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make run` shows readers' own 404 and 500 pages; `make run DEBUG=true` shows Django's
# debug pages instead. Either way it is never production: plain http, a local key.
DEBUG ?= false
# Links in mail name the address `make run` serves on, unless MONTAGE_SITE_URL says another.
MONTAGE_SITE_URL ?= http://127.0.0.1:$(PORT)
RUN_ENV := DEBUG=$(DEBUG) PRODUCTION=false MONTAGE_SITE_URL=$(MONTAGE_SITE_URL)
INSTALLED := $(VENV)/.installed
# Mail leaves through a task worker: the database queue's unless TASKS_URL names Redis
# (montage/settings.py); rqworker's scheduler runs the deferred retries.
MAIL_QUEUE := $(if $(TASKS_URL),Redis queue,database queue)
MAIL_WORKER := $(if $(TASKS_URL),rqworker default --with-scheduler --job-class django_tasks_rq.backend.Job,db_worker --no-reload)

.PHONY: run serve test lint format bench clean

$(INSTALLED): requirements.lock
	@test -n "$(PYTHON)" || { echo "Montage needs Python 3.11: none found on PATH."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
		{ echo "Montage needs Python 3.11; $(PYTHON) is $$($(PYTHON) --version)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

run: $(INSTALLED)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py create_local_admin
	@echo "Montage: http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "mail: sent by the task worker ($(MAIL_QUEUE)), started beside the server and stopped with it"
	$(RUN_ENV) $(BIN)/python manage.py $(MAIL_WORKER) & trap "kill $$! 2>/dev/null" EXIT INT TERM; \
		$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production settings on this machine: gunicorn and the task worker (deploy/serve.sh;
# README, Production). `make serve PORT=8123` as with `make run`.
serve: $(INSTALLED)
	PORT=$(PORT) deploy/serve.sh

# One pytest worker per core (pytest-xdist); `pytest tests/blog` alone runs in one process.
test: $(INSTALLED)
	$(BIN)/pytest -n auto

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The post page side by side with its ceiling (bench/run.py; docs/benchmarks.md).
bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles var/bench .pytest_cache .ruff_cache .hypothesis
