# Handbook pipeline: data → charts → HTML site and PDF.  `make` builds everything; `make help` lists targets.
# Every variable below can be overridden: `make html PYTHON=python3.12`, `make BOOK=../inny-powiat`.

PYTHON   ?= python3
VENV     ?= .venv
# The book to build: a folder with conf/, data/ and handbook/ (this repository's own book by default).
BOOK     ?= .
PORT     ?= 8000
PYTEST_ARGS ?=

# Goals that need no book: BOOK is checked (in Polish, before make tries anything) for the others.
NOBOOK_GOALS := help clean distclean lock check
GOALS    := $(or $(MAKECMDGOALS),handbook)
SPACE    := $() $()
ifeq ($(strip $(BOOK)),)
$(error Podaj folder podręcznika: make BOOK=folder (bez BOOK: ten podręcznik))
endif
ifneq ($(words $(BOOK)),1)
$(error Folder podręcznika „$(BOOK)” ma w nazwie spację, a make nie obsługuje takich nazw. Zmień nazwę folderu (np. na „$(subst $(SPACE),-,$(strip $(BOOK)))”) albo utwórz do niego dowiązanie bez spacji (ln -s "$(BOOK)" ~/podrecznik) i podaj je: make BOOK=~/podrecznik. Polecenie handbook --katalog "$(BOOK)" buduj działa także ze spacją w nazwie)
endif
ifneq ($(filter-out $(NOBOOK_GOALS),$(GOALS)),)
ifeq ($(wildcard $(BOOK)/conf/handbook.toml),)
$(error W folderze „$(BOOK)” nie ma podręcznika (brak pliku conf/handbook.toml). Sprawdź ścieżkę podaną w BOOK=… albo utwórz tam nowy podręcznik: $(VENV)/bin/handbook nowy-podrecznik $(BOOK))
endif
endif

BUILD    := $(BOOK)/_build
BIN      := $(VENV)/bin
HANDBOOK := $(BIN)/handbook --katalog $(BOOK)
STAMP    := $(VENV)/.installed
# node_modules from package-lock.json: axe-core for the browser tests, Lighthouse for `make bench`.
NODE_STAMP := node_modules/.installed
# Every file of the book's chapters (images of any kind included), of its settings and
# declarations, of its data, and of the engine but what Python and Sphinx compile from it while
# building (.pyc, .mo).
CHAPTERS := $(shell find $(BOOK)/handbook -type f 2>/dev/null)
CONF     := $(shell find $(BOOK)/conf -type f 2>/dev/null)
DATA     := $(shell find $(BOOK)/data -type f 2>/dev/null)
ENGINE   := $(shell find scripts -type f -not -name '*.pyc' -not -name '*.mo' -not -path '*.egg-info/*' 2>/dev/null)
# What the data stage (validation, charts, numbers) reads: never the chapters.
CHART_INPUTS := $(STAMP) $(DATA) $(CONF) $(ENGINE)
# make cannot see a prerequisite that is gone (a deleted CSV or image): the list of the book's
# files, rewritten here only when it changes, makes a deletion (or an addition) a change.
# Not written for a goal that builds nothing, nor when _build cannot be written: `handbook`
# then says why in Polish.
FILELIST := $(BUILD)/.pliki-zrodlowe
ifneq ($(filter handbook html pdf druk charts,$(GOALS)),)
$(shell { test -e $(BUILD) || mkdir $(BUILD); } 2>/dev/null && \
  find $(BOOK)/handbook $(BOOK)/conf $(BOOK)/data -type f 2>/dev/null | LC_ALL=C sort > $(FILELIST).nowa 2>/dev/null && \
  { cmp -s $(FILELIST).nowa $(FILELIST) || mv -f $(FILELIST).nowa $(FILELIST); } 2>/dev/null; \
  rm -f $(FILELIST).nowa 2>/dev/null)
endif
# The PDF's name is set once, in the book's conf/handbook.toml (nazwa_pliku).
PDFNAME  := $(shell sed -n 's/^nazwa_pliku *= *"\(.*\)"/\1/p' $(BOOK)/conf/handbook.toml 2>/dev/null)
# The print-shop edition (`make druk`): interior and cover, made from the PDF.
PRESS    := $(BUILD)/druk/$(PDFNAME)-srodek.pdf $(BUILD)/druk/$(PDFNAME)-okladka.pdf

