"""Agreement between coders (casebook.reliability, `python -m casebook reliability`, the coding
page's "Reliability of the coding"): Cohen's κ and Krippendorff's α equal the worked examples of
the literature and the `krippendorff` package; a real two-coder project gives the same α from
codings.csv as from its own XML; a case with one coder says so and computes nothing; the coder
column refuses names and half-filled columns."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from lxml import etree
from lxml import html as lxml_html

import casebook
from casebook import qdpx, reliability, reliability_section, tables
from casebook.case.schema import WORK_TYPE_LABELS
from casebook.case.validate import check
from casebook.cli import main
from conftest import DATA, QC_CODES, QC_PROJECT, ROOT

TEACHING = ROOT / "examples" / "teaching-case"
NS = {"q": "urn:QDA-XML:project:1.0"}


def crosstab(both_yes: int, first_only: int, second_only: int, both_no: int) -> tuple[list[int], list[int]]:
    """Two coders' yes (1) / no (0) answers from the cells of a 2 x 2 table."""
    first = [1] * both_yes + [1] * first_only + [0] * second_only + [0] * both_no
    second = [1] * both_yes + [0] * first_only + [1] * second_only + [0] * both_no
    return first, second


# --- Cohen's κ and Krippendorff's α against the literature ----------------------------------------


@pytest.mark.parametrize(
    ("cells", "kappa"),
    [
        # Wikipedia, "Cohen's kappa", simple example: 50 proposals, po = 0.7, pe = 0.5
        ((20, 5, 10, 15), 0.4),
        # the same article, "same agreement, different kappa": both po = 0.60
        ((45, 15, 25, 15), 0.1304),
        ((25, 35, 5, 35), 0.2593),
    ],
)
def test_cohens_kappa_equals_the_worked_examples(cells, kappa):
    assert reliability.cohen_kappa(*crosstab(*cells)) == pytest.approx(kappa, abs=5e-5)


def test_cohens_kappa_is_undefined_when_both_coders_never_vary():
    assert reliability.cohen_kappa([1, 1, 1], [1, 1, 1]) is None


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example A: binary data, two
# observers, ten units, no missing data: alpha = 0.095.
KRIPPENDORFF_A = ([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0])


def test_alpha_equals_krippendorffs_binary_example_and_the_package():
    matrix = np.array(KRIPPENDORFF_A, dtype=float)
    assert reliability.nominal_alpha(matrix) == pytest.approx(0.095, abs=5e-4)
    assert reliability.nominal_alpha(matrix) == krippendorff.alpha(KRIPPENDORFF_A, level_of_measurement="nominal")


def test_the_bootstrap_interval_is_the_same_on_every_run_and_holds_alpha():
    matrix = np.array(KRIPPENDORFF_A, dtype=float)
    first, second = reliability.bootstrap_interval(matrix, 1), reliability.bootstrap_interval(matrix, 1)
    assert first == second
    low, high = first
    assert low <= reliability.nominal_alpha(matrix) <= high


