# Quick start targets: `make briefs` renders every brief, `make test` runs the test suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# JupyterLab refuses to run as root without --allow-root (containers, CI machines).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup briefs status test test-fast lab bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
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

clean:
	rm -rf outputs/html outputs/notebooks outputs/cache
