"""The fictional teaching case and the book of any case folder (examples/case-book):
the case is valid and says it is fictional; `casebook init` starts a new case; the
book built by `make book CASE=examples/teaching-case` shows the case's own Tables 1-3
and Figure 1, and carries the notice on every HTML page and every PDF page."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from lxml import html as lxml_html

from casebook import book, case, load, newcase, tables
from casebook.case import check
from conftest import ROOT

TEACHING = ROOT / "examples" / "teaching-case"
BUILD = ROOT / "_build" / "cases" / "teaching-case" / "_build"
HTML = BUILD / "html"
PDF = BUILD / "typst" / "book.pdf"


STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _text(path) -> str:
    """The page's text, spaces collapsed, Sphinx's curly quotes made straight again."""
    return " ".join(lxml_html.fromstring(path.read_bytes()).text_content().split()).translate(STRAIGHT)


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_the_teaching_case_is_valid_and_declares_itself_fictional():
    tables_, problems = check(TEACHING)
    assert problems == []
    info = case.about(TEACHING)
    assert "fictional" in info.notice.lower()
    assert case.about(ROOT / "data").notice == ""  # the real case carries no such notice


def test_the_teaching_case_is_not_the_turin_case():
    teaching, turin = load(TEACHING), load(ROOT / "data")
    assert set(teaching.interviewees["role"]).isdisjoint(turin.interviewees["role"])
    assert set(teaching.excerpts["text"]).isdisjoint(turin.excerpts["text"])
    assert set(teaching.institutional_work["activity"]).isdisjoint(turin.institutional_work["activity"])


def test_init_writes_a_blank_case_whose_check_lists_what_to_fill_in(tmp_path):
    from casebook.case.validate import NEEDED

    target = tmp_path / "my-case"
    written = newcase.create(target)
    assert (target / "datapackage.json") in written and (target / "README.md").is_file()
    problems = check(target)[1]
    assert [(p.file, p.message) for p in problems] == [
        (str(target / f"{name}.csv"), f"has no rows yet: {hint}") for name, hint in NEEDED.items()
    ]
    with pytest.raises(newcase.FolderNotEmpty):
        newcase.create(target)


def test_init_from_the_teaching_case_copies_it_without_touching_it(tmp_path):
    before = _digests(TEACHING)
    result = subprocess.run(
        [sys.executable, "-m", "casebook", "init", str(tmp_path / "mine"), "--from", str(TEACHING)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert load(tmp_path / "mine").institutional_work.equals(load(TEACHING).institutional_work)
    assert _digests(TEACHING) == before


def test_an_edit_shows_the_check_message_a_student_would_read():
    before = _digests(TEACHING)
    lines = newcase.problems_after_edit(TEACHING, "institutional_work.csv", 2, "work_type", "economic")
    assert lines == [
        "my-case/institutional_work.csv:2:work_type: 'economic' is not allowed; "
        "allowed values: political, technical, cultural"
    ]
    assert _digests(TEACHING) == before


def test_console_output_is_shown_as_one_verbatim_block():
    [block] = book.console(["a ``` b", "c"]).blocks
    assert block == {"type": "code", "text": "a ``` b\nc", "language": "text"}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    if not (HTML / "index.html").is_file():
        pytest.skip(f"the teaching case's book is not built: make book CASE={TEACHING.relative_to(ROOT)}")
    return {
        p.relative_to(HTML).as_posix(): _text(p)
        for p in sorted(HTML.rglob("*.html"))
        if not any(part.startswith("_") for part in p.relative_to(HTML).parts)
    }


@pytest.mark.built
def test_every_page_of_its_book_says_the_case_is_fictional(pages):
    notice = case.about(TEACHING).notice
    assert len(pages) >= 7
    assert [name for name, text in pages.items() if notice not in text] == []


@pytest.mark.built
def test_its_book_shows_its_own_tables_and_figure(pages):
    teaching = load(TEACHING)
    table1 = pages["institutional-work.html"]
    assert "Table 1" in table1
    for activity in teaching.institutional_work["activity"]:
        assert " ".join(str(activity).split()) in table1
    for role in teaching.interviewees["role"]:
        assert " ".join(str(role).split()) in pages["interviewees.html"]
    for finding in teaching.findings["text"]:
        assert " ".join(str(finding).split()) in pages["governance-in-practice.html"]
    figure = (HTML / "figure-1.html").read_text(encoding="utf-8")
    assert 'class="casebook-plotly' in figure and "Figure 1" in pages["figure-1.html"]
    for label in teaching.actors["label"]:
        assert str(label) in figure
    for name in ("institutional-work.html", "interviewees.html", "governance-in-practice.html", "figure-1.html"):
        assert "Turin" not in pages[name]  # nothing of the real case leaks into the teaching case's tables
    assert tables.institutional_work(teaching).caption in table1


@pytest.mark.pdf
def test_every_page_of_its_pdf_says_the_case_is_fictional():
    if not PDF.is_file():
        pytest.skip(f"the teaching case's PDF is not built: make pdf CASE={TEACHING.relative_to(ROOT)}")
    text = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    sheets = text.split("\f")[:-1]
    notice = case.about(TEACHING).notice
    assert len(sheets) > 5
    assert [i + 1 for i, sheet in enumerate(sheets) if notice not in " ".join(sheet.split())] == []
    joined = " ".join(text.split())
    for caption in ("Table 1:", "Table 2:", "Table 3:", "Figure 1:"):
        assert caption in joined
    for web_only in ("Hover", "column heading sorts", "button under the figure"):  # print is print
        assert web_only not in joined


def test_the_teaching_case_readme_carries_the_current_data_dictionary():
    from casebook.case.dictionary import markdown

    info = case.about(TEACHING)
    body = markdown(info.title, info.description).split("## Rules every file follows", 1)[1]
    readme = (TEACHING / "README.md").read_text(encoding="utf-8")
    refresh = "python -m casebook dictionary --case examples/teaching-case"
    assert readme.endswith(body), f"refresh the dictionary part: {refresh}"


@pytest.mark.built
def test_its_release_bundle_describes_the_teaching_case_not_turin(tmp_path):
    """make dist CASE=examples/teaching-case: the bundle and its RO-Crate are the teaching case's."""
    import json
    import zipfile

    from casebook.reproducibility import release

    if not (HTML / "index.html").is_file():
        pytest.skip("the teaching case's book is not built")
    info = case.about(TEACHING)
    out = tmp_path / f"{info.name}.zip"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "casebook",
            "dist",
            "--book",
            str(ROOT / "examples" / "case-book"),
            "--build",
            str(BUILD),
            "--data",
            str(TEACHING),
            "--figures",
            str(BUILD / "figures"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert release.verify(out) == []
    meta = json.loads(zipfile.ZipFile(out).read(release.METADATA))
    root = next(e for e in meta["@graph"] if e["@id"] == "./")
    text = json.dumps(meta)
    assert root["name"] == info.title and "Smart city governance in Turin" not in text and "10.1108" not in text
    names = zipfile.ZipFile(out).namelist()
    assert f"{info.name}.pdf" in names and "data/excerpts.csv" in names and "site/index.html" in names
