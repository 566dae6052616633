"""Repairs to what the theme or an extension writes that accessibility checks refuse."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from docutils import nodes
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


def _heading_before(node: nodes.Node) -> str | None:
    """The text of the nearest heading (a section's title or a rubric) before ``node``."""
    while node.parent is not None:
        for sibling in reversed(node.parent.children[: node.parent.index(node)]):
            found = list(sibling.findall(lambda n: isinstance(n, nodes.rubric | nodes.title)))
            if found:
                return found[-1].astext()
        if isinstance(node.parent, nodes.section) and node.parent.children:
            title = node.parent.children[0]
            if isinstance(title, nodes.title):
                return title.astext()
        node = node.parent
    return None


def table_names(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Every table of a web page has a name: one without a caption is named by its
    ``casebook-name`` (casebook.content.table's ``name``) or by the heading just above it, in a
    caption only assistive technology reads (class casebook-named; a raw caption, as a title
    would be numbered). The PDF is left as it is: its tables sit under those headings."""
    if app.builder.format != "html":
        return
    for table in doctree.findall(nodes.table):
        if any(isinstance(child, nodes.title) for child in table.children):
            continue
        name = table.get("casebook-name") or _heading_before(table)
        if name:
            table.insert(0, nodes.raw("", f"<caption>{html.escape(name)}</caption>", format="html"))
            table["classes"].append("casebook-named")


def root_redirect(app: Sphinx, exception: Exception | None) -> None:
    """The site's root page, which sends the reader to the book's first page: a page with a
    language and a title (sphinx-external-toc, run after this, would write a bare redirect)."""
    root = app.config.root_doc
    if exception is not None or app.builder.format != "html" or root == "index":
        return
    target = app.builder.get_target_uri(root)
    title = html.escape(app.config.html_title or app.config.project)
    lang = html.escape((app.config.language or "en").replace("_", "-"))
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<meta http-equiv="Refresh" content="0; url={target}">\n<link rel="canonical" href="{target}">\n</head>\n'
        f'<body>\n<p><a href="{target}">{title}</a></p>\n</body>\n</html>\n'
    )
    # ("Refresh" as sphinx-external-toc writes it: what tells the tools that the page only redirects)
    path = Path(app.outdir) / "index.html"
    if not path.is_file() or path.read_text(encoding="utf-8") != page:
        path.write_text(page, encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", reference_list_role)
    app.connect("html-page-context", row_header_scope)
    app.connect("doctree-resolved", table_names)
    app.connect("build-finished", root_redirect, priority=400)  # before sphinx-external-toc's (500)
