"""Active citation: the paragraphs that state a claim carry markers to its evidence, the
evidence links back, each claim's sources are counted from the data, and the build refuses
a claim no paragraph states, a marker without an entry and an anchor that moved."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

import casebook
from casebook import evidence, tables
from casebook.evidence import passage_label
from conftest import DATA, HTML, ROOT

BUILD = ROOT / "_build"
CHAPTERS = ("04-governance-in-practice", "05-institutional-work", "06-discussion")


def add_row(folder: Path, file: str, row: dict[str, str]) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.DictWriter(out, header, lineterminator="\n").writerow(row)
    path.write_text(text + out.getvalue(), encoding="utf-8")


def drop_rows(folder: Path, file: str, keep) -> None:
    path = folder / file
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(r for r in rows if keep(r))
    path.write_text(out.getvalue(), encoding="utf-8")


# --- from the data -------------------------------------------------------------------------------


def test_each_passage_cites_the_claims_that_rest_on_it():
    case = casebook.load(DATA)
    rows = case.evidence[case.evidence["evidence_type"] == "passage"]
    expected: dict[str, set[tuple[str, str]]] = {}
    for r in rows.itertuples():
        expected.setdefault(str(r.evidence_id), set()).add((str(r.claim_type), str(r.claim_id)))
    found = evidence.citing(case)
    assert {p: {(c.kind, c.id) for c in cs} for p, cs in found.items()} == expected
    for claims in found.values():
        assert [c.number for c in claims] == sorted(c.number for c in claims)


def test_triangulation_counts_follow_one_evidence_row(case_copy):
    """A quote of interviewee A added to an activity backed by the analysis alone: one
    interviewee, one organisation, one actor group; the claim now rests on interviews, from a
    single source. Table and counts come from the CSV, nothing else."""
    before = {s.claim.id: s for s in evidence.triangulation(casebook.load(case_copy)) if s.claim.kind == "activity"}
    bare = next(i for i, s in before.items() if s.direct_sources == 0)
    assert before[bare].basis == "the article's analysis alone" and before[bare].flag == "no quote or document"
    case = casebook.load(case_copy)
    quote = case.excerpts.iloc[0]
    add_row(
        case_copy,
        "evidence.csv",
        {
            "claim_type": "activity",
            "claim_id": bare,
            "evidence_type": "excerpt",
            "evidence_id": str(quote["id"]),
            "note": "",
        },
    )
    after = {s.claim.id: s for s in evidence.triangulation(casebook.load(case_copy)) if s.claim.kind == "activity"}
    assert after[bare].interviewees == (str(quote["interviewee"]),)
    assert len(after[bare].organisations) == 1 and len(after[bare].actor_groups) == 1
    assert (after[bare].basis, after[bare].flag) == ("interviews", "single source")
    row = next(
        r
        for r in tables.triangulation(casebook.load(case_copy)).frame.itertuples(index=False)
        if r[0] == before[bare].claim.mark
    )
    assert row[2:5] == ("1", "1", "1") and row[-2:] == ("interviews", "single source")
    assert {k: v for k, v in after.items() if k != bare} == {k: v for k, v in before.items() if k != bare}


def test_every_claim_has_one_triangulation_row_in_e_number_order():
    case = casebook.load(DATA)
    frame = tables.triangulation(case).frame
    assert list(frame["E"]) == [c.mark for c in evidence.claims(case)]
    assert list(frame.columns) == list(tables.TRIANGULATION_HEADER)


# --- the built HTML ------------------------------------------------------------------------------


def built(name: str):
    path = HTML / "chapters" / f"{name}.html"
    if not path.exists():
        pytest.skip(f"{path} is not built (make book)")
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


@pytest.mark.built
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_claim_stating_paragraph_has_markers_that_open_its_evidence(chapter):
    case = casebook.load(DATA)
    citing = evidence.citing(case)
    quotes = case.excerpts.set_index("id")["text"].to_dict()
    tree = built(chapter)
    anchored = tree.xpath('//*[starts-with(@id, "passage-")]')
    assert anchored, f"{chapter}: no anchored paragraph"
    for paragraph in anchored:
        passage = paragraph.get("id").removeprefix("passage-")
        buttons = paragraph.xpath('.//button[@class="casebook-cite"]')
        assert [b.text for b in buttons] == [c.mark for c in citing.get(passage, [])], passage
        for button, claim in zip(buttons, citing.get(passage, []), strict=True):
            panel = tree.get_element_by_id(button.get("popovertarget"))
            assert panel.get("popover") is not None and panel.get("aria-labelledby")
            shown = [p.text_content() for p in panel.xpath(".//blockquote/p[1]")]
            assert shown == [quotes[s.id] for s in claim.sources if s.kind == "excerpt"]  # exactly as stored
            entry = panel.xpath(f'.//a[contains(@href, "evidence.html#{claim.label}")]')
            assert entry, f"{passage}: {claim.mark} does not link to its entry"


@pytest.mark.built
def test_each_evidence_entry_links_back_to_the_paragraphs_that_state_it():
    case = casebook.load(DATA)
    tree = built("evidence")
    pages = {name: built(name) for name in (*CHAPTERS, "03-method", "07-conclusions")}
    where = {
        el.get("id"): name for name, page in pages.items() for el in page.xpath('//*[starts-with(@id, "passage-")]')
    }
    for claim in evidence.claims(case):
        entry = tree.get_element_by_id(claim.label)
        stated = entry.getnext()
        assert "casebook-stated-in" in stated.get("class", ""), claim.mark
        hrefs = [a.get("href") for a in stated.xpath(".//a")]
        wanted = [passage_label(str(s.id)) for s in claim.sources if s.kind == "passage"]
        assert [h.rpartition("#")[2] for h in hrefs] == wanted
        for href, label in zip(hrefs, wanted, strict=True):
            assert href.startswith(f"{where[label]}.html#"), (claim.mark, href)


@pytest.mark.built
def test_the_triangulation_table_shows_the_counts_of_the_data():
    case = casebook.load(DATA)
    tree = built("evidence")
    table = tree.xpath('//table[contains(@class, "casebook-sortable")]')[0]
    rows = [
        [re.sub(r"\s+", " ", td.text_content()).strip() for td in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")
    ]
    assert rows == [list(r) for r in tables.triangulation(case).frame.itertuples(index=False)]


# --- the PDF -------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_in_the_pdf_markers_link_to_the_evidence_appendix():
    source = BUILD / "typst" / "book.typ"
    if not source.exists():
        pytest.skip("the PDF is not built (make book)")
    text = source.read_text(encoding="utf-8")
    citing = evidence.citing(casebook.load(DATA))
    for passage, claims in citing.items():
        label = re.escape(passage_label(passage))
        block = re.search(r"#super\[((?:#link\(<[^>]+>\)\[#\"E\d+\";\](?:#\" \";)?)+)\]\]<[^>]*:" + label + ">", text)
        assert block, f"no markers before <…:{passage_label(passage)}> in book.typ"
        targets = re.findall(r"#link\(<chapters\.evidence:([^>]+)>\)\[#\"(E\d+)\";\]", block[1])
        assert targets == [(c.label, c.mark) for c in claims]


# --- the build's checks -------------------------------------------------------------------------


def jupyter_book(source: Path, out: Path, data: Path) -> subprocess.CompletedProcess:
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "CASEBOOK_DATA": str(data),
        "CASEBOOK_FIGURES": str(out / "figures"),
        "HOME": str(out),
    }
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("jupyter-book")),
            "build",
            str(source),
            "--path-output",
            str(out),
            "-W",
            "-n",
            "--keep-going",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.built
def test_a_claim_no_paragraph_states_and_a_marker_without_its_entry_fail_the_build(tmp_path):
    """The book of any case, for the teaching case with the passage of one activity taken out
    of evidence.csv and the Evidence appendix taken out of the table of contents."""
    case = tmp_path / "case"
    shutil.copytree(ROOT / "examples" / "teaching-case", case)
    first = casebook.load(case).institutional_work.iloc[0]["id"]
    drop_rows(case, "evidence.csv", lambda r: not (r["claim_id"] == first and r["evidence_type"] == "passage"))
    book = tmp_path / "book"
    shutil.copytree(ROOT / "examples" / "case-book", book)
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8").replace("  - file: evidence\n", ""), encoding="utf-8")
    (book / "evidence.ipynb").unlink()
    result = jupyter_book(book, tmp_path / "out", case)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(
        rf"institutional_work\.csv:\d+:id: E1 \(Table 1, activity '{first}'\) is stated by no paragraph", log
    ), log[-4000:]
    assert re.search(
        r"analysis\.ipynb: WARNING: the paragraph \{#passage-[a-z0-9-]+\} cites E\d+, but no page of the "
        r"book has its entry",
        log,
    ), log[-4000:]


@pytest.mark.built
def test_an_anchor_moved_out_of_its_section_fails_the_build(tmp_path):
    """The Turin book with the anchor of a Discussion passage moved onto a paragraph of the
    Conclusions."""
    from tools.project_copy import copy_project

    project = copy_project(tmp_path / "project")
    discussion = project / "chapters" / "06-discussion.ipynb"
    text = discussion.read_text(encoding="utf-8")
    assert "{#passage-discussion-technical}\\n" in text
    discussion.write_text(text.replace("{#passage-discussion-technical}\\n", ""), encoding="utf-8")
    conclusions = project / "chapters" / "07-conclusions.md"
    paragraphs = conclusions.read_text(encoding="utf-8").split("\n\n")
    index = next(i for i, p in enumerate(paragraphs) if p[:1].isalpha() and not p.startswith("{#"))
    paragraphs[index] = "{#passage-discussion-technical}\n" + paragraphs[index]
    conclusions.write_text("\n\n".join(paragraphs), encoding="utf-8")
    result = jupyter_book(project, project / "_build", project / "data")
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(
        r"07-conclusions\.md: WARNING: the paragraph \{#passage-discussion-technical\} has moved out of "
        r"the section .*passages\.csv:\d+:section puts it in \('Discussion', sec-discussion\)",
        log,
    ), log[-4000:]
