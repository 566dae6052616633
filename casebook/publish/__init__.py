"""Publishing the book: the Sphinx extension of a casebook book (``casebook.publish``).

Each module does one job for the build, and ``setup`` connects them all:

- :mod:`.render` — the content notebooks display (quotes, tables) as document nodes;
- :mod:`.prepare` — the case checked, Figure 1's static files and the downloads, once a build;
- :mod:`.dependencies` — which pages a change of the data or of the package makes stale;
- :mod:`.execution` — the notebooks to re-run, run side by side before Sphinx reads them;
- :mod:`.anchors` — the paragraph anchors of the passages the evidence cites;
- :mod:`.citations` — at each anchored paragraph, markers that open the evidence of its claims;
- :mod:`.bibliography` — the reference list, each entry once, titles in their own language;
- :mod:`.casemeta` — the case's notice, keywords, title and download names on every page;
- :mod:`.reports` — the reproducibility report and the benchmarks, written by the build;
- :mod:`.edition` — how to cite the edition: title, makers, version and address, from the config;
- :mod:`.pagemeta` — a description and Open Graph tags on every page;
- :mod:`.rerun` — the sidebar's "Re-run this book";
- :mod:`.plotly` — plotly.js served by the book, on the pages with a figure only;
- :mod:`.assets` — what a page fetches: one stylesheet cut to the site (:mod:`.stylesheet`), deferred scripts;
- :mod:`.accessibility` — repairs to the theme's markup that axe-core refuses;
- :mod:`.thebe` — Jupyter Book's sphinx-thebe unhooked (it writes a CDN address);
- :mod:`.typst_builder` — the whole book as one PDF, written by :mod:`.typst_writer`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"

# What the PDF (the typst builder) shows of a notebook output, best first after the book's
# own content (casebook.content): images (Figure 1's SVG twin), then text; never HTML.
TYPST_MIME_PRIORITY = [
    ("typst", "image/svg+xml", 10),
    ("typst", "image/png", 20),
    ("typst", "image/jpeg", 21),
    ("typst", "text/markdown", 30),
    ("typst", "text/plain", 40),
]


def _paths(app: Sphinx, config: Any) -> None:
    config.html_static_path.append(str(STATIC))
    config.templates_path.append(str(TEMPLATES))
    if not config.html_favicon:  # the book's own icon: browsers ask for one (a 404 otherwise)
        config.html_favicon = str(STATIC / "favicon.svg")
    config.nb_mime_priority_overrides = [*config.nb_mime_priority_overrides, *TYPST_MIME_PRIORITY]


def setup(app: Sphinx) -> dict[str, Any]:
    # Imported here, not above: ``casebook build`` imports this package's kernels module before
    # Sphinx starts, and that should not wait for pandas, plotly or pybtex.
    from .. import bibstyle
    from . import (
        accessibility,
        anchors,
        assets,
        bibliography,
        casemeta,
        citations,
        dependencies,
        edition,
        execution,
        pagemeta,
        plotly,
        prepare,
        reports,
        rerun,
        thebe,
    )

    thebe.setup(app)
    bibstyle.register()  # the author-year reference list (bibtex_default_style: authoryear)
    app.setup_extension("casebook.publish.typst_builder")
    for module in (
        casemeta,
        prepare,
        dependencies,
        execution,
        anchors,
        citations,
        bibliography,
        reports,
        edition,
        pagemeta,
        rerun,
        plotly,
        accessibility,
        assets,
    ):
        module.setup(app)
    app.connect("config-inited", _paths)
    app.add_css_file("casebook.css")
    # Reading in one process: notebooks run side by side ahead of it (.execution) instead.
    return {"version": "3", "parallel_read_safe": False, "parallel_write_safe": True, "env_version": 4}
