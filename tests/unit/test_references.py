"""The bibliography: references.bib holds exactly the article's 57 references, every one of
them is cited in the chapters, every citation resolves, and the built book lists them all
in author–year form (HTML and PDF)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from pybtex.database import BibliographyData, parse_file
from pybtex.plugin import find_plugin

from casebook.publish import bibstyle
from conftest import HTML, PDF, ROOT

BIB = ROOT / "references.bib"
CHAPTERS = ROOT / "chapters"

# First author's surname (ASCII, lower case) + year: the source article's reference list.
KEYS = set(
    """
    albino2015 angelidou2014 ansell2008 anthopoulos2017 bakici2013 bardach2001 bartenberger2014
    batagan2011 benford2000 berry2005 bifulco2016 bolivar2015 bommert2010 brorstrom2015 bryson2006
    caragliu2011 cocchia2014 chourabi2012 christensen2007 christensen2016 cloutier2015 coe2001
    crivello2015 eger2009 emerson2015 emerson2012 europeanparliament2014 ey2016 flyvbjerg2006 fu2007
    giffinger2007 grossi2017 huxham2000 hwang2011 mosskanter2009 kickbusch2012 lawrence2013
    lawrence2011 lawrence2006 lombardi2012 meijer2016 michelucci2017 mora2017 nam2014 osborne2010
    paskaleva2011 pereira2017 perkmann2008 peters2001 ryan2002 scholl2014 seo2002 sorensen2012
    siugzdiniene2017 torfing2013 vanolo2014 yin2013
    """.split()
)

# {cite}`a,b`, {cite:p}`{see}a{p. 2}`, {cite:t}`a` … in MyST text.
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
BIBLIOGRAPHY_DIRECTIVE = re.compile(r"^\s*(```+|:::+)\s*\{bibliography\}", re.MULTILINE)


@pytest.fixture(scope="module")
def bib() -> BibliographyData:
    return parse_file(str(BIB), bib_format="bibtex")


def chapter_texts() -> Iterator[tuple[Path, str]]:
    """The MyST text of every chapter: .md files whole, and the Markdown cells of notebooks."""
    for path in sorted(CHAPTERS.rglob("*")):
        if ".ipynb_checkpoints" in path.parts or not path.is_file():
            continue
        if path.suffix == ".md":
            yield path, path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            for cell in cells:
                if cell["cell_type"] == "markdown":
                    source = cell["source"]
                    yield path, "".join(source) if isinstance(source, list) else source


def cited_keys() -> dict[str, set[str]]:
    """Each key cited in the chapters, with the files that cite it."""
    cited: dict[str, set[str]] = {}
    for path, text in chapter_texts():
        for match in CITE_ROLE.finditer(text):
            for item in match.group(1).split(","):
                key = re.sub(r"\{[^{}]*\}", "", item).strip()  # drop a {pre} or {post} text
                if key:
                    cited.setdefault(key, set()).add(path.name)
    return cited


def test_bib_parses_and_has_exactly_the_57_keys_of_the_source(bib):
    assert len(bib.entries) == 57
    assert set(bib.entries) == KEYS


def test_every_entry_has_author_title_and_year(bib):
    for key, entry in bib.entries.items():
        assert entry.persons.get("author"), f"{key}: no author"
        assert entry.fields.get("title", "").strip(), f"{key}: no title"
        assert re.fullmatch(r"\d{4}", entry.fields.get("year", "")), f"{key}: no four-digit year"


def test_names_keep_the_source_diacritics(bib):
    def surnames(key: str) -> list[str]:
        return [" ".join(p.last_names) for p in bib.entries[key].persons["author"]]

    assert surnames("bakici2013")[0] == "Bakıcı"
    assert surnames("batagan2011") == ["Bătăgan"]
    assert surnames("siugzdiniene2017") == ["Šiugždinienė", "Gaulė", "Rauleckas"]
    assert surnames("sorensen2012")[0] == "Sørensen"
    assert surnames("christensen2007")[1] == "Lægreid"
    assert surnames("bartenberger2014")[1] == "Grubmüller"
    assert surnames("brorstrom2015") == ["Brorström"]


def test_corporate_authors_are_single_names(bib):
    for key, name in [("europeanparliament2014", "{European Parliament}"), ("ey2016", "{EY}")]:
        [person] = bib.entries[key].persons["author"]
        assert person.last_names == [name] and not person.first_names


def test_et_al_entries_keep_only_the_given_authors_and_others(bib):
    for key in ["chourabi2012", "giffinger2007", "huxham2000", "lombardi2012", "pereira2017"]:
        persons = [str(p) for p in bib.entries[key].persons["author"]]
        assert len(persons) == 2 and persons[-1] == "others", key


def test_only_the_truncated_doi_is_completed_and_no_other_doi_is_added(bib):
    dois = {key: entry.fields["doi"] for key, entry in bib.entries.items() if "doi" in entry.fields}
    assert dois == {"scholl2014": "10.9776/14060", "siugzdiniene2017": "10.1177/0020852317707814"}


def test_in_text_labels_are_author_year():
    bibstyle.register()
    data = parse_file(str(BIB), bib_format="bibtex")
    style = find_plugin("pybtex.style.formatting", bibstyle.NAME)()
    labels = {entry.key: entry.label for entry in style.format_bibliography(data)}
    assert labels["ansell2008"] == "Ansell and Gash, 2008"
    assert labels["emerson2012"] == "Emerson et al., 2012"
    assert labels["giffinger2007"] == "Giffinger et al., 2007"
    assert labels["europeanparliament2014"] == "European Parliament, 2014"
    assert labels["mosskanter2009"] == "Moss Kanter and Litow, 2009"


def test_reference_list_is_sorted_by_author_then_year_and_reads_like_the_article():
    bibstyle.register()
    data = parse_file(str(BIB), bib_format="bibtex")
    style = find_plugin("pybtex.style.formatting", bibstyle.NAME)()
    formatted = list(style.format_bibliography(data))
    keys = [entry.key for entry in formatted]
    assert keys[:3] == ["albino2015", "angelidou2014", "ansell2008"]
    assert keys.index("batagan2011") < keys.index("benford2000")  # Bă files under Ba
    assert keys.index("emerson2012") < keys.index("europeanparliament2014") < keys.index("ey2016")
    assert keys[-1] == "yin2013"
    text = {entry.key: entry.text.render_as("text") for entry in formatted}
    assert text["emerson2012"] == (
        "Emerson, K., Nabatchi, T. and Balogh, S. (2012), “An integrative framework for collaborative "
        "governance”, Journal of Public Administration Research and Theory, Vol. 22 No. 1, pp. 1–29."
    )
    assert text["peters2001"].endswith("Vol. 29 No. 2, p. 131.")
    assert "(Eds.)" in text["lawrence2006"] and "(Ed.)" in text["bolivar2015"]


def test_every_reference_is_cited_in_the_chapters(bib):
    uncited = sorted(set(bib.entries) - set(cited_keys()))
    assert not uncited, f"never cited in chapters/: {', '.join(uncited)}"


def test_every_cited_key_is_in_the_bib(bib):
    cited = cited_keys()
    unknown = {key: sorted(files) for key, files in cited.items() if key not in bib.entries}
    assert not unknown, f"cited but not in references.bib: {unknown}"


def test_references_page_has_the_only_bibliography_directive():
    with_directive = [path.name for path, text in chapter_texts() if BIBLIOGRAPHY_DIRECTIVE.search(text)]
    assert with_directive == ["references.md"]
    assert ":all:" in (CHAPTERS / "references.md").read_text(encoding="utf-8")


@pytest.mark.built
def test_built_references_page_lists_all_57_entries_in_author_year_form():
    path = HTML / "chapters" / "references.html"
    if not path.exists():
        pytest.skip(f"{path} is not built (make book)")
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    entries = tree.xpath('//div[@class="citation"]')  # (no deprecated doc-biblioentry role: axe best practice)
    assert len(entries) == 57
    for entry in entries:
        label = " ".join(entry.xpath('./span[@class="label"]')[0].text_content().split())
        assert re.fullmatch(r"\[[^\[\]{}]+, \d{4}\]", label), label  # "[Emerson et al., 2012]", never "[12]"
    first = " ".join(entries[0].xpath("./p")[0].text_content().split())
    assert first.startswith("Albino, V., Berardi, U. and Dangelico, R. M. (2015)")


@pytest.mark.pdf
def test_pdf_reference_list_renders_the_diacritics():
    if not PDF.exists():
        pytest.skip(f"{PDF} is not built (make pdf)")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(PDF), "-"], capture_output=True, text=True, check=True)
    text = unicodedata.normalize("NFC", out.stdout)  # a PDF may set ė as e + a dot accent
    for name in ["Bakıcı, T.", "Bătăgan, L.", "Šiugždinienė, J.", "Gaulė, E.", "Sørensen, E.", "Lægreid, P."]:
        assert name in text, name
    references = text.split("Albino, V.", 1)[1].split("Appendix 1: Interviewees", 1)[0]  # the list only
    assert "European Parliament (2014)" in references and "{" not in references


def test_pybtex_finds_each_plugin_from_one_reading_of_the_entry_points_as_importlib_would():
    import importlib.metadata

    import pybtex.plugin

    from casebook.publish import bibstyle

    bibstyle.register()
    for group in (
        "pybtex.backends",
        "pybtex.backends.aliases",
        "pybtex.style.names",
        "pybtex.database.input",
        "pybtex.database.input.suffixes",
        "pybtex.style.formatting",
    ):
        assert [ep.value for ep in pybtex.plugin.entry_points(group=group)] == [
            ep.value for ep in importlib.metadata.entry_points(group=group)
        ], group
        for ep in importlib.metadata.entry_points(group=group):
            assert [e.value for e in pybtex.plugin.entry_points(group=group, name=ep.name)] == [ep.value]
    assert pybtex.plugin.entry_points(group="pybtex.backends", name="no-such-backend") == []
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", bibstyle.NAME) is bibstyle.AuthorYearStyle