# --- from codings.csv ---------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_a_case_coded_as_krippendorffs_example_gives_its_alpha(tmp_path):
    """Ten quotes; c1 and c2 code 'drivers' as the two observers of example A, and both code
    every quote 'actions' (so each has coded every interview): alpha and kappa of 'drivers'
    are the example's, and equal the package's on the same answers to three decimals."""
    folder = tmp_path / "case"
    shutil.copytree(TEACHING, folder)
    excerpts = read_csv(folder / "excerpts.csv")
    people = [r["id"] for r in read_csv(folder / "interviewees.csv")]
    extra = [[f"k{i:02d}", people[i % len(people)], f"Invented line {i}."] for i in range(len(excerpts), 10)]
    write_csv(folder / "excerpts.csv", ["id", "interviewee", "text"], [list(r.values()) for r in excerpts] + extra)
    segments = [r["id"] for r in excerpts] + [row[0] for row in extra]
    rows = []
    for coder, answers in zip(("c1", "c2"), KRIPPENDORFF_A, strict=True):
        for segment, yes in zip(segments, answers, strict=True):
            rows.append([segment, "framework", "actions", coder])
            if yes:
                rows.append([segment, "framework", "drivers", coder])
    write_csv(folder / "codings.csv", ["excerpt", "scheme", "code", "coder"], rows)
    case = casebook.load(folder)
    result = reliability.reliability(case)
    drivers = next(a for a in result.codes if a.code == "drivers")
    assert (drivers.segments, drivers.agreed, drivers.applied) == (10, 6, (2, 4))
    assert round(drivers.alpha, 3) == 0.095
    assert round(drivers.alpha, 3) == round(krippendorff.alpha(KRIPPENDORFF_A, level_of_measurement="nominal"), 3)
    assert drivers.kappa == pytest.approx((0.6 - 0.56) / (1 - 0.56))
    actions = next(a for a in result.codes if a.code == "actions")
    assert (actions.percent, actions.kappa, actions.alpha) == (100.0, None, None)  # no variation: undefined
    assert "α cannot be computed, since every coder applied it to every segment (Actions)" in str(
        tables.coding_reliability(case)
    )
    # overall: the 20 decisions pooled; alpha as the package computes it on them
    pooled = [[v for s in range(10) for v in (1, KRIPPENDORFF_A[c][s])] for c in (0, 1)]
    assert round(result.overall.alpha, 3) == round(krippendorff.alpha(pooled, level_of_measurement="nominal"), 3)


# --- a real two-coder project (qualitative-coding 1.7.8) -----------------------------------------


def qc_codings() -> tuple[dict[str, str], dict[str, str], list[tuple[str, str, str, str]]]:
    """From the project's XML: each coded line's text, its source, and (line, scheme, code, user name)."""
    with zipfile.ZipFile(QC_PROJECT) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
        codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
        texts, sources, rows = {}, {}, []
        for source in root.iterfind(".//q:TextSource", NS):
            body = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")).decode()
            for selection in source.iterfind("q:PlainTextSelection", NS):
                line = f"{source.get('name')}:{selection.get('name')}"
                texts[line] = body[int(selection.get("startPosition")) : int(selection.get("endPosition"))].strip()
                sources[line] = source.get("name")
                for coding in selection.iterfind("q:Coding", NS):
                    name = codes[coding.find("q:CodeRef", NS).get("targetGUID")]
                    if name in QC_CODES:
                        rows.append((line, *QC_CODES[name], users[coding.get("creatingUser")]))
    return texts, sources, rows


def qc_case(tmp_path: Path) -> Path:
    """The teaching case with the qc project's coded lines as its segments (s01, s02, … by the
    interview's interviewee A, B, C) and their codings, ana as c1 and ben as c2."""
    texts, sources, rows = qc_codings()
    folder = tmp_path / "qc-case"
    shutil.copytree(TEACHING, folder)
    interview = {name: letter for name, letter in zip(sorted(set(sources.values())), "ABC", strict=False)}
    coded = list(dict.fromkeys(line for line, *_ in rows))
    ids = {line: f"s{i:02d}" for i, line in enumerate(coded, start=1)}
    excerpts = [list(r.values()) for r in read_csv(folder / "excerpts.csv")]
    excerpts += [[ids[line], interview[sources[line]], texts[line]] for line in coded]
    write_csv(folder / "excerpts.csv", ["id", "interviewee", "text"], excerpts)
    coder = {"ana": "c1", "ben": "c2"}
    write_csv(
        folder / "codings.csv",
        ["excerpt", "scheme", "code", "coder"],
        [[ids[line], scheme, code, coder[user]] for line, scheme, code, user in rows],
    )
    return folder


