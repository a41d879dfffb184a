# Handbook pipeline: data → charts → HTML site.  `make` builds everything; `make help` lists targets.
# Every variable below can be overridden: `make html PYTHON=python3.12`.

PYTHON   ?= python3
VENV     ?= .venv
BUILD    ?= _build
PORT     ?= 8000
PYTEST_ARGS ?=

BIN      := $(VENV)/bin
HANDBOOK := $(BIN)/handbook
STAMP    := $(VENV)/.installed
SOURCES  := $(shell find handbook conf scripts -type f \( -name '*.md' -o -name '*.py' -o -name '*.toml' -o -name '*.svg' -o -name '*_t' -o -name '*.html' -o -name '*.po' -o -name '*.typ' \) 2>/dev/null)
DATA     := $(wildcard data/*.csv) data/datapackage.json
# The PDF's name is set once, in conf/handbook.toml (nazwa_pliku).
PDFNAME  := $(shell sed -n 's/^nazwa_pliku *= *"\(.*\)"/\1/p' conf/handbook.toml)

.DEFAULT_GOAL := handbook
.PHONY: help handbook html pdf charts serve test check bench clean distclean lock

help: ## pokaż dostępne polecenia
	@echo "Polecenia (make <polecenie>):"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## (.*)/  \1\t\2/' | expand -t 14

handbook: pdf html ## zbuduj cały podręcznik (domyślne): wykresy, stronę HTML i PDF

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3" || $(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

charts: $(BUILD)/charts/manifest.json ## sprawdź dane i wygeneruj wykresy (tylko zmienione)

$(BUILD)/charts/manifest.json: $(STAMP) $(DATA) $(SOURCES)
	$(HANDBOOK) wykresy
	@touch $@

html: $(BUILD)/html/index.html ## zbuduj stronę internetową w _build/html

$(BUILD)/html/index.html: $(BUILD)/charts/manifest.json $(BUILD)/pdf/$(PDFNAME).pdf $(SOURCES)
	$(HANDBOOK) buduj --html
	@touch $@

pdf: $(BUILD)/pdf/$(PDFNAME).pdf ## zbuduj PDF do druku w _build/pdf

$(BUILD)/pdf/$(PDFNAME).pdf: $(BUILD)/charts/manifest.json $(SOURCES)
	$(HANDBOOK) buduj --pdf
	@touch $@

serve: $(STAMP) ## podgląd na żywo: http://127.0.0.1:8000 (PORT=...)
	$(HANDBOOK) podglad --port $(PORT)

test: $(STAMP) ## uruchom testy
	$(BIN)/pytest $(PYTEST_ARGS)

check: $(STAMP) ## sprawdź styl kodu (ruff)
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests

bench: $(STAMP) ## zmierz czas budowania (czysty i bez zmian)
	$(BIN)/python scripts/bench.py

clean: ## usuń wyniki budowania (_build)
	rm -rf $(BUILD)

distclean: clean ## usuń też środowisko Pythona (.venv)
	rm -rf $(VENV)

lock: ## odśwież przypięte wersje zależności (constraints.txt)
	rm -rf $(BUILD)/lockenv && $(PYTHON) -m venv $(BUILD)/lockenv
	$(BUILD)/lockenv/bin/pip install --quiet -e ".[dev]"
	{ head -n 2 constraints.txt; $(BUILD)/lockenv/bin/pip freeze --exclude-editable; } > constraints.tmp
	mv constraints.tmp constraints.txt && rm -rf $(BUILD)/lockenv
