"""The REFI-QDA export: valid against the standard's schemas, complete, deterministic,
and readable by an independent program (qualitative-coding, in a venv of its own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

import casebook
from casebook import qdpx
from casebook.case.schema import WORK_TYPES
from casebook.cli import main
from casebook.qdpx.codebook import split_marker
from conftest import DATA, ROOT, row_of, set_cell

SCHEMAS = ROOT / "tests" / "refi-qda"  # copies of the REFI-QDA schemas (MIT), see SOURCE.md there
NS = {"q": qdpx.PROJECT_NS}
MARKUP = "<script>alert(1)</script> & “ü” 😀"

# qualitative-coding is AGPL: it runs only here, in its own venv (conftest.qc_venv), never imported by casebook.
# Its 1.7.8 reader has a stray breakpoint() in the source import; PYTHONBREAKPOINT=0 skips it.
QC_ENV = {"PYTHONBREAKPOINT": "0", "PYTHONUTF8": "1"}
QC_REPORT = """
import json, sys
from pathlib import Path
from qualitative_coding.corpus import QCCorpus

corpus = QCCorpus("settings.yaml")
with corpus.session():
    names = sorted(d.file_path for d in corpus.get_documents())
    report = {
        "sources": {n: (corpus.corpus_dir / n).read_text(encoding="utf-8") for n in names},
        "codes": corpus.get_codebook().flatten(names=True, expanded=True),
        "codings": [[str(v) for v in row] for row in corpus.get_coded_lines()],
        "coders": sorted(c.name for c in corpus.get_all_coders()),
    }
