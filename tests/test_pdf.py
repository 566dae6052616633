"""The PDF is a complete book: every chapter, Tables 1–3 as tables with their cells,
Figure 1 as an embedded image, resolved references."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import casebook
from conftest import DATA, PDF

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def pdf_text() -> str:
    if not PDF.exists():
        pytest.skip(f"{PDF} is not built (make pdf)")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(PDF), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def flat(text: str) -> str:
    """One line of text: hyphenation at line ends undone, whitespace collapsed."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def case():
    return casebook.load(DATA)


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
    layout = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(PDF), "-"],
                            capture_output=True, text=True, check=True).stdout
    for person in case.interviewees.itertuples():  # a row of Table 2 per interviewee (roles may wrap)
        start = " ".join(person.role.split()[:2])
        row = rf"^\s*{person.id}\s+{re.escape(start)}.*\s{re.escape(person.organization)}\s*$"
        assert re.search(row, layout, flags=re.M), row
        assert squeeze(person.role) in body


def test_pdf_has_figure1_caption_and_an_embedded_image(pdf_text):
    pypdf = pytest.importorskip("pypdf")
    assert "Figure 1: The institutional work of key actors in the collaborative governance model" in flat(pdf_text)
    reader = pypdf.PdfReader(str(PDF))
    pages = [p for p in reader.pages if "The institutional work of key actors" in (p.extract_text() or "")]
    assert pages, "no page carries the Figure 1 caption"
    xobjects = pages[-1].get("/Resources", {}).get("/XObject", {})
    assert len(xobjects) >= 1, "the Figure 1 page embeds no image"


def test_pdf_has_no_unresolved_references(pdf_text):
    assert "??" not in pdf_text


def test_pdf_page_count_is_sensible():
    pypdf = pytest.importorskip("pypdf")
    if not PDF.exists():
        pytest.skip("PDF not built")
    assert 20 <= len(pypdf.PdfReader(str(PDF)).pages) <= 120


def test_title_page_fits_the_page():
    """The title page names the journal and the DOI in full: nothing runs off the page
    (pdftotext drops what is set outside the page box)."""
    if not PDF.exists():
        pytest.skip(f"{PDF} is not built (make pdf)")
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(PDF), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "International Journal of Public Sector Management" in first
    assert "(doi:10.1108/IJPSM-05-2018-0126)" in first
