"""The PDF reads as the article: every chapter, Tables 1–3 as tables with their cells,
Figure 1 as vector art, resolved references, the web book's numbering — and it is
tagged (PDF/UA-1), archival (PDF/A-2a) and the same bytes on every build."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

import casebook
from conftest import DATA, HTML, PDF, ROOT

pytestmark = pytest.mark.pdf


def pdftotext(*args: str) -> str:
    if not PDF.exists():
        pytest.skip(f"{PDF} is not built (make pdf)")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(
        ["pdftotext", *args, "-enc", "UTF-8", str(PDF), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def pdf_text() -> str:
    return pdftotext()


@pytest.fixture(scope="module")
def reader():
    pypdf = pytest.importorskip("pypdf")
    if not PDF.exists():
        pytest.skip(f"{PDF} is not built (make pdf)")
    return pypdf.PdfReader(str(PDF))


def flat(text: str) -> str:
    """One line of text: hyphenation at line ends undone, whitespace collapsed."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def case():
    return casebook.load(DATA)


def bookmarks(reader) -> list[tuple[int, str]]:
    """The PDF's outline (bookmarks) as (depth, title), in order."""
    out: list[tuple[int, str]] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, " ".join(item.title.split())))

    walk(reader.outline, 0)
    return out


def test_pdf_has_the_three_table_captions(pdf_text):
    text = flat(pdf_text)
    for caption in (
        "Table 1: The institutional work of multiple actors",
        "Table 2: Interviewees",
        "Table 3: Collaborative governance in practice",
    ):
        assert caption in text


def test_pdf_tables_hold_their_cells(pdf_text, case):
    text = flat(pdf_text).replace("- ", "-")
    squeeze = lambda s: re.sub(r"\W", "", s)  # noqa: E731 - table cells wrap anywhere
    body = squeeze(text)
    for activity in case.institutional_work["activity"]:
        assert squeeze(activity) in body, activity
    for finding in case.findings["text"]:
        assert squeeze(finding) in body, finding
    layout = pdftotext("-layout")
    for person in case.interviewees.itertuples():  # a row of Table 2 per interviewee (roles may wrap)
        start = " ".join(person.role.split()[:2])
        row = rf"^\s*{person.id}\s+{re.escape(start)}.*\s{re.escape(person.organization)}\s*$"
        assert re.search(row, layout, flags=re.M), row
        assert squeeze(person.role) in body


def test_every_quote_prints_character_for_character(pdf_text, case):
    text = flat(pdf_text).replace("- ", "-")
    for quote in case.excerpts.itertuples():
        assert " ".join(quote.text.split()).replace("- ", "-") in text, quote.id


def test_pdf_has_figure1_caption_and_vector_art(pdf_text, reader):
    assert "Figure 1: The institutional work of key actors in the collaborative governance model" in flat(pdf_text)
    pages = [p for p in reader.pages if "The institutional work of key actors" in (p.extract_text() or "")]
    assert pages, "no page carries the Figure 1 caption"
    text = pages[0].extract_text()
    for label in ("System context", "Collaboration dynamics", "Shared", "Capacity for"):
        assert label in text, label  # the SVG's labels are text, not pixels
    images = [
        name
        for name, obj in pages[0].get("/Resources", {}).get("/XObject", {}).items()
        if obj.get_object().get("/Subtype") == "/Image"
    ]
    assert images == [], "Figure 1 should be vector art, not a bitmap"


def test_pdf_has_no_unresolved_references(pdf_text):
    assert "??" not in pdf_text


def test_pdf_page_count_is_sensible(reader):
    assert 20 <= len(reader.pages) <= 80


def test_title_page_names_the_edition_the_article_journal_doi_and_keywords():
    first = flat(pdftotext("-f", "1", "-l", "1"))
    assert first.startswith("Smart city governance in Turin: a reproducible edition")
    assert "Smart city governance: exploring the institutional work of multiple actors towards" in first
    assert "International Journal of Public Sector Management" in first
    assert "10.1108/IJPSM-05-2018-0126" in first
    assert "Keywords Smart city, Institutional work, Collaborative governance" in first
    assert "The edition’s summary" in first


def web_numbers() -> dict[str, str]:
    """Heading text -> its number, as the web book prints it ("2.1. The debate" -> "2.1")."""
    out = {}
    for path in sorted((HTML / "chapters").glob("*.html")):
        tree = lxml_html.fromstring(path.read_bytes())
        for heading in tree.xpath("//article//h1 | //article//h2 | //article//h3"):
            number = heading.xpath('.//span[@class="section-number"]/text()')
            title = " ".join(heading.text_content().replace("#", "").split())
            if number:
                out[title[len(number[0].strip()) :].strip()] = number[0].strip().rstrip(".")
    return out


