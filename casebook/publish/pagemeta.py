"""A meta description and Open Graph tags on every page, for search engines and link previews.

sphinxext-opengraph does the tags, but takes a page's description from its first text,
which on the landing page is the line "A reproducible edition"; here it is the first
paragraph of prose (on the landing page, of its summary), never a caption, a quote, a
table cell or a line of emphasis alone.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.nodes import clean_astext

DESCRIPTION_CHARS = 200  # what search engines and link previews show of a description


def _first_paragraph(doctree: nodes.Node, root: bool) -> str:
    """The page's first paragraph of prose, or on the landing page the first paragraph of
    its summary section: not a caption, a quote, a table cell or a line of emphasis alone."""
    skip = (
        nodes.block_quote,
        nodes.Admonition,
        nodes.table,
        nodes.figure,
        nodes.caption,
        nodes.footnote,
        nodes.citation,
        nodes.sidebar,
        nodes.topic,
        nodes.field_list,
        nodes.option_list,
    )
    scope: nodes.Node = doctree
    if root:
        for section in doctree.findall(nodes.section):
            if "summary" in section[0].astext().lower():
                scope = section
                break
    for paragraph in scope.findall(nodes.paragraph):
        if any(isinstance(a, skip) for a in _ancestors(paragraph)):
            continue
        children = [c for c in paragraph.children if c.astext().strip()]
        if len(children) == 1 and isinstance(children[0], (nodes.emphasis, nodes.strong)):
            continue  # "*A reproducible edition*", a bold label, a note in italics
        text = " ".join(paragraph.astext().split())
        if text:
            return text
    return ""


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def trim(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with an ellipsis)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.–— ")
    return cut + "…"


def page_metadata(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """A meta description and Open Graph tags on every page: title, description, type, site
    name, and og:url only when the book has a base URL (``html.baseurl`` in _config.yml)."""
    config = app.config
    root = pagename == config.root_doc
    site = config.html_title or config.project or ""  # Jupyter Book's title: sets html_title
    heading = doctree.next_node(nodes.title) if doctree else None
    # Pages without a doctree (search, index) have only the template's title, as HTML.
    template_title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or ""))
    title = clean_astext(heading) if heading else template_title or site
    description = trim(_first_paragraph(doctree, root)) if doctree else ""
    if not description:
        description = trim(f"{site}: {title}" if title != site else site)
    tags = {
        "og:title": title,
        "og:description": description,
        "og:type": "website" if root else "article",
        "og:site_name": site,
    }
    if context.get("pageurl"):  # Sphinx sets it when html_baseurl is configured
        tags["og:url"] = context["pageurl"]
    lines = [f'<meta name="description" content="{html.escape(description)}" />']
    lines += [f'<meta property="{key}" content="{html.escape(value)}" />' for key, value in tags.items()]
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", page_metadata)
