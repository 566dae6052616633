"""What a reader of the PDF meets, on paper and through a screen reader.

On paper: no text under 7 pt (Figure 1's labels included), each reference printed once,
nothing that only makes sense on the web, the reproducibility part without benchmarks or
working-tree states, checksums in full. Through a screen reader (the tag tree, read with
pikepdf, each tag's text with pdfplumber): the title is the first heading, every visual
heading is a heading, no link sits inside another, every link says where it leads, and the
Italian title of the reference list is tagged Italian.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from lxml import html as lxml_html

from conftest import HTML, PDF

pytestmark = pytest.mark.pdf

pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber is not installed (requirements.txt)")
pikepdf = pytest.importorskip("pikepdf", reason="pikepdf is not installed (requirements.txt)")

SMALLEST_PT = 7.0


@dataclass
class Tag:
    """One element of the structure tree: its type, attributes, text and children."""

    role: str
    lang: str | None
    text: str = ""
    children: list[Tag] = field(default_factory=list)
    ident: str | None = None  # /ID
    table: dict[str, object] = field(default_factory=dict)  # the /Table attributes: /Scope, /Headers

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@pytest.fixture(scope="module")
def book():
    """(pdfplumber document, the text of each marked-content sequence by (page, mcid), pikepdf document)."""
    if not PDF.exists():
        pytest.skip(f"{PDF} is not built (make pdf)")
    with pdfplumber.open(str(PDF)) as plumbed:
        marked: dict[tuple[int, int], str] = defaultdict(str)
        sizes: list[tuple[float, int, str]] = []
        for number, page in enumerate(plumbed.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    marked[(number, char["mcid"])] += char["text"]
                sizes.append((char["size"], number + 1, char["text"]))
        text = "\n".join(page.extract_text() or "" for page in plumbed.pages)
    return {"marked": marked, "sizes": sizes, "text": text, "pdf": pikepdf.open(str(PDF))}


@pytest.fixture(scope="module")
def tree(book) -> Tag:
    pdf = book["pdf"]
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    root = Tag("/StructTreeRoot", None)
    for kid in _kids(pdf.Root.StructTreeRoot):
        built = _element(kid, None, book["marked"], pages)
        if isinstance(built, Tag):
            root.children.append(built)
    return root


def _kids(obj) -> list:
    """An element's /K: one kid, an array of them, or none."""
    kids = obj.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]


def _table_attributes(obj) -> dict[str, object]:
    """The element's /Table attributes (/Scope, /Headers), empty when it has none."""
    attributes = obj.get("/A")
    found: dict[str, object] = {}
    for a in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(a, pikepdf.Dictionary) and a.get("/O") == "/Table":
            found = {"/Scope": str(a.get("/Scope", "")), "/Headers": [str(h) for h in a.get("/Headers", [])]}
    return found


def _element(obj, page: int | None, marked: dict, pages: dict) -> Tag | str:
    """A structure element as a Tag with its children, or a marked-content reference as its text."""
    if isinstance(obj, int):
        return marked.get((page, obj), "")
    if not isinstance(obj, pikepdf.Dictionary):
        return ""
    if "/Pg" in obj:
        page = pages.get(obj.Pg.objgen, page)
    if obj.get("/Type") == "/MCR":
        return marked.get((page, int(obj.MCID)), "")
    if "/S" not in obj:
        return ""
    tag = Tag(str(obj.S), str(obj["/Lang"]) if "/Lang" in obj else None)
    tag.ident = str(obj.ID) if "/ID" in obj else None
    tag.table = _table_attributes(obj)
    for kid in _kids(obj):
        built = _element(kid, page, marked, pages)
        if isinstance(built, Tag):
            tag.children.append(built)
            tag.text += built.text
        else:
            tag.text += built
    return tag


def clean(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").replace("\u200b", "").split())


def headings(tree: Tag) -> list[tuple[str, str]]:
    return [(t.role, clean(t.text)) for t in tree.walk() if re.fullmatch(r"/H[1-6]", t.role)]


def test_no_text_is_smaller_than_7_pt_figure_1_and_markers_included(book):
    small = Counter((page, round(size, 1)) for size, page, _ in book["sizes"] if size < SMALLEST_PT - 0.01)
    assert not small, f"text under {SMALLEST_PT} pt (page, size): {sorted(small.items())[:10]}"


def test_the_title_is_the_first_heading_and_the_documents_title(tree, book):
    role, title = headings(tree)[0]
    assert role == "/H1" and title == "Smart city governance in Turin: a reproducible edition"
    assert str(book["pdf"].docinfo.get("/Title")) == title


def test_what_looks_like_a_heading_is_one(tree):
    found = dict((text, role) for role, text in headings(tree))
    for text, level in [
        ("The edition’s summary", "/H2"),
        ("Quotes", "/H3"),
        ("Documents", "/H3"),
        ("Passages of the analysis", "/H3"),
    ]:
        assert found.get(text) == level, f"{text!r} is {found.get(text)}, not {level}"
    entries = [text for role, text in headings(tree) if role == "/H3" and re.match(r"E[0-9]+\. ", text)]
    assert len(entries) >= 30 and entries[0].startswith("E1. ")
    errata = [
        text for role, text in headings(tree) if re.match(r"(Quotes|Names|Tables|Inconsistencies)\b.*\(\d+\)$", text)
    ]
    assert errata, "the errata's group labels are not headings"
    levels = [int(role[2]) for role, _ in headings(tree)]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), "a heading level is skipped"


