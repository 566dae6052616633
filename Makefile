# One entry point for the edition. `make book` and `make test` set themselves up.
VENV   ?= .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
CASE   ?= data
STRICT := -W -n --keep-going
export CASEBOOK_DATA := $(abspath $(CASE))

.PHONY: help setup check book pdf test test-fast clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup:  ## Debian packages (apt.txt) and the pinned virtual environment
	@scripts/setup.sh

check: setup  ## validate the case data: make check CASE=path/to/case
	$(PY) -m casebook check $(CASE)

book: setup  ## the HTML site in _build/html
	$(PY) -m casebook check $(CASE)
	$(JB) build . $(STRICT)

pdf: setup  ## the whole book as one PDF in _build/latex
	$(JB) build . --builder pdflatex $(STRICT)

test: book pdf  ## build everything, then run every test against it
	$(PY) -m pytest

test-fast: setup  ## the tests that need no built book
	$(PY) -m pytest -m "not built and not pdf and not browser"

clean:  ## remove everything the build made
	rm -rf _build
