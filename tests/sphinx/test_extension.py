"""The extension's hooks on a real, small Sphinx build (sphinx.testing), in seconds: a page of
prose and a notebook that reads the teaching case (tests/sphinx/book/). A rebuild re-runs the
notebook only when a table it read changed, a failing cell stops the build naming the
notebook, and the checks of passage anchors and claims name the file, row and column."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from sphinx.errors import SphinxError
from sphinx.testing.util import SphinxTestApp

import casebook
from conftest import ROOT, row_of, set_cell

BOOK = Path(__file__).parent / "book"
TEACHING = ROOT / "examples" / "teaching-case"
PASSAGES = "passages.csv"


@pytest.fixture(scope="session")
def teaching_figures(tmp_path_factory) -> Path:
    """Figure 1's static files for the teaching case, drawn once (the build redraws them only
    when the drawing changed, and no test here changes it)."""
    from casebook.figures import write_static

    folder = tmp_path_factory.mktemp("figures")
    write_static(casebook.load(TEACHING), folder)
    return folder


class Book:
    """A copy of the fixture book and of the teaching case, built by :meth:`build`."""

    def __init__(self, root: Path):
        self.src = root / "book"
        self.case = root / "case"
        shutil.copytree(BOOK, self.src)
        shutil.copytree(TEACHING, self.case)

    def build(self, **config) -> str:
        """Build the HTML; return what Sphinx logged (status and warnings)."""
        log, error = self.attempt(**config)
        if error is not None:
            raise error
        return log

    def attempt(self, **config) -> tuple[str, Exception | None]:
        """Build the HTML; return what Sphinx logged, and the error that stopped it (if one did)."""
        status, warning = io.StringIO(), io.StringIO()
        app = SphinxTestApp("html", srcdir=self.src, confoverrides=config, status=status, warning=warning)
        try:
            app.build()
            error = None
        except Exception as stopped:  # noqa: BLE001  (returned to the test, which asserts on it)
            error = stopped
        finally:
            app.cleanup()
        return status.getvalue() + warning.getvalue(), error

    def page(self, name: str) -> str:
        return (self.src / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8")

    def record(self) -> dict:
        """What the build leaves for the next one to start its kernels from."""
        return json.loads((self.src / "_build" / "doctrees" / "casebook-kernels.json").read_text(encoding="utf-8"))


@pytest.fixture
def book(tmp_path, teaching_figures, monkeypatch) -> Book:
    made = Book(tmp_path)
    shutil.copytree(teaching_figures, tmp_path / "figures")
    monkeypatch.setenv("CASEBOOK_DATA", str(made.case))
    monkeypatch.setenv("CASEBOOK_FIGURES", str(tmp_path / "figures"))
    monkeypatch.setenv("CASEBOOK_DEPENDENCY_LOG", "")  # restored afterwards, whatever the build left
    monkeypatch.delenv("CASEBOOK_DEPENDENCY_LOG")
    return made


def executed(log: str) -> list[str]:
    return re.findall(r"(\w+)\.ipynb: executed in", log)


def test_a_first_build_runs_the_notebook_and_records_what_it_read(book):
    log = book.build()
    assert executed(log) == ["counts"]
    assert "9 findings; the first actor group: Regional government" in book.page("counts")
    assert book.record()["notebooks"]["counts"]["deps"] == ["actors", "findings#rows"]


def test_a_rebuild_reruns_the_notebook_only_when_a_table_it_read_changed(book):
    book.build()
    set_cell(book.case, "interview_outline.csv", 2, "topic", "A topic the notebook never reads")
    set_cell(book.case, "findings.csv", 2, "text", "A finding reworded: only counted")
    assert executed(book.build()) == []
    set_cell(book.case, "actors.csv", row_of(book.case, "actors.csv", "order", "1"), "label", "The region")
    assert executed(book.build()) == ["counts"]
    assert "the first actor group: The region" in book.page("counts")


def test_a_failing_cell_stops_the_build_naming_the_notebook(book):
    notebook = json.loads((book.src / "counts.ipynb").read_text(encoding="utf-8"))
    notebook["cells"][1]["source"] = ['raise ValueError("a cell that fails on purpose")']
    (book.src / "counts.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    with pytest.raises(SphinxError) as failed:
        book.build()
    assert failed.value.category == "Notebook execution failed"
    assert "counts.ipynb" in str(failed.value) and "a cell that fails on purpose" in str(failed.value)


def anchored(book: Book, passages: list[str]) -> None:
    """The book's prose page, with a paragraph anchored to each of ``passages``."""
    paragraphs = "".join(f"{{#passage-{p}}}\nA paragraph restating {p}.\n\n" for p in passages)
    (book.src / "index.md").write_text(
        f"# A fixture book\n\n{paragraphs}```{{toctree}}\ncounts\n```\n", encoding="utf-8"
    )


