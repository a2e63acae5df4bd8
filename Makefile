# Two commands set up everything on a fresh machine:
#   make demo   -> install, then run `voc analyze` on the shipped samples (writes voc-out/)
#   make test   -> install, then run the test suite
#   make lint   -> ruff check (the rules in pyproject.toml); .ci/run calls `make lint` then `make test`
# Installs use requirements.lock (exact versions CI proved); `make lock` refreshes it.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo lint test test-all bench lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel
	# torch first: 2.13.0 is the CPU build; a bare requirement would pull a multi-GB CUDA build
	$(BIN)/pip install --quiet -c requirements.lock torch==2.13.0
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/pip check
	$(BIN)/python scripts/check_lock.py
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/voc analyze fixtures/transcripts/ --events fixtures/events/web_events.csv --config pipelines/journeys.yaml --out voc-out/

lint: $(STAMP)
	$(BIN)/ruff check voc tests benchmarks scripts

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-all: $(STAMP)
	$(BIN)/python -m pytest -q -m "slow or not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

lock:
	PY=$(PY) bash scripts/lock.sh

clean:
	rm -rf voc-out .pytest_cache
