"""The built HTML book shows the data: Tables 1–3 cell by cell, Figure 1 offline, quotes
verbatim — and building never touches data/."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

import casebook
from casebook import tables
from casebook.publish import STATIC
from casebook.publish.plotly import LOADER, SCRIPT
from conftest import DATA, HTML, ROOT, set_cell

pytestmark = pytest.mark.built


def page(name: str):
    path = HTML / "chapters" / f"{name}.html"
    if not path.exists():
        pytest.skip(f"{path} is not built (make book)")
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def text(node) -> str:
    """The text of an element, whitespace collapsed and typographic quotes made straight."""
    return " ".join(node.text_content().split()).translate(STRAIGHT)


def html_table(tree, label: str) -> tuple[list[str], list[list[str]]]:
    [table] = tree.xpath(f'//table[@id="{label}"]')
    header = [text(th) for th in table.xpath(".//thead//th")]
    rows = [[text(cell) for cell in tr.xpath("./th|./td")] for tr in table.xpath(".//tbody/tr")]
    return header, rows


@pytest.fixture(scope="module")
def case():
    return casebook.load(DATA)


def test_table1_in_html_has_every_activity_under_its_actor_and_work_type(case):
    header, rows = html_table(page("05-institutional-work"), "table-1")
    assert header == ["Actors", "Political work", "Technical work", "Cultural work"]
    cells = {(row[0], header[i]): row[i] for row in rows for i in range(1, len(header))}
    labels = case.actors.set_index("id")["label"]
    for work in case.institutional_work.itertuples():
        assert work.activity in cells[(labels[work.actor], f"{work.work_type.capitalize()} work")]


def test_table1_caption_is_numbered(case):
    [caption] = page("05-institutional-work").xpath('//table[@id="table-1"]/caption')
    assert text(caption).startswith("Table 1 The institutional work of multiple actors")


def test_the_first_column_of_tables_1_to_3_heads_its_row(case):
    """A screen reader announces each cell of Table 1 with its actor group (th scope="row")."""
    for name, label, first in [
        ("05-institutional-work", "table-1", list(case.actors.sort_values("order")["label"])),
        ("appendix-1-interviewees", "table-2", list(case.interviewees["id"])),
        ("appendix-3-governance-in-practice", "table-3", None),
    ]:
        [table] = page(name).xpath(f'//table[@id="{label}"]')
        for tr in table.xpath(".//tbody/tr"):
            assert [c.tag for c in tr] == ["th"] + ["td"] * (len(tr) - 1)
            assert tr[0].get("scope") == "row"
        if first:
            assert [text(tr[0]) for tr in table.xpath(".//tbody/tr")] == first


def test_table2_in_html_equals_the_data(case):
    header, rows = html_table(page("appendix-1-interviewees"), "table-2")
    expected = tables.interviewees(case).frame
    assert header == list(expected.columns)
    assert rows == expected.to_numpy().tolist()


def test_table3_in_html_has_every_finding(case):
    _, rows = html_table(page("appendix-3-governance-in-practice"), "table-3")
    shown = " ".join(cell for row in rows for cell in row)
    for finding in case.findings.itertuples():
        assert tables.finding_text(finding.text, finding.note) in shown


def test_figure1_is_its_drawing_with_the_interactive_view_from_local_plotly_on_request():
    tree = page("06-discussion")
    assert tree.xpath('//figure[@id="figure-1"]//div[contains(@class, "casebook-figure-static")]/*[local-name()="svg"]')
    assert tree.xpath('//figure[@id="figure-1"]//div[contains(@class, "casebook-plotly")]')
    scripts = [s.get("src").split("?")[0] for s in tree.xpath("//script[@src]")]
    assert any(s.endswith(f"_static/{LOADER}") for s in scripts) and not any(SCRIPT in s for s in scripts)
    assert not any(s.startswith(("http:", "https:", "//")) for s in scripts)
    assert not (HTML / "_static" / "plotly.min.js").exists(), "the full plotly.js bundle is not shipped"
    shipped = (HTML / "_static" / SCRIPT).read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == json.loads((STATIC / "plotly-basic.json").read_text())["sha256"]


def test_text_chapters_do_not_load_plotly():
    scripts = [s.get("src") for s in page("01-introduction").xpath("//script[@src]")]
    assert not any("plotly" in s for s in scripts)


def test_every_published_quote_is_shown_verbatim_with_attribution(case):
    """The quote's text in the page is the CSV cell, character for character: no smart
    quotes, no whitespace changed, nothing read as markup."""
    people = case.interviewees.set_index("id")
    pages = {
        "context-and-drivers": "04-governance-in-practice",
        "motivation-and-capacity": "04-governance-in-practice",
        "institutional-work": "05-institutional-work",
    }
    for use in case.excerpt_uses.itertuples():
        quote = case.excerpts.set_index("id").loc[use.excerpt]
        blocks = page(pages[use.section]).xpath('//blockquote[contains(@class, "casebook-quote")]')
        shown = [
            (b.xpath(".//p")[0].text_content(), b.xpath('.//p[@class="attribution"]')[0].text_content()) for b in blocks
        ]
        who = f"\u2014Interviewee {quote.interviewee}, {people.loc[quote.interviewee, 'short_organization']}"
        assert (quote.text, who) in shown, use.excerpt


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_the_build_left_data_as_committed():
    """make book ran before the tests: data/ must still be what git has."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(["git", "status", "--porcelain", "--", "data"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout


