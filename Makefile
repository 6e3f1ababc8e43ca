# Two commands on a fresh clone: `make demo` and `make test` (ruff, then the whole suite on
# every core (pytest-xdist), slow-marked statistical tests and the wheel built and installed
# into a fresh virtualenv included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/staffcast demo --out demo-out

# Lint first: a lint error fails the run before the (slower) tests start.
test: $(STAMP)
	$(BIN)/ruff check .
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) || true
	# a CJK-capable font, so Chinese agent IDs and names draw in charts (tests check it)
	fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || (apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei) || true
	$(BIN)/python -m pytest -q -n auto --durations=15

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/staffing.py
	$(BIN)/python benchmarks/forecast.py
	$(BIN)/python benchmarks/roster.py

clean:
	rm -rf $(VENV) demo-out

.PHONY: strip-notebooks
strip-notebooks: $(STAMP)
	$(BIN)/python notebooks/strip.py
