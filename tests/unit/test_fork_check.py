"""What a student meets who forks the edition (issue 23): `check` says everything the build
would refuse, in plain words, and the build stops on the same list before Sphinx starts;
`--force` never replaces a folder the project ships; a spreadsheet's separators are named;
a code book can be exported before any coding; an import reports only what it left out."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import casebook
from casebook.cli import main
from conftest import DATA, ROOT

TEACHING = ROOT / "examples" / "teaching-case"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def fork(tmp_path: Path) -> Path:
    """A fork of the teaching case, made as the README's "Fork it" says (init --from)."""
    folder = tmp_path / "my-case"
    assert main(["init", str(folder), "--from", str(TEACHING)]) == 0
    return folder


def drop_passages(folder: Path, claim: str) -> None:
    """The passages that state ``claim`` ('activity,iw01') taken out of evidence.csv."""
    path = folder / "evidence.csv"
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [r for r in rows if not r.startswith(f"{claim},passage,")]
    assert len(kept) < len(rows)
    path.write_text("".join(kept), encoding="utf-8")


# --- check is the build's judge ----------------------------------------------------------------


def test_a_claim_no_passage_states_is_a_check_problem_saying_what_to_add(fork):
    drop_passages(fork, "activity,iw01")
    problems = [str(p) for p in casebook.check(fork)[1]]
    assert problems == [
        f"{fork / 'institutional_work.csv'}:2:id: activity 'iw01' is stated by no passage, and the book prints"
        " each claim beside the paragraph of the analysis that states it: add the row"
        " activity,iw01,passage,<an id of passages.csv>,full, to evidence.csv (a row of passages.csv is a"
        " paragraph of your analysis: its section (sections.csv), its number and a summary in your words)"
    ]


def test_without_any_passage_check_says_where_the_analysis_goes(fork):
    (fork / "passages.csv").write_text("id,section,paragraph,summary\n", encoding="utf-8")
    path = fork / "evidence.csv"
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(r for r in rows if ",passage," not in r), encoding="utf-8")
    problems = casebook.check(fork)[1]
    claims = sum(casebook.load(TEACHING).count(t) for t in ("institutional_work", "findings", "relations"))
    by_rule = [p for p in problems if p.code == "claim-without-passage"]
    # every claim is named once; a claim left with no evidence at all is told to add its passage too
    assert len(by_rule) + sum(p.code == "claim-without-evidence" for p in problems) == claims
    assert all("passages.csv has no rows yet: write your analysis there" in p.message for p in by_rule)


def test_a_claim_without_evidence_is_told_it_needs_a_passage_first(fork):
    path = fork / "evidence.csv"
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(r for r in rows if not r.startswith("finding,f05,")), encoding="utf-8")
    (problem,) = casebook.check(fork)[1]
    assert problem.message.startswith(
        "finding 'f05' has no evidence; add rows to evidence.csv: the passage that states it"
        " (finding,f05,passage,<an id of passages.csv>,full,)"
    )
    assert "authors'" not in problem.message


