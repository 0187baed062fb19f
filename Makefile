# Quick start targets: `make briefs` renders every brief, `make test` runs the test suite.
# Everything is installed from requirements.lock (exact versions, checked hashes); `make lock` refreshes it.
# Offline: `make wheelhouse` downloads every wheel the lock needs into wheelhouse/ (Linux and Windows, every
# supported Python); on the machine without internet, `make setup WHEELHOUSE=wheelhouse`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
WHEELHOUSE ?=
WHEELHOUSE_DIR ?= wheelhouse
# With a wheelhouse, pip sees no package index at all: only that folder.
FROM := $(if $(WHEELHOUSE),--no-index --find-links $(WHEELHOUSE),)
# JupyterLab refuses to run as root without --allow-root (containers, CI machines).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup briefs status test test-fast lab bench lock wheelhouse doctor clean

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes $(FROM) -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation $(FROM) -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

setup: $(STAMP)

briefs: $(STAMP)
	$(BIN)/kz render --all --lang both

status: $(STAMP)
	$(BIN)/kz assess

test: $(STAMP)
	$(BIN)/ruff check kzlib tests bench notebooks
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/ruff check kzlib tests bench notebooks
	$(BIN)/python -m pytest -q -m "not slow"

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/explore.ipynb

bench: $(STAMP)
	$(BIN)/python bench/assess_speed.py
	$(BIN)/python bench/render_speed.py
	$(BIN)/python bench/interrupt_latency.py
	$(BIN)/python bench/explore_speed.py
	$(BIN)/python bench/observations_speed.py
	$(BIN)/python bench/draft_speed.py

doctor: $(STAMP)
	$(BIN)/kz doctor

# Resolve pyproject.toml again (uv, universal: Linux, Windows and macOS, every Python from requires-python on).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet 'uv>=0.5'
	$(BIN)/python -m kzlib.lock

wheelhouse: $(STAMP)
	$(BIN)/python -m kzlib.wheelhouse $(WHEELHOUSE_DIR)

clean:
	rm -rf outputs
