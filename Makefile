# postloc — `make translate` and `make test` are all a new machine needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
APERTIUM_PKGS := apertium apertium-fr-es apertium-eng-spa apertium-fra-cat apertium-eo-fr apertium-oci-fra
SYSTEM_PKGS := $(APERTIUM_PKGS) gettext

.PHONY: setup system-deps test check translate lint bench clean

setup: system-deps $(VENV)/.installed

# Debian packages (Apertium engines, gettext tools for PO checks) when root with apt.
system-deps:
	@missing=""; for p in $(SYSTEM_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "warning: missing Debian packages:$$missing (run as root with apt, or install them)"; \
	  fi; \
	fi

# torch first, pinned: argostranslate pulls stanza → torch, and plain `torch` is a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Two workers on CI's two cores (pytest-xdist); the import contracts are part of the test.
test: setup
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto
	$(MAKE) --no-print-directory check

# The repository's own committed catalogues must be up to date with source_posts/.
check: setup
	$(BIN)/postloc sync --check

translate: setup
	$(BIN)/postloc sync

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# Not part of `make test`: several minutes; writes bench/RESULTS.md.
bench: setup
	$(BIN)/python bench/run.py $(if $(N),--posts $(N))
	$(BIN)/python bench/libretranslate_bench.py

clean:
	rm -rf $(VENV) build .postloc
