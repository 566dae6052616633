"""Repairs to what the theme or an extension writes that accessibility checks refuse."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def reference_list_role(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """No ARIA list role on the reference list: its entries are doc-biblioentry elements, not
    list items, and axe-core flags the pair as a critical violation."""
    body = context.get("body", "")
    if 'role="list" class="citation-list"' in body:
        body = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')
    # doc-biblioentry is deprecated (DPUB-ARIA 1.1) and allowed on list items only: an entry is a
    # plain block of the list, its id the target of the citations.
    context["body"] = body.replace(' role="doc-biblioentry"', "")


def row_header_scope(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """A body cell of a stub column (a row header, casebook.content.table's ``row_headers``) says
    which way it heads: docutils writes ``<th class="stub">`` without a scope."""
    if '<th class="stub">' in context.get("body", ""):
        context["body"] = context["body"].replace('<th class="stub">', '<th class="stub" scope="row">')


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", reference_list_role)
    app.connect("html-page-context", row_header_scope)
