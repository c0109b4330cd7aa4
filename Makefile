# Techniekmonitor Flevoland. `make run` starts the app on demo data; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DATA   := $(or $(DATA),$(TECHNIEKMONITOR_DATA),data)
RAW    := $(DATA)/raw
DB     := $(DATA)/warehouse.duckdb
# The ETL's and the app's defaults follow the same data folder (warehouse/paths.py).
export TECHNIEKMONITOR_DATA := $(abspath $(DATA))
PORT   ?= 8501

.PHONY: run test lint docs warehouse demo-if-empty bench load soak clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Demo data only when the raw folder holds no data file yet: real downloads are never overwritten.
demo-if-empty: $(VENV)/.installed
	@if [ -z "$$(find $(RAW) -type f ! -path '*/.*' ! -name '*.manifest.json' 2>/dev/null | head -n 1)" ]; then \
		echo "Geen ruwe data in $(RAW): demodata maken."; $(PY) -m etl demo --raw $(RAW); fi

# Rebuild when the warehouse is missing or older than any raw file or ETL code. A failed build keeps the
# old warehouse; the app then starts on that one.
warehouse: demo-if-empty
	@if [ ! -f $(DB) ] || [ -n "$$(find $(RAW) etl warehouse/sql $(DATA)/uploads -type f ! -path '*/.cache/*' -newer $(DB) 2>/dev/null | head -n 1)" ]; then \
		$(PY) -m etl build --raw $(RAW) --db $(DB) || { [ -f $(DB) ] && echo "De app start met het vorige datawarehouse."; }; \
	fi

run: warehouse
	$(PY) -m ui.serve --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .

test: lint
	$(PY) -m pytest

docs: $(VENV)/.installed
	$(PY) -m warehouse indicators --format markdown > docs/indicators.md

bench: $(VENV)/.installed-dev
	$(PY) bench/bench_build.py

# Many users at once: 1, 5, 10 and 20 sessions clicking through the pages while a build and an upload run (national
# demo in a temporary folder, Debian's Chromium; minutes of full load on every core: run it on a quiet machine).
load: $(VENV)/.installed-dev
	$(PY) bench/load_sessions.py

# The full fault-injection campaign (kill -9 in commits and builds); CI runs a fixed-seed sample of it.
soak: $(VENV)/.installed-dev
	$(PY) bench/soak_crash.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .ruff_cache
