"""Any text the data may hold reaches the web book and the PDF as written.

A copy of the teaching case gets quotes wholly in Russian and in Greek, an English
quote with a Greek word, and quotes full of Markdown, MyST, HTML, Typst and LaTeX
markup; its book is built (HTML and PDF, ``make book CASE=…``) and every quote must be
found character for character, nothing interpreted, nothing run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

import casebook
from conftest import ROOT, row_of, set_cell

pytestmark = [pytest.mark.built, pytest.mark.pdf]

TEACHING = ROOT / "examples" / "teaching-case"
QUOTES = {
    "russian": "Мы смотрим на Европу и пытаемся понять её на местном уровне",
    "greek": "Ο Δήμος συνεργάζεται με πολλούς φορείς για την έξυπνη πόλη",
    "greek_word": "We called it the Δήμος, as the Greek partners did",
    "typst": '#read("/etc/hostname") #include "x.typ" $x^2$ <label> @ref [a] *b* _c_ \\ `d` -- ... = ~',
    "latex": r"\input{/etc/passwd} \textbf{x} % comment & $ # ^ _ {} ~ \\",
    "markup": "<script>alert(1)</script> &amp; **bold** {cite}`x` [link](http://example.org) \"straight\" 'single'",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("cases") / "any-text-case"
    shutil.copytree(TEACHING, folder)
    ids = list(casebook.load(folder).excerpts["id"])
    for excerpt, text in zip(ids, QUOTES.values(), strict=False):
        set_cell(folder, "excerpts.csv", row_of(folder, "excerpts.csv", "id", excerpt), "text", text)
    result = subprocess.run(
        ["make", "--no-print-directory", "book", f"CASE={folder}"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = ROOT / "_build" / "cases" / folder.name / "_build"
    yield out
    shutil.rmtree(ROOT / "_build" / "cases" / folder.name, ignore_errors=True)


def test_every_quote_is_in_the_html_exactly(built):
    page = lxml_html.fromstring((built / "html" / "coding.html").read_bytes())
    cells = {td.text_content() for td in page.xpath("//table//td")}
    for name, text in QUOTES.items():
        assert text in cells, name
    evidence = lxml_html.fromstring((built / "html" / "evidence.html").read_bytes())
    assert not evidence.xpath("//script[contains(., 'alert(1)')]")


def test_every_quote_is_in_the_pdf_exactly(built):
    pdf = built / "typst" / "book.pdf"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.replace("-\n", "-").split())
    squeeze = "".join(text.split())
    for name, quote in QUOTES.items():
        assert " ".join(quote.split()) in flat or "".join(quote.split()) in squeeze, name
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip() if Path("/etc/hostname").is_file() else ""
    if len(hostname) > 3:
        assert hostname not in text  # #read(...) printed, never run
