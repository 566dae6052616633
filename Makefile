# One entry point for the edition. `make book` and `make test` set themselves up.
VENV   ?= .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
CASE   ?= data
STRICT := -W -n --keep-going
export CASEBOOK_DATA := $(abspath $(CASE))

FIGURE_INPUTS := $(wildcard $(CASE)/*.csv) casebook/figures.py casebook/network.py casebook/case.py

.PHONY: help setup check figures book pdf test test-fast clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup:  ## Debian packages (apt.txt) and the pinned virtual environment
	@scripts/setup.sh

check: setup  ## validate the case data: make check CASE=path/to/case
	$(PY) -m casebook check $(CASE)

figures: setup figures/figure1.json  ## Figure 1 as SVG, PNG, PDF, HTML and JSON in figures/

figures/figure1.json: $(FIGURE_INPUTS)
	$(PY) -m casebook figures --data $(CASE) --out figures

book: setup figures  ## the HTML site in _build/html
	$(PY) -m casebook check $(CASE)
	$(JB) build . $(STRICT)

pdf: setup figures  ## the whole book as one PDF in _build/latex
	$(JB) build . --builder pdflatex $(STRICT)

test: book pdf  ## build everything, then run every test against it (nbval re-runs the notebooks)
	$(PY) -m pytest tests --nbval chapters

test-fast: setup  ## the tests that need no built book
	$(PY) -m pytest -m "not built and not pdf and not browser"

clean:  ## remove everything the build made
	rm -rf _build