def build(case: Path, output: Path) -> subprocess.CompletedProcess:
    """``make book``'s command for a case: casebook build of the case book, warnings as errors."""
    env = {**os.environ, "CASEBOOK_DATA": str(case)}
    command = [sys.executable, "-m", "casebook", "build", str(ROOT / "examples" / "case-book")]
    options = ["--path-output", str(output), "-W", "-n", "--keep-going"]
    return subprocess.run([*command, *options], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def test_the_build_stops_on_checks_problems_before_sphinx_printed_once_and_again_when_rerun(fork, tmp_path):
    drop_passages(fork, "relation,region-council")
    before = digest(fork)
    expected = str(casebook.check(fork)[1][0])
    for run in ("first", "again, unchanged"):
        done = build(fork, tmp_path / "out")
        assert done.returncode == 1, (run, done.stdout[-2000:], done.stderr[-2000:])
        assert done.stderr.count(expected) == 1 and expected not in done.stdout, run
        assert "Traceback" not in done.stderr + done.stdout and "Running Sphinx" not in done.stdout
        assert (
            done.stderr.strip()
            .splitlines()[-1]
            .endswith(
                f"{fork}: 1 problem(s) found; the book was not built (python -m casebook check {fork} lists them again)"
            )
        )
    assert not (tmp_path / "out").exists()
    assert digest(fork) == before


def test_a_case_with_bad_data_stops_the_build_with_checks_list_not_a_traceback(fork, tmp_path):
    path = fork / "excerpts.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",B,", ",Z,", 1), encoding="utf-8")
    done = build(fork, tmp_path / "out")
    assert done.returncode == 1
    assert "'Z' is not an id in interviewees.csv" in done.stderr and "Traceback" not in done.stderr


# --- --force never replaces what the project ships -----------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("qdpx") / "project.qdpx"
    assert main(["export-qdpx", str(path), "--data", str(TEACHING)]) == 0
    return path


@pytest.mark.parametrize(
    "folder, why, suggested",
    [
        (TEACHING, "the git repository tracks its files (it ships with the project)", "cases/teaching-case"),
        (DATA, "it is the book's own case folder", "cases/my-case"),
    ],
    ids=["examples/teaching-case", "data"],
)
def test_force_refuses_a_shipped_folder_and_points_to_a_new_one(project, capsys, folder, why, suggested):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing is tracked")
    before = digest(folder)
    assert main(["import-qdpx", str(project), str(folder), "--force", "--codebook", str(TEACHING)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"{folder}: {why}; --force never replaces it. Write the case into a new folder instead,"
        f" e.g. {suggested} (cases/ is yours: git ignores it)"
    )
    assert digest(folder) == before


def test_force_still_replaces_a_students_own_folder(project, tmp_path):
    mine = tmp_path / "mine"
    assert main(["init", str(mine)]) == 0
    assert main(["import-qdpx", str(project), str(mine), "--force", "--codebook", str(TEACHING)]) == 0
    assert casebook.load(mine, only=("excerpts",)).count("excerpts") == casebook.load(TEACHING).count("excerpts")


def test_cases_folder_is_ignored_by_git():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "check-ignore", "-q", "cases/my-case/actors.csv"], cwd=ROOT)
    assert done.returncode == 0


# --- a spreadsheet's habits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "rewrite, said",
    [
        (lambda t: t.replace(",", ";"), "this file uses ';' as its separator"),
        (lambda t: t.replace(",", "\t"), "this file uses tabs as its separator"),
        (lambda t: "sep=;\n" + t.replace(",", ";"), "starts with a spreadsheet's 'sep=;' line: delete that line, and"),
        (lambda t: "sep=,\n" + t, "starts with a spreadsheet's 'sep=,' line: delete that line, and"),
    ],
    ids=["semicolons", "tabs", "sep= line with semicolons", "sep= line"],
)
def test_a_spreadsheets_separator_is_named_in_one_problem(fork, rewrite, said):
    path = fork / "actors.csv"
    path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
    (problem,) = casebook.check(fork)[1]
    assert (problem.file, problem.row, problem.code) == (str(path), 1, "separator")
    assert problem.message.startswith(said)
    assert problem.message.endswith(
        "save it as comma-separated UTF-8 (in Excel: CSV UTF-8; in LibreOffice: field delimiter ',')"
    )


# --- a code book before any coding -----------------------------------------------------------------


def test_export_codebook_works_from_a_new_case_with_only_its_framework_and_actor_groups(tmp_path, capsys):
    case = tmp_path / "mine"
    assert main(["init", str(case)]) == 0
    shutil.copyfile(TEACHING / "framework.csv", case / "framework.csv")
    with (case / "actors.csv").open("a", encoding="utf-8") as actors:
        actors.write("council,My city council,local,public,collaboration-dynamics,1,The council of my city.\n")
    out = tmp_path / "codebook.qdc"
    assert main(["export-codebook", str(out), "--data", str(case)]) == 0
    text = out.read_text(encoding="utf-8")
    assert 'name="My city council"' in text and "Regional government" not in text
    assert 'name="Political work"' in text


