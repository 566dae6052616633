"""Active citation: the paragraphs that state a claim carry markers to its evidence, the
evidence links back, each claim's sources are counted from the data, and the build refuses
a claim no paragraph states, a marker without an entry and an anchor that moved."""

from __future__ import annotations

import csv
import io
import re
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
            "support": "full",
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
    assert row[2:5] == ("1", "1", "1") and row[7:9] == ("interviews", "single source")
    # ... and it now rests on that one interviewee, their organisation and their actor group
    person = case.interviewees.set_index("id").loc[quote["interviewee"]]
    group = case.actors.set_index("id").loc[person["actor"], "label"]
    assert row[9:] == (str(quote["interviewee"]), person["organization"], group)
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
        [re.sub(r"\s+", " ", c.text_content()).strip() for c in tr.xpath("./th|./td")]
        for tr in table.xpath(".//tbody/tr")
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
        block = re.search(r"#super\[((?:#link\(<[^>]+>\)\[#\"E\d+\";\](?:#\" \";)?)+)\]\]\]<[^>]*:" + label + ">", text)
        assert block, f"no markers before <…:{passage_label(passage)}> in book.typ"
        targets = re.findall(r"#link\(<chapters\.evidence:([^>]+)>\)\[#\"(E\d+)\";\]", block[1])
        assert targets == [(c.label, c.mark) for c in claims]


# The build's checks (a claim no paragraph states, a marker without its entry, an anchor moved
# out of its section) are tested on the fixture book: tests/sphinx/test_extension.py.
