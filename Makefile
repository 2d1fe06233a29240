# Intese — the two commands: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    ?= .venv
PY      := $(VENV)/bin/python
INTESE  := $(VENV)/bin/intese
VENDOR  := var/vendor
PGURL   ?= postgres://postgres@127.0.0.1:5432/intese_test
CHROMIUM ?= /usr/bin/chromium
export DEBUG ?= true


.PHONY: lock help setup runtime-packages system-packages python-deps assets messages refdata demo serve test lint \
        test-sqlite test-postgres check bench clean

help:
	@echo "make demo   set up everything, load the demo data and serve http://127.0.0.1:8000/"
	@echo "make test   set up and run every check and test (SQLite, then PostgreSQL if reachable)"

setup: runtime-packages python-deps assets messages
	$(INTESE) migrate --no-input
	$(INTESE) collectstatic --no-input -v 0
	$(MAKE) --no-print-directory refdata

# Debian packages: python3-venv, gettext (translations), Pango, HarfBuzz's subsetter and a font
# (PDF reports by WeasyPrint), and for the tests Chromium (browser tests).
# Installed only when missing, which needs root.
RUNTIME_CHECKS = command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	/sbin/ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	/sbin/ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	[ -x $(PY) ] || python3 -c 'import ensurepip; ensurepip.version()' 2>/dev/null || missing="$$missing python3-venv"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"
INSTALL_MISSING = if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

runtime-packages:
	@missing=""; $(RUNTIME_CHECKS); $(INSTALL_MISSING)

system-packages:
	@missing=""; $(RUNTIME_CHECKS); [ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	$(INSTALL_MISSING)

# requirements.lock pins every transitive dependency (refresh: make lock).
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[test]'
	touch $@

lock: python-deps
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

python-deps: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Third-party front-end files are copied from node_modules, never committed.
assets: node_modules/.package-lock.json
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap-italia $(VENDOR)/leaflet $(VENDOR)/htmx
	cp -r node_modules/bootstrap-italia/dist/{css,js,fonts,svg,assets} $(VENDOR)/bootstrap-italia/
	cp -r node_modules/leaflet/dist/{leaflet.css,leaflet.js,images} $(VENDOR)/leaflet/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/

messages: python-deps
	cd src/intese && ../../$(INTESE) compilemessages --ignore '.venv' -v 0

refdata: python-deps
	$(INTESE) refdata load --province MI
	$(INTESE) refdata variations data/comuni_variazioni.csv
	$(INTESE) refdata zones data/zone_omogenee.csv --changes data/zone_omogenee_changes.csv --since 2015-09-17
	$(INTESE) refdata organisations data/organisations_reference.csv
	$(INTESE) refdata budget data/budget_missions_programmes.csv

# The task worker (yearly reports) runs in the background and stops with the server.
demo: runtime-packages setup
	$(INTESE) demo
	$(INTESE) db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(INTESE) runserver 127.0.0.1:8000

lint: python-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: python-deps
	$(INTESE) check --fail-level WARNING
	$(INTESE) makemigrations --check --dry-run

test: system-packages setup lint check test-sqlite test-postgres

# `--exitfirst` is not used: a broken run must show every failure. Exit code 5 ("no tests")
# is an error here because pytest returns it as such.
test-sqlite:
	DATABASE_URL=sqlite:///var/test.sqlite3 INTESE_TESTING=true CHROMIUM=$(CHROMIUM) \
	  $(VENV)/bin/pytest -p no:cacheprovider

test-postgres:
	@if $(PY) -c "import psycopg,sys; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(PGURL) INTESE_TESTING=true CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -p no:cacheprovider; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is not reachable and CI requires it"; exit 1; \
	else echo "PostgreSQL not reachable: skipping the PostgreSQL run"; fi

bench: setup
	$(PY) bench/run.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_plans.py
	$(PY) bench/bench_coherence.py
	@if [ -n "$$BENCH_DATABASE_URL" ]; then \
	  DATABASE_URL="$$BENCH_DATABASE_URL" $(PY) bench/bench_monitoring.py; \
	else echo "bench_monitoring: set BENCH_DATABASE_URL=postgres://… (a scratch database: it is flushed)"; fi

clean:
	rm -rf $(VENV) node_modules var