def test_export_codebook_still_names_what_its_own_tables_lack(tmp_path, capsys):
    case = tmp_path / "blank"
    assert main(["init", str(case)]) == 0
    assert main(["export-codebook", str(tmp_path / "c.qdc"), "--data", str(case)]) == 1
    err = capsys.readouterr().err
    assert "actors.csv:-:-: has no rows yet" in err and "framework.csv:-:-: has no rows yet" in err
    assert "institutional_work.csv" not in err and "Traceback" not in err
    assert not (tmp_path / "c.qdc").exists()


# --- an import says only what it left out ----------------------------------------------------------


def test_a_code_nothing_was_coded_with_is_not_reported_as_left_out(tmp_path, capsys):
    guid = "00000000-0000-4000-8000-{:012d}".format
    project = f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="qc">
 <CodeBook><Codes>
  <Code guid="{guid(1)}" name="Drivers" isCodable="true"/>
  <Code guid="{guid(2)}" name="renamed_and_unused" isCodable="true"/>
  <Code guid="{guid(3)}" name="interesting" isCodable="true"/>
 </Codes></CodeBook>
 <Cases><Case guid="{guid(4)}" name="Interviewee A"><SourceRef targetGUID="{guid(5)}"/></Case></Cases>
 <Sources><TextSource guid="{guid(5)}" name="t" plainTextPath="internal://t.txt">
  <PlainTextSelection guid="{guid(6)}" startPosition="0" endPosition="5">
   <Coding guid="{guid(7)}"><CodeRef targetGUID="{guid(1)}"/></Coding>
   <Coding guid="{guid(8)}"><CodeRef targetGUID="{guid(3)}"/></Coding>
  </PlainTextSelection></TextSource></Sources></Project>"""
    archive = tmp_path / "p.qdpx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("project.qde", project)
        z.writestr("sources/t.txt", "Money came first.")
    assert main(["import-qdpx", str(archive), str(tmp_path / "case"), "--codebook", str(TEACHING)]) == 0
    out = capsys.readouterr().out
    assert "'interesting' is not in the code book" in out and "its 1 coding(s) were left out" in out
    assert "renamed_and_unused" not in out and "its 0 coding(s)" not in out


# --- a forked book speaks of its own case ------------------------------------------------------------


def spoken(folder: Path) -> str:
    """Every phrase the evidence, its counts and the robustness report say about one case."""
    from casebook import evidence, robustness

    case = casebook.load(folder)
    said = [s.title for c in evidence.claims(case) for s in c.sources]
    said += [s.basis for s in evidence.triangulation(case)]
    said += robustness.lines(case, "case")
    return "\n".join(said)


def test_turin_speaks_of_the_article_and_its_authors_as_its_case_says():
    said = spoken(DATA)
    assert "paragraph 1 of the article" in said and "The authors' synthesis" in said
    assert "rest on the article's analysis alone" in said


def test_the_teaching_case_speaks_of_its_case_study_and_its_one_author():
    said = spoken(TEACHING)
    assert "paragraph 2 of the case study" in said and "The author's synthesis" in said
    assert "the case study's analysis alone" in said
    assert "article" not in said and "authors'" not in said


def test_a_case_that_says_nothing_of_its_analysis_is_spoken_of_as_a_study(fork):
    path = fork / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('  "analysis": "case study",\n  "authors": "one",\n', ""), encoding="utf-8")
    assert casebook.check(fork)[1] == []
    said = spoken(fork)
    assert "paragraph 2 of the study" in said and "The synthesis" in said
    assert "article" not in said and "author" not in said


def test_a_copy_made_by_init_is_named_after_its_folder_not_the_teaching_case(fork):
    assert casebook.case.about(fork).name == "my-case"
    assert casebook.case.about(fork).title == casebook.case.about(TEACHING).title  # the rest is the student's to edit
    assert casebook.check(fork)[1] == []
