# One entry point for the edition. `make book` and `make test` set themselves up.
VENV   ?= .venv
PY     := $(VENV)/bin/python
# jupyter-book build, with the kernels of the notebooks a change makes stale started first
# (casebook/publish/notebooks/prefetch.py); any jupyter-book build option passes through.
JB     := $(VENV)/bin/python -m casebook build
CASE   ?= data
STRICT := -W -n --keep-going
# How many times make bench repeats each measurement (make bench REPEAT=1 for a quick run).
REPEAT ?= 3
export CASEBOOK_DATA := $(abspath $(CASE))
# Python's default, which some environments (containers, this workplace's) turn off: every process
# of a build (Sphinx's, the kernels') would otherwise compile the casebook package anew.
unexport PYTHONDONTWRITEBYTECODE

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
# The case's name (its datapackage.json, else its folder's) names the downloads the site offers
# and the release bundle: asked of the package (casebook/paths.py), which names them for the
# pages too. Expanded when a recipe runs, after setup has made the virtual environment.
PDF_NAME  = $(shell $(PY) -m casebook name $(CASE) --file pdf)
QDPX_NAME = $(shell $(PY) -m casebook name $(CASE) --file qdpx)
BUNDLE    = $(shell $(PY) -m casebook name $(CASE) --file bundle)
OUT  := $(BUILD_ROOT)/_build
HTML := $(OUT)/html
# The notebooks take Figure 1's SVG from here when it shows the current figure (casebook.figures).
export CASEBOOK_FIGURES := $(abspath $(FIGURES))
TEACHING_CASE := examples/teaching-case

# Everything a build of the book reads. When none of it is newer than the last build, make
# stops here (no Sphinx start-up); when something is, the build itself redoes only what
# depends on the change (casebook.publish: pages by the tables they read, Figure 1's static
# files by the drawing, downloads by their bytes).
ifeq ($(SOURCE),.)
  BOOK_FILES := _config.yml _toc.yml references.bib $(wildcard chapters/*) $(wildcard benchmarks/*.json)
  WATCH      := _config.yml _toc.yml references.bib chapters benchmarks
else
  BOOK_FILES := $(wildcard $(SOURCE)/*)
  WATCH      := $(SOURCE)
endif
PACKAGE_FILES := $(shell find casebook -type f ! -name '*.pyc' ! -path '*/__pycache__/*' 2>/dev/null)
INPUTS := $(BOOK_FILES) $(wildcard $(CASE)/*) $(PACKAGE_FILES) requirements.txt

HTML_STAMP := $(HTML)/.casebook-built
PDF_FILE   := $(OUT)/typst/book.pdf
BOOK_STAMP := $(OUT)/.casebook-book-built

.PHONY: help setup lock check figures html pdf book preview test test-books test-unbuilt test-fast lint verify audit dist bench clean

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

figures: setup  ## Figure 1 as SVG, PNG, PDF, HTML and JSON in figures/ (redrawn only when the drawing changed)
	$(PY) -m casebook figures --data $(CASE) --out $(FIGURES)

html: setup $(HTML_STAMP)  ## only the HTML site, in _build/html (with the data and the REFI-QDA project to download); CASE=folder for another case

$(HTML_STAMP): $(INPUTS)
	$(JB) $(SOURCE) --path-output $(BUILD_ROOT) $(STRICT)
	@touch $@

pdf: setup $(PDF_FILE)  ## only the PDF, typeset by Typst into _build/typst/book.pdf (also offered for download by the site)

$(PDF_FILE): $(INPUTS)
	$(JB) $(SOURCE) --path-output $(BUILD_ROOT) --builder custom --custom-builder typst $(STRICT)
	@mkdir -p $(HTML) && cp $@ $(HTML)/$(PDF_NAME) && touch $@

book: setup $(BOOK_STAMP)  ## the book: the HTML site in _build/html with its PDF, from one reading of the sources

$(BOOK_STAMP): $(INPUTS)
	CASEBOOK_ALSO_PDF=1 $(JB) $(SOURCE) --path-output $(BUILD_ROOT) $(STRICT)
	@touch $(HTML_STAMP) $(PDF_FILE) $@

PORT ?= 8000
preview: setup  ## a live preview for authors on http://127.0.0.1:8000 (PORT=...): make html again and the browser reloaded when a chapter, the data or the package change
	$(PY) scripts/preview.py --html $(HTML) --port $(PORT) --watch $(WATCH) $(CASE) casebook \
	  --build "$(MAKE) --no-print-directory html CASE=$(CASE)"

# The tests come in three tiers (tests/unit: no build; tests/sphinx: a small fixture book; tests/built:
# the built books, marked built, pdf or browser). make test runs the notebooks and builds both
# books while the first two tiers run beside them, then the third, JOBS processes side by side
# (a file's tests on one process: those of a file share what their fixtures built).
JOBS   ?= 2
PYTEST := $(PY) -m pytest -p no:cacheprovider
BUILT  := built or pdf or browser

test: setup  ## nbval and both books (Turin, the teaching case) beside the tests that need no build, then the tests of the built books
	@mkdir -p _build
	$(MAKE) --no-print-directory -j2 --output-sync=target test-books test-unbuilt
	$(PYTEST) -m "$(BUILT)" -n $(JOBS) --dist loadfile

test-books: setup  # (make test's first lane) nbval on the notebooks, then both books
	@mkdir -p _build
	$(PYTEST) --nbval chapters --junitxml=_build/nbval.xml
	CASEBOOK_DATA=$(abspath $(TEACHING_CASE)) $(PYTEST) --nbval examples/case-book
	$(MAKE) --no-print-directory book
	$(MAKE) --no-print-directory book CASE=$(TEACHING_CASE)

test-unbuilt: setup  # (make test's second lane) the tests that need no built book, side by side too
	$(PYTEST) -m "not ($(BUILT))" -n $(JOBS) --dist loadfile

test-fast: setup  ## the tests that need no built book (tests/unit and tests/sphinx), JOBS processes side by side
	$(PYTEST) -m "not ($(BUILT))" -n $(JOBS) --dist loadfile

lint: setup  ## ruff, mypy, whitespace and data checks: every pre-commit hook on every tracked file (needs git)
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/pre-commit run --all-files

verify: setup  ## re-execute every notebook from data/ and compare tables, figure data and outputs with the committed ones
	$(PY) -m casebook verify --data $(CASE)

audit: html  ## the fidelity audit: every paragraph of prose and every data summary against what it restates in the source (audit/)
	$(PY) scripts/audit.py check

dist: book  ## the release bundle dist/<case name>.zip (RO-Crate inside); CASE=folder for another case
	$(PY) -m casebook dist --book $(SOURCE) --build $(OUT) --data $(CASE) --out dist/$(BUNDLE) --add $(HTML)/$(QDPX_NAME)

bench: setup  ## time what the user runs (make html, make book) beside a bare Jupyter Book, tests, large synthetic cases and every page on a phone (Lighthouse), in a copy (_build/.bench): benchmarks/results.json; REPEAT=3
	$(PY) -m scripts.bench --repeat $(REPEAT)

clean:  ## remove everything the build made
	rm -rf _build dist
