# Clinic Desktop developer commands. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DEMO_DIR ?= $(CURDIR)/demo-data
export LANG ?= C.UTF-8
export LC_ALL ?= C.UTF-8

.PHONY: run demo test test-future test-fast lint bench screenshots bundle i18n clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP) $@

## Open the app on the demo clinic (created and seeded on first run).
run: $(STAMP)
	$(BIN)/clinic-desktop --data-dir "$(DEMO_DIR)" demo --if-missing
	$(BIN)/clinic-desktop --data-dir "$(DEMO_DIR)" gui --demo

## The whole suite, headless.
test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen MPLCONFIGDIR=$$(mktemp -d) $(BIN)/python -m pytest -n 2 --dist loadgroup -p no:randomly --durations=15 tests --ignore=tests/benchmarks

## The suite again with the machine's clock a year ahead (Debian's faketime moves Qt and the
## CLI's subprocesses too): a test that only passes this month is a defect. Under it a
## threading wait with a timeout that nothing ends early (Event().wait(0.01)) sleeps for a
## year: libfaketime 0.9.10 moves the monotonic clock but not the deadline of sem_clockwait.
## Tests pace threads with time.sleep instead. (Keeping the monotonic clock real instead
## makes time.sleep and subprocess timeouts fail with EINVAL.)
FUTURE ?= +365d
test-future: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen MPLCONFIGDIR=$$(mktemp -d) faketime -f '$(FUTURE)' \
		$(BIN)/python -m pytest -n 2 --dist loadgroup -p no:randomly --durations=15 tests --ignore=tests/benchmarks

test-fast: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -m "not slow" tests --ignore=tests/benchmarks

lint: $(TEST_STAMP)
	$(BIN)/ruff check clinic_desktop ui tests db tools
	$(BIN)/mypy

bench: $(TEST_STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/benchmarks --benchmark-only -s \
		--benchmark-columns=min,median,max,mean,rounds -p no:xdist

## Every page and dialog, in Chinese and English, at 1366×768 and 1280×720 (less a taskbar).
screenshots: $(TEST_STAMP)
	rm -rf docs/screenshots/zh docs/screenshots/en
	MPLCONFIGDIR=$$(mktemp -d) $(BIN)/python tools/screenshots.py docs/screenshots

i18n: $(TEST_STAMP)
	$(BIN)/python tools/i18n.py update

bundle: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bundle]'
	$(BIN)/pyinstaller --noconfirm --clean build.spec

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .benchmarks *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
