# Every target installs what it needs first, so a fresh clone needs only Python 3.11+ and make.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint schema bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## the service on its embedded default, with a demo tenant
	$(BIN)/reward-ledger serve --demo

test: $(STAMP)  ## the whole suite, on a database it creates (SQLite; TEST_DATABASE_URL names a PostgreSQL server)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy api ledger providers scheduler

schema: $(STAMP)  ## re-export schema.graphql after changing the API
	$(BIN)/reward-ledger export-schema > schema.graphql

bench: $(STAMP)  ## throughput and latency figures; never part of the tests
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.subscribers  # 1,000 live subscribers on one instance: delivery p50/p99
	$(BIN)/python -m benchmarks.reconcile  # a 10,000 vs a 100,000-redemption day: reconciliation's peak memory

clean:
	rm -rf $(VENV) reward-ledger.sqlite3*
