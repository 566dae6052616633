"""Every page of the built site says how to re-run the book, and carries a meta description
and Open Graph tags. The helpers behind them are tested without a build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from docutils.core import publish_doctree
from lxml import html as lxml_html

from casebook.publish import pagemeta, rerun
from conftest import HTML, ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = (CONFIG["sphinx"]["config"].get("html_context") or {}).get("casebook_repository", "")
BASEURL = (CONFIG.get("html") or {}).get("baseurl", "")


def site_pages() -> list[Path]:
    """Every page Sphinx wrote (not Jupyter Book's redirect at the root)."""
    if not (HTML / "chapters" / "index.html").exists():
        pytest.skip(f"{HTML} is not built (make book)")
    pages = [p for p in sorted(HTML.rglob("*.html")) if not p.relative_to(HTML).parts[0].startswith("_")]
    return [p for p in pages if 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")[:2000]]


def tree(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def meta(page, attribute: str, name: str) -> list[str]:
    return page.xpath(f'//head/meta[@{attribute}="{name}"]/@content')


# ---------------------------------------------------------------------------
# the built site


@pytest.mark.built
def test_every_page_says_how_to_rerun_the_book() -> None:
    pages = site_pages()
    assert len(pages) > 15
    for path in pages:
        [note] = tree(path).xpath('//nav[contains(@class, "casebook-rerun")]')
        words = " ".join(note.text_content().split())
        assert "Re-run this book" in words and "make book" in words and "repo2docker ." in words, path.name


@pytest.mark.built
def test_a_notebook_page_names_its_notebook_and_a_text_page_none() -> None:
    for path in site_pages():
        relative = path.relative_to(HTML).with_suffix("")
        words = " ".join(tree(path).xpath('//nav[contains(@class, "casebook-rerun")]')[0].text_content().split())
        if (ROOT / relative).with_suffix(".ipynb").exists():
            assert f"This page is the notebook {relative.as_posix()}.ipynb" in words, path.name
        else:
            assert "This page is the notebook" not in words, path.name


@pytest.mark.built
def test_binder_link_only_with_a_configured_repository() -> None:
    for path in site_pages():
        links = tree(path).xpath('//nav[contains(@class, "casebook-rerun")]//a/@href')
        if REPOSITORY:
            assert any(link.startswith("https://mybinder.org/v2/") for link in links), path.name
        else:
            assert links == [], f"{path.name}: no repository is configured, yet the note links to {links}"


@pytest.mark.built
def test_every_page_has_a_description_and_open_graph_tags() -> None:
    for path in site_pages():
        page = tree(path)
        [description] = meta(page, "name", "description")
        assert 0 < len(description) <= pagemeta.DESCRIPTION_CHARS, path.name
        assert meta(page, "property", "og:description") == [description], path.name
        [title] = meta(page, "property", "og:title")
        assert title.strip(), path.name
        assert meta(page, "property", "og:site_name") == [CONFIG["title"]], path.name
        assert meta(page, "property", "og:type") in (["website"], ["article"]), path.name
        assert len(meta(page, "property", "og:url")) == (1 if BASEURL else 0), path.name


@pytest.mark.built
def test_landing_page_is_described_by_the_books_summary() -> None:
    source = (ROOT / "chapters" / "index.md").read_text(encoding="utf-8")
    summary = source.split("## The edition's summary", 1)[1].split("\n## ", 1)[0]
    paragraphs = [" ".join(p.split()) for p in summary.split("\n\n") if p.strip()]
    prose = next(p for p in paragraphs if not p.startswith("*"))
    page = tree(HTML / "chapters" / "index.html")
    [description] = meta(page, "name", "description")
    assert description.rstrip("…") in prose.replace("{cite:t}`emerson2012`", "Emerson et al. (2012)")
    assert meta(page, "property", "og:type") == ["website"]


@pytest.mark.built
def test_a_chapter_is_described_by_its_first_paragraph() -> None:
    page = tree(HTML / "chapters" / "01-introduction.html")
    [description] = meta(page, "name", "description")
    [first] = page.xpath("(//article//section/p)[1]")
    assert " ".join(first.text_content().split()).startswith(description.rstrip("…"))
    assert meta(page, "property", "og:title") == ["Introduction"]


# ---------------------------------------------------------------------------
# the helpers


def test_trim_cuts_at_a_word_and_marks_the_cut() -> None:
    assert pagemeta.trim("short text") == "short text"
    cut = pagemeta.trim("word " * 100)
    assert len(cut) <= pagemeta.DESCRIPTION_CHARS and cut.endswith("word…")


def test_first_paragraph_skips_emphasis_quotes_and_captions() -> None:
    doctree = publish_doctree(
        "Title\n=====\n\n*A note in italics*\n\n    A block quote.\n\nThe first prose, with *emphasis* inside.\n"
    )
    assert pagemeta._first_paragraph(doctree, root=False) == "The first prose, with emphasis inside."


def test_first_paragraph_of_the_landing_page_is_its_summary() -> None:
    doctree = publish_doctree(
        "Book\n====\n\nIntro.\n\nThe summary\n-----------\n\n*Written for the edition.*\n\nWhat it finds.\n"
    )
    assert pagemeta._first_paragraph(doctree, root=True) == "What it finds."


@pytest.mark.parametrize(
    ("repository", "expected"),
    [
        ("https://github.com/owner/repo", "https://mybinder.org/v2/gh/owner/repo/HEAD"),
        ("https://github.com/owner/repo.git/", "https://mybinder.org/v2/gh/owner/repo/HEAD"),
        ("https://example.org/git/repo", "https://mybinder.org/v2/git/https%3A%2F%2Fexample.org%2Fgit%2Frepo/HEAD"),
    ],
)
def test_binder_url(repository: str, expected: str) -> None:
    assert rerun.binder_url(repository) == expected
    notebook = "chapters/03-method.ipynb"
    assert rerun.binder_url(repository, notebook) == f"{expected}?labpath={notebook}"


def test_sidebar_lists_the_rerun_note() -> None:
    sidebars = CONFIG["sphinx"]["config"]["html_sidebars"]["**"]
    assert "casebook-rerun.html" in sidebars
    assert (Path(rerun.TEMPLATES) / "casebook-rerun.html").is_file()
    assert re.search(r"casebook_repository:\s*\"\"", (ROOT / "_config.yml").read_text()) or REPOSITORY
