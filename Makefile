# One entry point for the edition. `make book` and `make test` set themselves up.
VENV   ?= .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
CASE   ?= data
STRICT := -W -n --keep-going
export CASEBOOK_DATA := $(abspath $(CASE))

FIGURE_INPUTS := $(wildcard $(CASE)/*.csv) casebook/figures.py casebook/network.py casebook/case.py

# The downloads the site offers; casebook/sphinxext.py links to these names from every page.
PDF_NAME  := smart-city-governance-turin.pdf
QDPX_NAME := smart-city-governance-turin.qdpx
DATA_NAME := smart-city-governance-turin-data.zip

.PHONY: help setup lock check figures html pdf book test test-fast verify dist clean

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

figures: setup figures/figure1.json  ## Figure 1 as SVG, PNG, PDF, HTML and JSON in figures/

figures/figure1.json: $(FIGURE_INPUTS)
	$(PY) -m casebook figures --data $(CASE) --out figures

html: setup figures  ## only the HTML site, in _build/html (with the data and the REFI-QDA project to download)
	$(PY) -m casebook check $(CASE)
	$(JB) build . $(STRICT)
	$(PY) -m casebook export-qdpx _build/html/$(QDPX_NAME) --data $(CASE)
	$(PY) -m casebook export-data _build/html/$(DATA_NAME) --data $(CASE)

pdf: setup figures  ## only the PDF, in _build/latex/book.pdf (also offered for download by the site)
	$(PY) -m casebook check $(CASE)
	$(JB) build . --builder pdflatex $(STRICT)
	@mkdir -p _build/html && cp _build/latex/book.pdf _build/html/$(PDF_NAME)

book: html  ## the book: the HTML site in _build/html with its PDF
	$(MAKE) --no-print-directory pdf

test: setup  ## nbval on the notebooks, then build HTML and PDF, then every test against them
	@mkdir -p _build
	$(PY) -m pytest --nbval chapters -p no:cacheprovider --junitxml=_build/nbval.xml
	$(MAKE) --no-print-directory book
	$(PY) -m pytest tests

test-fast: setup  ## the tests that need no built book
	$(PY) -m pytest -m "not built and not pdf and not browser"

verify: setup  ## re-execute every notebook from data/ and compare tables, figure data and outputs with the committed ones
	$(PY) -m casebook verify --data $(CASE)

dist: book  ## the release bundle dist/smart-city-governance-turin.zip (RO-Crate inside)
	$(PY) -m casebook dist --build _build --out dist/smart-city-governance-turin.zip --add _build/html/$(QDPX_NAME)

clean:  ## remove everything the build made
	rm -rf _build dist