def test_a_real_two_coder_project_gives_the_alpha_of_its_own_xml(tmp_path):
    """Per code, alpha from codings.csv (casebook) equals the package's alpha on the yes/no
    answers read straight from the XML: every line either coder coded, in interviews both
    coded (here all three), 1 where the user applied the code."""
    texts, sources, rows = qc_codings()
    lines = list(dict.fromkeys(line for line, *_ in rows))
    assert {u for *_, u in rows} == {"ana", "ben"}
    assert all({u for l_, *_, u in rows if sources[l_] == s} == {"ana", "ben"} for s in set(sources.values()))
    result = reliability.reliability(casebook.load(qc_case(tmp_path)))
    assert result.coders == ("c1", "c2") and len(result.segments) == len(lines)
    applied = {(line, scheme, code, user) for line, scheme, code, user in rows}
    for agreement in result.codes:
        answers = [
            [int((line, agreement.scheme, agreement.code, user) in applied) for line in lines]
            for user in ("ana", "ben")
        ]
        agree = sum(a == b for a, b in zip(*answers, strict=True))
        assert agreement.agreed == agree, agreement.label
        if len(set(answers[0] + answers[1])) > 1:
            expected = krippendorff.alpha(answers, level_of_measurement="nominal")
            assert round(agreement.alpha, 3) == round(expected, 3), agreement.label
    assert len(result.disagreements) == sum(len(lines) - a.agreed for a in result.codes)


def qc_codebook(tmp_path: Path) -> Path:
    """The teaching case's code book (.qdc) with its codes named as the qc coders typed them
    ("Political work" as political_work): the code book they coded against."""
    path = qdpx.write_qdc(casebook.load(TEACHING), tmp_path / "codebook.qdc")
    tree = etree.parse(str(path))
    for code in tree.iterfind(".//{urn:QDA-XML:codebook:1.0}Code"):
        typed = code.get("name").lower().replace(" ", "_")
        if typed in QC_CODES:
            code.set("name", typed)
    tree.write(str(path), xml_declaration=True, encoding="utf-8")
    return path


def imported_qc_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """``import-qdpx`` of the qc project against that code book, its quotes and codings then put in
    a copy of the teaching case (which holds the rest a case needs) in place of its codings; the
    quotes' ids prefixed (qc-q01), their line breaks trimmed as the data's rules ask."""
    imported = tmp_path / "imported"
    args = ["import-qdpx", str(QC_PROJECT), str(imported), "--codebook", str(qc_codebook(tmp_path))]
    assert main(args) == 0
    _, _, rows = qc_codings()
    lines = dict.fromkeys(r[0] for r in rows)
    both = [line for line in lines if {r[3] for r in rows if r[0] == line} == {"ana", "ben"}]
    out = capsys.readouterr().out
    assert f"made {len(lines)} excerpts row(s)" in out
    assert f"2 coders: {len(both)} segment(s) shared by two coders or more" in out
    folder = tmp_path / "qc-imported"
    shutil.copytree(TEACHING, folder)
    quotes = [[f"qc-{r['id']}", r["interviewee"], r["text"].strip()] for r in read_csv(imported / "excerpts.csv")]
    mine = [list(r.values()) for r in read_csv(folder / "excerpts.csv")]
    write_csv(folder / "excerpts.csv", ["id", "interviewee", "text"], mine + quotes)
    codings = [[f"qc-{r['excerpt']}", r["scheme"], r["code"], r["coder"]] for r in read_csv(imported / "codings.csv")]
    write_csv(folder / "codings.csv", ["excerpt", "scheme", "code", "coder"], codings)
    return folder


ROW = re.compile(
    r"^(?P<label>\S.*?)\s{2,}(?P<segments>\d+)\s+(?P<c1>\d+)\s+(?P<c2>\d+)"
    r"\s+(?P<percent>[\d.]+) %\s+(?P<kappa>\S+)\s+(?P<alpha>\S+)"
)
"""A row of the table `python -m casebook reliability` prints, for two coders."""


