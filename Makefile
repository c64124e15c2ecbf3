PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# the packages `mypy --strict` must pass on: all of gstims
MYPY_PACKAGES := gstims
# ruff's paths
PYTHON_PATHS := src tests bench scripts
# 1: a machine that cannot reach a vulnerability service fails `make audit` (default: it says
# NOT AUDITED and goes on; see docs/adr/0009-make-check.md)
AUDIT_REQUIRED ?=

.PHONY: install test check lint audit bench demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# the README's test command: everything `make check` runs
test: check

# lint, audit, then the whole suite with warnings as errors (pyproject's filterwarnings);
# pytest runs last so that its summary closes the output
check: lint audit
	$(BIN)/python -m pytest -q -n 2

lint: install
	$(BIN)/ruff check $(PYTHON_PATHS)
	$(BIN)/ruff format --check $(PYTHON_PATHS)
	$(BIN)/mypy --strict $(addprefix -p ,$(MYPY_PACKAGES))
	$(BIN)/bandit -q -r src --severity-level medium --confidence-level medium

audit: install
	$(BIN)/python scripts/audit.py $(if $(AUDIT_REQUIRED),--require-service)

# the demo needs only gstims itself: no dev tools, no browser (a fresh clone serves in ~2 min)
DEMO_STAMP := $(VENV)/.installed-demo

$(DEMO_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/gstims demo

bench: install
	$(BIN)/python bench/domain_2b.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