Path(sys.argv[1]).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
"""


# ---------------------------------------------------------------------------
# helpers and fixtures


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def project_of(archive: Path) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(archive).read(qdpx.PROJECT_ENTRY))


def sources_of(archive: Path) -> dict[str, tuple[etree._Element, str]]:
    """Each text source by name, with the text of its file inside the archive."""
    with zipfile.ZipFile(archive) as z:
        found = {}
        for source in project_of(archive).iterfind(".//q:TextSource", NS):
            entry = source.get("plainTextPath").replace("internal://", f"{qdpx.SOURCES_FOLDER}/")
            found[source.get("name")] = (source, z.read(entry).decode("utf-8"))
        return found


def code_paths(project: etree._Element) -> list[str]:
    """Every code as "Parent:Child:Grandchild", the way qualitative-coding names nested codes."""
    tag = f"{{{qdpx.PROJECT_NS}}}Code"
    return [":".join(a.get("name") for a in reversed([c, *c.iterancestors(tag)])) for c in project.iter(tag)]


def source_name(excerpt: str, interviewee: str) -> str:
    return f"{excerpt} (Interviewee {interviewee})"


def expected_codings(case: casebook.Case) -> dict[str, set[tuple[str, str]]]:
    """Per quote: its rows of codings.csv plus the actor group of the person quoted."""
    groups = case.interviewees.set_index("id")["actor"]
    result = {}
    for quote in case.excerpts.itertuples():
        rows = case.codings[case.codings["excerpt"] == quote.id]
        codes = {(str(r.scheme), str(r.code)) for r in rows.itertuples()}
        if not pd.isna(groups[quote.interviewee]):
            codes.add(("actor", str(groups[quote.interviewee])))
        result[str(quote.id)] = codes
    return result


@pytest.fixture(scope="module")
def case() -> casebook.Case:
    return casebook.load(DATA)


@pytest.fixture(scope="module")
def archive(case: casebook.Case, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return qdpx.write_qdpx(case, tmp_path_factory.mktemp("qdpx") / "turin.qdpx")


@pytest.fixture
def markup_case(case_copy: Path) -> Path:
    """A copy of data/ whose first quote and first actor description carry markup and non-ASCII."""
    quote = str(casebook.load(case_copy).excerpts["id"].iloc[0])
    set_cell(case_copy, "excerpts.csv", row_of(case_copy, "excerpts.csv", "id", quote), "text", MARKUP)
    set_cell(case_copy, "actors.csv", 2, "description", MARKUP)
    return case_copy


def read_with_qc(venv: Path, archive: Path, work: Path) -> dict:
    """Import ``archive`` with ``qc init --import`` in an empty folder; report what qc holds."""
    project = work / "qc-project"
    project.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(QC_ENV)
    run = dict(cwd=project, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    imported = subprocess.run([str(venv / "bin" / "qc"), "init", "--import", str(archive)], **run)
    assert imported.returncode == 0 and "Traceback" not in imported.stderr, imported.stderr[-3000:]
    report = work / "qc-report.json"
    counted = subprocess.run([str(venv / "bin" / "python"), "-c", QC_REPORT, str(report)], **run)
    assert counted.returncode == 0, counted.stderr[-3000:]
    return json.loads(report.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# the standard


def test_qdpx_validates_against_refi_qda_schema(archive: Path) -> None:
    project_schema = schema("Project-mrt2019.xsd")
    assert project_schema.validate(project_of(archive)), project_schema.error_log


def test_qdc_validates_against_refi_qda_codebook_schema(case: casebook.Case, tmp_path: Path) -> None:
    codebook_schema = schema("Codebook-mrt2019.xsd")
    document = etree.parse(str(qdpx.write_qdc(case, tmp_path / "turin.qdc")))
    assert codebook_schema.validate(document), codebook_schema.error_log


def test_archive_holds_project_first_then_one_utf8_text_per_quote(archive: Path) -> None:
    project = project_of(archive)
    paths = [s.get("plainTextPath") for s in project.iterfind(".//q:TextSource", NS)]
    assert all(p.startswith("internal://") and p.endswith(".txt") for p in paths)
    entries = [f"{qdpx.SOURCES_FOLDER}/{p.removeprefix('internal://')}" for p in paths]
    assert zipfile.ZipFile(archive).namelist() == [qdpx.PROJECT_ENTRY, *entries]


def test_every_guid_is_unique_and_every_reference_resolves(archive: Path) -> None:
    project = project_of(archive)
    guids = [e.get("guid") for e in project.iter() if e.get("guid")]
    assert len(guids) == len(set(guids))
    codes = {e.get("guid") for e in project.iterfind(".//q:Code", NS)}
    sources = {e.get("guid") for e in project.iterfind(".//q:TextSource", NS)}
    assert {e.get("targetGUID") for e in project.iterfind(".//q:Coding/q:CodeRef", NS)} <= codes
    assert {e.get("targetGUID") for e in project.iterfind(".//q:SourceRef", NS)} <= sources


# ---------------------------------------------------------------------------
# what the project holds


def test_counts_match_the_case(case: casebook.Case, archive: Path) -> None:
    project = project_of(archive)
    assert len(project.findall(".//q:TextSource", NS)) == len(case.excerpts)
    parents = 2  # "Institutional work" and "Actor groups"
    assert len(project.findall(".//q:Code", NS)) == len(case.framework) + len(WORK_TYPES) + len(case.actors) + parents
    expected = sum(len(codes) for codes in expected_codings(case).values())
    assert expected > len(case.codings)  # the actor groups of the people quoted are coded too
    assert len(project.findall(".//q:Coding", NS)) == expected


def test_each_quote_carries_its_codings_and_its_speakers_actor_group(case: casebook.Case, archive: Path) -> None:
    names = {c.get("guid"): c.get("name") for c in project_of(archive).iterfind(".//q:Code", NS)}
    labels = {("framework", r.id): r.label for r in case.framework.itertuples()}
    labels |= {("actor", r.id): r.label for r in case.actors.itertuples()}
    labels |= {("work_type", t): f"{t.capitalize()} work" for t in WORK_TYPES}
    found = sources_of(archive)
    for quote in case.excerpts.itertuples():
        source, _ = found[source_name(quote.id, quote.interviewee)]
        coded = {names[r.get("targetGUID")] for r in source.iterfind(".//q:CodeRef", NS)}
        assert coded == {labels[code] for code in expected_codings(case)[quote.id]}, quote.id


def test_code_book_nests_framework_elements_by_parent(case: casebook.Case, archive: Path) -> None:
    parent_of = {
        code.get("name"): code.getparent().get("name") for code in project_of(archive).iterfind(".//q:Code", NS)
    }
    label = dict(zip(case.framework["id"], case.framework["label"], strict=True))
    for element in case.framework.itertuples():
        assert parent_of[element.label] == (None if pd.isna(element.parent) else label[element.parent])
    assert {parent_of[f"{t.capitalize()} work"] for t in WORK_TYPES} == {"Institutional work"}
    assert {parent_of[a] for a in case.actors["label"]} == {"Actor groups"}


def test_qdc_holds_the_same_code_book_as_the_project(case: casebook.Case, archive: Path, tmp_path: Path) -> None:
    def tree(root: etree._Element, ns: str) -> list[tuple[str | None, ...]]:
        tag = f"{{{ns}}}Code"
        return [
            (c.get("guid"), c.get("name"), c.getparent().get("guid"), c.findtext(f"{{{ns}}}Description"))
            for c in root.iter(tag)
        ]

    qdc = etree.parse(str(qdpx.write_qdc(case, tmp_path / "turin.qdc"))).getroot()
    assert tree(qdc, qdpx.CODEBOOK_NS) == tree(project_of(archive), qdpx.PROJECT_NS)


def test_cases_link_each_interviewee_to_the_sources_of_their_quotes(case: casebook.Case, archive: Path) -> None:
    project = project_of(archive)
    by_name = {c.get("name"): c for c in project.iterfind(".//q:Case", NS)}
    assert sorted(by_name) == sorted(f"Interviewee {i}" for i in case.interviewees["id"])
    found = sources_of(archive)
    for person in case.interviewees.itertuples():
        mine = case.excerpts[case.excerpts["interviewee"] == person.id]
        expected = {found[source_name(q.id, person.id)][0].get("guid") for q in mine.itertuples()}
        refs = {r.get("targetGUID") for r in by_name[f"Interviewee {person.id}"].iterfind("q:SourceRef", NS)}
        assert refs == expected, person.id


def test_selection_offsets_cover_the_quote_in_code_points(case: casebook.Case, archive: Path) -> None:
    found = sources_of(archive)
    for quote in case.excerpts.itertuples():
        source, text = found[source_name(quote.id, quote.interviewee)]
        assert text == quote.text
        (selection,) = source.findall("q:PlainTextSelection", NS)
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert text[start:end] == quote.text and (start, end) == (0, len(quote.text))


# ---------------------------------------------------------------------------
# determinism and hostile text


def test_two_exports_are_byte_identical(tmp_path: Path) -> None:
    first = qdpx.write_qdpx(casebook.load(DATA), tmp_path / "a.qdpx").read_bytes()
    second = qdpx.write_qdpx(casebook.load(DATA), tmp_path / "b.qdpx").read_bytes()
    assert first == second
    assert qdpx.write_qdc(casebook.load(DATA), tmp_path / "a.qdc").read_bytes() == (
        qdpx.write_qdc(casebook.load(DATA), tmp_path / "b.qdc").read_bytes()
    )


def test_archive_entries_have_fixed_date_and_permissions_and_no_clock_dates(archive: Path) -> None:
    for info in zipfile.ZipFile(archive).infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.external_attr >> 16 == 0o100644, info.filename
    assert b"DateTime" not in zipfile.ZipFile(archive).read(qdpx.PROJECT_ENTRY)


def test_quote_with_markup_survives_round_trip(markup_case: Path, tmp_path: Path) -> None:
    changed = casebook.load(markup_case)
    archive = qdpx.write_qdpx(changed, tmp_path / "markup.qdpx")
    assert schema("Project-mrt2019.xsd").validate(project_of(archive))
    quote = changed.excerpts.iloc[0]
    source, text = sources_of(archive)[source_name(quote["id"], quote["interviewee"])]
    assert text == MARKUP
    (selection,) = source.findall("q:PlainTextSelection", NS)
    assert int(selection.get("endPosition")) == len(MARKUP) < len(MARKUP.encode("utf-8"))
    descriptions = [split_marker(d.text)[0] for d in project_of(archive).iterfind(".//q:Code/q:Description", NS)]
    assert MARKUP in descriptions
    assert b"<script>" not in zipfile.ZipFile(archive).read(qdpx.PROJECT_ENTRY)
    qdc = etree.parse(str(qdpx.write_qdc(changed, tmp_path / "markup.qdc")))
    assert MARKUP in [split_marker(d.text)[0] for d in qdc.iter(f"{{{qdpx.CODEBOOK_NS}}}Description")]


# ---------------------------------------------------------------------------
# command line


def test_cli_exports_project_and_code_book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-qdpx", str(tmp_path / "out" / "case.qdpx"), "--data", str(DATA)]) == 0
    assert main(["export-qdc", str(tmp_path / "out" / "case.qdc"), "--data", str(DATA)]) == 0
    case = casebook.load(DATA)
    assert (tmp_path / "out" / "case.qdpx").read_bytes() == qdpx.qdpx_bytes(case)
    assert (tmp_path / "out" / "case.qdc").read_bytes() == qdpx.write_qdc(case, tmp_path / "x.qdc").read_bytes()
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["export-qdpx", "export-qdc"])
def test_cli_export_of_invalid_data_exits_nonzero_with_the_problem_list(
    command: str, case_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = row_of(case_copy, "excerpts.csv", "id", "q01")
    set_cell(case_copy, "excerpts.csv", row, "interviewee", "\u0412")  # Cyrillic Ve, looks like B
    out = tmp_path / f"case.{command.removeprefix('export-')}"
    assert main([command, str(out), "--data", str(case_copy)]) == 1
    err = capsys.readouterr().err
    assert "excerpts.csv" in err and "problem" in err and "Traceback" not in err
    assert not out.exists()


# ---------------------------------------------------------------------------
# an independent reader


def test_qualitative_coding_reads_the_same_sources_codes_and_codings(
    qc_venv: Path, case: casebook.Case, archive: Path, tmp_path: Path
) -> None:
    report = read_with_qc(qc_venv, archive, tmp_path)
    assert len(report["sources"]) == len(case.excerpts)
    assert len(report["codes"]) == len(case.framework) + len(WORK_TYPES) + len(case.actors) + 2
    assert sorted(report["codes"]) == sorted(code_paths(project_of(archive)))  # same nesting
    # qc counts a coding once per line and code: each quote is one line, its codes distinct.
    assert len(report["codings"]) == sum(len(codes) for codes in expected_codings(case).values())
    assert report["coders"] == [qdpx.USER_NAME]
    quotes = {source_name(q.id, q.interviewee) + ".txt": q.text for q in case.excerpts.itertuples()}
    assert report["sources"] == quotes


def test_qualitative_coding_reads_a_quote_with_markup_verbatim(
    qc_venv: Path, markup_case: Path, tmp_path: Path
) -> None:
    archive = qdpx.write_qdpx(casebook.load(markup_case), tmp_path / "markup.qdpx")
    report = read_with_qc(qc_venv, archive, tmp_path)
    assert MARKUP in report["sources"].values()


def test_writing_a_code_book_loads_neither_the_figure_nor_sphinx(tmp_path):
    """A code book is the case's codes and the work types' colours (casebook.style), not Figure 1."""
    code = (
        "import sys; from casebook.cli import main; "
        f"main(['export-codebook', {str(tmp_path / 'c.qdc')!r}, '--data', {str(DATA)!r}]); "
        "print(sorted(m for m in ('plotly', 'networkx', 'sphinx') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]" and (tmp_path / "c.qdc").is_file()
