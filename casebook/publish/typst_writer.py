"""A resolved Sphinx doctree as Typst markup: the body of the book's PDF.

Every piece of text is written as a Typst *string literal* (``#"…";``), never as
markup, so nothing a page or the data holds — ``#read("/etc/hostname")``, ``*``,
``$``, ``<label>``, ``--`` — is interpreted or altered: it prints as it stands in the
doctree. Structure (headings, tables, quotes, lists, links) is written as calls of
Typst's own elements, which tag the PDF for screen readers (PDF/UA).

Numbers are the web book's: section, table and figure numbers are read from Sphinx's
environment, not counted again by Typst, so the two can never disagree.

The writer handles the node types the book's doctrees contain (see
``tests/unit/test_typst_writer.py``); an unknown node stops the build with its name and
source rather than being dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from docutils import nodes

from sphinx import addnodes

from .typst_markup import Labels, Part, UnsupportedNode, first_child, part_heading, string, text

_SPACE = re.compile(r"[ \t\r\n]+")


class TypstWriter:
    """Turns an assembled doctree (``start_of_file`` nodes mark each document) into Typst.

    ``secnumbers`` and ``fignumbers`` are Sphinx's ``env.toc_secnumbers`` and
    ``env.toc_fignumbers``; ``parts`` gives each document's :class:`Part`; ``images``
    maps an image's source path to the file name the builder copied it to.
    """

    def __init__(
        self,
        root: str,
        secnumbers: dict,
        fignumbers: dict,
        parts: dict[str, Part],
        images: dict[str, str],
        image_dir: str = "images",
    ):
        self.root = root
        self.secnumbers = secnumbers
        self.fignumbers = fignumbers
        self.parts = parts
        self.images = images
        self.image_dir = image_dir
        self.labels = Labels()
        self.docname = root
        self.depth = 0  # section depth inside the current document
        self.in_heading = False  # writing a heading's text: links are printed as their text
        self.around: list[tuple[str, str]] = []  # (number, title) of the sections being written
        # Each table written, in reading order: how many of its first columns are row headers
        # (docutils stub columns). Typst cannot tag them yet; casebook.publish.pdf_tags does.
        self.row_headers: list[int] = []

    # -- entry points -----------------------------------------------------------

    def collect_labels(self, tree: nodes.Node) -> None:
        """First pass: give every element with ids its label, so links can point forward."""
        self._walk_labels(tree, self.root)

    def _walk_labels(self, node: nodes.Node, docname: str, depth: int = 0) -> None:
        if isinstance(node, addnodes.start_of_file):
            docname, depth = node["docname"], 0
        if isinstance(node, nodes.section):
            depth += 1
        if isinstance(node, nodes.Element):
            if node.get("ids"):
                label = self.labels.add(docname, node["ids"])
                title = first_child(node, nodes.title) if isinstance(node, nodes.section) else None
                if label and title is not None:
                    outer, outer_depth = self.docname, self.depth
                    self.docname, self.depth = docname, depth
                    number = self._secnumber(node) if self.parts.get(docname, Part()).numbered else None
                    self.docname, self.depth = outer, outer_depth
                    self.labels.sections[label] = (".".join(map(str, number or ())), title.astext())
            for child in node.children:
                self._walk_labels(child, docname, depth)

    def body(self, nodes_: Iterable[nodes.Node]) -> str:
        """Block-level markup of a sequence of nodes."""
        return self._blocks(nodes_)

    def inlines(self, node: nodes.Element) -> str:
        """Inline markup of a node's children (a title's text)."""
        return self._inlines(node.children)

    # -- helpers ---------------------------------------------------------------

    def _label(self, node: nodes.Element) -> str:
        label = self.labels.get(self.docname, node["ids"][0]) if node.get("ids") else None
        return f"<{label}>" if label else ""

    def _blocks(self, children: Iterable[nodes.Node]) -> str:
        out = []
        for child in children:
            rendered = self.block(child)
            if rendered:
                out.append(rendered)
        return "\n\n".join(out)

    def _inlines(self, children: Iterable[nodes.Node]) -> str:
        return "".join(self.inline(child) for child in children)

    def _fail(self, node: nodes.Node, where: str) -> UnsupportedNode:
        source = getattr(node, "source", None) or self.docname
        return UnsupportedNode(f"{source}: the Typst writer has no rule for {where} node <{node.tagname}>")

    # -- block level -------------------------------------------------------------

    def block(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return self.inline(node)
        method: Callable[[nodes.Element], str] | None = getattr(self, f"block_{node.tagname}", None)
        if method is None:
            if isinstance(node, nodes.Admonition):
                return self.block_admonition(node)
            if isinstance(node, nodes.Inline | nodes.TextElement) and not isinstance(node, nodes.paragraph):
                return self.inline(node)
            raise self._fail(node, "block")
        return method(node)

    def block_start_of_file(self, node: addnodes.start_of_file) -> str:
        outer, outer_depth = self.docname, self.depth
        self.docname, self.depth = node["docname"], 0
        try:
            return self._blocks(node.children)
        finally:
            self.docname, self.depth = outer, outer_depth

    def block_document(self, node: nodes.document) -> str:
        return self._blocks(node.children)

    def block_section(self, node: nodes.section) -> str:
        self.depth += 1
        label = self.labels.get(self.docname, node["ids"][0]) if node.get("ids") else None
        self.around.append(self.labels.sections.get(label or "", self.around[-1] if self.around else ("", "")))
        try:
            title = first_child(node, nodes.title)
            heading = self._heading(node, title) if title is not None else ""
            rest = [c for c in node.children if c is not title]
            return "\n\n".join(x for x in (heading, self._blocks(rest)) if x)
        finally:
            self.depth -= 1
            self.around.pop()

    def _heading(self, section: nodes.section, title: nodes.title) -> str:
        part = self.parts.get(self.docname, Part())
        shown = self._title(title)
        if self.docname == self.root:  # the first page's sections: front matter, not in the contents
            return f"#casebook-front-heading[{shown}]{self._label(section)}"
        level = part.level + self.depth - 1
        number = self._secnumber(section) if part.numbered else None
        if number:
            shown = text(".".join(map(str, number)) + " ") + shown
        name = f"Section {'.'.join(map(str, number))}" if number else "Section"
        described = f"{name}: {title.astext()}"
        options = f"level: {level}, numbering: none, supplement: [{text(described)}]"
        return f"#heading({options})[{shown}]{self._label(section)}"

    def _title(self, title: nodes.Element) -> str:
        """A heading's text, without its links: a heading is itself the target of the contents'
        links, and a link inside a link is no link (PDF/UA)."""
        self.in_heading = True
        try:
            return self._inlines(title.children)
        finally:
            self.in_heading = False

    def _secnumber(self, section: nodes.section) -> tuple[int, ...] | None:
        numbers = self.secnumbers.get(self.docname, {})
        if self.depth == 1 and "" in numbers:
            return numbers[""]
        for ident in section.get("ids", []):
            if "#" + ident in numbers:
                return numbers["#" + ident]
        return None

    def block_part_heading(self, node: part_heading) -> str:
        return f"#casebook-part[{text(node['caption'])}]"

    def block_title(self, node: nodes.title) -> str:
        return f"#strong[{self._inlines(node.children)}]"

    def block_paragraph(self, node: nodes.paragraph) -> str:
        body = self._inlines(node.children)
        if not body:
            return ""
        label = self._label(node)
        if not label:
            return body
        # A paragraph other pages link to: an anchor that says where it is (the links' description).
        number, title = self.around[-1] if self.around else ("", "")
        where = f"Paragraph of Section {number}: {title}" if number else f"Paragraph of {title or 'the book'}"
        return f"#casebook-anchor(supplement: [{text(where)}])[#par[{body}]]{label}"

    def block_compound(self, node: nodes.Element) -> str:
        return self._blocks(node.children)

    block_container = block_compound
    block_inline = block_compound
    block_only = block_compound

    def block_target(self, node: nodes.target) -> str:
        label = self._label(node)
        return f"#metadata(none){label}" if label and not node.children else self._inlines(node.children)

    def block_comment(self, node: nodes.comment) -> str:
        return ""

    block_raw = block_comment  # raw HTML (the interactive figure) has a static twin in the doctree

    def block_transition(self, node: nodes.transition) -> str:
        return "#line(length: 100%, stroke: 0.5pt + luma(60%))"

    def block_rubric(self, node: nodes.rubric) -> str:
        """A heading inside a page's generated content (an evidence entry, a group of errata):
        a heading of the PDF one level below the section it sits in at most (none skipped),
        out of the contents; its description (casebook.content.heading) says where links to it lead."""
        part = self.parts.get(self.docname, Part())
        here = part.level + self.depth - 1  # the level of the section around it
        wanted = part.level + int(node.get("heading-level", node.get("level", 2))) - 1
        level = max(1, min(wanted, here + 1))
        described = node.get("casebook-description") or node.astext()
        options = f"level: {level}, numbering: none, outlined: false, supplement: [{text(described)}]"
        return f"#heading({options})[{self._title(node)}]{self._label(node)}"

    def block_bullet_list(self, node: nodes.bullet_list) -> str:
        items = ", ".join(f"[{self._blocks(item.children)}]" for item in node.children)
        return f"#list(tight: true, {items}){self._label(node)}"

    def block_enumerated_list(self, node: nodes.enumerated_list) -> str:
        start = node.get("start", 1)
        items = ", ".join(f"[{self._blocks(item.children)}]" for item in node.children)
        return f"#enum(tight: true, start: {start}, {items}){self._label(node)}"

    def block_definition_list(self, node: nodes.definition_list) -> str:
        items = []
        for item in node.children:
            term = self._inlines(item.next_node(nodes.term).children)
            definition = self._blocks(item.next_node(nodes.definition).children)
            items.append(f"terms.item([{term}], [{definition}])")
        return f"#terms({', '.join(items)})"

    def block_block_quote(self, node: nodes.block_quote) -> str:
        attribution = first_child(node, nodes.attribution)
        body = self._blocks(c for c in node.children if c is not attribution)
        by = f", attribution: [{self._inlines(attribution.children)}]" if attribution is not None else ""
        return f"#quote(block: true, quotes: false{by})[{body}]{self._label(node)}"

    def block_literal_block(self, node: nodes.literal_block) -> str:
        language = node.get("language") or ""
        lang = f", lang: {string(language)}" if language and language not in ("text", "default", "none") else ""
        return f"#raw(block: true{lang}, {string(node.astext())}){self._label(node)}"

    def block_admonition(self, node: nodes.Element) -> str:
        title = first_child(node, nodes.title)
        name = self._inlines(title.children) if title is not None else text(node.tagname.capitalize())
        body = self._blocks(c for c in node.children if c is not title)
        return f"#casebook-note[{name}][{body}]{self._label(node)}"

    def block_citation(self, node: nodes.citation) -> str:
        # Author-year entries: the label ("Emerson et al., 2012") is not printed, as in the web
        # book; it describes the links of the citations that lead here.
        body = self._inlines(p for c in node.children if isinstance(c, nodes.paragraph) for p in c.children)
        label = first_child(node, nodes.label)
        described = f"Reference: {label.astext()}" if label is not None else "Reference"
        return f"#casebook-reference(supplement: [{text(described)}])[{body}]{self._label(node)}"

    def block_figure(self, node: nodes.figure) -> str:
        image = node.next_node(nodes.image)
        caption = first_child(node, nodes.caption)
        number = self._fignumber(node, "figure")
        shown = self._inlines(caption.children) if caption is not None else ""
        if number and caption is not None:
            shown = f"#strong[{text(f'Figure {number}:')}]{text(' ')}{shown}"
        body = self.block_image(image) if image is not None else ""
        cap = f", caption: [{shown}]" if shown else ""
        described = f"Figure {number}: {caption.astext()}" if number and caption is not None else "Figure"
        return (
            f"#figure(kind: image, supplement: [{text(described)}], numbering: none, placement: auto{cap})"
            f"[{body}]{self._label(node)}"
        )

    def block_image(self, node: nodes.image) -> str:
        uri = node["uri"]  # the builder's post_process_images chose the file and named its copy
        source = self.images.get(uri)
        if source is None:
            raise UnsupportedNode(f"{self.docname}: image {uri!r} was not copied for the PDF")
        alt = node.get("alt") or ""
        return f"#image({string(self.image_dir + '/' + source)}, width: 100%, alt: {string(alt)})"

    def _fignumber(self, node: nodes.Element, kind: str) -> str | None:
        numbers = self.fignumbers.get(self.docname, {}).get(kind, {})
        for ident in node.get("ids", []):
            if ident in numbers:
                return ".".join(map(str, numbers[ident]))
        return None

    def block_table(self, node: nodes.table) -> str:
        group = first_child(node, nodes.tgroup)
        if group is None:  # docutils gives every table one
            raise self._fail(node, "a column-less")
        colspecs = [c for c in group.children if isinstance(c, nodes.colspec)]
        self.row_headers.append(sum(1 for c in colspecs if c.get("stub")))
        columns = ", ".join(f"{c.get('colwidth', 1)}fr" for c in colspecs)
        head = first_child(group, nodes.thead)
        body = first_child(group, nodes.tbody)
        header = []
        if head is not None:
            header.append(f"table.header({', '.join(self._cell(e) for row in head.children for e in row.children)})")
        rows = [[self._cell(e) for e in row.children] for row in body.children] if body is not None else []
        table = f"table(columns: ({columns},), {', '.join(header + [c for row in rows for c in row])})"
        # Room at the page's foot for the caption, the header and the first two rows, else a new
        # page: casebook-keep measures them as a table of their own.
        first = f"table(columns: ({columns},), {', '.join(header + [c for row in rows[:2] for c in row])})"
        title = first_child(node, nodes.title)
        number = self._fignumber(node, "table")
        if title is None:
            return f"#casebook-keep({first})\n#{table}{self._label(node)}"
        shown = self._inlines(title.children)
        described = f"Table {number}: {title.astext()}" if number else title.astext()
        if number:
            shown = f"#strong[{text(f'Table {number}:')}]{text(' ')}{shown}"
        return (
            f"#casebook-keep({first}, caption: true)\n"
            f"#casebook-table(caption: [{shown}], supplement: [{text(described)}], {table}){self._label(node)}"
        )

    def _cell(self, entry: nodes.entry) -> str:
        return f"[{self._blocks(entry.children)}]"

    # -- inline level ----------------------------------------------------------

    def inline(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return text(_SPACE.sub(" ", node.astext()))
        method = getattr(self, f"inline_{node.tagname}", None)
        if method is None:
            raise self._fail(node, "inline")
        return method(node)

    def inline_emphasis(self, node: nodes.Element) -> str:
        return f"#emph[{self._inlines(node.children)}]"

    def inline_strong(self, node: nodes.Element) -> str:
        return f"#strong[{self._inlines(node.children)}]"

    def inline_literal(self, node: nodes.Element) -> str:
        return f"#raw({string(node.astext())})"

    def _anchor(self, node: nodes.Element) -> str:
        """A zero-width place to link to, before inline content (a box would not break)."""
        label = self._label(node)
        return f"#metadata(none){label}" if label else ""

    def inline_inline(self, node: nodes.Element) -> str:
        return self._anchor(node) + self._inlines(node.children)

    inline_abbreviation = inline_inline
    inline_title_reference = inline_emphasis

    def inline_foreign(self, node: nodes.Element) -> str:
        """Text in another language (casebook.publish.bibliography): tagged with it (``/Lang``)."""
        return f"#text(lang: {string(node['lang'])})[{self._inlines(node.children)}]"

    def inline_superscript(self, node: nodes.Element) -> str:
        return f"#super[{self._inlines(node.children)}]"

    def inline_subscript(self, node: nodes.Element) -> str:
        return f"#sub[{self._inlines(node.children)}]"

    def inline_reference(self, node: nodes.reference) -> str:
        shown = self._inlines(node.children)
        if self.in_heading:
            return shown
        if node.get("refuri", "").startswith("%"):  # another document of the book: "%docname#id"
            docname, _, ident = node["refuri"][1:].partition("#")
            label = self.labels.get(docname, ident) if ident else self._doc_label(docname)
        elif "refid" in node:
            label = self.labels.get(self.docname, node["refid"]) or self.labels.get(self.root, node["refid"])
        else:
            return f"#link({string(node.get('refuri', ''))})[{shown}]" if node.get("refuri") else shown
        if label is None:
            raise UnsupportedNode(
                f"{self.docname}: a link points at {node.get('refuri') or node.get('refid')!r}, which is not in the PDF"
            )
        number, title = self.labels.sections.get(label, ("", None))
        if title is not None and node.astext() == title:  # a section named by its title: by number too, in print
            if number:
                return f"#link(<{label}>)[{text(f'Section {number} “{title}”')}]"
            return f"#link(<{label}>)[{text(f'“{title}”')}]{text(' (p. ')}#context locate(<{label}>).page(){text(')')}"
        return f"#link(<{label}>)[{shown}]"

    inline_number_reference = inline_reference

    def _doc_label(self, docname: str) -> str | None:
        return next((label for (doc, _), label in self.labels.by_key.items() if doc == docname), None)

    def inline_pending_xref(self, node: addnodes.pending_xref) -> str:
        return self._inlines(node.children)  # unresolved: Sphinx has warned already; show the text

    def inline_target(self, node: nodes.target) -> str:
        return self._anchor(node) + self._inlines(node.children)

    def inline_footnote_reference(self, node: nodes.Element) -> str:
        return f"#super[{text(node.astext())}]"

    def inline_image(self, node: nodes.image) -> str:
        return self.block_image(node)

    def inline_problematic(self, node: nodes.Element) -> str:
        return text(node.astext())

    def inline_raw(self, node: nodes.raw) -> str:
        return ""
