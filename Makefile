# CEvNS workbench — developer commands.
#   make serve   install into .venv (if needed) and serve the dashboard on http://127.0.0.1:$(PORT)/cevns
#   make test    install (if needed), install Debian's chromium (if missing), run the whole test suite
#   make lint    ruff check .
#   make bench   run the speed/memory benchmarks in benchmarks/ with the venv's python

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
PORT    ?= 5006
ADDRESS ?= 127.0.0.1
CHROMIUM ?= chromium

# apt-get needs root; use sudo only when we are not root and sudo exists.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || ! command -v sudo >/dev/null 2>&1 || echo sudo)

.PHONY: install serve test lint bench browser clean

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# Debian's chromium drives the browser tests (never `playwright install`: it cannot download here).
browser:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  echo "installing Debian chromium"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

serve: $(STAMP)
	$(PY) -m dashboard --port $(PORT) --address $(ADDRESS)

# pytest exit 5 ("no tests collected") is a failure too; any non-zero exit propagates.
test: $(STAMP) browser
	$(PY) -m pytest --browser chromium

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# every benchmarks/bench_*.py (one process each), then a summary of the targets; a failed
# benchmark or a missed target does not stop the others (exit 1 at the end)
bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
