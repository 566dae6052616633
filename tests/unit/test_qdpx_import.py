"""casebook import-qdpx: a REFI-QDA project becomes a case folder.

Turin exported and imported again gives back the same coded material, table by table; a
project written by an independent library (pyrefiqda, in a venv of its own) and a real
NVivo export (shipped inside the qualitative-coding package) import with a report of
what was left out; an independent reader finds this project's codings; bad files get
one clear error; no folder is overwritten unless asked, and data/ never."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import casebook
from casebook import qdpx
from casebook.case import check
from casebook.case.model import _to_frame
from casebook.cli import main
from conftest import DATA, ROOT

TEACHING = ROOT / "examples" / "teaching-case"
CODED = ("excerpts", "codings", "interviewees", "framework")
ANALYTIC = (
    "institutional_work",
    "findings",
    "relations",
    "evidence",
    "passages",
    "sections",
    "documents",
    "excerpt_uses",
    "facts",
    "timeline",
    "interview_outline",
    "errata",
)


def tables(folder: Path) -> dict:
    read, problems = check(folder)
    return {name: _to_frame(table) for name, table in read.items()}


@pytest.fixture(scope="module")
def turin_qdpx(tmp_path_factory) -> Path:
    return qdpx.write_qdpx(casebook.load(DATA), tmp_path_factory.mktemp("export") / "turin.qdpx")


# --- the round trip --------------------------------------------------------------------


@pytest.mark.parametrize("codebook", [None, DATA], ids=["own code book", "code book of data/"])
def test_turin_exported_and_imported_comes_back_table_by_table(turin_qdpx, tmp_path, codebook):
    folder = tmp_path / "back"
    report = qdpx.import_project(turin_qdpx, folder, codebook=codebook)
    assert report.left_out == []
    original, back = tables(DATA), tables(folder)
    for name in CODED:
        assert back[name].equals(original[name]), name
    assert list(back["actors"]["id"]) == list(original["actors"]["id"])
    if codebook is not None:
        assert back["actors"].equals(original["actors"])


def test_check_then_lists_exactly_what_remains_to_fill_in(turin_qdpx, tmp_path):
    folder = tmp_path / "imported"
    qdpx.import_project(turin_qdpx, folder, codebook=DATA)
    _, problems = check(folder)
    assert sorted(p.file.rsplit("/", 1)[1] for p in problems) == sorted(
        f"{name}.csv" for name in ("institutional_work", "findings", "relations", "evidence")
    )
    assert all("has no rows yet" in p.message for p in problems)
    for name in ANALYTIC:  # the analytic layer starts as a header row
        assert (folder / f"{name}.csv").read_text(encoding="utf-8").count("\n") == 1 or name == "documents"
    for name in ANALYTIC:  # fill it in from the original, and the case is complete
        shutil.copyfile(DATA / f"{name}.csv", folder / f"{name}.csv")
    assert check(folder)[1] == []


def test_import_never_overwrites_unless_asked_and_never_writes_data(turin_qdpx, tmp_path, capsys):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    assert main(["import-qdpx", str(turin_qdpx), str(folder)]) == 1
    assert "already exists and is not an empty folder" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert main(["import-qdpx", str(turin_qdpx), str(folder), "--force"]) == 0
    assert (folder / "excerpts.csv").is_file() and (folder / "notes.txt").read_text() == "mine"
    before = {p.name: p.read_bytes() for p in DATA.iterdir()}
    assert main(["import-qdpx", str(turin_qdpx), str(DATA), "--force"]) == 1
    assert "the book's own case folder" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in DATA.iterdir()} == before


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_text("not a zip"), "it is not a zip archive"),
        (lambda p: zipfile.ZipFile(p, "w").writestr("readme.txt", "x"), "the archive holds no project.qde"),
        (lambda p: zipfile.ZipFile(p, "w").writestr("project.qde", "<Project"), "is not well-formed XML"),
        (lambda p: zipfile.ZipFile(p, "w").writestr("project.qde", "<Project name='x'/>"), "is not a REFI-QDA project"),
    ],
    ids=["text file", "zip without project", "broken XML", "foreign XML"],
)
def test_a_file_that_is_no_refi_project_gets_one_clear_error(tmp_path, capsys, make, message):
    bad = tmp_path / "bad.qdpx"
    make(bad)
    assert main(["import-qdpx", str(bad), str(tmp_path / "case")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "case").exists()


def test_positions_counted_in_utf16_units_are_read_as_characters(tmp_path):
    text = "Smart 😀 city, the Δήμος said"
    start = text.index("Δήμος")
    units = len(text[:start].encode("utf-16-le")) // 2  # the emoji counts twice
    project = f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14">
 <CodeBook><Codes><Code guid="00000000-0000-0000-0000-00000000000a" name="Drivers" isCodable="true"/></Codes></CodeBook>
 <Cases><Case guid="00000000-0000-0000-0000-00000000000b" name="Interviewee A">
  <SourceRef targetGUID="00000000-0000-0000-0000-00000000000c"/></Case></Cases>
 <Sources><TextSource guid="00000000-0000-0000-0000-00000000000c" name="t" plainTextPath="internal://t.txt">
  <PlainTextSelection guid="00000000-0000-0000-0000-00000000000d" startPosition="{units}" endPosition="{units + 5}">
   <Coding guid="00000000-0000-0000-0000-00000000000e"><CodeRef targetGUID="00000000-0000-0000-0000-00000000000a"/>
   </Coding></PlainTextSelection></TextSource></Sources></Project>"""
    archive = tmp_path / "p.qdpx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("project.qde", project)
        z.writestr("sources/t.txt", text)
    qdpx.import_project(archive, tmp_path / "auto")
    assert tables(tmp_path / "auto")["excerpts"]["text"].tolist() == ["Δήμος"]
    qdpx.import_project(archive, tmp_path / "points", offsets="codepoints")
    assert tables(tmp_path / "points")["excerpts"]["text"].tolist() == [text[units : units + 5]]


