# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test wall-clocks lint bench fuzz clean

# The suite must not care what time it is. Its date-sensitive part (working days, follow-up and digests, purge,
# the adapters' whole loops, console scripts, repeating meetings, scheduling warnings, civil hours, plan deadlines,
# task deadlines and incidents) runs again with the machine's clock moved to a Sunday night in UTC
# (Monday morning in Shanghai), a year's last seconds in Shanghai and a day in a year the holiday calendars do not
# know (tests/conftest.py: --wall-clock); the three runs go side by side. (tests/test_timeparse.py pins the wall
# clock far from its cases by itself.)
WALL_CLOCKS := 2026-11-29T23:30:00+00:00 2026-12-31T23:59:30+08:00 2031-06-02T09:00:00+08:00
WALL_CLOCK_TESTS := tests/test_workdays.py tests/test_followup.py tests/test_purge.py \
	tests/test_slack_adapter.py::test_the_whole_meeting_loop \
	tests/test_dingtalk_adapter.py::test_the_whole_meeting_loop_in_chinese \
	tests/test_console.py::test_follow_through_in_english tests/test_console.py::test_follow_through_in_chinese \
	tests/test_series.py tests/test_sense.py tests/test_people_local.py tests/test_plans.py \
	tests/test_board.py tests/test_event_loop_platforms.py

# The suite runs on pytest-xdist workers, one per core (at most 4: each worker pays the imports, the migrations
# and PostgreSQL connections of its own); the tests marked `xdist_group("processes")` (real processes racing on
# leases) run one at a time: `--dist loadgroup` groups them where pytest lets it, a shared lock file always. `wall-clocks` needs no workers: its
# three sessions already run side by side.
PARALLEL := -n auto --maxprocesses=4 --dist loadgroup

# Compiled code is kept between runs, as Python does by default (an empty value unsets it for Python): where the
# environment sets PYTHONDONTWRITEBYTECODE, every xdist worker rewrote the asserts of every test module again on
# every run (about half of a worker's ~7 s of collecting), and the three wall-clock sessions after the suite did it
# again. Bytecode goes into `__pycache__` beside the sources (git ignores them); Python and pytest compare each
# source's size and mtime with the bytecode's, so what runs is the same code.
export PYTHONDONTWRITEBYTECODE :=

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
	$(BIN)/lint-imports
	$(BIN)/pytest -q $(PARALLEL)
	$(MAKE) --no-print-directory wall-clocks
	$(BIN)/python -m bench.scheduler --small --strict
	$(BIN)/python -m bench.slack_ack --small
	$(BIN)/python -m bench.reports --small --strict

wall-clocks: $(STAMP)
	logs=$$(mktemp -d); pids=""; for instant in $(WALL_CLOCKS); do \
		$(BIN)/pytest -q -p no:cacheprovider --wall-clock=$$instant $(WALL_CLOCK_TESTS) > $$logs/$$instant 2>&1 & \
		pids="$$pids $$!"; \
	done; failed=0; for pid in $$pids; do wait $$pid || failed=1; done; \
	for instant in $(WALL_CLOCKS); do echo "== wall clock at $$instant"; grep -E "^(FAILED|ERROR) " $$logs/$$instant; tail -n 25 $$logs/$$instant; done; \
	rm -r $$logs; exit $$failed

bench: $(STAMP)
	$(BIN)/python -m bench.timeparse_accuracy
	$(BIN)/python -m bench.scheduler
	$(BIN)/python -m bench.slack_ack
	$(BIN)/python -m bench.instances
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.new_meeting --callgrind --profile --strict

# The property-based fuzz of the grammar and the core at 100,000 inputs per test (SQLite and PostgreSQL);
# the suite runs the same tests at 200 (grammar) and 50 per database (core). Deterministic: the same inputs on
# every run.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=100000 $(BIN)/pytest tests/test_fuzz.py -q -p no:randomly

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
