"""The reference list: each entry once on every page that prints it, in its own language.

sphinxcontrib-bibtex keeps one citation node per entry in its domain and fills it with the
formatted entry each time it writes a page: a second writer in the same process (``make
book`` writes the PDF beside the HTML from one reading) found the node already filled and
printed every entry twice. Here each page gets fresh, empty nodes before they are filled.

An entry whose ``langid`` (BibLaTeX's field) names another language than the book's has its
title marked with it (``lang="it"`` in HTML, ``text(lang: "it")`` in the PDF), so a screen
reader pronounces "Italia Smart. Rapporto Smart City Index 2016" as Italian.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

# BibLaTeX's language names, as BCP 47 tags (a two- or three-letter tag is taken as it is).
LANGUAGES = {
    "english": "en",
    "american": "en",
    "british": "en",
    "italian": "it",
    "french": "fr",
    "german": "de",
    "ngerman": "de",
    "spanish": "es",
    "portuguese": "pt",
    "dutch": "nl",
    "swedish": "sv",
    "danish": "da",
    "finnish": "fi",
    "polish": "pl",
    "greek": "el",
    "russian": "ru",
}


class foreign(nodes.inline):
    """Text in another language than the book's (attribute ``lang``: a BCP 47 tag)."""


def _bibtex(document: nodes.document) -> Any:
    env = document.settings.env
    return env.get_domain("cite") if "cite" in env.domains else None


class FreshCitations(SphinxPostTransform):
    """Before sphinxcontrib-bibtex fills the citation nodes (its priority is 5): empty copies."""

    default_priority = 4

    def run(self, **kwargs: Any) -> None:
        from sphinxcontrib.bibtex.nodes import bibliography  # deferred: loaded once the bibtex extension is set up

        domain = _bibtex(self.document)
        if domain is None or not any(True for _ in self.document.findall(bibliography)):
            return
        for value in domain.bibliographies.values():
            for key, node in value.citation_nodes.items():
                value.citation_nodes[key] = node.copy()  # the attributes (ids), no children


class TitleLanguage(SphinxPostTransform):
    """After the entries are filled (5), before references resolve (10): titles in their language."""

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        domain = _bibtex(self.document)
        if domain is None:
            return
        book = (self.config.language or "en").split("_")[0]
        by_id = {c.citation_id: c for c in domain.citations}
        for node in list(self.document.findall(nodes.citation)):
            citation = next((by_id[i] for i in node["ids"] if i in by_id), None)
            if citation is None:
                continue
            langid = str(citation.entry.fields.get("langid", "")).strip().lower()
            lang = LANGUAGES.get(langid, langid if 2 <= len(langid) <= 3 else "")
            title = str(citation.entry.fields.get("title", "")).replace("{", "").replace("}", "")
            if lang and lang != book and title:
                mark(node, title, lang)


def mark(node: nodes.Element, title: str, lang: str) -> bool:
    """Wrap the first occurrence of ``title`` in ``node``'s text in a :class:`foreign` node."""
    for child in list(node.children):
        if isinstance(child, nodes.Text):
            text = str(child)
            at = text.find(title)
            if at < 0:
                continue
            parts = [nodes.Text(text[:at])] if at else []
            parts.append(foreign("", title, lang=lang))
            if text[at + len(title) :]:
                parts.append(nodes.Text(text[at + len(title) :]))
            child.parent.replace(child, parts)
            return True
        if isinstance(child, nodes.Element) and mark(child, title, lang):
            return True
    return False


def visit_foreign(self: Any, node: foreign) -> None:
    self.body.append(self.starttag(node, "span", "", lang=node["lang"]))


def depart_foreign(self: Any, node: foreign) -> None:
    self.body.append("</span>")


def setup(app: Sphinx) -> None:
    app.add_node(foreign, html=(visit_foreign, depart_foreign))
    app.add_post_transform(FreshCitations)
    app.add_post_transform(TitleLanguage)
