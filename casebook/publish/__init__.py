"""Publishing the book: the Sphinx extension of a casebook book (``casebook.publish``).

Each module does one job for the build, and :func:`setup` connects them all:

- :mod:`.state` — what a build keeps: one :class:`~.state.BuildState`, and the pages' data
  in Sphinx's environment (one :class:`~.state.CasebookCollector`);
- :mod:`.notebooks` — which notebooks are stale (:mod:`~.notebooks.tracking`), the kernels
  they run on (:mod:`~.notebooks.kernels`), started before Sphinx (:mod:`~.notebooks.prefetch`),
  and the Sphinx events that drive them (:mod:`~.notebooks.hooks`);
- :mod:`.render` — the content notebooks display (quotes, tables) as document nodes;
- :mod:`.prepare` — the case checked, Figure 1's static files and the downloads, once a build;
- :mod:`.anchors` — the paragraph anchors of the passages the evidence cites;
- :mod:`.citations` — at each anchored paragraph, markers that open the evidence of its claims;
- :mod:`.bibliography` — the reference list, each entry once, titles in their own language;
- :mod:`.bibstyle` — the reference list's author–year style (a pybtex plugin);
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

When each runs, in the order Sphinx emits the events (handlers of one event run in the
order of the list unless a priority says otherwise; lower runs first, the default is 500):

=========================  ==================================================================
config-inited              :func:`_paths`, casemeta.apply, thebe._drop_css
builder-inited             notebooks.hooks.start_kernels (400: the kernels boot while the case
                           is checked), prepare.before_reading (the case, Figure 1's twins)
env-get-outdated           notebooks.hooks.outdated (pages whose notebook read what changed)
env-before-read-docs       notebooks.hooks.execute_ahead (notebooks queued, read last)
env-purge-doc              state.CasebookCollector.clear_doc, citations.purge
source-read                notebooks.hooks.source_read (the executed notebook handed over)
doctree-read               notebooks.hooks.collect, citations.record_paragraphs
env-merge-info             state.CasebookCollector.merge_other, citations.merge (never: one reader)
env-get-updated            citations.outdated_pages
env-updated                notebooks.hooks.after_reading (the record for the next build)
env-check-consistency      anchors.check_passage_anchors, citations.check
doctree-resolved           citations.add_markers, reports.fill_report
write-started              typst_builder.start_pdf (make book: the PDF typeset on a thread)
html-page-context          accessibility, citations.add_scripts, pagemeta, plotly, rerun
build-finished             typst_builder.also_pdf (400), notebooks.hooks.stop_kernels,
                           prepare.after_building (the downloads)
(myst-nb's MIME plugin)    render.ContentRenderer: the content JSON as docutils nodes
=========================  ==================================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
THEMES = {"sphinx_book_theme", "pydata_sphinx_theme"}
"""The themes whose pages the templates extend (layout.html imports the pydata theme's macros)."""

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
    if config.html_theme in THEMES:  # the templates extend the pydata family's pages
        config.templates_path.append(str(TEMPLATES))
    if not config.html_favicon:  # the book's own icon: browsers ask for one (a 404 otherwise)
        config.html_favicon = str(STATIC / "favicon.svg")
    config.nb_mime_priority_overrides = [*config.nb_mime_priority_overrides, *TYPST_MIME_PRIORITY]


def setup(app: Sphinx) -> dict[str, Any]:
    # deferred: Sphinx, pandas, plotly, pybtex (casebook build imports .notebooks.prefetch before
    # Sphinx starts, and that must not wait for them)
    from . import (
        accessibility,
        anchors,
        assets,
        bibliography,
        bibstyle,
        casemeta,
        citations,
        edition,
        pagemeta,
        plotly,
        prepare,
        reports,
        rerun,
        thebe,
    )
    from .notebooks import hooks

    thebe.setup(app)
    bibstyle.register()  # the author-year reference list (bibtex_default_style: authoryear)
    app.setup_extension("casebook.publish.typst_builder")
    for module in (
        casemeta,
        prepare,
        hooks,
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
    # Reading in one process: notebooks run side by side ahead of it (.notebooks) instead.
    # env_version 5: the pages' data moved into one object of the environment (.state.EnvData).
    return {"version": "3", "parallel_read_safe": False, "parallel_write_safe": True, "env_version": 5}
