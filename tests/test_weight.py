"""Page weight budget of the built site.

For each page: the bytes of its HTML plus every local file it makes the browser fetch
(stylesheets, scripts, preloads, images, and what the stylesheets pull in with url(...)).
The theme's files, fetched by every page and cached after the first, are counted once,
apart; each page's own weight is its HTML plus what it loads beyond them. A text page
stays under 200 KB of its own; the Figure 1 page under plotly.js plus 100 KB and under
1.5 MB of its own, which plotly.js's basic partial bundle (1.2 MB) allows where the full
one (4.8 MB) did not. (The theme's share, 2.5 MB fetched once, is mostly its
fontawesome.js; make bench reports a first visit in all.)
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from casebook.publish.plotly import LOADER, SCRIPT
from conftest import HTML

pytestmark = pytest.mark.built

KB = 1024
TEXT_BUDGET = 200 * KB
FIGURE_EXTRA = 100 * KB
FIGURE_OWN = 1536 * KB
RESOURCES = (
    '//link[contains(concat(" ", @rel, " "), " stylesheet ")]/@href | //link[@rel="preload"]/@href'
    " | //script/@src | //img/@src"
)
FONT_FACE = re.compile(r"@font-face\s*{[^}]*}", re.S)
URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def local(reference: str, base: Path) -> Path | None:
    """The file a reference from ``base`` (a page or a stylesheet) names, if it is local."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or not parts.path:  # http(s):, data:, //host, "#x"
        return None
    return (base.parent / unquote(parts.path)).resolve()


@cache
def css_resources(sheet: Path) -> frozenset[Path]:
    """What a stylesheet makes the browser fetch: the first source of each @font-face (a
    browser takes the first format it supports), every other url(...), and @imports."""
    text = sheet.read_text(encoding="utf-8", errors="replace")
    found: set[Path] = set()
    for face in FONT_FACE.findall(text):
        first = URL.search(face.split("src", 1)[1]) if "src" in face else None
        if first and (path := local(first[1], sheet)):
            found.add(path)
    for reference in URL.findall(FONT_FACE.sub("", text)):
        if path := local(reference, sheet):
            found.add(path)
            if path.suffix == ".css" and path.is_file():
                found |= css_resources(path)
    return frozenset(found)


def resources(page: Path) -> set[Path]:
    tree = lxml_html.fromstring(page.read_bytes())
    found: set[Path] = set()
    for reference in tree.xpath(RESOURCES):
        if path := local(reference, page):
            found.add(path)
            if path.suffix == ".css" and path.is_file():
                found |= css_resources(path)
    return found


@pytest.fixture(scope="module")
def site() -> dict[Path, set[Path]]:
    if not (HTML / "chapters" / "index.html").exists():
        pytest.skip(f"{HTML} is not built (make book)")
    pages = [p for p in sorted(HTML.rglob("*.html")) if not p.relative_to(HTML).parts[0].startswith("_")]
    pages = [p for p in pages if 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")[:2000]]
    return {page: resources(page) for page in pages}


def size(paths) -> int:
    return sum(p.stat().st_size for p in paths)


def weights(site: dict[Path, set[Path]]) -> tuple[set[Path], dict[Path, int]]:
    shared = set.intersection(*site.values())
    return shared, {page: page.stat().st_size + size(found - shared) for page, found in site.items()}


def report(site: dict[Path, set[Path]]) -> str:
    shared, own = weights(site)
    lines = [f"shared theme: {len(shared)} files, {size(shared) / KB:.0f} KB (fetched once, then cached)"]
    for page, bytes_ in sorted(own.items(), key=lambda item: -item[1]):
        lines.append(
            f"{page.relative_to(HTML).as_posix():45} {bytes_ / KB:7.1f} KB (HTML {page.stat().st_size / KB:.1f} KB)"
        )
    return "\n".join(lines)


def test_every_local_resource_a_page_names_exists(site) -> None:
    missing = {p.relative_to(HTML).as_posix(): [str(r) for r in found if not r.is_file()] for p, found in site.items()}
    assert not {page: files for page, files in missing.items() if files}


def test_text_pages_stay_under_200_kb_beyond_the_theme(site) -> None:
    print("\n" + report(site))  # shown with pytest -s: the measured weights
    _, own = weights(site)
    plotly = (HTML / "_static" / SCRIPT).resolve()
    heavy = {
        p.relative_to(HTML).as_posix(): f"{b / KB:.0f} KB"
        for p, b in own.items()
        if plotly not in site[p] and b >= TEXT_BUDGET
    }
    assert not heavy, f"text pages over {TEXT_BUDGET // KB} KB of their own:\n{report(site)}"


def figure_pages(site: dict[Path, set[Path]]) -> list[Path]:
    loader = (HTML / "_static" / LOADER).resolve()
    return [p for p, found in site.items() if loader in found]


def first_visit(page: Path, found: set[Path]) -> int:
    """Every byte a first visit to the page fetches: its HTML and all its local resources."""
    return page.stat().st_size + size(found)


def test_the_figure_page_fetches_no_plotly_until_the_reader_asks(site) -> None:
    """Figure 1 is its drawing: the page names the small loader, not plotly.js (1.2 MB), which
    the loader fetches on the reader's click; so the page stays within a text page's budget."""
    pages = figure_pages(site)
    assert [p.relative_to(HTML).as_posix() for p in pages] == ["chapters/06-discussion.html"]
    plotly = (HTML / "_static" / SCRIPT).resolve()
    assert not any(plotly in found for found in site.values()), "a page loads plotly.js on its first visit"
    _, own = weights(site)
    assert own[pages[0]] < TEXT_BUDGET, f"Figure 1 page: {own[pages[0]]} B\n{report(site)}"
    assert own[pages[0]] + plotly.stat().st_size <= FIGURE_OWN, "with the interactive view, under 1.5 MB of its own"


def test_the_theme_is_shared_not_repeated(site) -> None:
    """The theme's stylesheets and scripts are the same files on every page (cached once)."""
    shared, _ = weights(site)
    assert any(p.name.endswith(".css") for p in shared) and any(p.suffix == ".js" for p in shared)