# --- files this project did not write --------------------------------------------------

WRITE_WITH_PYREFIQDA = r"""
import sys
from pathlib import Path
from pyrefiqda import RefiProject
from pyrefiqda.models import project as m

def code(name, guid, children=(), codable=True):
    return m.CodeType(guid=guid, name=name, is_codable=codable, code=list(children))

g = lambda n: f"00000000-0000-4000-8000-{n:012d}"
transcript = "Interviewer: why the pilot?\nWe did it for the river, and for the Δήμος too 😀. Money came later."
first = transcript.index("We did")
second = transcript.index("Money")
codes = [
    code("Drivers", g(1)),
    code("Shared motivation", g(2)),
    code("Institutional work", g(3), [code("Political work", g(4)), code("Cultural work", g(5))], codable=False),
    code("my own idea", g(6)),
]
selections = [
    m.PlainTextSelectionType(guid=g(20), start_position=first, end_position=transcript.index(" 😀") + 2,
        coding=[m.CodingType(guid=g(30), code_ref=m.CodeRefType(target_guid=g(1))),
                m.CodingType(guid=g(31), code_ref=m.CodeRefType(target_guid=g(5)))]),
    m.PlainTextSelectionType(guid=g(21), start_position=second, end_position=len(transcript),
        coding=[m.CodingType(guid=g(32), code_ref=m.CodeRefType(target_guid=g(6)))]),
]
sources = m.SourcesType(
    text_source=[
        m.TextSourceType(guid=g(10), name="Interview with Rosa", plain_text_content=transcript,
                         plain_text_selection=selections),
        m.TextSourceType(guid=g(11), name="Council minutes 2020", plain_text_content="The council met."),
    ],
    pdfsource=[m.PdfsourceType(guid=g(12), name="Plan.pdf", path="internal://plan.pdf")],
)
variables = m.VariablesType(variable=[
    m.VariableType(guid=g(40), name="Role", type_of_variable=m.TypeOfVariableType.TEXT),
    m.VariableType(guid=g(41), name="Organisation", type_of_variable=m.TypeOfVariableType.TEXT),
    m.VariableType(guid=g(42), name="Age", type_of_variable=m.TypeOfVariableType.INTEGER),
])
cases = m.CasesType(case=[m.CaseType(guid=g(50), name="Rosa", source_ref=[m.SourceRefType(target_guid=g(10))],
    variable_value=[
        m.VariableValueType(variable_ref=m.VariableRefType(target_guid=g(40)), text_value="Engineer"),
        m.VariableValueType(variable_ref=m.VariableRefType(target_guid=g(41)), text_value="Water board"),
        m.VariableValueType(variable_ref=m.VariableRefType(target_guid=g(42)), integer_value=41),
    ])])
notes = m.NotesType(note=[m.TextSourceType(guid=g(60), name="memo on trust", plain_text_content="Trust matters.")])
project = m.Project(name="River pilot", origin="pyrefiqda", code_book=m.CodeBookType(codes=m.CodesType(code=codes)),
                    variables=variables, cases=cases, sources=sources, notes=notes)
RefiProject.save(project, sys.argv[1])
print(transcript[first:transcript.index(" 😀") + 2])
"""


