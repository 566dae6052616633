"""casebook import-segments: the coded-segments table a QDA tool exports becomes a case folder.

Real exports of Taguette 1.5.2 (tests/fixtures/taguette) import with every quote byte for byte as
Taguette exported it, from CSV and from XLSX alike; the column names of MAXQDA, ATLAS.ti and NVivo
are recognised; two coders' segments of the same text are one quote with a coding per coder;
codes map as a student would predict (by name, by the code book's id, with case, spaces, `_` and
`-` folded), others are left out with "did you mean"; a flat code book is a warning that says what
it does; a code book given as a project is told what it is."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from casebook.case import check
from casebook.cli import main
from casebook.qdpx.segments import NotATable, convert_segments, import_segments
from conftest import ROOT

TAGUETTE = ROOT / "tests" / "fixtures" / "taguette"
HIGHLIGHTS = TAGUETTE / "highlights.csv"
TEACHING = ROOT / "examples" / "teaching-case"


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def write_csv(path: Path, header: list[str], body: list[list[str]], separator: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=separator)
        writer.writerow(header)
        writer.writerows(body)
    return path


def taguette_highlights() -> list[dict[str, str]]:
    with HIGHLIGHTS.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


# --- a real Taguette export ---------------------------------------------------------------------


@pytest.mark.parametrize("export", ["highlights.csv", "highlights.xlsx"])
def test_every_taguette_highlight_is_a_quote_byte_for_byte(tmp_path, export):
    folder = tmp_path / "valmora"
    import_segments(TAGUETTE / export, folder, codebook=TEACHING)
    exported = {h["content"] for h in taguette_highlights() if h["tag"] != "interesting"}
    quotes = [r["text"] for r in rows(folder, "excerpts")]
    assert sorted(q.encode("utf-8") for q in quotes) == sorted(t.encode("utf-8") for t in exported)
    assert any("Niccolò Fabbri’s" in q for q in quotes) and any("“our river”" in q for q in quotes)


def test_each_tag_of_a_highlight_is_a_coding_of_its_one_quote(tmp_path):
    folder = tmp_path / "valmora"
    import_segments(HIGHLIGHTS, folder, codebook=TEACHING)
    quote = {r["text"]: r["id"] for r in rows(folder, "excerpts")}
    codings = {(r["excerpt"], r["scheme"], r["code"]) for r in rows(folder, "codings")}
    expected = {
        "Political work": ("work_type", "political"),
        "Technical work": ("work_type", "technical"),
        "Cultural work": ("work_type", "cultural"),
        "Shared motivation": ("framework", "shared-motivation"),
        "Capacity for joint action": ("framework", "capacity-for-joint-action"),
        "Drivers": ("framework", "drivers"),
    }
    tagged = {(quote[h["content"]], *expected[h["tag"]]) for h in taguette_highlights() if h["tag"] in expected}
    assert codings == tagged and len(codings) == 11


def test_documents_become_interviewees_by_letter_or_documents_when_told(tmp_path, capsys):
    folder = tmp_path / "valmora"
    code = main(
        ["import-segments", str(HIGHLIGHTS), str(folder), "--codebook", str(TEACHING), "--document", "Interview 3"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert [r["id"] for r in rows(folder, "interviewees")] == ["A", "B"]
    assert [(r["id"], r["title"]) for r in rows(folder, "documents")] == [("interview-3", "Interview 3")]
    assert "'Interview 1' became interviewee A" in out
    assert "'Interview 3' is a document, so its 3 coded segment(s) are not interview quotes" in out
    assert {r["interviewee"] for r in rows(folder, "excerpts")} == {"A", "B"}


def test_a_document_that_is_not_in_the_table_is_one_clear_error(tmp_path, capsys):
    assert main(["import-segments", str(HIGHLIGHTS), str(tmp_path / "x"), "--document", "Interview 9"]) == 1
    err = capsys.readouterr().err
    assert "no document is called 'Interview 9'" in err and "Interview 1" in err
    assert not (tmp_path / "x").exists()


# --- the column names of other tools -------------------------------------------------------------

TOOLS = {
    "MAXQDA": (
        ["Color", "Document group", "Document name", "Code", "Beginning", "End", "Segment", "Created by"],
        lambda doc, code, text, who: ["#ff0000", "Interviews", doc, code, "1", "2", text, who],
    ),
    "ATLAS.ti": (
        ["ID", "Quotation Name", "Document", "Document Groups", "Quotation Content", "Codes", "Created by"],
        lambda doc, code, text, who: ["1:1", "", doc, "", text, code, who],
    ),
    "NVivo": (
        ["File", "Hierarchical Name", "Coded Text", "Coded By"],
        lambda doc, code, text, who: [doc, code, text, who],
    ),
}


@pytest.mark.parametrize("tool", TOOLS)
def test_the_column_names_of_maxqda_atlas_and_nvivo_are_recognised(tmp_path, tool):
    header, row = TOOLS[tool]
    separator = "\\" if tool == "MAXQDA" else " > "
    table = write_csv(
        tmp_path / "segments.csv",
        header,
        [
            row("Interviewee B", f"Institutional work{separator}Political work", "We voted — quickly.", "ana"),
            row("Interviewee B", "Drivers", "We voted — quickly.", "ben"),
        ],
    )
    folder = tmp_path / "case"
    import_segments(table, folder, codebook=TEACHING)
    assert rows(folder, "excerpts") == [{"id": "q01", "interviewee": "B", "text": "We voted — quickly."}]
    assert [(r["scheme"], r["code"], r["coder"]) for r in rows(folder, "codings")] == [
        ("work_type", "political", "c1"),
        ("framework", "drivers", "c2"),
    ]


def test_an_atlas_quotation_with_several_codes_in_one_cell_gets_each(tmp_path):
    header, row = TOOLS["ATLAS.ti"]
    table = write_csv(tmp_path / "q.csv", header, [row("D1", "Drivers\nCultural work", "Rain.", "")])
    import_segments(table, tmp_path / "case", codebook=TEACHING)
    assert {(r["scheme"], r["code"], r["coder"]) for r in rows(tmp_path / "case", "codings")} == {
        ("framework", "drivers", ""),
        ("work_type", "cultural", ""),
    }


def test_a_table_without_the_needed_columns_says_which_names_it_looked_for(tmp_path, capsys):
    table = write_csv(tmp_path / "mine.csv", ["Interview", "Theme", "Quote"], [["A", "Drivers", "Rain."]])
    assert main(["import-segments", str(table), str(tmp_path / "case")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no column for the document" in err[0] and "--column document=NAME" in err[0]
    given = ["--column", "document=Interview", "--column", "code=Theme", "--column", "text=Quote"]
    assert main(["import-segments", str(table), str(tmp_path / "case"), *given]) == 0
    assert rows(tmp_path / "case", "excerpts")[0]["text"] == "Rain."


@pytest.mark.parametrize("first_line", ["", "sep=;\n"], ids=["sniffed", "Excel's sep= line"])
def test_a_semicolon_separated_export_is_read(tmp_path, first_line):
    table = tmp_path / "it.csv"
    table.write_text(f'{first_line}document;tag;content\nIntervista 1;Drivers;"Perché sì; e poi no."\n', "utf-8")
    import_segments(table, tmp_path / "case", codebook=TEACHING)
    assert rows(tmp_path / "case", "excerpts")[0]["text"] == "Perché sì; e poi no."


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    table = tmp_path / "latin1.csv"
    table.write_bytes("document,tag,content\nA,Drivers,Perché\n".encode("latin-1"))
    with pytest.raises(NotATable, match=r"latin1.csv:2: not UTF-8 text .* 'CSV UTF-8'"):
        convert_segments(table)


# --- coders ---------------------------------------------------------------------------------------


def test_two_coders_same_text_is_one_quote_with_short_coder_ids(tmp_path, capsys):
    table = write_csv(
        tmp_path / "two.csv",
        ["document", "tag", "content", "coder"],
        [
            ["Interview 1", "Drivers", "  The call closed in three weeks.\n", "ana"],
            ["Interview 1", "drivers", "The call closed in three weeks.", "ben"],
            ["Interview 1", "political_work", "The call closed in three weeks.", "ben"],
        ],
    )
    folder = tmp_path / "case"
    assert main(["import-segments", str(table), str(folder), "--codebook", str(TEACHING)]) == 0
    out = capsys.readouterr().out
    assert rows(folder, "excerpts") == [{"id": "q01", "interviewee": "A", "text": "The call closed in three weeks."}]
    assert [(r["code"], r["coder"]) for r in rows(folder, "codings")] == [
        ("drivers", "c1"),
        ("drivers", "c2"),
        ("political", "c2"),
    ]
    assert "'ana' is c1, 'ben' is c2" in out
    assert "1 segment(s) began or ended with spaces or line breaks" in out
    assert not [p for p in check(folder)[1] if p.file.endswith(("codings.csv", "excerpts.csv"))]


def test_coder_names_are_kept_only_when_asked_and_the_case_then_says_so(tmp_path):
    table = write_csv(tmp_path / "two.csv", ["document", "tag", "content", "coder"], [["A", "Drivers", "Rain.", "ana"]])
    import_segments(table, tmp_path / "named", codebook=TEACHING, named_coders=True)
    assert rows(tmp_path / "named", "codings")[0]["coder"] == "ana"
    assert json.loads((tmp_path / "named" / "datapackage.json").read_text())["named_coders"] is True
    assert not [p for p in check(tmp_path / "named")[1] if p.file.endswith("codings.csv")]


def test_a_row_without_its_coder_is_left_out_when_others_name_theirs(tmp_path):
    table = write_csv(
        tmp_path / "t.csv",
        ["document", "tag", "content", "coder"],
        [["A", "Drivers", "Rain.", "ana"], ["A", "Drivers", "Sun.", ""]],
    )
    report = import_segments(table, tmp_path / "case", codebook=TEACHING)
    assert [r["text"] for r in rows(tmp_path / "case", "excerpts")] == ["Rain."]
    assert "t.csv:3: names no coder, while other rows do" in "\n".join(report.left_out)


# --- mapping codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "scheme", "code"),
    [
        ("Political work", "work_type", "political"),
        ("political_work", "work_type", "political"),  # qc's names allow no spaces
        ("Political-Work", "work_type", "political"),
        ("political", "work_type", "political"),  # the code book's own id
        ("shared-motivation", "framework", "shared-motivation"),
        ("SHARED  MOTIVATION", "framework", "shared-motivation"),
        ("capacity_for_joint_action", "framework", "capacity-for-joint-action"),
        ("Institutional work > Cultural work", "work_type", "cultural"),
        ("Residents' association", "actor", "residents"),
    ],
)
def test_a_code_maps_by_name_id_or_folded_name(tmp_path, tag, scheme, code):
    table = write_csv(tmp_path / "t.csv", ["document", "tag", "content"], [["A", tag, "Rain."]])
    import_segments(table, tmp_path / "case", codebook=TEACHING)
    assert [(r["scheme"], r["code"]) for r in rows(tmp_path / "case", "codings")] == [(scheme, code)]


def test_a_code_outside_the_code_book_is_left_out_with_the_closest_name(tmp_path):
    table = write_csv(tmp_path / "t.csv", ["document", "tag", "content"], [["A", "Politcal wrk", "Rain."]])
    report = import_segments(table, tmp_path / "case", codebook=TEACHING)
    said = "\n".join(report.left_out)
    assert "'Politcal wrk' is not in the code book" in said and "(did you mean 'Political work'?)" in said
    assert rows(tmp_path / "case", "codings") == []


def test_a_flat_code_book_is_a_warning_that_says_what_becomes_what(tmp_path, capsys):
    qdc = TAGUETTE / "codebook.qdc"
    assert main(["import-segments", str(HIGHLIGHTS), str(tmp_path / "flat"), "--codebook", str(qdc)]) == 0
    warning = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("warning: the code book"))
    assert "codebook.qdc has no 'Institutional work' or 'Actor groups' group code" in warning
    assert "('Political work', 'Technical work', 'Cultural work') are read as types of work" in warning
    assert "'interesting'" in warning and "become elements of the framework" in warning
    framework = {r["label"] for r in rows(tmp_path / "flat", "framework")}
    assert framework == {"interesting", "Shared motivation", "Capacity for joint action", "Drivers"}


def test_the_codes_of_the_table_alone_are_read_as_a_flat_code_book_with_the_same_warning(tmp_path):
    report = import_segments(HIGHLIGHTS, tmp_path / "own")
    assert any("no --codebook given" in w and "'interesting'" in w for w in report.warnings)
    schemes = {(r["scheme"], r["code"]) for r in rows(tmp_path / "own", "codings")}
    assert ("work_type", "political") in schemes and ("framework", "interesting") in schemes


def test_actor_groups_copied_from_another_case_are_a_warning(tmp_path):
    report = import_segments(HIGHLIGHTS, tmp_path / "copied", codebook=TEACHING)
    assert any("actors.csv: 4 actor group(s) came with the code book" in w for w in report.warnings)


# --- what is not a project --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("codebook.qdc", "a REFI-QDA code book (.qdc), not a project (.qdpx)"),
        ("highlights.csv", "import it with python -m casebook import-segments"),
        ("highlights.xlsx", "import it with python -m casebook import-segments"),
    ],
)
def test_a_taguette_export_given_to_import_qdpx_is_told_what_it_is_and_where_it_goes(tmp_path, capsys, name, message):
    assert main(["import-qdpx", str(TAGUETTE / name), str(tmp_path / "case")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not (tmp_path / "case").exists()


def test_import_segments_never_writes_the_books_own_case(tmp_path, capsys):
    data = ROOT / "data"
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    assert main(["import-segments", str(HIGHLIGHTS), str(data), "--force"]) == 1
    assert "the book's own case folder" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
