# Handbook pipeline: data → charts → HTML site and PDF.  `make` builds everything; `make help` lists targets.
# Every variable below can be overridden: `make html PYTHON=python3.12`, `make BOOK=../inny-powiat`.

PYTHON   ?= python3
VENV     ?= .venv
# The book to build: a folder with conf/, data/ and handbook/ (this repository's own book by default).
BOOK     ?= .
PORT     ?= 8000
PYTEST_ARGS ?=

BUILD    := $(BOOK)/_build
BIN      := $(VENV)/bin
HANDBOOK := $(BIN)/handbook --katalog $(BOOK)
STAMP    := $(VENV)/.installed
# Every file of the book's chapters and settings (images of any kind included), and every file of
# the engine but what Python and Sphinx compile from it while building (.pyc, .mo).
SOURCES  := $(shell find $(BOOK)/handbook $(BOOK)/conf -type f 2>/dev/null) \
            $(shell find scripts -type f -not -name '*.pyc' -not -name '*.mo' -not -path '*.egg-info/*' 2>/dev/null)
DATA     := $(wildcard $(BOOK)/data/*.csv) $(BOOK)/data/datapackage.json
# The PDF's name is set once, in the book's conf/handbook.toml (nazwa_pliku).
PDFNAME  := $(shell sed -n 's/^nazwa_pliku *= *"\(.*\)"/\1/p' $(BOOK)/conf/handbook.toml 2>/dev/null)

.DEFAULT_GOAL := handbook
.PHONY: help handbook html pdf charts serve test check bench clean distclean lock
# An interrupted recipe must not make make delete its target: `handbook` publishes a complete
# new output or keeps the old one, and deleting e.g. html/index.html would leave neither.
.PRECIOUS: $(BUILD)/charts/manifest.json $(BUILD)/html/index.html $(BUILD)/pdf/$(PDFNAME).pdf

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

# The chart runner rewrites the manifest only when it changes, hence the touch; `handbook` has
# checked that _build can be written before it got here.
$(BUILD)/charts/manifest.json: $(STAMP) $(DATA) $(SOURCES)
	$(HANDBOOK) wykresy
	@touch $@

html: $(BUILD)/html/index.html ## zbuduj stronę internetową w _build/html

# Both outputs are written anew by every build (never touched: a source saved during the build
# stays newer than its output, so the next make builds again).
$(BUILD)/html/index.html: $(BUILD)/charts/manifest.json $(BUILD)/pdf/$(PDFNAME).pdf $(SOURCES)
	$(HANDBOOK) buduj --html

pdf: $(BUILD)/pdf/$(PDFNAME).pdf ## zbuduj PDF do druku w _build/pdf

$(BUILD)/pdf/$(PDFNAME).pdf: $(BUILD)/charts/manifest.json $(SOURCES)
	$(HANDBOOK) buduj --pdf

serve: $(STAMP) ## podgląd na żywo: http://127.0.0.1:8000 (PORT=...)
	$(HANDBOOK) podglad --port $(PORT)

test: $(STAMP) ## uruchom testy (silnik i podręcznik BOOK)
	HANDBOOK_BOOK="$(abspath $(BOOK))" $(BIN)/pytest $(PYTEST_ARGS)

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