@pytest.fixture(scope="module")
def foreign(refi_venv, tmp_path_factory) -> tuple[Path, str]:
    venv = refi_venv
    out = tmp_path_factory.mktemp("foreign") / "river.qdpx"
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", WRITE_WITH_PYREFIQDA, str(out)],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done.stdout.strip()


def test_a_project_written_by_another_library_imports_with_a_report(foreign, tmp_path, capsys):
    archive, quoted = foreign
    folder = tmp_path / "river"
    assert main(["import-qdpx", str(archive), str(folder), "--codebook", str(TEACHING)]) == 0
    out = capsys.readouterr().out
    case = tables(folder)
    assert case["excerpts"]["text"].tolist() == [quoted]  # the exact characters of the selection
    person = case["interviewees"].iloc[0]
    assert (person["id"], person["role"], person["organization"], person["short_organization"]) == (
        "A",
        "Engineer",
        "Water board",
        "Water board",
    )
    codings = set(map(tuple, case["codings"][["scheme", "code"]].to_numpy().tolist()))
    assert codings == {("framework", "drivers"), ("work_type", "cultural")}
    assert case["documents"]["title"].tolist() == ["Council minutes 2020"]
    for expected in (
        "Code 00000000-0000-4000-8000-000000000006: 'my own idea' is not in the code book",
        "PDFSource 00000000-0000-4000-8000-000000000012: 'Plan.pdf' is a PDF",
        "Variable 00000000-0000-4000-8000-000000000042: 'Age' (1 case(s)) is not a column",
        "Note 00000000-0000-4000-8000-000000000060: 'memo on trust' is a note (memo)",
        "Case 00000000-0000-4000-8000-000000000050: 'Rosa' became interviewee A",
    ):
        assert f"project.qde: {expected}" in out, expected
    stored = "".join(p.read_text(encoding="utf-8") for p in folder.iterdir() if p.suffix in (".csv", ".json"))
    assert "Rosa" not in stored  # a case named after a person is a letter in the case folder


def test_an_independent_reader_finds_this_projects_codings(turin_qdpx, tmp_path, refi_venv):
    venv = refi_venv
    script = r"""
import json, sys
from collections import Counter
from pyrefiqda import RefiProject
p = RefiProject.load(sys.argv[1], extract_dir=sys.argv[2])
names = {}
def walk(codes):
    for c in codes:
        names[c.guid] = c.name
        walk(c.code)
walk(p.code_book.codes.code)
counts = Counter(names[c.code_ref.target_guid] for s in p.sources.text_source for sel in s.plain_text_selection
                 for c in sel.coding)
print(json.dumps(counts))
"""
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script, str(turin_qdpx), str(tmp_path / "x")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    counts = json.loads(done.stdout)
    case = casebook.load(DATA)
    expected = {}
    for source in qdpx.sources(case):
        for key in source.code_keys:
            name = next(c.name for top in qdpx.codes(case) for c in top.walk() if c.key == key)
            expected[name] = expected.get(name, 0) + 1
    assert counts == expected


def nvivo_export(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python*/site-packages/qualitative_coding/refi_qda/nvivo_project.qdpx"))
    if not found:
        pytest.skip("qualitative-coding no longer ships its NVivo export")
    return found[0]


def test_a_real_nvivo_export_imports_with_every_unused_code_reported(tmp_path, capsys, qc_venv):
    archive = nvivo_export(qc_venv)
    assert main(["import-qdpx", str(archive), str(tmp_path / "nvivo"), "--codebook", str(TEACHING)]) == 0
    out = capsys.readouterr().out
    assert "Traceback" not in out
    with zipfile.ZipFile(archive) as z:
        codes = z.read("project.qde").decode("utf-8").count("<Code ")
    assert out.count("is not in the code book") == codes
    case = tables(tmp_path / "nvivo")
    assert len(case["documents"]) == 2 and case["excerpts"].empty
    assert case["framework"].equals(tables(TEACHING)["framework"])


@pytest.mark.built
def test_an_imported_case_builds_its_book_once_the_analytic_layer_is_filled_in(tmp_path):
    project = qdpx.write_qdpx(casebook.load(TEACHING), tmp_path / "teaching.qdpx")
    folder = tmp_path / "imported-case"
    qdpx.import_project(project, folder, codebook=TEACHING)
    for name in ANALYTIC:
        shutil.copyfile(TEACHING / f"{name}.csv", folder / f"{name}.csv")
    done = subprocess.run(
        ["make", "--no-print-directory", "html", f"CASE={folder}"], cwd=ROOT, capture_output=True, text=True
    )
    try:
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        html = ROOT / "_build" / "cases" / folder.name / "_build" / "html"
        assert "Table 1" in (html / "institutional-work.html").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(ROOT / "_build" / "cases" / folder.name, ignore_errors=True)