def test_a_missing_or_stray_passage_anchor_is_named_by_file_row_and_column(book):
    passages = list(casebook.load(book.case).passages["id"])
    anchored(book, [*passages[1:], "nowhere"])
    log = book.build(casebook_passage_anchors=True)
    line = row_of(book.case, PASSAGES, "id", passages[0])
    assert f"{book.case / PASSAGES}:{line}:id: passage {passages[0]!r} has no paragraph anchor" in log
    assert log.count("has no paragraph anchor") == 1
    assert f"index.md: WARNING: the anchor {{#passage-nowhere}} names no passage of {book.case / PASSAGES}" in log


def test_a_claim_no_paragraph_states_is_named_by_file_row_and_column(book):
    """With active citation, every claim must be stated by an anchored paragraph; and a claim
    stated without its entry in an Evidence appendix (this book has none) is an error too."""
    case = casebook.load(book.case)
    first = str(case.institutional_work["id"].iloc[0])
    passages = list(case.passages["id"])
    anchored(book, passages)
    evidence = book.case / "evidence.csv"
    rows = evidence.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [r for r in rows if not (r.startswith(f"activity,{first},passage,"))]
    assert len(kept) < len(rows)
    evidence.write_text("".join(kept), encoding="utf-8")
    log, _ = book.attempt(casebook_active_citation=True)  # (the markers without entries stop it later)
    line = row_of(book.case, "institutional_work.csv", "id", first)
    assert re.search(
        rf"{re.escape(str(book.case))}/institutional_work\.csv:{line}:id: E1 \(Table 1, activity '{first}'\) is "
        "stated by no paragraph",
        log,
    ), log[-3000:]
    assert re.search(r"index\.md: WARNING: the paragraph \{#passage-[a-z0-9-]+\} cites E\d+, but no page", log)


def test_an_anchor_moved_out_of_its_section_is_named_by_file_row_and_column(book):
    """A passage's paragraph must sit in the section ``passages.csv`` puts it in."""
    passages = casebook.load(book.case).passages
    moved = "context-floods"
    others = "".join(f"{{#passage-{p}}}\nA paragraph restating {p}.\n\n" for p in passages["id"] if p != moved)
    (book.src / "index.md").write_text(
        f"# A fixture book\n\n(sec-context-and-drivers)=\n## Context and drivers\n\n{others}"
        f"## Elsewhere\n\n{{#passage-{moved}}}\nThis paragraph sits outside its section.\n\n"
        "```{toctree}\ncounts\n```\n",
        encoding="utf-8",
    )
    log, _ = book.attempt(casebook_active_citation=True)
    line = row_of(book.case, PASSAGES, "id", moved)
    assert (
        f"index.md: WARNING: the paragraph {{#passage-{moved}}} has moved out of the section "
        f"{book.case / PASSAGES}:{line}:section puts it in ('Context and drivers', sec-context-and-drivers)"
    ) in log, log[-3000:]
    assert log.count("has moved out of the section") == 1
