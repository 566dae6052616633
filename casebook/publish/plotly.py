"""plotly.js from the book itself, never a CDN, and only on the pages that draw a figure."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

FIGURE_CLASS = "casebook-plotly"
"""The class of the element that holds an interactive figure (see casebook.figures)."""


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context``: the page loads plotly.js only when it holds a figure."""
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file("plotly.min.js", priority=200)


def copy_script(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: plotly.js into ``_static`` (copied again only when it changed)."""
    if exception is None and app.builder.format == "html":
        import plotly

        source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        target = Path(app.outdir) / "_static" / "plotly.min.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", add_script)
    app.connect("build-finished", copy_script)