def test_the_qc_project_through_import_qdpx_gives_the_agreement_of_its_own_xml(tmp_path, capsys):
    """The round trip: import-qdpx fills the coders (ana c1, ben c2) and aligns their selections;
    `python -m casebook reliability` then prints, per code, the segments, how often each coder
    applied it, the percent agreement and the alpha that the package computes on the yes/no
    answers read straight from the XML, and Cohen's kappa from the same answers by its formula."""
    _, _, rows = qc_codings()
    lines = list(dict.fromkeys(line for line, *_ in rows))
    applied = set(rows)
    done = run_reliability(imported_qc_case(tmp_path, capsys))
    assert done.returncode == 0, done.stderr
    assert f"2 coders (c1, c2); {len(lines)} segments compared" in done.stdout
    printed = {m["label"]: m for m in map(ROW.match, done.stdout.splitlines()) if m}
    labels = {code: label for code, label in casebook.load(TEACHING).framework[["id", "label"]].values}
    labels |= WORK_TYPE_LABELS
    compared = {(scheme, code) for _, scheme, code, _ in rows}
    assert set(printed) == {labels[code] for _, code in compared} | {"All codes"}
    for scheme, code in compared:
        answers = [[int((line, scheme, code, user) in applied) for line in lines] for user in ("ana", "ben")]
        row = printed[labels[code]]
        assert (int(row["segments"]), int(row["c1"]), int(row["c2"])) == (len(lines), *map(sum, answers)), code
        agree = sum(a == b for a, b in zip(*answers, strict=True))
        assert row["percent"] == f"{100 * agree / len(lines):.1f}", code
        first, second = (sum(a) / len(lines) for a in answers)
        chance = first * second + (1 - first) * (1 - second)  # both yes or both no by chance
        if chance < 1:
            assert row["kappa"] == f"{(agree / len(lines) - chance) / (1 - chance):.3f}", code
        if len(set(answers[0] + answers[1])) > 1:
            assert row["alpha"] == f"{krippendorff.alpha(answers, level_of_measurement='nominal'):.3f}", code


# --- the command --------------------------------------------------------------------------------


def run_reliability(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "casebook", "reliability", str(folder)], capture_output=True, text=True, cwd=ROOT
    )


def test_the_command_prints_the_table_and_the_disagreements_of_the_teaching_case():
    done = run_reliability(TEACHING)
    assert done.returncode == 0, done.stderr
    result = reliability.reliability(casebook.load(TEACHING))
    out = done.stdout
    assert "2 coders (c1, c2)" in out and f"{len(result.segments)} segments compared" in out
    overall = next(line for line in out.splitlines() if line.startswith("All codes"))
    assert f"{result.overall.alpha:.3f}" in overall and reliability.interval_text(result.overall.interval) in overall
    assert f"Disagreements ({len(result.disagreements)}):" in out
    for d in result.disagreements:
        assert f"{d.segment} ({d.interviewee})  {d.label}: applied by {d.applied_by[0]}" in out


def test_the_command_says_one_coder_for_turin_and_computes_nothing():
    done = run_reliability(DATA)
    assert done.returncode == 0
    assert done.stdout.strip() == f"{DATA}: one coder: agreement cannot be computed (codings.csv names no coder)."


