# Forum Check-in: `make run` starts the kiosk on the demo event, `make test` runs the whole suite.
# Both set everything up on a fresh machine (system packages, .venv, the project) and are
# quick on a second run.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RUN_STAMP  := $(VENV)/.stamp-run
TEST_STAMP := $(VENV)/.stamp-test
SYS_STAMP  := $(VENV)/.stamp-sysdeps
ARGS ?=

.PHONY: run test setup setup-test sysdeps lint check bench screenshots demo-video clean

run: setup
	@bash scripts/run.sh $(ARGS)

test: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy kiosk
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -n 2 -p no:cacheprovider $(ARGS)

setup: $(RUN_STAMP)
setup-test: $(TEST_STAMP)

sysdeps: $(SYS_STAMP)

$(SYS_STAMP): scripts/sysdeps.sh
	@bash scripts/sysdeps.sh
	@mkdir -p $(VENV) && touch $@

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml $(SYS_STAMP) | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): pyproject.toml $(RUN_STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

lint: setup-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy kiosk && $(VENV)/bin/lint-imports

bench: setup-test
	$(PY) bench/checkin.py
	$(PY) bench/search.py
	$(PY) bench/import_rows.py
	$(PY) bench/import_log.py
	$(PY) bench/rebuild.py
	$(PY) bench/import_memory.py
	$(PY) bench/export.py
	$(PY) bench/decode.py
	$(PY) bench/badges.py
	$(PY) bench/sync_throughput.py
	$(PY) bench/sync_idle.py
	$(PY) bench/sync_visibility.py
	$(PY) bench/sync_checkin.py
	$(PY) bench/sync_hub_lost.py
	$(PY) bench/meetings_checkin.py
	$(PY) bench/meetings_import.py
	$(PY) bench/meetings_status.py
	$(PY) bench/station.py
	$(PY) bench/trust.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/gui_startup.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/gui_scan.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/gui_dashboard.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/gui_memory.py

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(PY) main.py screenshots --out docs/screenshots
	QT_QPA_PLATFORM=offscreen $(PY) main.py screenshots --lang zh --out docs/screenshots
	bash scripts/screens_xvfb.sh docs/screenshots
	bash scripts/screens_xvfb_meetings.sh docs/screenshots
	bash scripts/screens_xvfb_printing.sh docs/screenshots
	bash scripts/screens_xvfb_stations.sh docs/screenshots
	bash scripts/screens_xvfb_expired.sh docs/screenshots

demo-video: setup
	$(PY) scripts/make_demo_video.py

clean:
	rm -rf $(VENV) build *.egg-info
