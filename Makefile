PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint bench demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

test: install
	$(BIN)/python -m pytest -q -n 2

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy --strict -p gstims.domain
	$(BIN)/bandit -q -r src --severity-level medium --confidence-level medium
	# every dependency audited against a vulnerability service, or the gate fails (--strict):
	# it needs the network (docs/SECURITY.md)
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

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
