# slm-workbench — run `make help` for the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install demo test test-fast lab lint format clean chromium bench

help: ## Show the targets and what they do
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@scripts/bootstrap-venv "$(PYTHON)" "$(VENV)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create or update the virtual environment in .venv

demo: $(STAMP) ## Generate demo exports, load them and render the demo packs
	$(BIN)/slm demo

chromium: ## Install the distribution's Chromium for the browser tests when missing
	@scripts/ensure-chromium

test: $(STAMP) chromium ## Run the whole test suite, browser tests included
	$(BIN)/python -m pytest -n 2 --dist loadgroup

test-fast: $(STAMP) ## Unit tests only (no notebooks, no browser)
	$(BIN)/python -m pytest -m "not slow and not browser"

lab: $(STAMP) ## Open JupyterLab on notebooks/ (slm lab; as root too)
	$(BIN)/slm lab

lint: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## Run the benchmarks (results: docs/benchmarks.md)
	$(BIN)/python benchmarks/clock_attainment.py
	$(BIN)/python benchmarks/load_servicenow.py
	$(BIN)/python benchmarks/check_outages.py
	$(BIN)/python benchmarks/availability_methods.py
	$(BIN)/python benchmarks/improvement.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/cli_start.py

clean: ## Remove the environment, generated data, warehouse and packs
	rm -rf $(VENV) data/raw data/*.duckdb data/*.duckdb.wal reports/*/ reports/_failed \
	  .pytest_cache .mypy_cache .ruff_cache .hypothesis catalogue.schema.json
	@if [ -f catalogue.yaml ] && head -1 catalogue.yaml | grep -q '^# slm-workbench demo catalogue'; then rm catalogue.yaml; fi
