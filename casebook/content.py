"""What a notebook shows from the case: quotes, tables, lists and paragraphs as plain data.

A notebook cell ends with a :class:`Content` (``book.quote("q01")``, a table of
:mod:`casebook.tables` …). Jupyter shows it as plain text; the book receives it as one
JSON document (MIME type :data:`MIME_TYPE`) that the publishing glue
(:mod:`casebook.publish.render`) turns into document nodes. Every string from the data
becomes a text node there, so a quote is printed exactly as stored: never parsed as
Markdown, MyST, HTML or Typst, never given curly quotes.

Inline content is a list whose items are text (``str``) or one-key dicts:
``{"ref": label, "text": shown}`` (a link to a labelled place of the book; without
``text`` it shows the title of what it points at),
``{"numref": label}`` ("Table 1"), ``{"em": [...]}``, ``{"strong": [...]}``,
``{"code": text}`` and ``{"link": url, "text": shown}``. Blocks are dicts with a
``"type"``: paragraph, quote, list, table, heading, code, admonition, media.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

MIME_TYPE = "application/vnd.casebook.content+json"
VERSION = 1

Inline = str | dict[str, Any]
Block = dict[str, Any]


def ref(label: str, text: str | None = None) -> dict[str, Any]:
    """A link to the place labelled ``label`` (a section, an evidence entry), shown as
    ``text``, or without it as the title of what it points at (a section's heading)."""
    return {"ref": label} if text is None else {"ref": label, "text": text}


def numref(label: str) -> dict[str, Any]:
    """A numbered reference: "Table 1", "Figure 1"."""
    return {"numref": label}


def em(*content: Inline) -> dict[str, Any]:
    return {"em": list(content)}


def strong(*content: Inline) -> dict[str, Any]:
    return {"strong": list(content)}


def code(text: str) -> dict[str, Any]:
    return {"code": text}


class Linked(str):
    """Text that carries a link to show after it: an evidence number ("E3") leading to the
    place labelled ``label``. It compares and prints as its text, so tables and tests see
    the data unchanged; only the displayed content adds the link."""

    mark: str
    label: str

    def __new__(cls, text: str, mark: str, label: str) -> Linked:
        obj = super().__new__(cls, text)
        obj.mark, obj.label = mark, label
        return obj


def inline(item: str) -> list[Inline]:
    """An item as inline content: its text, then its link if it has one (the link alone
    when the text is the link's own mark, "E3")."""
    text = str.__str__(item)
    if not isinstance(item, Linked):
        return [text]
    link = ref(item.label, item.mark)
    return [link] if text == item.mark else [text, " ", link]


def paragraph(*content: Inline, label: str | None = None, classes: Sequence[str] = ()) -> Block:
    """A paragraph; with ``label`` it is a target other pages can link to."""
    block: Block = {"type": "paragraph", "content": list(content)}
    if label:
        block["label"] = label
    if classes:
        block["classes"] = list(classes)
    return block


def quote(text: str, attribution: str, label: str | None = None) -> Block:
    """A published interview quote, verbatim, with the line that credits it."""
    block: Block = {"type": "quote", "text": text, "attribution": attribution}
    if label:
        block["label"] = label
    return block


def bullets(items: Iterable[Sequence[Inline]], label: str | None = None) -> Block:
    """A bullet list; each item is inline content. With ``label`` the list is a target (an id)."""
    block: Block = {"type": "list", "items": [list(item) for item in items]}
    if label:
        block["label"] = label
    return block


def heading(
    text: str | Sequence[Inline], level: int = 2, label: str | None = None, description: str | None = None
) -> Block:
    """A heading inside generated content (not a section of the table of contents), at
    ``level`` of its page (2: under the page's title); ``label`` makes it a target of
    references that show its text, and ``description`` says in a few words where those
    references lead (the PDF's link descriptions; default: the heading's text)."""
    block: Block = {"type": "heading", "level": level, "content": [text] if isinstance(text, str) else list(text)}
    if label:
        block["label"] = label
    if description:
        block["description"] = description
    return block


def code_block(text: str, language: str = "text") -> Block:
    """Lines shown as a terminal prints them."""
    return {"type": "code", "text": text, "language": language}


def admonition(kind: str, *blocks: Block) -> Block:
    """A boxed note (``kind``: note, important, warning)."""
    return {"type": "admonition", "kind": kind, "content": list(blocks)}


def media(html: str, image: str, mime: str, alt: str) -> Block:
    """A figure's body: interactive ``html`` for the web, ``image`` (SVG text, or base64
    for bitmaps) of type ``mime`` everywhere else, with ``alt`` as its description."""
    return {"type": "media", "html": html, "image": image, "mime": mime, "alt": alt}


def table(
    header: Sequence[Sequence[Inline]],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int],
    label: str | None = None,
    caption: str | None = None,
    classes: Sequence[str] = (),
    row_headers: bool = False,
    name: str | None = None,
) -> Block:
    """A table with one header row. A cell is inline content, or ``{"items": [...]}`` for a
    bullet list of inline items. With ``label`` and ``caption`` it is numbered ("Table 1").
    With ``row_headers``, the first cell of each row names the row (a row header). ``name`` is
    what assistive technology calls a table without a caption (by default, the heading above it)."""
    block: Block = {
        "type": "table",
        "header": [list(h) for h in header],
        "rows": [list(r) for r in rows],
        "widths": list(widths),
        "classes": list(classes),
    }
    if label:
        block["label"] = label
    if caption:
        block["caption"] = caption
    if row_headers:
        block["row_headers"] = True
    if name:
        block["name"] = name
    return block


