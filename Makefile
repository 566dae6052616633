# One entry point for the edition. `make book` and `make test` set themselves up.
VENV   ?= .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
CASE   ?= data
STRICT := -W -n --keep-going
# How many times make bench repeats each measurement (make bench REPEAT=1 for a quick run).
REPEAT ?= 3
export CASEBOOK_DATA := $(abspath $(CASE))

# CASE=data (the default) builds the Turin edition from this folder's _config.yml and
# _toc.yml into _build/. Any other case folder is built into a book of its own by the
# generic notebooks of examples/case-book, in _build/cases/<folder name>/_build/.
ifeq ($(abspath $(CASE)),$(abspath data))
  SOURCE     := .
  BUILD_ROOT := .
  FIGURES    := figures
else
  SOURCE     := examples/case-book
  BUILD_ROOT := _build/cases/$(notdir $(abspath $(CASE)))
  FIGURES    := $(BUILD_ROOT)/_build/figures
endif
# The case's name (its datapackage.json) names the downloads the site offers and the release
# bundle; casebook/publish/casemeta.py links the pages to the same names.
NAME := $(shell python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' $(CASE)/datapackage.json 2>/dev/null || echo case)
OUT  := $(BUILD_ROOT)/_build
HTML := $(OUT)/html
# The notebooks take Figure 1's SVG from here when it shows the current figure (casebook.figures).
export CASEBOOK_FIGURES := $(abspath $(FIGURES))
TEACHING_CASE := examples/teaching-case

FIGURE_INPUTS := $(wildcard $(CASE)/*.csv) $(CASE)/datapackage.json casebook/figures.py casebook/network.py casebook/case.py

PDF_NAME  := $(NAME).pdf
QDPX_NAME := $(NAME).qdpx
DATA_NAME := $(NAME)-data.zip

.PHONY: help setup lock check figures html pdf book test test-fast lint verify audit dist bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup:  ## Debian packages (apt.txt) and the pinned virtual environment
	@scripts/setup.sh

lock:  ## re-pin requirements.txt from requirements.in in a fresh virtual environment
	rm -rf _build/lock-venv && python3 -m venv _build/lock-venv
	_build/lock-venv/bin/pip install -q -r requirements.in
	( echo "# Pinned from requirements.in by 'make lock' (Python 3.11, Debian 12)."; \
	  _build/lock-venv/bin/pip freeze ) > requirements.txt

check: setup  ## validate the case data: make check CASE=path/to/case
	$(PY) -m casebook check $(CASE)

figures: setup $(FIGURES)/figure1.json  ## Figure 1 as SVG, PNG, PDF, HTML and JSON in figures/

$(FIGURES)/figure1.json: $(FIGURE_INPUTS)
	$(PY) -m casebook figures --data $(CASE) --out $(FIGURES)

html: setup figures  ## only the HTML site, in _build/html (with the data and the REFI-QDA project to download); CASE=folder for another case
	$(PY) -m casebook check $(CASE)
	$(JB) build $(SOURCE) --path-output $(BUILD_ROOT) $(STRICT)
	$(PY) -m casebook export-qdpx $(HTML)/$(QDPX_NAME) --data $(CASE)
	$(PY) -m casebook export-data $(HTML)/$(DATA_NAME) --data $(CASE)

pdf: setup figures  ## only the PDF, typeset by Typst into _build/typst/book.pdf (also offered for download by the site)
	$(PY) -m casebook check $(CASE)
	$(JB) build $(SOURCE) --path-output $(BUILD_ROOT) --builder custom --custom-builder typst $(STRICT)
	@mkdir -p $(HTML) && cp $(OUT)/typst/book.pdf $(HTML)/$(PDF_NAME)

book: html  ## the book: the HTML site in _build/html with its PDF
	$(MAKE) --no-print-directory pdf

test: setup  ## nbval on the notebooks, then build HTML and PDF (Turin and the teaching case), then every test
	@mkdir -p _build
	$(PY) -m pytest --nbval chapters -p no:cacheprovider --junitxml=_build/nbval.xml
	CASEBOOK_DATA=$(abspath $(TEACHING_CASE)) $(PY) -m pytest --nbval examples/case-book -p no:cacheprovider
	$(MAKE) --no-print-directory book
	$(MAKE) --no-print-directory book CASE=$(TEACHING_CASE)
	$(PY) -m pytest tests

test-fast: setup  ## the tests that need no built book
	$(PY) -m pytest -m "not built and not pdf and not browser"

lint: setup  ## ruff, whitespace and data checks: every pre-commit hook on every tracked file (needs git)
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/pre-commit run --all-files

verify: setup  ## re-execute every notebook from data/ and compare tables, figure data and outputs with the committed ones
	$(PY) -m casebook verify --data $(CASE)

audit: html  ## the fidelity audit: every paragraph of prose against the source paragraph it restates (audit/)
	$(PY) scripts/audit.py check

dist: book  ## the release bundle dist/<case name>.zip (RO-Crate inside); CASE=folder for another case
	$(PY) -m casebook dist --book $(SOURCE) --build $(OUT) --data $(CASE) --out dist/$(NAME).zip --add $(HTML)/$(QDPX_NAME)

bench: setup  ## time builds, tests and large synthetic cases in a copy (_build/bench): benchmarks/results.json; REPEAT=3
	$(PY) scripts/bench.py --repeat $(REPEAT)

clean:  ## remove everything the build made
	rm -rf _build dist
