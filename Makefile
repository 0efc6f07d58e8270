# The two commands a newcomer needs (see README): `make demo` and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# pywb (for the replay tests) pins werkzeug, redis and pyOpenSSL: it gets a venv of its own.
PYWB_VENV := .venv-pywb
# py-wacz (`wacz validate`, the reference WACZ validator, in the tests) pins frictionless and
# friends, and its pyamf still imports pkg_resources, gone from setuptools 81: a venv of its own.
WACZ_VENV := .venv-wacz
# ReplayWeb.page for the browser replay tests, from the npm registry at the lockfile's versions.
REPLAY_NODE := tests/replay/node_modules

.PHONY: setup demo test test-fast lint bench clean chromium

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

$(WACZ_VENV)/.installed:
	$(PY) -m venv $(WACZ_VENV)
	$(WACZ_VENV)/bin/python -m pip install --quiet "wacz==0.6.0" "setuptools<81"
	touch $@

$(REPLAY_NODE)/.installed: tests/replay/package.json tests/replay/package-lock.json
	command -v npm >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null)
	cd tests/replay && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# The browser replay tests drive Debian's chromium (headless, through Playwright): installed
# with apt when missing (CI runs as root); without it those tests are skipped.
chromium:
	@command -v chromium >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the browser replay tests will be skipped"

test: lint $(PYWB_VENV)/.installed $(WACZ_VENV)/.installed $(REPLAY_NODE)/.installed chromium
	ARCHIVER_PYWB_VENV=$(CURDIR)/$(PYWB_VENV) ARCHIVER_WACZ_VENV=$(CURDIR)/$(WACZ_VENV) \
	  ARCHIVER_REPLAYWEB=$(CURDIR)/$(REPLAY_NODE)/replaywebpage $(BIN)/pytest -q

# Lint and the tests that start no crawl, replay or browser (under a minute): the inner loop.
test-fast: lint
	$(BIN)/pytest -q -m "not e2e and not replay and not browser"

# Side-by-side speed and memory (see BENCHMARKS.md); nginx from Debian if installed.
bench: setup
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.quality
	$(BIN)/python -m bench.recheck --articles 5000 --pad-kb 32 --photo-bpp 0.2

clean:
	rm -rf $(VENV) $(PYWB_VENV) $(WACZ_VENV) $(REPLAY_NODE) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
