"""What each page of the built site makes a browser fetch, and how much of it.

For each page: the bytes of its HTML plus every local file it makes the browser fetch
(stylesheets, scripts, preloads, images, and what the stylesheets pull in with url(...)).
The files every page shares (the one stylesheet, the theme's deferred scripts), cached after
the first page, are counted once, apart; each page's own weight is its HTML plus what it
loads beyond them. A text page stays under 200 KB of its own; the Figure 1 page loads
plotly.js only when the reader asks for the interactive view. A first visit to any page, as
GitHub Pages sends it (text gzip-compressed), stays under 400 KB (1.6 MB for the figure page
with its interactive view): issue 26's budget, which make bench holds Lighthouse to as well.
What the page does NOT load is checked too: no fontawesome.js (1.45 MB, was on every page),
no font file (the icons' glyphs are inside the stylesheet), no script that blocks the first
paint, the search index on the search page only. How long a page takes is make bench's
business (scripts/lighthouse.py), never a test's.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from casebook.publish.assets import STYLESHEET
from casebook.publish.plotly import LOADER, SCRIPT
from conftest import HTML
from tools.page_weight import (
    FIGURE_FIRST_VISIT,
    FIGURE_OWN,
    FIRST_VISIT,
    KB,
    SHARED_BUDGET,
    TEXT_BUDGET,
    first_visit_sent,
    pages,
    resources,
    sent,
    size,
    weights,
)

pytestmark = pytest.mark.built

FONT_FILES = {".woff", ".woff2", ".ttf", ".otf", ".eot"}


@pytest.fixture(scope="module")
def site() -> dict[Path, set[Path]]:
    if not (HTML / "chapters" / "index.html").exists():
        pytest.skip(f"{HTML} is not built (make book)")
    return {page: resources(page) for page in pages(HTML)}


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


def name(page: Path) -> str:
    return page.relative_to(HTML).as_posix()


def test_a_first_visit_to_any_page_sends_under_400_kb(site) -> None:
    """HTML, stylesheet, scripts and images of a first visit, compressed as GitHub Pages sends
    them; the figure page also with plotly.js, fetched when the reader asks: under 1.6 MB."""
    plotly = (HTML / "_static" / SCRIPT).resolve()
    visits = {name(p): first_visit_sent(p, found) for p, found in site.items()}
    heavy = {page: f"{b / KB:.0f} KB" for page, b in visits.items() if b > FIRST_VISIT}
    assert not heavy, f"first visits over {FIRST_VISIT // KB} KB as sent"
    for page in figure_pages(site):
        assert visits[name(page)] + sent(plotly) <= FIGURE_FIRST_VISIT


def test_the_files_every_page_shares_weigh_under_300_kb(site) -> None:
    shared, _ = weights(site)
    assert size(shared) < SHARED_BUDGET, "\n".join(f"{p.name}: {p.stat().st_size // KB} KB" for p in shared)


def test_no_page_loads_font_awesomes_script_or_any_font_file(site) -> None:
    loaded = {r for found in site.values() for r in found}
    assert not [r.name for r in loaded if r.name.startswith("fontawesome")]
    assert not [r.name for r in loaded if r.suffix in FONT_FILES]
    assert not any("fontawesome.js" in p.read_text(encoding="utf-8") for p in site), "a page names the icon script"


def head(page: Path):
    return lxml_html.fromstring(page.read_bytes()).find("head")


def test_every_page_links_the_one_stylesheet_and_no_script_that_blocks_its_first_paint(site) -> None:
    """One stylesheet, shared and cached; every script in the head deferred (or a module,
    which is deferred), none preloaded ahead of the stylesheet."""
    for page in site:
        tree = head(page)
        sheets = [h.rsplit("/", 1)[-1] for h in tree.xpath('link[contains(@rel, "stylesheet")]/@href')]
        assert sheets == [STYLESHEET], f"{name(page)}: {sheets}"
        blocking = [
            s.get("src")
            for s in tree.xpath("script[@src]")
            if s.get("defer") is None and s.get("async") is None and s.get("type") != "module"
        ]
        assert not blocking, f"{name(page)}: scripts that block the first paint: {blocking}"
        assert not tree.xpath('link[@rel="preload"]'), name(page)


def test_only_the_search_page_loads_the_search_index(site) -> None:
    loading = sorted(name(p) for p, found in site.items() if (HTML / "searchindex.js").resolve() in found)
    assert loading == ["search.html"]


def test_scripts_of_features_a_page_lacks_stay_off_it(site) -> None:
    """The copy button's scripts on pages with code, the toggle button's on none of this book."""
    for page, found in site.items():
        scripts = {r.name for r in found if r.suffix == ".js"}
        has_code = 'class="highlight' in page.read_text(encoding="utf-8")
        assert ("copybutton.js" in scripts) == has_code, name(page)
        assert not scripts & {"togglebutton.js", "design-tabs.js"}, name(page)


ICON_RULE = re.compile(r"""\.fa-([a-z0-9-]+):{1,2}before[^{]*{[^}]*content:\s*["']\\([0-9a-f]{4,6}) ?["']""")
INLINE_FONT = re.compile(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)")
ICON_CLASS = re.compile(r'class="[^"]*\bfa-(?:solid|regular|brands)\b[^"]*"|class="[^"]*\bfa[srb]\b[^"]*"')


def test_every_icon_a_page_shows_has_its_glyph_inside_the_stylesheet(site) -> None:
    """Without Font Awesome's script an icon is a class whose rule names a glyph of the icon
    font: each icon class of the pages has that rule in the stylesheet, and the font inside
    it has the glyph (a missing one would show as an empty box)."""
    from fontTools.ttLib import TTFont

    css = (HTML / "_static" / STYLESHEET).read_text(encoding="utf-8")
    glyph = {icon: int(code, 16) for icon, code in ICON_RULE.findall(css)}
    fonts = [TTFont(io.BytesIO(base64.b64decode(data))) for data in INLINE_FONT.findall(css)]
    drawn = {c for f in fonts for c in f.getBestCmap()}
    shown = set()
    for page in site:
        for attribute in ICON_CLASS.findall(page.read_text(encoding="utf-8")):
            shown |= {c[3:] for c in attribute.split('"')[1].split() if c.startswith("fa-")}
    shown -= {"solid", "regular", "brands", "lg", "fw", "sm", "xs", "2x"}
    assert {"bars", "magnifying-glass", "download", "moon", "sun"} <= shown
    assert not [icon for icon in shown if icon not in glyph], "icon classes without a glyph rule"
    assert not [icon for icon in shown if glyph[icon] not in drawn], "glyphs missing from the inline font"


def test_the_stylesheet_keeps_what_the_theme_s_scripts_add_to_a_page() -> None:
    """Rules for classes no page has but a script adds stay: Bootstrap's tooltips on the header
    buttons and its open download menu, the theme's dark menus, search results and highlights."""
    css = (HTML / "_static" / STYLESHEET).read_text(encoding="utf-8")
    for selector in (".tooltip-inner", ".dropdown-menu.show", ".dropdown-menu-dark", "span.highlighted"):
        assert selector in css, selector
    assert ".fa-bicycle" not in css and ".sd-card" not in css  # an icon and a component nothing shows


TEACHING_HTML = HTML.parent / "cases" / "teaching-case" / "_build" / "html"


def test_the_teaching_case_s_book_loads_as_little_as_this_one() -> None:
    """The generic book any fork builds (examples/case-book, here the teaching case) gets the
    same treatment from the package: one stylesheet, no blocking script, no icon script, its
    Figure 1 page with the loader and without plotly.js, every first visit under 400 KB as sent."""
    if not (TEACHING_HTML / "index.html").is_file():
        pytest.skip(f"{TEACHING_HTML} is not built (make book CASE=examples/teaching-case)")
    book = pages(TEACHING_HTML)
    loads = {p.name: resources(p) for p in book}
    assert "figure-1.html" in loads and "evidence.html" in loads
    static = TEACHING_HTML / "_static"
    assert [n for n, found in loads.items() if (static / LOADER).resolve() in found] == ["figure-1.html"]
    assert not [n for n, found in loads.items() if (static / SCRIPT).resolve() in found]
    assert not [n for n, found in loads.items() if any(r.name.startswith("fontawesome") for r in found)]
    for page in book:
        tree = head(page)
        assert [h.rsplit("/", 1)[-1] for h in tree.xpath('link[contains(@rel, "stylesheet")]/@href')] == [STYLESHEET]
        assert all(s.get("defer") is not None or s.get("type") == "module" for s in tree.xpath("script[@src]"))
    visits = {p.name: first_visit_sent(p, loads[p.name]) for p in book}
    assert not {n: f"{b / KB:.0f} KB" for n, b in visits.items() if b > FIRST_VISIT}