def test_section_numbers_match_the_web_book_everywhere(reader):
    if not (HTML / "chapters").is_dir():
        pytest.skip("the web book is not built")
    web = web_numbers()
    assert web["Introduction"] == "1" and web["The debate"] == "2.1" and web["Conclusions"] == "7"
    printed = {}
    for _, title in bookmarks(reader):
        m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)*) (.+)", title)
        if m:
            printed[m[2]] = m[1]
    assert printed == web


def test_references_follow_the_conclusions_and_the_edition_is_a_part_of_its_own(reader):
    titles = [t for _, t in bookmarks(reader)]
    assert titles.index("References") == titles.index("7 Conclusions") + 1
    order = [
        "References",
        "Appendix 1: Interviewees",
        "Appendix 2: Interview outline",
        "Appendix 3: Collaborative governance in practice",
        "Evidence",
        "This edition",
    ]
    assert [titles.index(t) for t in order] == sorted(titles.index(t) for t in order)
    after = titles[titles.index("This edition") :]
    assert "About this edition" in after and "Errata" in after
    assert not any(re.match(r"[0-9]", t) for t in after), "the edition's pages must not be numbered"
    depth = dict((t, d) for d, t in bookmarks(reader))
    assert depth["About this edition"] == depth["This edition"] + 1


def test_pdf_is_tagged_and_declares_pdf_ua_and_pdf_a(reader):
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, flags=re.M)
    assert re.search(r"^Title:\s+Smart city governance in Turin: a reproducible edition$", info, flags=re.M)
    assert "institutional work" in re.search(r"^Keywords:\s+(.*)$", info, flags=re.M)[1]
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8") if reader.xmp_metadata else ""
    assert re.search(r"pdfaid:part[^0-9]*2", xmp) and re.search(r"pdfaid:conformance[^A-Z]*A", xmp)
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp)
    assert reader.trailer["/Root"].get("/Lang") == "en"


def test_pdfua_checker_finds_no_error():
    if not PDF.exists():
        pytest.skip(f"{PDF} is not built (make pdf)")
    pdfua = Path(sys.executable).parent / "pdfua"  # installed beside pytest (requirements.txt)
    result = subprocess.run([str(pdfua), "check", str(PDF)], capture_output=True, text=True)
    assert re.search(r"\berrors=0\b", result.stdout), result.stdout
    assert result.returncode == 0, result.stdout


def test_figure1_has_a_short_alternative_text_and_its_arrows_in_words_after_it(case, pdf_text):
    source = (PDF.parent / "book.typ").read_text(encoding="utf-8")
    from casebook import figures

    alt = re.search(r'#image\("images/[^"]+\.svg", width: 100%, alt: "([^"]*)"\)', source)
    assert alt, "Figure 1 is not in the Typst source as an SVG image with alt text"
    assert alt[1] == figures.alt_text(case)  # the frames, the flow, the line styles
    assert not any(line in alt[1] for line in figures.description(case)), "the arrows belong to the list, once"
    text = flat(pdf_text)
    assert all(flat(line) in text for line in figures.description(case))


def test_no_tex_is_needed_any_more():
    listed = (ROOT / "apt.txt").read_text(encoding="utf-8") + (ROOT / "binder" / "apt.txt").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(texlive|latexmk|tex-gyre)", listed, flags=re.M)


def test_two_builds_give_the_same_bytes():
    """Build the PDF again from the same sources: not one byte may differ."""
    if not PDF.exists():
        pytest.skip(f"{PDF} is not built (make pdf)")
    before = PDF.read_bytes()
    subprocess.run(["make", "--no-print-directory", "-s", "pdf"], cwd=ROOT, check=True, capture_output=True)
    assert PDF.read_bytes() == before


def test_running_heads_name_the_chapter_of_the_editions_part():
    """Past the article, the running head names the chapter of "This edition" in force (About
    this edition, Reproducibility, Errata ...), not the part's title on every page."""
    layout = pdftotext("-layout")
    heads = [page.strip().splitlines()[0].split("   ")[-1].strip() for page in layout.split("\f") if page.strip()]
    part = heads[heads.index("About this edition") :]
    assert {"About this edition", "Reproducibility", "Fork this case", "Errata"} <= set(part)
    assert "This edition" not in part
