"""What an import writes, `check` accepts; and any file, however hostile, gets a report, never a
traceback, within bounded memory.

Over every fixture (real Taguette and qc exports, this project's own export), the tables an import
writes hold nothing `check` refuses: only the cells and tables the student still has to write are
listed. The qc project's quotes are its selections byte for byte, less the line break qc selects
with each line, and every code that maps is kept. Projects built here to be hostile — a text source
that inflates past the limit, one whose zip header lies about its size, positions that are not
numbers or fall outside the text, GUIDs used twice — are reported selection by selection."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import casebook
from casebook import qdpx
from casebook.case import check
from casebook.cli import main
from casebook.qdpx.archive import MAX_UNPACKED
from casebook.qdpx.segments import NotATable, import_segments
from conftest import QC_CODES, QC_PROJECT, ROOT

TEACHING = ROOT / "examples" / "teaching-case"
TAGUETTE = ROOT / "tests" / "fixtures" / "taguette"
NS = {"q": "urn:QDA-XML:project:1.0"}

TO_WRITE = {
    "interviewees.csv": {"role", "organization", "short_organization"},
    "framework.csv": {"description"},
    "documents.csv": {"description"},
    "actors.csv": {"level", "sector", "placement", "description"},
}
"""The cells an import cannot know and leaves for the student (``check`` lists them as required)."""


def left_to_write(problem) -> bool:
    file = Path(problem.file).name
    return problem.code == "empty-table" or (problem.code == "required" and problem.column in TO_WRITE.get(file, ()))


@pytest.fixture(scope="module")
def teaching_qdpx(tmp_path_factory) -> Path:
    return qdpx.write_qdpx(casebook.load(TEACHING), tmp_path_factory.mktemp("export") / "teaching.qdpx")


FIXTURES = {
    "Taguette highlights.csv, own codes": (import_segments, TAGUETTE / "highlights.csv", None),
    "Taguette highlights.xlsx, teaching code book": (import_segments, TAGUETTE / "highlights.xlsx", TEACHING),
    "Taguette highlights.csv, Taguette's .qdc": (
        import_segments,
        TAGUETTE / "highlights.csv",
        TAGUETTE / "codebook.qdc",
    ),
    "qc project, own codes": (qdpx.import_project, QC_PROJECT, None),
    "qc project, teaching code book": (qdpx.import_project, QC_PROJECT, TEACHING),
    "qc project, Taguette's .qdc": (qdpx.import_project, QC_PROJECT, TAGUETTE / "codebook.qdc"),
}


@pytest.mark.parametrize("fixture", [*FIXTURES, "this project's export of the teaching case"])
def test_check_refuses_nothing_an_import_wrote_and_lists_only_what_is_left_to_write(tmp_path, fixture, teaching_qdpx):
    run, source, codebook = FIXTURES.get(fixture, (qdpx.import_project, teaching_qdpx, TEACHING))
    folder = tmp_path / "case"
    run(source, folder, codebook=codebook)
    problems = check(folder)[1]
    assert [str(p) for p in problems if not left_to_write(p)] == []
    assert any(p.code == "empty-table" for p in problems)  # the analytic layer is the student's


def selections(project: Path) -> list[tuple[str, set[str]]]:
    """Each coded selection's text and code names, read straight from the project's XML."""
    with zipfile.ZipFile(project) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        names = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
        out = []
        for source in root.iterfind(".//q:TextSource", NS):
            text = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
            for s in source.iterfind("q:PlainTextSelection", NS):
                codes = {names[r.get("targetGUID")] for r in s.iterfind(".//q:CodeRef", NS)}
                out.append((text[int(s.get("startPosition")) : int(s.get("endPosition"))], codes))
    return out


def test_the_qc_project_imports_its_quotes_byte_for_byte_and_keeps_every_mapped_code(tmp_path):
    folder = tmp_path / "qc"
    report = qdpx.import_project(QC_PROJECT, folder, codebook=TEACHING)
    read = check(folder)[0]
    excerpts = {r["id"]: r["text"] for r in read["excerpts"].rows}
    codings = {(r["excerpt"], r["scheme"], r["code"]) for r in read["codings"].rows}
    expected = set()
    quoted = []
    for selected, names in selections(QC_PROJECT):
        mapped = {QC_CODES[n] for n in names if n in QC_CODES}
        assert selected.endswith("\n")  # qc selects whole lines, line break and all
        if mapped:
            ident = next(i for i, t in excerpts.items() if t == selected.strip())
            quoted.append(selected.strip().encode("utf-8"))
            expected |= {(ident, *m) for m in mapped}
    assert sorted(t.encode("utf-8") for t in excerpts.values()) == sorted(quoted)
    assert codings == expected
    assert any("began or ended with spaces or line breaks" in n for n in report.notes)


# --- hostile projects -----------------------------------------------------------------------------

CODE = "00000000-0000-4000-8000-00000000000a"


def project_xml(selections: str, text_path: str = "internal://t.txt", extra: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="hostile" origin="a test">
 <CodeBook><Codes><Code guid="{CODE}" name="Drivers" isCodable="true"/>{extra}</Codes></CodeBook>
 <Sources><TextSource guid="00000000-0000-4000-8000-00000000000c" name="t" plainTextPath="{text_path}">
 {selections}</TextSource></Sources></Project>"""


