# Ortaq: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck unit browser bench demo clean models catalogs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,ray]'  # ray: CI runs the Ray batch test
	touch $(STAMP)

# The newsroom's front-end packages (htmx, Leaflet, world-atlas, Cytoscape, axe-core):
# exactly the versions of package-lock.json, reinstalled when the lock file changes.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

run: $(STAMP) $(NODE_STAMP)  ## set up, load the demo corpus, serve http://127.0.0.1:8000 with the worker (plain HTTP: dev cookies; Ctrl-C stops both)
	$(BIN)/ortaq demo
	ORTAQ_INSECURE_COOKIES=1 $(BIN)/ortaq serve --with-worker --host $(HOST) --port $(PORT)

demo: $(STAMP)
	$(BIN)/ortaq demo

test: $(STAMP) $(NODE_STAMP) lint typecheck unit  ## set up and run every check and test (the browser tests too)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

browser: $(STAMP) $(NODE_STAMP)  ## only the real-browser tests of the newsroom (Debian's chromium)
	$(BIN)/pytest -n 0 -m browser

catalogs: $(STAMP)  ## re-extract the interface messages and merge them into every .po catalog
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
		-o src/ortaq/web/locale/messages.pot src/ortaq
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete \
		-i src/ortaq/web/locale/messages.pot -d src/ortaq/web/locale

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script; done

models: $(STAMP)  ## retrain the NER models and their model cards (about 6 min, one core)
	$(BIN)/python scripts/train_ner.py

clean:
	rm -rf $(VENV) node_modules test-output .pytest_cache .mypy_cache .ruff_cache