def items(content: Iterable[Sequence[Inline]]) -> dict[str, Any]:
    """A table cell holding a bullet list."""
    return {"items": [list(i) for i in content]}


def plain(content: Any) -> str:
    """Inline content, a cell or a block as plain text (what Jupyter and nbval see)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(plain(c) for c in content)
    if "type" in content:
        return _plain_block(content)
    if "items" in content:
        return "; ".join(plain(i) for i in content["items"])
    if "numref" in content:
        return f"[{content['numref']}]"
    for key in ("em", "strong"):
        if key in content:
            return plain(content[key])
    if "ref" in content:
        return str(content.get("text", f"[{content['ref']}]"))
    return str(content.get("text", content.get("code", "")))


def _plain_block(block: Block) -> str:
    kind = block["type"]
    if kind == "quote":
        return "\n".join("> " + line for line in block["text"].splitlines() or [""]) + f"\n> — {block['attribution']}"
    if kind == "list":
        return "\n".join("- " + plain(item) for item in block["items"])
    if kind == "code":
        return block["text"]
    if kind == "admonition":
        return "\n\n".join(_plain_block(b) for b in block["content"])
    if kind == "table":
        head = [f"{block.get('caption', '')} [{block.get('label', '')}]".strip()] if block.get("caption") else []
        rows = [" | ".join(plain(c) for c in row) for row in [block["header"], *block["rows"]]]
        return "\n".join(head + rows)
    if kind == "heading":
        return "#" * block["level"] + " " + plain(block["content"])
    if kind == "media":
        return f"<{block['mime']} figure: {block['alt']}>"
    return plain(block["content"])


@dataclass(frozen=True)
class Content:
    """Blocks a notebook cell displays: plain text in Jupyter, document nodes in the book."""

    blocks: tuple[Block, ...]

    def __add__(self, other: Content) -> Content:
        return Content(self.blocks + other.blocks)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {MIME_TYPE: {"version": VERSION, "blocks": list(self.blocks)}, "text/plain": str(self)}

    def __str__(self) -> str:
        return "\n\n".join(_plain_block(b) for b in self.blocks)


def show(*blocks: Block) -> Content:
    """The blocks as one displayable :class:`Content`."""
    return Content(tuple(blocks))
