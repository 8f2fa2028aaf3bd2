# catalog: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
JAVA ?= /usr/bin/java

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## Create .venv and install catalog with its development tools

$(CHROMIUM):
	@echo "installing Debian's chromium for the browser tests"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

browser: $(CHROMIUM) ## Install headless Chromium (Debian) for the browser tests

$(JAVA):
	@echo "installing Debian's Java runtime for the HTML validator (vnu)"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null

demo: $(STAMP) ## Serve the bundled mirror on 127.0.0.1, crawl it, build site/
	$(BIN)/catalog demo

test: $(STAMP) $(CHROMIUM) $(JAVA) ## Run the whole test suite (lint, types, tests)
	$(BIN)/ruff check catalog tests scripts bench
	$(BIN)/mypy catalog
	CATALOG_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -q

lint: $(STAMP) ## ruff and mypy only
	$(BIN)/ruff check catalog tests scripts bench
	$(BIN)/mypy catalog

snapshot: $(STAMP) ## Regenerate the bundled mirror data/snapshot/ from data/sources/
	$(BIN)/python scripts/make_snapshot.py

bench: $(STAMP) ## Run the benchmarks in bench/ (each prints its BENCHMARKS.md section)
	$(BIN)/python bench/cost_demo.py
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

serve: $(STAMP) ## Preview the built site on http://127.0.0.1:8000/
	$(BIN)/catalog serve site

clean: ## Remove the built site, demo database and caches (keeps .venv)
	rm -rf site data/demo.db data/demo.db-* .pytest_cache .mypy_cache .ruff_cache test-artifacts

.PHONY: help venv browser demo test lint snapshot bench serve clean
