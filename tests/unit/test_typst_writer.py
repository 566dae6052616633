"""The Typst writer, node type by node type: what each docutils node becomes, that text
is always a string literal (never markup), and that what it writes compiles to a
tagged PDF/UA-1 + PDF/A-2a document with the text intact."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from docutils import nodes

from casebook.publish.typst_builder import TEMPLATE, explain
from casebook.publish.typst_markup import Part, UnsupportedNode, part_heading, string, text
from casebook.publish.typst_writer import TypstWriter
from sphinx import addnodes


def writer(**kw) -> TypstWriter:
    defaults = dict(root="index", secnumbers={}, fignumbers={}, parts={}, images={})
    return TypstWriter(**{**defaults, **kw})


def para(*children) -> nodes.paragraph:
    return nodes.paragraph("", "", *children)


def test_text_is_a_string_literal_whatever_it_holds():
    nasty = '#read("/etc/hostname") *b* _i_ $x$ <l> @r [c] \\ `d` -- ... // not a comment'
    assert text(nasty) == "#" + string(nasty) + ";"
    assert string('a "q" \\ b\n') == '"a \\"q\\" \\\\ b\\n"'
    assert text("") == ""


def test_paragraph_text_collapses_source_line_breaks():
    assert writer().block(para(nodes.Text("one\n  two"))) == '#"one two";'


def test_labelled_paragraph_becomes_a_par_with_its_label():
    w = writer()
    p = para(nodes.Text("x"))
    p["ids"] = ["passage-1"]
    w.collect_labels(p)
    assert w.block(p) == '#casebook-anchor(supplement: [#"Paragraph of the book";])[#par[#"x";]]<index:passage-1>'


def test_emphasis_strong_literal_and_sub_super():
    w = writer()
    assert w.inline(nodes.emphasis("", "e")) == '#emph[#"e";]'
    assert w.inline(nodes.strong("", "s")) == '#strong[#"s";]'
    assert w.inline(nodes.literal("", "make *x*")) == '#raw("make *x*")'
    assert w.inline(nodes.superscript("", "2")) == '#super[#"2";]'
    assert w.inline(nodes.subscript("", "2")) == '#sub[#"2";]'


def test_section_numbers_come_from_sphinx_not_from_typst():
    sec = nodes.section(ids=["the-debate"])
    sec += nodes.title("", "The debate")
    top = nodes.section(ids=["scg"])
    top += nodes.title("", "Smart city governance")
    top += sec
    doc = addnodes.start_of_file(docname="ch2")
    doc += top
    w = writer(secnumbers={"ch2": {"": (2,), "#the-debate": (2, 1)}}, parts={"ch2": Part(level=1, numbered=True)})
    w.collect_labels(doc)
    out = w.block(doc)
    assert (
        '#heading(level: 1, numbering: none, supplement: [#"Section 2: Smart city governance";])'
        '[#"2 ";#"Smart city governance";]<ch2:scg>'
    ) in out
    assert (
        '#heading(level: 2, numbering: none, supplement: [#"Section 2.1: The debate";])'
        '[#"2.1 ";#"The debate";]<ch2:the-debate>'
    ) in out


def test_unnumbered_part_and_part_heading():
    sec = nodes.section(ids=["about"])
    sec += nodes.title("", "About this edition")
    doc = addnodes.start_of_file(docname="about")
    doc += sec
    w = writer(parts={"about": Part(level=2, numbered=False)})
    assert w.block(doc).startswith(
        '#heading(level: 2, numbering: none, supplement: [#"Section: About this edition";])[#"About this edition";]'
    )
    assert w.block(part_heading(caption="This edition")) == '#casebook-part[#"This edition";]'


def test_lists():
    item = lambda t: nodes.list_item("", para(nodes.Text(t)))  # noqa: E731
    items = nodes.bullet_list("", item("a"), item("b"))
    assert writer().block(items) == '#list(tight: true, [#"a";], [#"b";])'
    numbered = nodes.enumerated_list("", nodes.list_item("", para(nodes.Text("a"))))
    assert writer().block(numbered) == '#enum(tight: true, start: 1, [#"a";])'


def test_block_quote_with_attribution():
    quote = nodes.block_quote("", para(nodes.Text('We "say" #this')), nodes.attribution("", "Interviewee A"))
    assert writer().block(quote) == (
        '#quote(block: true, quotes: false, attribution: [#"Interviewee A";])[#"We \\"say\\" #this";]'
    )


def test_literal_block_keeps_its_lines():
    block = nodes.literal_block("a\n  b", "a\n  b", language="text")
    assert writer().block(block) == '#raw(block: true, "a\\n  b")'


def table(caption: str | None = "Interviewees", ids=("table-2",)) -> nodes.table:
    t = nodes.table(ids=list(ids))
    if caption:
        t += nodes.title("", caption)
    group = nodes.tgroup(cols=2)
    t += group
    group += nodes.colspec(colwidth=30)
    group += nodes.colspec(colwidth=70)
    head = nodes.thead(
        "", nodes.row("", nodes.entry("", para(nodes.Text("Letter"))), nodes.entry("", para(nodes.Text("Role"))))
    )
    body = nodes.tbody(
        "", nodes.row("", nodes.entry("", para(nodes.Text("A"))), nodes.entry("", para(nodes.Text("Manager"))))
    )
    group += head
    group += body
    return t


def test_table_has_a_header_row_and_the_web_books_number():
    w = writer(fignumbers={"index": {"table": {"table-2": (2,)}}})
    t = table()
    w.collect_labels(t)
    keep, shown = w.block(t).split("\n")
    grid = 'table(columns: (30fr, 70fr,), table.header([#"Letter";], [#"Role";]), [#"A";], [#"Manager";])'
    # first the room its caption, header and first two rows need at a page's foot, then the table
    assert keep == f"#casebook-keep({grid}, caption: true)"
    assert shown.startswith('#casebook-table(caption: [#strong[#"Table 2:";]#" ";#"Interviewees";], ')
    assert grid in shown and shown.endswith("<index:table-2>")
    keep, shown = writer().block(table(caption=None, ids=())).split("\n")
    assert keep.startswith("#casebook-keep(table(") and shown.startswith("#table(columns: (30fr, 70fr,), table.header(")


def test_figure_with_svg_alt_text_and_number():
    fig = nodes.figure(ids=["figure-1"])
    fig += nodes.image(uri="out/f.svg", alt="Figure 1 in words")
    fig += nodes.caption("", "The institutional work")
    w = writer(fignumbers={"index": {"figure": {"figure-1": (1,)}}}, images={"out/f.svg": "f.svg"})
    w.collect_labels(fig)
    out = w.block(fig)
    assert '#image("images/f.svg", width: 100%, alt: "Figure 1 in words")' in out
    assert 'caption: [#strong[#"Figure 1:";]#" ";#"The institutional work";]' in out
    with pytest.raises(UnsupportedNode, match="was not copied"):
        writer().block(nodes.image(uri="missing.svg"))


def test_links_inside_the_book_and_out():
    w = writer()
    target = nodes.section(ids=["ev-1"])
    doc = addnodes.start_of_file(docname="evidence")
    doc += target
    w.collect_labels(doc)
    inner = nodes.reference("", "", nodes.Text("E1"), refuri="%evidence#ev-1", internal=True)
    assert w.inline(inner) == '#link(<evidence:ev-1>)[#"E1";]'
    outer = nodes.reference("", "", nodes.Text("DOI"), refuri="https://doi.org/10.1108/x")
    assert w.inline(outer) == '#link("https://doi.org/10.1108/x")[#"DOI";]'
    with pytest.raises(UnsupportedNode, match="not in the PDF"):
        w.inline(nodes.reference("", "", nodes.Text("x"), refuri="%evidence#nowhere"))


def test_inline_anchor_does_not_stop_line_breaks():
    w = writer()
    group = nodes.inline("", "", nodes.Text("(Emerson et al., 2012)"), ids=["cite-1"])
    w.collect_labels(group)
    assert w.inline(group) == '#metadata(none)<index:cite-1>#"(Emerson et al., 2012)";'


def test_citation_entry_prints_without_its_key():
    entry = nodes.citation(
        "", nodes.label("", "Emerson et al., 2012"), para(nodes.Text("Emerson, K. (2012)")), ids=["id9"]
    )
    w = writer()
    w.collect_labels(entry)
    assert w.block(entry) == (
        '#casebook-reference(supplement: [#"Reference: Emerson et al., 2012";])[#"Emerson, K. (2012)";]<index:id9>'
    )


def test_admonition_comment_raw_and_transition():
    note = nodes.important("", para(nodes.Text("Fictional")))
    assert writer().block(note) == '#casebook-note[#"Important";][#"Fictional";]'
    assert writer().block(nodes.comment("", "x")) == ""
    assert writer().block(nodes.raw("", "<div>", format="html")) == ""
    assert writer().block(nodes.transition()).startswith("#line(")


def test_same_id_on_two_pages_gets_two_labels():
    w = writer()
    a, b = addnodes.start_of_file(docname="a"), addnodes.start_of_file(docname="b")
    a += nodes.section(ids=["summary"])
    b += nodes.section(ids=["summary"])
    w.collect_labels(a)
    w.collect_labels(b)
    assert w.labels.get("a", "summary") != w.labels.get("b", "summary")


def test_unknown_node_names_itself():
    class strange(nodes.Element):
        pass

    with pytest.raises(UnsupportedNode, match="no rule for block node <strange>"):
        writer().block(strange())


def test_missing_glyph_error_names_the_character():
    message = explain('PDF/A-2a error: the text `"中"` could not be displayed with font `"Libertinus Serif"`')
    assert "U+4E2D" in message and "fonts-droid-fallback" in message


def test_written_markup_compiles_to_a_tagged_pdf_with_the_text_intact(tmp_path):
    typst = pytest.importorskip("typst")
    w = writer(fignumbers={"index": {"table": {"table-2": (2,)}}})
    quote = nodes.block_quote(
        "", para(nodes.Text('Мы смотрим: #read("/etc/hostname") $x$ Δήμος')), nodes.attribution("", "Interviewee B")
    )
    t = table()
    w.collect_labels(t)
    body = w.body([quote, t])
    source = (
        f'#import "{TEMPLATE.name}": *\n#show: casebook-book.with(title: "T", short-title: "T")\n'
        f'#heading(level: 1)[#"Start";]\n\n{body}\n'
    )
    (tmp_path / TEMPLATE.name).write_bytes(TEMPLATE.read_bytes())
    (tmp_path / "t.typ").write_text(source, encoding="utf-8")
    pdf = typst.Compiler(str(tmp_path / "t.typ"), ignore_system_fonts=True).compile(
        format="pdf", pdf_standards=["a-2a", "ua-1"], timestamp=0
    )
    (tmp_path / "t.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True).stdout
    assert 'Мы смотрим: #read("/etc/hostname") $x$ Δήμος' in out
    assert re.search(r"Table 2: Interviewees", out)


def test_a_stub_column_is_recorded_as_row_headers_and_tagged_so_after_typst(tmp_path):
    """Typst tags every body cell TD and, for a captioned table laid out in two pieces (here:
    at a page's foot, the next table on the next page), puts its caption beside the table (if Typst
    stops doing so, the first assertion says the repair may go): pdf_tags.repair makes the
    stub column's cells TH /Scope /Row and puts the caption inside the table, deterministically."""
    typst = pytest.importorskip("typst")
    pikepdf = pytest.importorskip("pikepdf")
    from casebook.publish import pdf_tags

    w = writer(fignumbers={"index": {"table": {"table-2": (2,)}}})
    t = table()
    next(t.findall(nodes.colspec))["stub"] = 1
    w.collect_labels(t)
    body = w.body([t, table(caption=None, ids=())])
    assert w.row_headers == [1, 0]
    filler = "\n\n".join(f'#"Paragraph {i} of the page before the table.";' for i in range(37))
    source = (
        f'#import "{TEMPLATE.name}": *\n#show: casebook-book.with(title: "T", short-title: "T")\n{filler}\n\n{body}\n'
    )
    (tmp_path / TEMPLATE.name).write_bytes(TEMPLATE.read_bytes())
    (tmp_path / "t.typ").write_text(source, encoding="utf-8")
    pdf = typst.Compiler(str(tmp_path / "t.typ"), ignore_system_fonts=True).compile(
        format="pdf", pdf_standards=["a-2a", "ua-1"], timestamp=0
    )

    def tags(data: bytes) -> tuple[list[str], list[tuple[str, str]]]:
        with pikepdf.open(io.BytesIO(data)) as doc:
            tables = [e for e in pdf_tags._walk(doc.Root.StructTreeRoot) if e.S == "/Table"]
            first = [str(k.S) for k in pdf_tags._kids(tables[0])]
            body = next(k for k in pdf_tags._kids(tables[0]) if k.S == "/TBody")
            cells = [(str(c.S), str(pdf_tags._table_attributes(c).get("/Scope", ""))) for c in pdf_tags._walk(body)]
            return first, [c for c in cells if c[0] in ("/TD", "/TH")]

    before, cells = tags(pdf)
    assert before == ["/THead", "/TBody"] and cells == [("/TD", ""), ("/TD", "")]  # the caption sits outside
    repaired = pdf_tags.repair(pdf, w.row_headers)
    after, cells = tags(repaired)
    assert after == ["/Caption", "/THead", "/TBody"] and cells == [("/TH", "/Row"), ("/TD", "")]
    assert pdf_tags.repair(pdf, w.row_headers) == repaired
    with pytest.raises(pdf_tags.TagError, match="2 tables where its Typst source wrote 1"):
        pdf_tags.repair(pdf, [1])
