# Datong: `make demo` to try it, `make test` to check it. See README.md.
#
# Every target works from a fresh clone (no .venv, no var/) and may be run again.

PYTHON_SYSTEM ?= python3
VENV          := .venv
BIN           := $(VENV)/bin
PY            := $(BIN)/python
MANAGE        := $(PY) manage.py
PORT          ?= 8000
DEMO_CITY     := var/demo_city
# The demo runs in demo mode (demo secret key, no HTTPS; DEBUG off, as a city would see it) on
# SQLite unless DATABASE_URL says otherwise. `make demo DEMO_ENV=DATONG_DEBUG=1` for Django's debug pages.
DEMO_ENV      := DATONG_DEMO=1
# `make test PYTEST_ARGS="core/jobs -x"` to narrow a run.
PYTEST_ARGS   ?=

MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: help demo serve install messages test lint bench requirements clean distclean

help:
	@echo "make demo    - install, migrate, load the demo city and accounts, serve on 127.0.0.1:$(PORT)"
	@echo "make test    - the whole test suite (unit and browser tests) on \$$DATABASE_URL or SQLite"
	@echo "make lint    - ruff"
	@echo "make bench   - the benchmarks in bench/ (figures, not pass/fail)"
	@echo "make clean   - remove var/ (database, static files, demo city) and caches; distclean: .venv too"

# --- environment ----------------------------------------------------------------------
$(PY):
	$(PYTHON_SYSTEM) -m venv $(VENV)

# Re-installs whenever the pins change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

# Compiled catalogues are committed; recompile only when msgfmt is there and a .po changed.
messages: $(MO_FILES)
locale/%.mo: locale/%.po
	@if command -v msgfmt >/dev/null 2>&1; then msgfmt --check-format -o $@ $<; \
	else echo "msgfmt not found (apt-get install gettext): using the committed $@"; fi

# --- the demo -------------------------------------------------------------------------
demo: install messages
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) collectstatic --noinput -v 0
	$(DEMO_ENV) $(MANAGE) make_demo_city --out $(DEMO_CITY)
	$(DEMO_ENV) $(MANAGE) load_city --demo $(DEMO_CITY)
	@$(DEMO_ENV) $(MANAGE) create_demo_accounts > var/demo_accounts.txt
	@cat var/demo_accounts.txt
	$(DEMO_ENV) $(MANAGE) voices_demo
	$(DEMO_ENV) PORT=$(PORT) $(PY) scripts/serve_demo.py

# Serve what is there already (no install, no migrate, no demo data).
serve:
	$(DEMO_ENV) PORT=$(PORT) $(PY) scripts/serve_demo.py

# --- checks ---------------------------------------------------------------------------
# `-p scripts.pytest_strict`: with CI_STRICT=1 (set by .ci/run) any unexplained skip fails.
test: install
	$(PY) -m pytest -p scripts.pytest_strict -rs $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install
	$(PY) bench/run.py

# Re-pin requirements*.txt from requirements*.in and what is installed in .venv.
requirements:
	$(PY) scripts/pin_requirements.py

clean:
	rm -rf var/ .pytest_cache .ruff_cache .hypothesis test-results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
