# mkdocs-sms: `make site` builds the example handbook, `make test` runs the lint and the whole suite,
# `make test-fast` only the fast tier of the suite (no lint).
# Each creates the virtual environment in .venv on first use: site, serve and check install only
# mkdocs-sms and what building needs; setup, test, test-fast and lint add the test tools (Playwright,
# linters, pytest and the rest of the `test` extra).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SITE_STAMP := $(VENV)/.installed-site
TEST_STAMP := $(VENV)/.installed-test
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup site manual serve check test test-fast lint bench demo clean

setup: $(TEST_STAMP)

$(SITE_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "mkdocs-sms needs Python 3.10 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(SITE_STAMP)

$(TEST_STAMP): $(SITE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

site: $(SITE_STAMP)
	$(BIN)/mkdocs build --strict
	@echo "The example handbook is in site/ (open site/index.html, or run 'make serve')."

# The manual (mkdocs.manual.yml, manual/): guides by hand, reference pages written from the code.
manual: $(SITE_STAMP)
	$(BIN)/mkdocs build --strict -f mkdocs.manual.yml
	@echo "The manual is in manual-site/ (open manual-site/index.html)."

serve: $(SITE_STAMP)
	$(BIN)/mkdocs serve --livereload

check: $(SITE_STAMP)
	$(BIN)/mkdocs-sms check

lint: $(TEST_STAMP)
	$(BIN)/ruff check plugins tests benchmarks examples manual
	$(BIN)/ruff format --check plugins tests benchmarks examples manual
	$(BIN)/mypy

# Every tier, the slow one too (wheel, compatibility venvs, browser, pre-commit, full property runs):
# what .ci/run calls.
test: lint
	$(BIN)/pytest

# The fast tier only: the tests not marked slow, with few generated examples (see tests/conftest.py);
# no lint. Run on every core (pytest-xdist): about 52 s of wall time and 80 s of CPU time on an idle
# 2-core machine; longer while others share the cores.
test-fast: $(TEST_STAMP)
	$(BIN)/pytest -m "not slow" -n auto

bench: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py --memory --serve --navigation --history --diff --profile 2000 5000

# The example with two years of back-dated git history in demo/, both tagged editions published with mike
# (gh-pages branch of demo/) and the newest state built into demo/site.
demo: $(TEST_STAMP)
	$(BIN)/python examples/demo/make_demo.py --output demo --force --deploy
	@echo "The lived example is in demo/ (open demo/site/index.html; 'cd demo && ../$(BIN)/mike serve' shows both editions)."

clean:
	rm -rf site demo manual-site .pytest_cache .mypy_cache .ruff_cache dist build
