"""Editing one row and running make html redoes only what shows that row: the notebooks that
read its table re-run, exactly the pages that show it change, and they are the pages a clean
build of the same data makes (apart from Sphinx's ``?v=`` asset suffixes). Builds a copy of
the project under pytest's tmp folder; asserts what ran, never how long it took."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from casebook.files import sha256
from casebook.paths import DATA_ENV
from conftest import ROOT
from scripts.bench import ACTIVITY_EDIT
from tools.process import executed_notebooks
from tools.project_copy import append_to_cell, child_env, copy_project

pytestmark = pytest.mark.built  # builds of the book in one copy, which the tests share

VERSION = re.compile(r"\?v=[0-9a-f]+")
SUFFIX = " (edited_by_the_incremental_test)"  # one word: the hover text wraps at spaces and hyphens
REPORT = "chapters/reproducibility.html"  # the build's own report: when, how long, which checksums
WHEN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
SECONDS = re.compile(r"(<td[^>]*>(?:<p>)?)\d+\.\d+((?:</p>)?</td>)")


def make_html(copy: Path, succeeds: bool = True) -> str:
    """``make html`` in the copy; what it printed (the build must succeed, or with
    ``succeeds=False`` fail)."""
    result = subprocess.run(
        ["make", "--no-print-directory", f"VENV={ROOT / '.venv'}", "html"],
        cwd=copy,
        env=child_env(copy),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert (result.returncode == 0) == succeeds, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def pages(copy: Path) -> dict[str, str]:
    """Every page's HTML without ``?v=`` suffixes; the reproducibility report also without
    its build times and execution seconds, which differ from one build to the next."""
    html = copy / "_build" / "html"
    found = {
        p.relative_to(html).as_posix(): VERSION.sub("", p.read_text(encoding="utf-8"))
        for p in sorted(html.rglob("*.html"))
        if not p.relative_to(html).parts[0].startswith("_")
    }
    found[REPORT] = SECONDS.sub(r"\1#\2", WHEN.sub("#", found[REPORT]))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A copy of the project, built once; each test leaves it built."""
    copy = copy_project(tmp_path_factory.mktemp("incremental") / "project")
    make_html(copy)
    return copy


def test_one_changed_activity_reruns_its_readers_and_rewrites_exactly_the_pages_that_show_it(built):
    copy = built
    before = pages(copy)
    file, key, ident, column, _ = ACTIVITY_EDIT
    append_to_cell(copy / "data", file, key, ident, column, SUFFIX)

    output = make_html(copy)
    ran = sorted(executed_notebooks(output, copy))
    after = pages(copy)
    # Table 1 and its discussion, Figure 1's hover text, the code book's counts, the evidence appendix
    assert ran == [
        "chapters/05-institutional-work",
        "chapters/06-discussion",
        "chapters/coding",
        "chapters/evidence",
    ], output[-3000:]
    assert "kernel(s), started before Sphinx, for 4 notebook(s)" in output  # casebook build, from the record
    changed = {page for page in after if after[page] != before.get(page)}
    showing = {page for page, text in after.items() if SUFFIX.strip() in text}
    assert "chapters/05-institutional-work.html" in showing and "chapters/06-discussion.html" in showing
    assert sha256(copy / "data" / file) in after[REPORT]  # the report shows the file's new checksum
    assert changed == showing | {REPORT}

    shutil.rmtree(copy / "_build")
    make_html(copy)
    clean = pages(copy)
    assert clean.keys() == after.keys()
    differ = [page for page in clean if clean[page] != after[page]]
    assert not differ, f"incremental and clean builds differ on {differ}"


def kernels_of(copy: Path) -> int:
    """The kernels still running that a build of ``copy`` started (their environment names its
    data), whatever else runs kernels on the machine meanwhile."""
    mark = f"{DATA_ENV}={copy / 'data'}".encode()
    count = 0
    for process in Path("/proc").iterdir():
        try:
            if b"ipykernel_launcher" in (process / "cmdline").read_bytes():
                count += mark in (process / "environ").read_bytes().split(b"\0")
        except OSError:  # not a process, or one that ended meanwhile
            continue
    return count


def test_what_the_kernels_started_before_sphinx_run_fails_the_build_as_myst_nb_would(built):
    """casebook build runs the predicted notebooks in a process of its own before Sphinx
    starts: a failing cell there still stops the build with the notebook and the error, bad
    data still stops it with file:row:column, and no kernel outlives either build."""
    import nbformat

    copy = built
    chapter = copy / "chapters" / "coding.ipynb"
    pristine = chapter.read_bytes()
    notebook = nbformat.read(chapter, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell('raise ValueError("a cell that fails on purpose")'))
    nbformat.write(notebook, chapter)
    output = make_html(copy, succeeds=False)
    assert "started before Sphinx" in output and "Notebook execution failed" in output, output[-3000:]
    assert "coding.ipynb" in output and "a cell that fails on purpose" in output
    assert kernels_of(copy) == 0

    chapter.write_bytes(pristine)
    make_html(copy)
    append_to_cell(copy / "data", "actors.csv", "id", "politicians", "level", " and galactic")
    output = make_html(copy, succeeds=False)
    assert "actors.csv:" in output and ":level" in output, output[-3000:]
    assert kernels_of(copy) == 0
