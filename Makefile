# Ortaq: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck unit bench demo clean models

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,ray]'  # ray: CI runs the Ray batch test
	touch $(STAMP)

run: $(STAMP)  ## set up, load the demo corpus, serve http://127.0.0.1:8000 with the worker (plain HTTP: dev cookies; Ctrl-C stops both)
	$(BIN)/ortaq demo
	ORTAQ_INSECURE_COOKIES=1 $(BIN)/ortaq serve --with-worker --host $(HOST) --port $(PORT)

demo: $(STAMP)
	$(BIN)/ortaq demo

test: $(STAMP) lint typecheck unit  ## set up and run every check and test

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script; done

models: $(STAMP)  ## retrain the NER models and their model cards (about 6 min, one core)
	$(BIN)/python scripts/train_ner.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
