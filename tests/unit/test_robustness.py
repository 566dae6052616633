"""Leave-one-out robustness (casebook.robustness, `python -m casebook robustness`, the
triangulation table's last three columns and the markers' panels): which claims would keep no
quote and no document without one interviewee, organisation or actor group — checked against a
computation of its own, written here from the CSV files alone."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

import casebook
from casebook import robustness, tables
from casebook.evidence import claims
from conftest import DATA, HTML, ROOT

TEACHING = ROOT / "examples" / "teaching-case"


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / f"{name}.csv").read_text(encoding="utf-8"), newline="")))


def falls_without(folder: Path) -> dict[str, dict[str, set[tuple[str, str]]]]:
    """Independently: for each kind of removal and each value, the claims (kind, id) that have a
    quote or a document, and have none once the quotes of the people concerned are taken out."""
    speaker = {r["id"]: r["interviewee"] for r in rows(folder, "excerpts")}
    person = {r["id"]: r for r in rows(folder, "interviewees")}
    evidence: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for r in rows(folder, "evidence"):
        evidence.setdefault((r["claim_type"], r["claim_id"]), []).append((r["evidence_type"], r["evidence_id"]))
    values = {
        "interviewee": {p: {p} for p in person},
        "organisation": {
            o: {p for p in person if person[p]["organization"] == o}
            for o in {r["organization"] for r in person.values()}
        },
        "actor": {a["id"]: {p for p in person if person[p]["actor"] == a["id"]} for a in rows(folder, "actors")},
    }
    out: dict[str, dict[str, set[tuple[str, str]]]] = {}
    for kind, groups in values.items():
        for value, people in groups.items():
            lost = set()
            for claim, links in evidence.items():
                direct = [(t, i) for t, i in links if t in ("excerpt", "document")]
                kept = [(t, i) for t, i in direct if t == "document" or speaker[i] not in people]
                if direct and not kept:
                    lost.add(claim)
            out.setdefault(kind, {})[value] = lost
    return out


@pytest.mark.parametrize("folder", [DATA, TEACHING], ids=["turin", "teaching-case"])
def test_robustness_equals_an_independent_computation(folder):
    expected = falls_without(folder)
    found = robustness.robustness(casebook.load(folder))
    for kind, by_value in expected.items():
        for value, lost in by_value.items():
            assert {(r.kind, r.id) for r in found if r.falls_without[kind] == value} == lost, (kind, value)
    assert any(lost for by_value in expected.values() for lost in by_value.values())  # the check can fail


def test_claims_come_in_e_number_order_with_the_books_numbers():
    case = casebook.load(DATA)
    assert [(r.mark, r.kind, r.id) for r in robustness.robustness(case)] == [
        (c.mark, c.kind, c.id) for c in claims(case)
    ]


def test_a_claim_with_a_document_never_falls():
    """Documents are tied to no interviewee, organisation or actor group: they are never set aside."""
    for r in robustness.robustness(casebook.load(DATA)):
        if r.documents:
            assert r.holds and not any(r.falls_without.values()), r.mark


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "casebook", "robustness", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_drop_interviewee_b_lists_exactly_the_claims_whose_only_quotes_or_documents_come_from_b():
    done = run("data", "--drop", "interviewee=B")
    assert done.returncode == 0, done.stderr
    listed = {tuple(m.groups()) for m in re.finditer(r"^\s+E\d+\s+\S+(?: \d)?\s+(\w+) (\S+):", done.stdout, re.M)}
    assert listed == falls_without(DATA)["interviewee"]["B"]
    assert listed, "interviewee B alone carries some claim of the Turin case"
    assert done.stdout.startswith(
        f"data: without interviewee B, {len(listed)} claims would lose every quote and document"
    )


@pytest.mark.parametrize(
    ("drop", "kind", "value"),
    [("organisation=PPP", "organisation", "Public-Private-Partnership (PPP)"), ("actor=managers", "actor", "managers")],
)
def test_drop_an_organisation_or_an_actor_group(drop, kind, value):
    done = run("data", "--drop", drop)
    assert done.returncode == 0, done.stderr
    listed = {tuple(m.groups()) for m in re.finditer(r"^\s+E\d+\s+\S+(?: \d)?\s+(\w+) (\S+):", done.stdout, re.M)}
    assert listed == falls_without(DATA)[kind][value]


def test_an_unknown_interviewee_is_an_error_that_lists_the_known_ones():
    done = run("data", "--drop", "interviewee=Z")
    assert done.returncode == 1
    assert done.stderr.strip() == "no interviewee 'Z' in the case; known: A, B, C, D, E, F, G, H, I"


def test_without_drop_the_command_lists_the_claims_that_rest_on_one_source():
    done = run(str(TEACHING))
    weak = [r for r in robustness.robustness(casebook.load(TEACHING)) if r.direct and not r.holds]
    assert [line.split()[0] for line in done.stdout.splitlines()[1:]] == [r.mark for r in weak]


# --- in the book --------------------------------------------------------------------------------


def test_the_triangulation_table_carries_the_leave_one_out_columns():
    case = casebook.load(DATA)
    frame = tables.triangulation(case).frame
    people = case.interviewees.set_index("id")
    for r, row in zip(robustness.robustness(case), frame.itertuples(index=False), strict=True):
        shown = tuple(row[-3:])
        if not r.direct:
            assert shown == ("–", "–", "–")
        elif r.holds:
            assert shown == ("no", "no", "no")
        else:
            letter = r.falls_without["interviewee"]
            assert shown[0] == letter and shown[1] == people.loc[letter, "short_organization"], r.mark


@pytest.mark.built
def test_the_panel_of_a_claim_resting_on_one_interviewee_says_so():
    case = casebook.load(DATA)
    weak = next(r for r in robustness.robustness(case) if r.falls_without["interviewee"])
    pages = sorted((HTML / "chapters").glob("*.html"))
    if not pages:
        pytest.skip("the book is not built (make book)")
    found = []
    for page in pages:
        tree = lxml_html.fromstring(page.read_bytes())
        for button in tree.xpath(f'//button[@class="casebook-cite"][text()="{weak.mark}"]'):
            panel = tree.get_element_by_id(button.get("popovertarget"))
            found.append(" ".join(panel.text_content().split()))
    assert found, f"no marker of {weak.mark} in the book"
    assert all(f"Rests on one interviewee: {weak.falls_without['interviewee']};" in text for text in found)
