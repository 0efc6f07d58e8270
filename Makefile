# The two commands a newcomer needs (see README): `make demo` and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# pywb (for the replay tests) pins werkzeug, redis and pyOpenSSL: it gets a venv of its own.
PYWB_VENV := .venv-pywb

.PHONY: setup demo test test-fast lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# Serve the bundled replica on loopback, crawl it into output/, stop it, show what was archived.
demo: setup
	$(BIN)/archiver demo --output output

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

$(PYWB_VENV)/.installed:
	$(PY) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet "pywb==2.10.0"
	touch $@

test: lint $(PYWB_VENV)/.installed
	ARCHIVER_PYWB_VENV=$(CURDIR)/$(PYWB_VENV) $(BIN)/pytest -q

# Lint and the tests that start no crawl, replay or browser (under a minute): the inner loop.
test-fast: lint
	$(BIN)/pytest -q -m "not e2e and not replay and not browser"

# Side-by-side speed and memory (see BENCHMARKS.md); nginx from Debian if installed.
bench: setup
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.quality

clean:
	rm -rf $(VENV) $(PYWB_VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
