# Two commands: `make run` and `make test`. Everything else is a helper.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/kostra.duckdb

.PHONY: run test setup db bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

$(DB): $(VENV)/.installed
	$(BIN)/python -m pipelines build --db $(DB)

db: $(DB)

run: setup db
	$(BIN)/streamlit run app.py --server.headless true --browser.gatherUsageStats false

# two workers, each taking whole test files (--dist loadfile keeps a file's module fixtures, such as a shared server
# or fetched database, in one process), the slowest files first (tests/conftest.py, SLOWEST_FILES);
# `.venv/bin/python -m pytest …` alone runs in one process
test: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

bench: setup db
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) $(DB)
