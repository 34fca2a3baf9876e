# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/quorum console

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q
	$(BIN)/python -m bench.scheduler --small --strict
	$(BIN)/python -m bench.slack_ack --small
	$(BIN)/python -m bench.reports --small --strict

bench: $(STAMP)
	$(BIN)/python -m bench.timeparse_accuracy
	$(BIN)/python -m bench.scheduler
	$(BIN)/python -m bench.slack_ack
	$(BIN)/python -m bench.reports

# The property-based fuzz of the grammar and the core at 100,000 inputs per test (SQLite and PostgreSQL);
# the suite runs the same tests at 200. Deterministic: the same inputs on every run.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=100000 $(BIN)/pytest tests/test_fuzz.py -q -p no:randomly

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