def test_the_command_writes_nothing(tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(TEACHING, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert run_reliability(folder).returncode == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


# --- the coder column ---------------------------------------------------------------------------


def messages(folder: Path) -> list[str]:
    return [str(p) for p in check(folder)[1]]


def test_a_coder_column_filled_in_some_rows_only_is_refused(tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(TEACHING, folder)
    text = (
        (folder / "codings.csv")
        .read_text(encoding="utf-8")
        .replace("q02,framework,drivers,c1", "q02,framework,drivers,")
    )
    (folder / "codings.csv").write_text(text, encoding="utf-8")
    assert messages(folder) == [
        f"{folder / 'codings.csv'}:4:coder: is empty, but other rows name their coder (c1, c2): name the coder of"
        " every row, or of none"
    ]


def test_a_coder_that_looks_like_a_name_is_refused_unless_the_case_allows_names(tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(TEACHING, folder)
    text = (folder / "codings.csv").read_text(encoding="utf-8")
    (folder / "codings.csv").write_text(re.sub(r",c2$", ",ben", text, flags=re.M), encoding="utf-8")
    first = 2 + text.splitlines()[1:].index(next(line for line in text.splitlines() if line.endswith(",c2")))
    assert messages(folder) == [
        f"{folder / 'codings.csv'}:{first}:coder: 'ben' looks like a person's name (and 11 more rows): a coder is a"
        " short id, letters then a number (c1, c2); a case names its coders only if its datapackage.json says"
        ' "named_coders": true'
    ]
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (folder / "datapackage.json").write_text(json.dumps({**descriptor, "named_coders": True}), encoding="utf-8")
    assert messages(folder) == []


def test_without_coders_a_code_given_twice_to_a_quote_is_still_a_duplicate(case_copy):
    with (case_copy / "codings.csv").open("a", encoding="utf-8") as out:
        out.write("q01,framework,system-context,\n")
    rows = (case_copy / "codings.csv").read_text(encoding="utf-8").splitlines()
    assert messages(case_copy) == [
        f"{case_copy / 'codings.csv'}:{len(rows)}:code: duplicate excerpt/scheme/code ('q01', 'framework',"
        " 'system-context'); first used in row 2"
    ]


def test_turin_names_no_coder_and_the_teaching_case_two():
    assert reliability.coders(casebook.load(DATA)) == ()
    assert reliability.coders(casebook.load(TEACHING)) == ("c1", "c2")


# --- in the book --------------------------------------------------------------------------------


def test_the_section_for_one_coder_says_so_and_shows_no_figure():
    shown = str(tables.coding_reliability(casebook.load(DATA)))
    assert shown.startswith("One coder: agreement cannot be computed.")
    assert "α" not in shown and "%" not in shown


def page(path: Path) -> lxml_html.HtmlElement:
    if not path.exists():
        pytest.skip(f"{path} is not built (make book, make book CASE=examples/teaching-case)")
    return lxml_html.fromstring(path.read_bytes())


def cells(table) -> list[list[str]]:
    return [
        [" ".join(c.text_content().replace("\u00ad", "").split()) for c in tr.xpath("./th|./td")]
        for tr in table.xpath(".//tr")
    ]


@pytest.mark.built
def test_the_teaching_books_coding_page_shows_the_agreement_computed_from_its_data():
    tree = page(ROOT / "_build" / "cases" / "teaching-case" / "_build" / "html" / "coding.html")
    section = tree.get_element_by_id("reliability-of-the-coding")
    case = casebook.load(TEACHING)
    table = section.xpath('.//table[@id="reliability"]')[0]
    assert table.xpath("./thead/tr/th"), "the agreement table has header cells"
    expected = reliability_section._agreement_table(reliability.reliability(case))
    assert cells(table) == [[" ".join(h.split()) for h in expected.header], *map(list, expected.rows)]
    text = " ".join(section.text_content().split())
    overall = reliability.reliability(case).overall
    assert f"Krippendorff's α is {overall.alpha:.3f}" in text.replace("’", "'")
    disagreements = section.xpath('.//table[@id="reliability-disagreements"]')[0]
    assert [row[0] for row in cells(disagreements)[1:]] == list(
        dict.fromkeys(d.segment for d in reliability.reliability(case).disagreements)
    )


@pytest.mark.built
def test_the_turin_books_coding_page_says_one_coder():
    tree = page(ROOT / "_build" / "html" / "chapters" / "coding.html")
    section = tree.get_element_by_id("reliability-of-the-coding")
    text = " ".join(section.text_content().split())
    assert "One coder: agreement cannot be computed." in text
    assert "no second coder" in text
    assert not section.xpath(".//table")


@pytest.mark.pdf
def test_both_pdfs_carry_the_section():
    from pypdf import PdfReader

    for pdf, wanted in (
        (ROOT / "_build" / "typst" / "book.pdf", "One coder: agreement cannot be computed."),
        (ROOT / "_build" / "cases" / "teaching-case" / "_build" / "typst" / "book.pdf", "Where the coders differ"),
    ):
        if not pdf.exists():
            pytest.skip(f"{pdf} is not built")
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
        assert "Reliability of the coding" in text and wanted in text, pdf