.DEFAULT_GOAL := handbook
.PHONY: help handbook html pdf druk charts serve test check bench clean distclean lock
# An interrupted recipe must not make make delete its target: `handbook` publishes a complete
# new output or keeps the old one, and deleting e.g. html/index.html would leave neither.
.PRECIOUS: $(BUILD)/charts/manifest.json $(BUILD)/html/index.html $(BUILD)/pdf/$(PDFNAME).pdf $(PRESS) $(FILELIST)

help: ## pokaż dostępne polecenia
	@echo "Polecenia (make <polecenie>):"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## (.*)/  \1\t\2/' | expand -t 14

handbook: pdf html ## zbuduj cały podręcznik (domyślne): wykresy, stronę HTML i PDF

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3" || $(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Brak programu npm (potrzebny do testów przeglądarki i pomiarów strony). Zainstaluj Node.js i npm, np. sudo apt install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

charts: $(BUILD)/charts/manifest.json ## sprawdź dane i wygeneruj wykresy (tylko zmienione)

# Missing (a read-only _build): the builds below run, and `handbook` says what is wrong.
$(FILELIST): ;

# The data stage alone. The chart runner rewrites the manifest only when it changes, hence the
# touch; `handbook` has checked that _build can be written before it got here.
$(BUILD)/charts/manifest.json: $(CHART_INPUTS) $(FILELIST)
	$(HANDBOOK) wykresy
	@touch $@

html: $(BUILD)/html/index.html ## zbuduj stronę internetową w _build/html (razem z PDF)

pdf: $(BUILD)/pdf/$(PDFNAME).pdf ## zbuduj PDF do druku w _build/pdf (razem ze stroną)

# One `buduj` process makes the data stage, both outputs and publishes them together, or
# neither (the site offers the PDF, and an input the site refuses must not change the PDF
# either). The outputs depend on the charts through the charts' inputs, not through the
# manifest: a manifest target out of date would make make start `wykresy` first, a second
# process for the stage `buduj` runs itself (and skips, by content hash, when what it reads is
# unchanged). Both are written anew by every build (never touched: a source saved during the
# build stays newer than its output, so the next make builds again).
$(BUILD)/html/index.html $(BUILD)/pdf/$(PDFNAME).pdf &: $(CHART_INPUTS) $(CHAPTERS) $(FILELIST)
	$(HANDBOOK) buduj

druk: $(PRESS) ## wydanie dla drukarni w _build/druk: środek ze spadami, okładka z grzbietem

# The whole book built again with its print edition: all of it is published together, so the
# print files always match the PDF and the site.
$(PRESS) &: $(CHART_INPUTS) $(CHAPTERS) $(FILELIST)
	$(HANDBOOK) buduj --druk

serve: $(STAMP) ## podgląd na żywo: http://127.0.0.1:8000 (PORT=...)
	$(HANDBOOK) podglad --port $(PORT)

test: $(STAMP) $(NODE_STAMP) ## uruchom testy (silnik i podręcznik BOOK)
	HANDBOOK_BOOK="$(abspath $(BOOK))" $(BIN)/pytest $(PYTEST_ARGS)

check: $(STAMP) ## sprawdź styl kodu (ruff)
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests

bench: $(STAMP) $(NODE_STAMP) ## zmierz czas budowania i stronę u czytelnika (Lighthouse)
	$(BIN)/python scripts/bench.py --katalog $(BOOK)
	$(BIN)/python scripts/bench_site.py --katalog $(BOOK)

clean: ## usuń wyniki budowania (_build)
	rm -rf $(BUILD)

distclean: clean ## usuń też środowisko Pythona (.venv)
	rm -rf $(VENV)

lock: ## odśwież przypięte wersje zależności (constraints.txt)
	rm -rf $(BUILD)/lockenv && $(PYTHON) -m venv $(BUILD)/lockenv
	$(BUILD)/lockenv/bin/pip install --quiet -e ".[dev]"
	{ head -n 2 constraints.txt; $(BUILD)/lockenv/bin/pip freeze --exclude-editable; } > constraints.tmp
	mv constraints.tmp constraints.txt && rm -rf $(BUILD)/lockenv
