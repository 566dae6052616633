"""The student's path, as the README's "Fork it" section writes it: a real Taguette highlights export
goes through `python -m casebook import-segments`, `check` lists what the student must still write,
the test writes the smallest analytic layer a book needs, and `make book` on that case builds its
HTML and PDF, with the quotes exactly as Taguette exported them."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.case import check
from conftest import ROOT

pytestmark = pytest.mark.built

TAGUETTE = ROOT / "tests" / "fixtures" / "taguette"
TEACHING = ROOT / "examples" / "teaching-case"

ANALYTIC = {
    "actors.csv": """id,label,level,sector,placement,order,description
town-council,Town council,local,public,collaboration-dynamics,1,The council of Valmora (an invented town).
school,Valmora school,local,civic,collaboration-dynamics,2,An invented school of Valmora that joins the river project.
""",
    "interviewees.csv": """id,role,organization,short_organization,actor
A,Councillor,Town council of Valmora (invented),Town council,town-council
B,Officer,Town council of Valmora (invented),Town council,town-council
C,Teacher,Valmora school (invented),School,school
""",
    "institutional_work.csv": """id,actor,work_type,activity,relation,order
iw01,town-council,political,Sets up a working table with the water board and the schools,council-school,1
""",
    "findings.csv": """id,element,text,note,order
f01,shared-motivation,Residents start to speak of the river project as their own,,1
""",
    "relations.csv": """id,source,target,work_type,status,description
council-school,town-council,school,political,performed,The council invites the school to its working table.
""",
    "sections.csv": """id,title,parent,kind,order
findings,Findings,,section,1
""",
    "passages.csv": """id,section,paragraph,summary
table,findings,1,The council's working table brings the school in and residents start to call the river theirs.
""",
    "evidence.csv": """claim_type,claim_id,evidence_type,evidence_id,support,note
activity,iw01,excerpt,{council},full,
activity,iw01,passage,table,full,
finding,f01,excerpt,{river},full,
finding,f01,passage,table,full,
relation,council-school,excerpt,{council},full,
relation,council-school,passage,table,full,
""",
}
"""The smallest analytic layer a case book builds from: two actor groups of the student's own, who
the three interviewees are, one activity, one finding, one arrow, each with a quote and a passage."""


def test_a_taguette_export_becomes_a_students_own_book(tmp_path):
    folder = tmp_path / "student-taguette"
    done = subprocess.run(
        [sys.executable, "-m", "casebook", "import-segments", str(TAGUETTE / "highlights.csv"), str(folder)]
        + ["--codebook", str(TEACHING)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, done.stderr
    to_write = {(Path(p.file).name, p.row, p.column) for p in check(folder)[1]}
    people = {("interviewees.csv", row, c) for row in (2, 3, 4) for c in ("role", "organization", "short_organization")}
    tables = {(f"{t}.csv", None, None) for t in ("institutional_work", "findings", "relations", "evidence")}
    assert to_write == people | tables  # what check lists is what the student must still write
    assert "actors.csv: 4 actor group(s) came with the code book" in done.stdout  # another case's: replaced below

    with (TAGUETTE / "highlights.csv").open(encoding="utf-8", newline="") as file:
        exported = {h["content"] for h in csv.DictReader(file)}
    quotes = {r["text"]: r["id"] for r in check(folder)[0]["excerpts"].rows}
    council = next(i for t, i in quotes.items() if t.startswith("I set up the working table"))
    river = next(i for t, i in quotes.items() if "“our river”" in t)
    for name, text in ANALYTIC.items():
        (folder / name).write_text(text.format(council=council, river=river), encoding="utf-8")
    assert check(folder)[1] == []

    built = ROOT / "_build" / "cases" / folder.name
    try:
        done = subprocess.run(
            ["make", "--no-print-directory", "book", f"CASE={folder}"], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        html = (built / "_build" / "html" / "coding.html").read_text(encoding="utf-8")
        for quote in quotes:  # every quote as Taguette exported it, and as the coding page prints it
            assert quote in exported and quote in html, quote
        assert (built / "_build" / "html" / f"{folder.name}.pdf").stat().st_size > 10_000
    finally:
        shutil.rmtree(built, ignore_errors=True)
