"""The book re-runs only the notebooks a data change can affect: each notebook's tables
are logged as it runs (a table read, or only counted), and a rebuild re-executes a
notebook only when what it used changed. No book is built here: what the Sphinx hook asks
(casebook.publish.notebooks.tracking) needs no Sphinx (tests/sphinx/ builds a small book)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import casebook
from casebook import book
from casebook.paths import DATA_ENV, DEPENDENCY_LOG_ENV
from casebook.publish.notebooks import prefetch, tracking
from casebook.publish.notebooks.tracking import NotebookState
from conftest import ROOT, set_cell

TEACHING = ROOT / "examples" / "teaching-case"


def logged(monkeypatch, tmp_path: Path, read) -> list[str]:
    log = tmp_path / "deps.log"
    log.write_text("", encoding="utf-8")
    monkeypatch.setenv(DEPENDENCY_LOG_ENV, str(log))
    read()
    return log.read_text(encoding="utf-8").splitlines()


def test_the_case_itself_writes_nothing_however_it_is_read(case_copy, monkeypatch, tmp_path):
    log = tmp_path / "deps.log"
    monkeypatch.setenv(DEPENDENCY_LOG_ENV, str(log))
    monkeypatch.chdir(tmp_path)
    case = casebook.load(case_copy)
    case.actors, case.count("findings"), case.fact("city")
    assert not log.exists() and [p.name for p in tmp_path.iterdir()] == ["case"]


def test_a_notebooks_case_records_each_table_read_and_counting_records_its_length(case_copy, monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_ENV, str(case_copy))
    case = casebook.load(case_copy, on_read=book._record)
    assert logged(monkeypatch, tmp_path, lambda: case.count("actors")) == ["actors#rows"]
    assert logged(monkeypatch, tmp_path, lambda: case.actors) == ["actors"]
    assert case.count("actors") == len(case.actors)


def test_tables_of_another_case_folder_are_logged_with_its_path(case_copy, monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_ENV, str(case_copy))
    other = casebook.load(TEACHING, on_read=book._record)
    assert logged(monkeypatch, tmp_path, lambda: other.actors) == [f"{TEACHING.resolve()}|actors"]


def outdated(case_dir: Path, deps: dict[str, set[str]], previous: dict[str, str], monkeypatch) -> set[str]:
    """The notebook pages (all of ``deps``) a build against ``case_dir`` re-reads after one against ``previous``."""
    monkeypatch.setenv(DATA_ENV, str(case_dir))
    touched = tracking.changes(previous, deps).touched
    return set(tracking.outdated(deps, lambda doc: True, deps, touched))


def state(case_dir: Path, monkeypatch) -> dict[str, str]:
    monkeypatch.setenv(DATA_ENV, str(case_dir))
    out = tracking.fingerprints(case_dir)
    out.update(tracking.case_fingerprints(TEACHING.resolve(), f"{TEACHING.resolve()}|"))
    return out


DEPS = {
    "counts": {"institutional_work#rows", "facts"},  # a chapter that pastes the number of activities
    "table-1": {"institutional_work", "actors"},  # the chapter that shows Table 1
    "appendix": {"interview_outline"},
    "fork": {f"{TEACHING.resolve()}|actors"},  # the fork chapter reads the teaching case
}


def test_editing_a_cell_reruns_the_readers_of_that_table_not_its_counters(case_copy, monkeypatch):
    before = state(case_copy, monkeypatch)
    assert outdated(case_copy, DEPS, dict(before), monkeypatch) == set()
    set_cell(case_copy, "institutional_work.csv", 2, "activity", "An activity reworded")
    assert outdated(case_copy, DEPS, dict(before), monkeypatch) == {"table-1"}


def test_adding_a_row_reruns_the_counters_too(case_copy, monkeypatch):
    before = state(case_copy, monkeypatch)
    path = case_copy / "institutional_work.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    with path.open("a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerow([f"{rows[-1][0]}-copy", *rows[-1][1:]])
    assert outdated(case_copy, DEPS, dict(before), monkeypatch) == {"counts", "table-1"}


def test_a_change_in_another_case_folder_reruns_only_its_readers(case_copy, monkeypatch, tmp_path):
    teaching = tmp_path / "teaching-case"
    shutil.copytree(TEACHING, teaching)
    deps = {**DEPS, "fork": {f"{teaching.resolve()}|actors"}}
    before = tracking.fingerprints(case_copy) | tracking.case_fingerprints(teaching, f"{teaching.resolve()}|")
    assert outdated(case_copy, deps, dict(before), monkeypatch) == set()
    set_cell(teaching, "actors.csv", 2, "label", "A renamed group")
    assert outdated(case_copy, deps, dict(before), monkeypatch) == {"fork"}


def test_pasted_counts_depend_on_lengths_only(monkeypatch, tmp_path):
    """glue_facts() pastes counts into the prose: a chapter depends on those lengths only."""
    monkeypatch.setenv(DATA_ENV, str(ROOT / "data"))
    lines = logged(monkeypatch, tmp_path, lambda: book.facts(casebook.load(ROOT / "data", on_read=book._record)))
    assert "institutional_work#rows" in lines and "institutional_work" not in lines


def test_table3_depends_on_how_many_activities_there_are_not_on_their_text(monkeypatch, tmp_path):
    """Its E-numbers follow Table 1's: only Table 1's length is read."""
    from casebook import evidence, tables

    monkeypatch.setenv(DATA_ENV, str(ROOT / "data"))
    read = lambda: tables.governance_in_practice(casebook.load(ROOT / "data", on_read=book._record))  # noqa: E731
    lines = logged(monkeypatch, tmp_path, read)
    assert "institutional_work#rows" in lines and "institutional_work" not in lines
    case = casebook.load(ROOT / "data")
    claims = evidence.marks(case)
    for kind in ("activity", "finding", "relation"):
        for ident, number in evidence.numbers(case, kind).items():
            assert (number.mark, number.label) == (claims[(kind, ident)].mark, claims[(kind, ident)].label)


# --- the record from which casebook build starts kernels before Sphinx (.notebooks.prefetch) ---


def recorded(case_copy: Path, tmp_path: Path, monkeypatch, deps: dict[str, set[str] | None]) -> Path:
    """A build's record of notebooks (each read just now) against the case as it is now."""
    monkeypatch.setenv(DATA_ENV, str(case_copy))
    notebooks = {}
    for doc, used in deps.items():
        source = tmp_path / f"{doc}.ipynb"
        source.write_text("{}", encoding="utf-8")
        reads = None if used is None else frozenset(used)
        notebooks[doc] = NotebookState(source, source.stat().st_mtime_ns // 1000 + 1, reads)
    doctrees = tmp_path / "doctrees"
    prefetch.write_record(doctrees, notebooks, state(case_copy, monkeypatch), 2, 60)
    return doctrees


def test_the_record_predicts_the_notebooks_sphinx_will_rerun(case_copy, monkeypatch, tmp_path):
    doctrees = recorded(case_copy, tmp_path, monkeypatch, {**DEPS, "never-read": None})
    assert prefetch.predicted(doctrees).stale == ["never-read"]  # no recorded reads: always re-run
    set_cell(case_copy, "institutional_work.csv", 2, "activity", "An activity reworded")
    assert prefetch.predicted(doctrees).stale == ["never-read", "table-1"]
    assert outdated(case_copy, DEPS, prefetch.predicted(doctrees).record["fingerprints"], monkeypatch) == {"table-1"}


def test_a_notebook_edited_since_the_record_is_predicted(case_copy, monkeypatch, tmp_path):
    import os

    doctrees = recorded(case_copy, tmp_path, monkeypatch, DEPS)
    assert prefetch.predicted(doctrees).stale == []
    later = (tmp_path / "appendix.ipynb").stat().st_mtime_ns + 10**9
    os.utime(tmp_path / "appendix.ipynb", ns=(later, later))
    assert prefetch.predicted(doctrees).stale == ["appendix"]


def test_no_record_or_a_foreign_one_starts_nothing_ahead(monkeypatch, tmp_path):
    assert prefetch.predicted(tmp_path) is None and prefetch.start_ahead(tmp_path) == 0
    foreign = (
        "not json",
        '{"schema": 99}',
        '{"schema": 1, "notebooks": {"a": {"path": 3}}}',
        '{"schema": 1, "fingerprints": {}, "notebooks": {"a": {"path": "a", "read": "x", "deps": []}}}',
    )
    for text in foreign:
        prefetch.record_path(tmp_path).write_text(text, encoding="utf-8")
        assert prefetch.predicted(tmp_path) is None and prefetch.start_ahead(tmp_path) == 0
    assert prefetch.take_ahead() is None
