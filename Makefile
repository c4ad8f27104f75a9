# postloc — `make translate` and `make test` are all a new machine needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
APERTIUM_PKGS := apertium apertium-fr-es apertium-eng-spa apertium-fra-cat apertium-eo-fr apertium-oci-fra
SYSTEM_PKGS := $(APERTIUM_PKGS) gettext jekyll

.PHONY: setup system-deps test check translate lint bench clean lock

setup: system-deps $(VENV)/.installed

# Debian packages when root with apt: Apertium engines, gettext tools for PO checks,
# Jekyll for the site-build tests.
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

# Every package, exactly as tested, from the lock (versions and hashes); then postloc itself,
# with no dependency resolution left to do (the lock has setuptools for the editable build).
$(VENV)/.installed: requirements.lock pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

# Refresh requirements.lock from pyproject.toml's ranges (the newest releases that fit them).
# pip-compile, not uv: it resolves through pip's own configuration, which here finds the CPU
# build of torch that lies on disk; uv would fetch a multi-GB CUDA build.
lock: setup
	$(BIN)/pip-compile -q --extra dev --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --upgrade -o requirements.lock pyproject.toml

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