def selection(guid: int, start: object, end: object) -> str:
    return (
        f'<PlainTextSelection guid="00000000-0000-4000-8000-{guid:012d}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="00000000-0000-4000-8001-{guid:012d}"><CodeRef targetGUID="{CODE}"/></Coding>'
        "</PlainTextSelection>"
    )


def archive(path: Path, xml: str, text: str = "We voted the budget. Then we met.") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        z.writestr("sources/t.txt", text)
    return path


def test_positions_that_are_no_numbers_or_outside_the_text_are_reported_per_selection(tmp_path, capsys):
    xml = project_xml(selection(1, 0, 20) + selection(2, "x", "12") + selection(3, 5, 900) + selection(4, 2.5, 9))
    assert main(["import-qdpx", str(archive(tmp_path / "p.qdpx", xml)), str(tmp_path / "case")]) == 0
    out = capsys.readouterr().out
    assert (
        "PlainTextSelection 00000000-0000-4000-8000-000000000002: in 't': its positions 'x'-'12' are not whole numbers"
        in out
    )
    assert (
        "PlainTextSelection 00000000-0000-4000-8000-000000000003: in 't': positions 5-900 lie outside its text" in out
    )
    assert "PlainTextSelection 00000000-0000-4000-8000-000000000004: in 't': its positions '2.5'-'9'" in out
    assert "Traceback" not in out
    assert [r["text"] for r in check(tmp_path / "case")[0]["excerpts"].rows] == ["We voted the budget."]


def test_a_guid_used_twice_is_reported(tmp_path, capsys):
    twice = f'<Code guid="{CODE}" name="Cultural work" isCodable="true"/>'
    xml = project_xml(selection(1, 0, 20) + selection(1, 21, 33), extra=twice)
    assert main(["import-qdpx", str(archive(tmp_path / "p.qdpx", xml)), str(tmp_path / "case")]) == 0
    out = capsys.readouterr().out
    assert f"GUID {CODE} names 2 elements" in out
    assert "GUID 00000000-0000-4000-8000-000000000001 names 2 elements" in out
    codings = check(tmp_path / "case")[0]["codings"].rows
    assert {(r["scheme"], r["code"]) for r in codings} == {("framework", "drivers")}  # the first code of that GUID


def inflated(path: Path, size: int) -> Path:
    """A project whose one text source unpacks to ``size`` bytes (written in chunks: little memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("project.qde", project_xml(selection(1, 0, 10)))
        with z.open("sources/t.txt", "w", force_zip64=True) as member:
            chunk = b"flood " * (1 << 18)
            for _ in range(size // len(chunk) + 1):
                member.write(chunk)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return inflated(tmp_path_factory.mktemp("bomb") / "inflated.qdpx", MAX_UNPACKED + 1)


def test_a_source_that_inflates_past_the_limit_is_refused_unread_in_bounded_memory(bomb, tmp_path):
    assert bomb.stat().st_size < 5_000_000  # small on disk, 200 MB unpacked
    limit = ["prlimit", "--as=3221225472"] if shutil.which("prlimit") else []  # 3 GiB of address space
    done = subprocess.run(
        [*limit, sys.executable, "-m", "casebook", "import-qdpx", str(bomb), str(tmp_path / "case")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    assert (
        "'t': sources/t.txt would unpack to" in done.stdout
        and "more than the 209,715,200 an import reads" in done.stdout
    )


def lie_about_size(path: Path, member: str, declared: int) -> None:
    """Rewrite the sizes that the zip's headers declare for ``member`` (its data unchanged)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        if data[local + 30 : local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46 : central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_a_source_whose_zip_header_lies_about_its_size_is_reported(tmp_path, capsys):
    project = archive(tmp_path / "liar.qdpx", project_xml(selection(1, 0, 10)), "flood " * 100_000)
    lie_about_size(project, "sources/t.txt", 50)
    assert main(["import-qdpx", str(project), str(tmp_path / "case")]) == 0
    out = capsys.readouterr().out
    assert "'t': sources/t.txt cannot be unpacked" in out and "Traceback" not in out


def test_a_project_xml_past_the_limit_is_one_clear_error(tmp_path, capsys, monkeypatch):
    from casebook.qdpx import archive as bounds

    monkeypatch.setattr(bounds, "MAX_UNPACKED", 1000)  # the same check at a size a test can make quickly
    project = archive(tmp_path / "big.qdpx", project_xml(selection(1, 0, 10) * 20))
    assert main(["import-qdpx", str(project), str(tmp_path / "case")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "project.qde would unpack to" in err[0] and "more than the 1,000 an import reads" in err[0]


def test_a_spreadsheet_past_the_limit_is_one_clear_error(tmp_path, monkeypatch):
    from casebook.qdpx import archive as bounds

    monkeypatch.setattr(bounds, "MAX_UNPACKED", 1000)
    with pytest.raises(NotATable, match=r"highlights.xlsx: .* would unpack to .* more than the 1,000"):
        import_segments(TAGUETTE / "highlights.xlsx", tmp_path / "case")
