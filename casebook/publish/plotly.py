"""plotly.js from the book itself, never a CDN, and only on the pages that draw a figure.

The script is plotly.js's basic partial bundle (scatter traces, shapes, annotations: all
Figure 1 draws), vendored from npm at the version the pinned Python plotly bundles by
``scripts/vendor_plotly.py``, which records its integrity in ``static/plotly-basic.json``.
It reaches ``_static`` with the rest of this package's static files (casebook.publish).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from ..figures import PLOTLY_JS

FIGURE_CLASS = "casebook-plotly"
"""The class of the element that holds an interactive figure (see casebook.figures)."""
SCRIPT = PLOTLY_JS.name
"""The file name of the vendored bundle in ``_static``."""


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context``: the page loads plotly.js only when it holds a figure."""
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file(SCRIPT, priority=200)


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", add_script)