@pytest.mark.parametrize("broken", [False, True], ids=["successful", "failing"])
def test_executing_a_chapter_never_writes_its_data(case_copy, broken, tmp_path):
    """Run a chapter notebook against a copy of the data, valid or broken: the copy is untouched."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    if broken:
        set_cell(case_copy, "actors.csv", 2, "level", "galactic")
    before = digest(case_copy)
    nb = nbformat.read(ROOT / "chapters" / "appendix-1-interviewees.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    env = {**os.environ, "CASEBOOK_DATA": str(case_copy)}
    if broken:
        with pytest.raises(CellExecutionError, match="actors.csv:2:level"):
            client.execute(env=env)
    else:
        client.execute(env=env)
        assert "Foundation Alfa" in str(nb.cells[-1].outputs)
    assert digest(case_copy) == before


def test_evidence_appendix_has_an_entry_for_every_claim(case):
    from casebook import evidence

    tree = page("evidence")
    ids = set(tree.xpath("//@id"))
    for claim in evidence.claims(case):
        assert claim.label in ids, claim.label
        assert claim.sources, claim.label


def test_table_cells_and_arrows_link_to_the_evidence_appendix(case):
    links = page("05-institutional-work").xpath('//table[@id="table-1"]//a[contains(@href, "evidence.html")]/@href')
    assert sorted(h.split("#")[1] for h in links) == sorted(f"ev-activity-{i}" for i in case.institutional_work["id"])
    arrows = page("06-discussion").xpath('//a[contains(@href, "evidence.html#ev-relation-")]/@href')
    assert {h.split("#")[1] for h in arrows} == {f"ev-relation-{i}" for i in case.relations["id"]}


def test_reproducibility_page_reports_checksums_versions_and_executions(case):
    body = text(page("reproducibility"))
    for name, sha in case.checksums().items():
        assert f"{name} {sha}" in body
    assert re.search(r"Built at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", body)
    assert "jupyter-book 1.0.4" in body and "Figure 1 data" in body
    assert "chapters/05-institutional-work" in body


def test_quotes_in_the_evidence_appendix_and_the_coding_page_are_byte_identical_to_the_data(case):
    used = set(case.evidence.loc[case.evidence["evidence_type"] == "excerpt", "evidence_id"])
    quotes = case.excerpts.set_index("id")["text"]
    shown = {b.xpath(".//p")[0].text_content() for b in page("evidence").xpath("//blockquote")}
    assert {quotes[q] for q in used} <= shown
    cells = {td.text_content() for td in page("coding").xpath("//table//td")}
    assert set(quotes) <= cells


def test_every_table_of_the_site_has_a_name():
    """A screen reader announces each table by name: its caption, or (for a table under its own
    heading) a caption naming it after that heading, or the name the page gives it."""
    pages = sorted((HTML / "chapters").glob("*.html"))
    if not pages:
        pytest.skip("the web book is not built (make book)")
    names = {}
    for path in pages:
        for table in lxml_html.fromstring(path.read_bytes()).xpath("//table"):
            caption = table.xpath("./caption")
            assert caption and text(caption[0]), f"{path.name}: a table without a name"
            names.setdefault(path.stem, []).append(text(caption[0]))
    assert "Quotes (2)" in names["errata"]
    assert names["coding"] == [
        "The code book, and how often each code is used",
        "The published quotes, with their codes and the sections that print them",
    ]


def test_the_sites_root_page_has_a_language_and_a_title_and_there_is_no_empty_index():
    path = HTML / "index.html"
    if not path.exists():
        pytest.skip("the web book is not built (make book)")
    root = lxml_html.fromstring(path.read_bytes())
    assert root.get("lang") == "en"
    assert text(root.xpath("//title")[0]) == "Smart city governance in Turin: a reproducible edition"
    assert root.xpath("//meta[@http-equiv='Refresh']/@content") == ["0; url=chapters/index.html"]
    landing = (HTML / "chapters" / "index.html").read_text(encoding="utf-8")
    assert "genindex.html" not in landing  # no link to an index page that indexes nothing
