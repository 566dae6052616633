"""Tables 1–3 are the data, rearranged: every cell comes from data/, and markup in the
data is shown, never run."""

from __future__ import annotations

import re

import pytest
from docutils.core import publish_from_doctree
from docutils.frontend import get_default_settings
from docutils.utils import new_document
from docutils.writers.html5_polyglot import Writer

import casebook
from casebook import tables
from casebook.book import quote
from casebook.content import MIME_TYPE
from casebook.publish.render import to_nodes
from conftest import DATA, row_of, set_cell


@pytest.fixture(scope="module")
def case():
    return casebook.load(DATA)


def shown(displayed) -> dict:
    """What a notebook cell hands the book when it displays ``displayed``."""
    return displayed._repr_mimebundle_()[MIME_TYPE]


def render_html(displayed) -> str:
    """The HTML body the book's renderer makes of what a cell displays (plain docutils, so
    without the cross-references, which need Sphinx)."""
    document = new_document("test", get_default_settings(Writer))
    document.extend(to_nodes(document, shown(displayed)))
    page = publish_from_doctree(document, writer_name="html5").decode("utf-8")
    return page.split("<main>", 1)[1].split("</main>", 1)[0]


def test_table1_has_one_row_per_actor_group_in_table_order(case):
    table = tables.institutional_work(case)
    assert list(table.frame["Actors"]) == list(case.actors.sort_values("order")["label"])
    assert list(table.frame.columns) == ["Actors", "Political work", "Technical work", "Cultural work"]


def test_table1_puts_every_activity_under_its_actor_and_work_type(case):
    frame = tables.institutional_work(case).frame.set_index("Actors")
    labels = case.actors.set_index("id")["label"]
    for row in case.institutional_work.itertuples():
        cell = frame.loc[labels[row.actor], f"{row.work_type.capitalize()} work"]
        assert row.activity in cell.split("\n")
    placed = sum(len(c.split("\n")) for c in frame.to_numpy().ravel() if c)
    assert placed == len(case.institutional_work)


def test_changing_an_activity_in_the_csv_changes_table1(case_copy):
    line = row_of(case_copy, "institutional_work.csv", "id", "iw08")
    set_cell(case_copy, "institutional_work.csv", line, "activity", "Summer school on smart city")
    frame = tables.institutional_work(casebook.load(case_copy)).frame.set_index("Actors")
    cell = frame.loc["Local government – managers", "Technical work"]
    assert "Summer school on smart city" in cell and "Training courses on smart city" not in cell


def test_moving_an_activity_to_another_work_type_moves_it_in_table1(case_copy):
    line = row_of(case_copy, "institutional_work.csv", "id", "iw06")
    set_cell(case_copy, "institutional_work.csv", line, "work_type", "political")
    set_cell(case_copy, "institutional_work.csv", line, "relation", "")
    frame = tables.institutional_work(casebook.load(case_copy)).frame.set_index("Actors")
    assert "shared vision" in frame.loc["Local government – politicians", "Political work"]
    assert frame.loc["Local government – politicians", "Cultural work"] == ""


def test_table2_lists_the_interviewees_with_role_and_organisation(case):
    frame = tables.interviewees(case).frame
    assert list(frame["Interviewee"]) == list("ABCDEFGHI")
    assert frame.set_index("Interviewee").loc["I", "Organization"] == "Foundation Alfa"
    assert all(letter.isascii() for letter in frame["Interviewee"])


def test_table3_groups_findings_under_framework_elements_with_notes_in_brackets(case):
    frame = tables.governance_in_practice(case).frame.set_index("Element of the framework")
    assert list(frame.index) == [
        "System context",
        "Drivers",
        "Collaboration dynamics: shared motivation",
        "Collaboration dynamics: capacity for joint action",
        "Actions",
    ]
    resources = (
        "Limited and fragmented resources (Funding, time, technical and logistical support, skills, expertise, etc.)"
    )
    assert resources in frame.loc["Collaboration dynamics: capacity for joint action", "In the case"].split("\n")
    assert sum(len(c.split("\n")) for c in frame["In the case"]) == len(case.findings)


def test_changing_a_finding_changes_table3(case_copy):
    set_cell(case_copy, "findings.csv", 3, "text", "Scarce money at the local level")
    frame = tables.governance_in_practice(casebook.load(case_copy)).frame
    assert "Scarce money at the local level" in frame.loc[0, "In the case"]


def test_tables_carry_numbered_captions_and_labels(case):
    for build, label, caption in [
        (tables.institutional_work, "table-1", "The institutional work of multiple actors"),
        (tables.interviewees, "table-2", "Interviewees"),
        (tables.governance_in_practice, "table-3", "Collaborative governance in practice"),
    ]:
        [block] = shown(build(case))["blocks"]
        assert (block["type"], block["label"], block["caption"]) == ("table", label, caption)


