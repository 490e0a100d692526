# The two commands README.md gives: `make serve` and `make test`. Each installs what it needs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Two cores shared by builds, tests and the browser: threaded OpenBLAS oversubscribes them and made a
# 2048² matrix-vector product 6x slower here. One thread each is the fast setting on this size of machine.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: serve test build bench mup-crosscheck torch-check setup python-deps node-deps pyodide chromium clean

serve: setup ## build and serve the site with live demos on http://$(HOST):$(PORT)/
	$(PY) -m mkdocs serve -a $(HOST):$(PORT)

test: setup chromium ## run every test: package, scaling laws, Pyodide under Node, site build, browser
	$(PY) -m pytest $(PYTEST_ARGS)

build: setup
	$(PY) -m mkdocs build --strict

# Optional, outside `make test`: CPU PyTorch 2.13.0 in a venv of its own, .venv-torch (pip takes it
# from this machine's wheel cache; an unpinned `torch` would pull a CUDA build of several GB).
TORCH_VENV ?= .venv-torch
$(TORCH_VENV)/.installed:
	test -x $(TORCH_VENV)/bin/python || python3 -m venv $(TORCH_VENV)
	$(TORCH_VENV)/bin/pip install --quiet torch==2.13.0 mup numpy pytest
	touch $@

# microsoft/mup's own coordinate check, writing bench/mup_slopes.json; tests/test_mup_crosscheck.py
# holds the package against it.
mup-crosscheck: $(TORCH_VENV)/.installed
	$(TORCH_VENV)/bin/python bench/mup_crosscheck.py --out bench/mup_slopes.json

# The cheat sheet's PyTorch snippet (examples/), checked against the package.
torch-check: $(TORCH_VENV)/.installed
	$(TORCH_VENV)/bin/python -m pytest -q -p no:cacheprovider tests_torch

bench: setup chromium ## print speed numbers: native vs Pyodide experiments, then the site in Chromium
	$(PY) bench/experiments.py
	$(PY) bench/site.py

setup: python-deps node-deps pyodide

python-deps: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[docs,test]'
	touch $@

node-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

pyodide: build/pyodide/.verified
build/pyodide/.verified: site_src/assemble_pyodide.py site_src/compile_bytecode.mjs node_modules/.installed
	$(PY) site_src/assemble_pyodide.py build/pyodide
	touch $@

# The browser comes from Debian (Playwright's own download does not work offline).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

clean:
	rm -rf site build .pytest_cache .hypothesis
