"""Figure 1's interactive view: plotly.js from the book itself, never a CDN, and only when a
reader asks for it.

A page with a figure (:func:`casebook.figures.web_html`) shows the static drawing and loads
one small deferred script, ``casebook-figure.js``; that script fetches plotly.js's basic
partial bundle from ``_static`` on the reader's first click of "Explore the interactive
figure", so nothing of plotly.js blocks or slows the page's first paint. The bundle is
vendored from npm at the version the pinned Python plotly bundles by
``scripts/vendor_plotly.py``, which records its integrity in ``static/plotly-basic.json``;
it reaches ``_static`` with the rest of this package's static files (casebook.publish).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from ..paths import PLOTLY_JS

FIGURE_CLASS = "casebook-plotly"
"""The class of the element that holds a figure with an interactive view (see casebook.figures)."""
SCRIPT = PLOTLY_JS.name
"""The file name of the vendored bundle in ``_static`` (fetched by :data:`LOADER`)."""
LOADER = "casebook-figure.js"
"""The script that draws the interactive view on request (``static/casebook-figure.js``)."""


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context``: a page that holds a figure loads the small deferred loader."""
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file(LOADER, priority=500, defer="defer")


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", add_script)
