"""What the PDF's Typst is made of, below the doctree walk (:mod:`.typst_writer`): text as Typst
string literals (never markup, so nothing in a page or the data is interpreted), one label per
element of the assembled book, and the parts a book is laid out in."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from docutils import nodes

_LABEL_CHARS = re.compile(r"[^A-Za-z0-9_.:-]")


def first_child(node: nodes.Element, kind: type) -> nodes.Element | None:
    """The first direct child of ``node`` of class ``kind`` (not a deeper one)."""
    return next((c for c in node.children if isinstance(c, kind)), None)


def string(text: str) -> str:
    """``text`` as a Typst string literal."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def text(value: str) -> str:
    """``value`` as markup that prints exactly these characters (empty for empty text)."""
    return f"#{string(value)};" if value else ""


class part_heading(nodes.Element):
    """Where a part of the book begins ("This edition"): printed as a part title."""


class UnsupportedNode(Exception):
    """The doctree holds a node the writer does not know how to print."""


@dataclass
class Labels:
    """Typst labels for the ids of the assembled book: one label per element, reached
    from every id it carries, qualified by document (ids repeat across pages)."""

    by_key: dict[tuple[str, str], str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    sections: dict[str, tuple[str, str]] = field(default_factory=dict)
    """label -> (number, title) of each section: how the text refers to it in print"""

    def add(self, docname: str, ids: Iterable[str]) -> str | None:
        ids = list(ids)
        if not ids:
            return None
        known = next((self.by_key[(docname, i)] for i in ids if (docname, i) in self.by_key), None)
        label = known or self._fresh(f"{docname}:{ids[0]}")
        for ident in ids:
            self.by_key.setdefault((docname, ident), label)
        return label

    def _fresh(self, wanted: str) -> str:
        base = _LABEL_CHARS.sub(".", wanted)
        label, n = base, 1
        while label in self.used:
            n += 1
            label = f"{base}-{n}"
        self.used.add(label)
        return label

    def get(self, docname: str, ident: str) -> str | None:
        return self.by_key.get((docname, ident))


@dataclass
class Part:
    """How a document is laid out: its heading level offset, and whether it is numbered."""

    level: int = 1
    numbered: bool = False