def test_no_link_inside_a_link_and_every_link_says_where_it_leads(tree, book):
    nested = [clean(t.text) for t in tree.walk() if t.role == "/Link" for c in t.children if c.role == "/Link"]
    assert not nested, f"links inside links: {nested[:5]}"
    described = Counter()
    for page in book["pdf"].pages:
        for annot in page.get("/Annots", []):
            contents = str(annot.get("/Contents", ""))
            assert not re.fullmatch(r"\W*page \d+", contents), f"a link described only as {contents!r}"
            described[contents.split(":")[0]] += 1
    assert described["Reference"] > 50 and described["Evidence E1"] > 0, described.most_common(8)


def test_row_headers_are_row_headers_and_each_caption_is_inside_its_table(tree):
    """Table 1's actor groups (and the first column of Tables 2 and 3) are TH /Scope /Row,
    and each other cell of their row names them among its headers; every table caption is
    the first element of its Table, whether or not the table broke across pages."""
    import casebook
    from conftest import DATA

    case = casebook.load(DATA)
    tables = {clean(t.children[0].text).split(":")[0]: t for t in tree.walk() if t.role == "/Table" and t.children}
    assert {"Table 1", "Table 2", "Table 3"} <= set(tables), "a table caption is not inside its table"
    captions = [t for t in tree.walk() if t.role == "/Caption" and clean(t.text).startswith("Table")]
    assert len(captions) == 3
    expected = {
        "Table 1": list(case.actors.sort_values("order")["label"]),
        "Table 2": list(case.interviewees["id"]),
        "Table 3": None,
    }
    for name, labels in expected.items():
        body = next(c for c in tables[name].children if c.role == "/TBody")
        rows = [r for r in body.children if r.role == "/TR"]
        heads = [r.children[0] for r in rows]
        assert all(h.role == "/TH" and h.table.get("/Scope") == "/Row" and h.ident for h in heads), name
        if labels is not None:
            assert [clean(h.text) for h in heads] == labels
        for row in rows:
            assert all(c.role == "/TD" and row.children[0].ident in c.table["/Headers"] for c in row.children[1:])


def test_the_italian_title_is_tagged_italian(tree, book):
    """Typst marks a language change inside a paragraph on the marked content (``/Span
    <</Lang (it) /MCID n>>``), a whole element's on its tag (``/Lang``): either will do."""
    italian = [clean(t.text) for t in tree.walk() if t.lang == "it"]
    for number, page in enumerate(book["pdf"].pages):
        for operands, _ in pikepdf.parse_content_stream(page, "BDC"):
            attributes = operands[1] if len(operands) > 1 else None
            if isinstance(attributes, pikepdf.Dictionary) and attributes.get("/Lang") == "it":
                italian.append(clean(book["marked"].get((number, int(attributes.get("/MCID", -1))), "")))
    assert "Italia Smart. Rapporto Smart City Index 2016" in italian, italian


def test_each_reference_is_printed_once(book):
    if not (HTML / "chapters" / "references.html").is_file():
        pytest.skip("the web book is not built")
    page = lxml_html.fromstring((HTML / "chapters" / "references.html").read_bytes())
    entries = [clean(p.text_content()) for p in page.xpath("//div[contains(@class, 'citation')]/p")]
    assert len(entries) == 57
    text = re.sub(r"-\n(?=\w)", "", book["text"])
    text = clean(text)
    for entry in entries:
        start = entry[:40]
        assert text.count(start) == 1, f"{start!r} is printed {text.count(start)} times"


def test_print_has_no_web_only_wording_nor_build_internals(book):
    text = clean(re.sub(r"-\n(?=\w)", "", book["text"]))
    for web_only in ("A column heading sorts", "Selecting a marker", "Hover over", "click"):
        assert web_only not in text
    for internal in ("MISS", "uncommitted changes", "Last nbval run", "Benchmarks", "…"):
        assert internal not in text.split("Reproducibility", 1)[-1].split("Fork this case", 1)[0], internal
    checksums = re.findall(r"\b[0-9a-f]{20,}\b", text)  # (a DOI has 16 digits)
    assert checksums and all(len(c) == 64 for c in checksums), "a checksum is cut short"