def test_rendered_table1_is_a_real_table_with_headers(case):
    html = render_html(tables.institutional_work(case, evidence=False))
    # four column headings, and each actor group heads its row
    assert len(re.findall(r"<th[ >]", html)) == 4 + len(case.actors) and html.count("<tr") == 1 + len(case.actors)
    assert "Joint elaboration of projects" in html


MARKUP = "<script>alert('x')</script> *not bold* | not a cell | {cite:p}`x` $x$ [link](http://example.org)"


def test_markup_in_an_activity_is_shown_escaped_not_run(case_copy):
    set_cell(case_copy, "institutional_work.csv", 2, "activity", MARKUP)
    html = render_html(tables.institutional_work(casebook.load(case_copy), evidence=False))
    assert "<script>" not in html and "&lt;script&gt;alert" in html
    assert "<em>" not in html and "*not bold*" in html
    assert "<a " not in html and "[link](http://example.org)" in html
    assert html.count("<tr") == 1 + 4  # the pipes did not add cells or rows


def test_markup_in_a_quote_is_shown_escaped_not_run(case_copy):
    set_cell(case_copy, "excerpts.csv", 2, "text", MARKUP)
    html = render_html(quote("q01", casebook.load(case_copy)))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<blockquote" in html and "Interviewee B, Municipality" in html


VERBATIM = r"""A \\ pair, a \ single one, *stars*, _under_, `ticks`, <b>&amp; "straight" 'single' {ref}`x` $x$"""


def test_a_quote_reaches_the_page_as_text_exactly_as_stored(case_copy):
    """No Markdown or MyST parsing, no smart quotes: the quote's characters, one text node."""
    set_cell(case_copy, "excerpts.csv", 2, "text", VERBATIM)
    [block] = shown(quote("q01", casebook.load(case_copy)))["blocks"]
    document = new_document("test", get_default_settings(Writer))
    [node] = to_nodes(document, {"blocks": [block]})
    assert node.children[0].astext() == VERBATIM
    assert node["support_smartquotes"] is False


def refs(block) -> list[dict]:
    """Every cross-reference inside a content block."""
    if isinstance(block, dict):
        found = [block] if "ref" in block else []
        return found + [r for value in block.values() for r in refs(value)]
    if isinstance(block, list):
        return [r for item in block for r in refs(item)]
    return []


def test_table_cells_link_to_their_evidence_entries(case):
    [table1] = shown(tables.institutional_work(case))["blocks"]
    links = refs(table1)
    assert {"ref": "ev-activity-iw01", "text": "E1"} in links
    assert len(links) == len(case.institutional_work)
    assert len(refs(shown(tables.governance_in_practice(case))["blocks"])) == len(case.findings)
    assert tables.institutional_work(case).frame.equals(tables.institutional_work(case, evidence=False).frame)


def test_errata_table_lists_every_correction(case):
    frame = tables.errata(case).frame
    assert len(frame) == len(case.errata)
    assert "Perkmann and Spicer, 2008" in set(frame["This edition prints"])


def test_interview_outline_in_order(case):
    assert tables.interview_outline(case)[0].startswith("Interviewee's previous experiences")
    assert len(tables.interview_outline(case)) == 9


def test_code_book_counts_a_quote_of_an_actor_group_once(case_copy):
    """A quote spoken by a member of a group and also coded with that group is one quote."""
    case = casebook.load(case_copy)
    quote = case.excerpts.iloc[0]
    group = case.interviewees.set_index("id").loc[quote["interviewee"], "actor"]
    label = case.actors.set_index("id").loc[group, "label"]

    def count(c) -> int:
        return int(next(r[2] for r in tables.code_book(c).rows if r[0] == label))

    before = count(case)
    with (case_copy / "codings.csv").open("a", encoding="utf-8") as out:
        out.write(f"{quote['id']},actor,{group},\n")
    assert count(casebook.load(case_copy)) == before


def test_errata_headings_cover_every_kind_the_schema_allows():
    from casebook.case import schema

    assert tuple(tables.ERRATA_KINDS) == schema.resource("errata").field("kind").enum


def test_errata_page_groups_every_row_under_its_kind(case):
    blocks = tables.errata_by_kind(case).blocks
    headings = [b["content"][0] for b in blocks if b["type"] == "heading"]
    assert headings[0].startswith("Quotes (") and headings[-1].startswith("Inconsistencies of the source")
    assert sum(len(b["rows"]) for b in blocks if b["type"] == "table") == len(case.errata)
    outside = case.errata[case.errata["grounds"] == "outside knowledge"]
    assert set(outside["id"]) >= {"covenant-name", "siugzdiniene-doi"}
