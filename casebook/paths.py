"""Where things are: the environment variables, folders and file names that the package,
the build, the scripts and the Makefile (through ``python -m casebook name``) agree on.

A leaf: it imports nothing from casebook, so every layer may ask it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

DATA_ENV = "CASEBOOK_DATA"
"""The case folder the book is built from (the Makefile's ``CASE``)."""

FIGURES_ENV = "CASEBOOK_FIGURES"
"""The folder of Figure 1's static files (the Makefile's ``FIGURES``); default: ``figures/`` of the book."""

DEPENDENCY_LOG_ENV = "CASEBOOK_DEPENDENCY_LOG"
"""Set by the build while a notebook runs: the file where the notebook's case records, one key
a line, each table it reads (:func:`casebook.book.case`), so that the build re-runs the
notebook when, and only when, one of those tables changes."""

ALSO_PDF_ENV = "CASEBOOK_ALSO_PDF"
"""Set by ``make book``: the HTML build also typesets the PDF."""

BUILD_ENV = "CASEBOOK_BUILD"
"""Where the tests and ``make bench`` look for a built book (default: ``_build`` of the project)."""

DESCRIPTOR = "datapackage.json"
"""The file that makes a folder a case: its Frictionless data-package descriptor."""

DATA = "data"
"""The book's own case folder, beside its ``_config.yml``."""

FIGURES = "figures"
"""Figure 1's static files, beside the book's ``_config.yml`` (``make figures``)."""

BUILD = "_build"
"""What Jupyter Book writes under its output folder: ``html/``, ``typst/``, ``.doctrees/``."""

DOCTREES = Path(BUILD) / ".doctrees"
PLOTLY_JS = Path(__file__).parent / "publish" / "static" / "plotly-basic.min.js"
"""plotly.js's basic partial bundle, vendored by scripts/vendor_plotly.py: the book's pages
and the standalone figure draw with it (scatter traces, shapes and annotations)."""
TYPST_PDF = Path("typst") / "book.pdf"
"""The PDF, relative to the build folder (``_build/typst/book.pdf``)."""


class Downloads(NamedTuple):
    """The files a book offers beside its pages, named after the case (its ``datapackage.json``)."""

    pdf: str
    qdpx: str
    data: str


def downloads(name: str) -> Downloads:
    """``Downloads("<name>.pdf", "<name>.qdpx", "<name>-data.zip")``."""
    return Downloads(f"{name}.pdf", f"{name}.qdpx", f"{name}-data.zip")


def bundle(name: str) -> str:
    """The release bundle of a case: ``<name>.zip`` (``make dist`` writes it into ``dist/``)."""
    return f"{name}.zip"


def default_data_dir() -> Path:
    """The case folder to use: ``$CASEBOOK_DATA`` if set, else the ``data/`` folder (one
    holding a ``datapackage.json``) of the working directory or the nearest folder above
    it — so a notebook in ``chapters/`` finds its book's ``data/`` — else ``./data``."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / DATA / DESCRIPTOR).is_file():
            return folder / DATA
    return Path(DATA)


def figures_folder(book: Path | str) -> Path:
    """Where Figure 1's static files live: ``$CASEBOOK_FIGURES``, else ``figures/`` of the book."""
    return Path(os.environ.get(FIGURES_ENV) or Path(book) / FIGURES)


def doctrees(output: Path | str) -> Path:
    """Where Jupyter Book keeps the doctrees of a book built into ``output`` (its ``--path-output``)."""
    return Path(output) / DOCTREES
