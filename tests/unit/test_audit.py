"""The fidelity audit (scripts/audit.py, audit/paragraphs.csv): every paragraph of prose the
edition wrote, and every data row whose text restates the article (passage summaries, arrow,
actor, framework and document descriptions, Table 1 and 3 entries, timeline events), is
recorded with the part of the source it restates, has not changed since it was read, and
shares its content with it; every passage of the Evidence appendix is anchored on the
paragraph that restates it; the prose and the summaries repeat little of the source word for word."""

from __future__ import annotations

import subprocess
import sys

import pytest

import casebook
from conftest import DATA, ROOT, SHARED, row_of, set_cell
from scripts import audit

SEED = SHARED / "seed" / "000_457fc1adedf36b99.txt"
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="the source article (../shared/seed) is not here")


@pytest.fixture(scope="module")
def paragraphs():
    found = audit.edition_paragraphs()
    if not found:
        pytest.skip("the book is not built (make html)")
    return found


@pytest.fixture(scope="module")
def seed():
    return audit.seed_paragraphs(SEED) if SEED.is_file() else None


@needs_seed
def test_source_paragraphs_are_counted_as_the_passages_count_them(seed):
    assert seed["context-and-drivers:1"].startswith("Environmental pressures characterized")
    assert "actors in Turin local government" in seed["context-and-drivers:1"]  # joined across a page break
    assert seed["context-and-drivers:8"].startswith("Another key driver")
    assert "Despite efforts to make the role" in seed["motivation-and-capacity:7"]  # text after a quote
    assert seed["discussion:6"].startswith("In summary, smart city is a mission")  # past the Figure 1 marker
    assert not any(text.startswith('"') for text in seed.values())  # quotes are not paragraphs


@pytest.fixture(scope="module")
def source():
    return audit.source_text(SEED) if SEED.is_file() else None


@needs_seed
def test_every_data_row_that_restates_the_article_is_audited_unchanged_and_resolves(source):
    rows = audit.data_paragraphs()
    assert {p.page for p in rows} == {f"data/{name}" for name in audit.DATA_TEXT}
    record = audit.read_record()
    found = audit.problems(rows, [r for r in record if r["page"].startswith("data/")], source)
    found += audit.data_problems(rows, record, audit.source_windows(SEED))
    assert found == [], "\n".join(found[:20])


@needs_seed
def test_a_changed_data_summary_is_read_again(case_copy, source):
    """Editing a passage summary (here: saying the municipality changes approach, which the
    third reading found reversed) flags its row until someone reads it again."""
    set_cell(
        case_copy,
        "passages.csv",
        row_of(case_copy, "passages.csv", "id", "capacity-shifting-units"),
        "summary",
        "Outside actors meet changing approaches from the municipality.",
    )
    rows = audit.data_paragraphs(case_copy)
    found = audit.problems(rows, [r for r in audit.read_record() if r["page"].startswith("data/")], source)
    assert len(found) == 1 and "data/passages.csv row capacity-shifting-units" in found[0]
    assert "changed since it was audited" in found[0]


@needs_seed
def test_a_data_row_must_restate_its_own_paragraph_and_in_new_words(case_copy, source):
    rows = [p for p in audit.data_paragraphs(case_copy) if p.n == "work-elections"]
    record = [
        {
            "page": "data/passages.csv",
            "n": "work-elections",
            "digest": rows[0].digest,
            "restates": "institutional-work:6",
            "note": "",
        }
    ]
    assert "not the paragraph it names (institutional-work:7)" in audit.data_problems(rows, record, None)[0]
    copied = audit.Paragraph("data/passages.csv", "work-elections", source["institutional-work:7"], "x", ())
    record[0]["restates"] = "institutional-work:7"
    assert (
        "repeats 100% of its 8-word sequences" in audit.data_problems([copied], record, audit.source_windows(SEED))[0]
    )


@needs_seed
def test_line_locators_name_lines_of_the_source_file(source):
    assert source["L465"] == "- Tensions across levels of governments"
    assert source["L166-168"].endswith("previously involved in the implementation of such initiatives.")
    assert "L9999" not in source and "L3-1" not in source and "nowhere:1" not in source


@pytest.mark.built
def test_every_paragraph_of_prose_is_audited_unchanged_and_resolves(paragraphs, seed):
    chapters = [r for r in audit.read_record() if not r["page"].startswith("data/")]
    found = audit.problems(paragraphs, chapters, seed)
    assert found == [], "\n".join(found[:20])


@pytest.mark.built
def test_the_article_chapters_restate_source_paragraphs(paragraphs):
    record = {(r["page"], r["n"]): r["restates"] for r in audit.read_record()}
    article = [p for p in paragraphs if p.page[len("chapters/") :][:2].isdigit()]
    assert len(article) > 80
    assert [p.page for p in article if record.get((p.page, str(p.n))) == "edition"] == ["chapters/06-discussion"]


@pytest.mark.built
def test_every_passage_anchor_is_on_the_paragraph_that_restates_it(paragraphs):
    case = casebook.load(DATA)
    record = {(r["page"], r["n"]): r["restates"].split(";") for r in audit.read_record()}
    anchored = {i: p for p in paragraphs for i in p.ids if i.startswith("passage-")}
    for passage in case.passages.itertuples():
        paragraph = anchored.get(f"passage-{passage.id}")
        assert paragraph is not None, f"no paragraph carries {{#passage-{passage.id}}}"
        assert f"{passage.section}:{passage.paragraph}" in record[(paragraph.page, str(paragraph.n))], passage.id
    assert len(anchored) == len(case.passages)


def test_a_changed_or_unrecorded_paragraph_is_reported():
    p = audit.Paragraph("chapters/x", 1, "Governance is a key element of smart cities.", "abc123abc123", ())
    row = {"page": "chapters/x", "n": "1", "digest": "000000000000", "restates": "the-debate:1", "note": ""}
    seed = {"the-debate:1": "Governance is considered a key element that influences smart city initiatives."}
    assert "changed since it was audited" in audit.problems([p], [row], seed)[0]
    assert "not audited" in audit.problems([p], [], seed)[0]
    wrong = {**row, "digest": p.digest, "restates": "the-debate:2"}
    assert "which is no paragraph of the source" in audit.problems([p], [wrong], seed)[0]
    seed["the-debate:2"] = "Initially, the concept was linked to the use of ICT and open data."
    assert "shares only" in audit.problems([p], [wrong], seed)[0]
    assert audit.problems([p], [{**row, "digest": p.digest}], seed) == []


@needs_seed
def test_the_prose_repeats_little_of_the_source_word_for_word():
    """What About this edition promises: below 5 % of 8-word sequences overall, 30 % per paragraph."""
    result = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "overlap.py"), "chapters", "--max-total", "0.05", "--max-para", "0.30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]
