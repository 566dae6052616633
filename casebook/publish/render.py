"""Content from the case (:mod:`casebook.content`) as document nodes: a myst-nb MIME renderer.

myst-nb hands every cell output of type :data:`casebook.content.MIME_TYPE` to
:class:`ContentRenderer` (registered under the ``myst_nb.mime_renderers`` entry point),
which builds docutils nodes directly. Strings from the data become ``Text`` nodes: they
are never parsed, and smart quotes are switched off for them, so the HTML and the PDF
show exactly the characters of the CSV files. Links become Sphinx cross-references and
labels become targets, as if the page had written them in MyST.
"""

from __future__ import annotations

import base64
import hashlib
import json
from mimetypes import guess_extension
from typing import Any, ClassVar

from docutils import nodes

from sphinx import addnodes

from ..content import MIME_TYPE


class _Nodes:
    """Builds the nodes of one output; ``document`` receives its labels as targets, and
    ``write_file`` (myst-nb's) stores the files images need."""

    def __init__(self, document: nodes.document, write_file: Any = None):
        self.document = document
        self.write_file = write_file
        env = getattr(document.settings, "env", None)
        self.docname = env.docname if env is not None else ""

    # -- inline ---------------------------------------------------------------

    def inline(self, content: list[Any]) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for item in content:
            if isinstance(item, str):
                out.append(nodes.Text(item))
            elif "ref" in item:  # without "text", the target's own title is shown (a section's)
                shown = item.get("text") or item["ref"]
                out.append(self._xref("ref", item["ref"], nodes.inline("", shown), explicit="text" in item))
            elif "numref" in item:
                literal = nodes.literal("", item["numref"], classes=["xref", "std", "std-numref"])
                out.append(self._xref("numref", item["numref"], literal, explicit=False))
            elif "em" in item:
                out.append(nodes.emphasis("", "", *self.inline(item["em"])))
            elif "strong" in item:
                out.append(nodes.strong("", "", *self.inline(item["strong"])))
            elif "code" in item:
                out.append(nodes.literal("", item["code"]))
            elif "link" in item:
                out.append(nodes.reference("", item["text"], refuri=item["link"]))
            else:
                raise ValueError(f"unknown inline content {item!r}")
        return out

    def _xref(self, kind: str, label: str, content: nodes.Node, explicit: bool) -> addnodes.pending_xref:
        return addnodes.pending_xref(
            "",
            content,
            refdomain="std",
            reftype=kind,
            reftarget=label,
            refexplicit=explicit,
            refwarn=True,
            refdoc=self.docname,
        )

    def _label(self, node: nodes.Element, block: dict[str, Any]) -> nodes.Element:
        if block.get("label"):
            node["ids"].append(block["label"])
            node["names"].append(block["label"])
            self.document.note_explicit_target(node, node)
        return node

    # -- blocks ---------------------------------------------------------------

    def block(self, block: dict[str, Any]) -> nodes.Element:
        kind = block["type"]
        node = getattr(self, "_" + kind)(block)
        node["support_smartquotes"] = False  # data are shown as stored: no curly quotes
        return node

    def _paragraph(self, block: dict[str, Any]) -> nodes.Element:
        node = nodes.paragraph("", "", *self.inline(block["content"]), classes=list(block.get("classes", [])))
        return self._label(node, block)

    def _quote(self, block: dict[str, Any]) -> nodes.Element:
        node = nodes.block_quote(classes=["casebook-quote"])
        node += nodes.paragraph("", "", nodes.Text(block["text"]))
        node += nodes.attribution("", "", nodes.Text(block["attribution"]))
        return self._label(node, block)

    def _list(self, block: dict[str, Any]) -> nodes.Element:
        node = nodes.bullet_list(bullet="-")
        for item in block["items"]:
            node += nodes.list_item("", nodes.paragraph("", "", *self.inline(item)))
        return self._label(node, block)

    def _heading(self, block: dict[str, Any]) -> nodes.Element:
        node = nodes.rubric("", "", *self.inline(block["content"]))
        # Sphinx's HTML writer reads heading-level, myst-parser's (which replaces it) level: <h2>…<h6>.
        node["heading-level"] = node["level"] = block.get("level", 2)
        if block.get("description"):
            node["casebook-description"] = block["description"]
        return self._label(node, block)

    def _code(self, block: dict[str, Any]) -> nodes.Element:
        return nodes.literal_block(block["text"], block["text"], language=block.get("language", "text"))

    def _admonition(self, block: dict[str, Any]) -> nodes.Element:
        node = getattr(nodes, block["kind"])()
        for child in block["content"]:
            node += self.block(child)
        return node

    def _media(self, block: dict[str, Any]) -> nodes.Element:
        """The interactive HTML for the web builders, the image (with its description as
        alternative text) for every other one: Sphinx keeps one of the two per builder."""
        svg = block["mime"] == "image/svg+xml"
        data = block["image"].encode("utf-8") if svg else base64.b64decode(block["image"])
        name = hashlib.sha256(data).hexdigest()[:16] + (".svg" if svg else guess_extension(block["mime"]) or "")
        uri = self.write_file([name], data, overwrite=False, exists_ok=True) if self.write_file else name
        web = addnodes.only(expr="html")
        web += nodes.raw("", block["html"], format="html")
        other = addnodes.only(expr="not html")
        other += nodes.image(uri=uri, alt=block["alt"])
        return nodes.container("", web, other, classes=["casebook-media"])

    def _cell(self, cell: Any) -> nodes.entry:
        entry = nodes.entry()
        if isinstance(cell, dict) and "items" in cell:
            if cell["items"]:
                entry += self._list(cell)
        else:
            entry += nodes.paragraph("", "", *self.inline(cell))
        return entry

    def _table(self, block: dict[str, Any]) -> nodes.Element:
        node = nodes.table(classes=["casebook-table", "colwidths-given", *block.get("classes", [])])
        if block.get("name"):
            node["casebook-name"] = block["name"]  # its accessible name (casebook.publish.accessibility)
        if block.get("caption"):
            node += nodes.title("", block["caption"])
        group = nodes.tgroup(cols=len(block["header"]))
        node += group
        for i, width in enumerate(block["widths"]):
            # a stub column (docutils): its cells are row headers, <th> in HTML, TH in the PDF
            group += nodes.colspec(colwidth=width, **({"stub": 1} if i == 0 and block.get("row_headers") else {}))
        head, body = nodes.thead(), nodes.tbody()
        head += nodes.row("", *(self._cell(c) for c in block["header"]))
        for row in block["rows"]:
            body += nodes.row("", *(self._cell(c) for c in row))
        group += head
        group += body
        return self._label(node, block)


def to_nodes(document: nodes.document, data: dict[str, Any], write_file: Any = None) -> list[nodes.Element]:
    """The nodes of one content document (the JSON a :class:`casebook.content.Content` displays)."""
    builder = _Nodes(document, write_file)
    return [builder.block(block) for block in data["blocks"]]


class ContentRenderer:
    """The myst-nb plugin: renders :data:`MIME_TYPE` before anything else in every builder."""

    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = [("*", MIME_TYPE, 1)]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if data.mime_type != MIME_TYPE or inline:
            return None
        content = data.content
        if isinstance(content, str | bytes):
            content = json.loads(content)
        return to_nodes(renderer.renderer.document, content, renderer.write_file)
