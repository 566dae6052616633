"""The built site in a real browser, offline.

Debian's Chromium (``/usr/bin/chromium``, from apt.txt), driven by Playwright's Python API,
never a browser that Playwright downloads. A session fixture serves the built HTML folder
(``conftest.HTML``) on 127.0.0.1; every request for anything else is blocked and recorded.

Every page of the site (found from the built files, not listed here) is loaded once and
checked: nothing asked of the outside world, no console error, no uncaught exception, no
failed request, every image loaded, every internal link and ``#anchor`` resolving (each
target fetched through the server), and no accessibility violation of impact "serious" or
"critical" according to axe-core. axe-core comes from the pinned PyPI package
``axe-playwright-python``, which bundles ``axe.min.js``: no npm, nothing fetched at run time.
Figure 1 must draw, answer the mouse with its hover text and be photographed (the path of
the PNG is printed); the theme's search must find a word of the book, offline.

Run against a build elsewhere with ``CASEBOOK_BUILD=/path/to/_build pytest tests/test_browser.py``.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
import yaml
from lxml import html as lxml_html

from casebook.tables import TRIANGULATION_HEADER as TRIANGULATION_COLUMNS
from conftest import HTML, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
# NOTES.md, "Browser checks": without the networking flags Chromium calls home at start.
# Playwright adds a fresh, empty --user-data-dir of its own to every launch.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS = ("serious", "critical")
SEARCH_WORD = "institutional"  # the article's subject: on most pages of the book

if not (HTML / "index.html").is_file():
    pytest.skip(
        f"the book is not built: no {HTML / 'index.html'} (make html, or set CASEBOOK_BUILD)", allow_module_level=True
    )
if not CHROMIUM.is_file():
    pytest.skip(f"Debian's chromium is not installed (no {CHROMIUM}; apt.txt lists it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements.txt)")


def nothing(found: list[str], what: str) -> None:
    """Assert that ``found`` is empty, listing every item (pytest would cut the list short)."""
    assert not found, f"{what}:\n  " + "\n  ".join(found)


def site_pages() -> list[str]:
    """Every HTML page of the built site, relative to its root (Sphinx's own folders such as
    _static and _sources hold no pages of the book)."""
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(HTML).parts)
    )


PAGES = site_pages()
FIGURE_PAGES = [p for p in PAGES if 'class="casebook-plotly' in (HTML / p).read_text(encoding="utf-8")]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="session")
def server():
    """The built site on a free port of 127.0.0.1, for the whole session."""
    handler = functools.partial(QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    axe = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is not installed")
    return (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


class Visit:
    """One page loaded with the network closed: what it asked for and what it reported."""

    def __init__(self, browser, server: str, url: str, **context_options):
        self.server = server
        self.external: list[str] = []  # requests for anything not on 127.0.0.1 (blocked)
        self.errors: list[str] = []  # console errors, uncaught exceptions, failed requests
        self.bad_urls: set[str] = set()  # one line per failed resource, not three
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught exception: {e}"))
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._failed)
        self.page.goto(url, wait_until="load")
        try:  # late scripts, fonts and the figure: wait until the network is quiet
            self.page.wait_for_load_state("networkidle", timeout=5_000)
        except sync_api.TimeoutError:
            pass

    def _route(self, route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.external.append(url)
            route.abort("blockedbyclient")

    def _browser_favicon_probe(self, url: str) -> bool:
        """Chromium asks every site for /favicon.ico by itself when a page declares no
        icon: that request is the browser's, not the page's."""
        return url == self.server + "favicon.ico"

    def _console(self, message):
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if self._browser_favicon_probe(source) or source in self.external or source in self.bad_urls:
            return  # reported already (external, failed), or not the page's doing (favicon)
        self.errors.append(f"console error: {message.text} [{source}]")

    def _response(self, response):
        if response.status >= 400 and not self._browser_favicon_probe(response.url):
            self.bad_urls.add(response.url)
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def _failed(self, request):
        url = request.url
        if url not in self.external and url not in self.bad_urls and not self._browser_favicon_probe(url):
            self.bad_urls.add(url)
            self.errors.append(f"request failed ({request.failure}): {url}")

    def close(self):
        self.context.close()


@pytest.fixture(scope="session")
def visits(browser, server):
    """Each page of the site, loaded once on first use and shared by the checks below."""
    loaded: dict[str, Visit] = {}

    def visit(name: str) -> Visit:
        if name not in loaded:
            loaded[name] = Visit(browser, server, server + name)
        return loaded[name]

    yield visit
    for v in loaded.values():
        v.close()


@pytest.fixture(scope="session")
def fetch(browser, server):
    """Fetch a page of the site through the server, once: (status, ids and names in it)."""
    request = browser.new_context().request
    seen: dict[str, tuple[int, frozenset[str]]] = {}

    def get(url: str) -> tuple[int, frozenset[str]]:
        if url not in seen:
            response = request.get(url, max_redirects=0, fail_on_status_code=False)
            ids: frozenset[str] = frozenset()
            if response.ok and "html" in response.headers.get("content-type", ""):
                tree = lxml_html.fromstring(response.body())
                ids = frozenset(tree.xpath("//@id") + tree.xpath("//a/@name"))
            seen[url] = (response.status, ids)
        return seen[url]

    yield get
    request.dispose()


def test_the_site_has_a_page_for_every_entry_of_the_toc():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    missing = [f for f in files if f"{f}.html" not in PAGES]
    assert missing == [], f"pages of _toc.yml not built into {HTML}"
    assert "search.html" in PAGES


@pytest.mark.parametrize("name", PAGES)
def test_page_asks_for_nothing_outside_the_machine(visits, name):
    nothing(visits(name).external, f"{name} asked for addresses outside 127.0.0.1 (blocked)")


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_console_error_or_failed_request(visits, name):
    nothing(visits(name).errors, f"{name} reported errors")


@pytest.mark.parametrize("name", PAGES)
def test_every_image_of_the_page_loads(visits, name):
    page = visits(name).page
    broken = page.evaluate(
        """async () => {
            const images = [...document.images];
            images.forEach(i => { i.loading = 'eager'; });  // lazy images load too
            await Promise.race([
                Promise.all(images.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; }))),
                new Promise(r => setTimeout(r, 5000)),
            ]);
            return images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.currentSrc || i.src);
        }"""
    )
    nothing(broken, f"images of {name} that did not load")


@pytest.mark.parametrize("name", PAGES)
def test_every_internal_link_and_anchor_of_the_page_resolves(visits, fetch, server, name):
    page = visits(name).page
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    broken = []
    for href in sorted(set(hrefs)):
        if not href.startswith(server):
            continue  # external links are not followed (the network is closed); see the offline test
        url, fragment = urldefrag(href)
        status, ids = fetch(url)
        if status != 200:
            broken.append(f"{href}: HTTP {status}")
        elif fragment and unquote(fragment) not in ids:
            broken.append(f"{href}: no id {unquote(fragment)!r} in {url}")
    nothing(broken, f"links of {name} that lead nowhere")


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_or_critical_accessibility_violation(visits, axe_source, name):
    v = visits(name)
    page = v.page
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    before = len(v.errors)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    # axe-core re-fetches every stylesheet to build its CSSOM and resolves the theme's
    # relative @import "basic.css" against the site root (a 404 that is the tool's own
    # request, not the page's): forget what happened while axe ran.
    del v.errors[before:]
    bad = [
        f"{v['id']} ({v['impact']}, {v['helpUrl'].split('?')[0]}): "
        + "; ".join(f"{' '.join(n['target'])} → {n['html'][:160]}" for n in v["nodes"][:5])
        + (f"; … {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else "")
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
    nothing(bad, f"axe-core {result['testEngine']['version']}: serious or critical violations on {name}")


@pytest.fixture(scope="session")
def screens(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screens")


@pytest.mark.skipif(not FIGURE_PAGES, reason='no page of the build embeds an interactive figure ("casebook-plotly")')
@pytest.mark.parametrize("name", FIGURE_PAGES)
def test_figure_draws_offline_and_answers_the_mouse(visits, screens, capsys, name):
    v = visits(name)
    page = v.page
    page.wait_for_selector(".casebook-plotly .main-svg", timeout=10_000)
    drawn = page.evaluate(
        """() => {
            const gd = document.querySelector('.casebook-plotly .plotly-graph-div');
            const plotly = [...document.scripts].find(s => /plotly[^/]*\\.js(\\?[^/]*)?$/.test(s.src));
            return {
                layout: !!(gd && gd._fullLayout && gd._fullLayout.width > 0),
                paths: gd.querySelectorAll('.main-svg path').length,
                source: plotly ? plotly.src : null,
            };
        }"""
    )
    assert drawn["layout"], "plotly did not lay the figure out"
    assert drawn["paths"] > 30, "too few shapes drawn: boxes, arrows, arrowheads, legend"
    assert drawn["source"] and drawn["source"].startswith(v.server + "_static/"), drawn["source"]

    figure = page.locator("figure:has(.casebook-plotly)").first
    figure.scroll_into_view_if_needed()
    shot = screens / f"{Path(name).stem}-figure.png"
    figure.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000, "the screenshot is nearly blank"
    with capsys.disabled():
        print(f"\n  screenshot of the figure on {name}: {shot}")

    # Hover over the middle of every arrow with the real mouse: its label must appear.
    arrows = page.evaluate(
        """() => {
            const gd = document.querySelector('.casebook-plotly .plotly-graph-div');
            const box = gd.getBoundingClientRect(), fl = gd._fullLayout;
            return gd.data.filter(t => t.mode === 'markers' && t.hoverinfo === 'text' && t.x.length === 1)
                .map(t => ({
                    name: t.name, text: t.hovertext,
                    x: box.left + fl.xaxis._offset + fl.xaxis.l2p(t.x[0]),
                    y: box.top + fl.yaxis._offset + fl.yaxis.l2p(t.y[0]),
                }));
        }"""
    )
    assert arrows, "the figure has no hover targets on its arrows"
    silent = []
    for arrow in arrows:
        page.mouse.move(arrow["x"], arrow["y"])
        try:
            page.wait_for_selector(".casebook-plotly .hoverlayer .hovertext", timeout=2_000)
            shown = page.locator(".casebook-plotly .hoverlayer").text_content()
        except sync_api.TimeoutError:
            shown = ""
        first_line = html.unescape(re.sub(r"<[^>]+>", "", str(arrow["text"]).split("<br>")[0]))
        if "".join(first_line.split()) not in "".join(shown.split()):
            silent.append(f"{arrow['name']}: expected {first_line!r}, saw {shown[:80]!r}")
        page.mouse.move(1, 1)
    nothing(silent, "arrows of the figure that show no hover text")
    hovered = screens / f"{Path(name).stem}-figure-hover.png"
    page.mouse.move(arrows[0]["x"], arrows[0]["y"])
    page.wait_for_selector(".casebook-plotly .hoverlayer .hovertext", timeout=2_000)
    figure.screenshot(path=str(hovered))
    page.mouse.move(1, 1)
    with capsys.disabled():
        print(f"  the same, hovering over an arrow: {hovered}")
    nothing(v.external + v.errors, f"requests outside the machine or errors on {name}")


def test_downloads_offered_by_the_site_work(visits, fetch):
    page = visits("chapters/index.html").page
    hrefs = page.evaluate("() => [...document.querySelectorAll('.casebook-downloads a')].map(a => a.href)")
    assert sorted(h.rsplit(".", 1)[1] for h in hrefs) == ["pdf", "qdpx", "zip"]
    magic = {"pdf": b"%PDF", "qdpx": b"PK", "zip": b"PK"}
    for href in hrefs:
        response = visits("chapters/index.html").context.request.get(href)
        assert response.status == 200, href
        assert response.body().startswith(magic[href.rsplit(".", 1)[1]]), href


def test_search_finds_a_word_of_the_book_offline(browser, server):
    """A reader types a word into the theme's search field and gets results, offline."""
    v = Visit(browser, server, server + "chapters/index.html")
    try:
        page = v.page
        page.locator(".search-button-field:visible").first.click()
        field = page.locator("#pst-search-dialog input[name='q']")
        field.wait_for(state="visible", timeout=5_000)
        field.fill(SEARCH_WORD)
        field.press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q="), timeout=10_000)
        page.wait_for_selector("#search-results li", timeout=15_000)
        page.wait_for_function(
            "() => !document.querySelector('#search-progress') "
            "|| !/searching|preparing/i.test(document.querySelector('#search-progress').textContent)",
            timeout=15_000,
        )
        results = page.locator("#search-results li")
        assert results.count() >= 3
        first = results.first.locator("a").first.get_attribute("href")
        assert first and not first.startswith("http"), first
        assert SEARCH_WORD in page.locator("#search-results").text_content().lower()
        time.sleep(0.2)  # summaries are fetched from the site after the list appears
        nothing(v.external + v.errors, "requests outside the machine or errors while searching")
    finally:
        v.close()


CITED_PAGES = [p for p in PAGES if 'class="casebook-cite"' in (HTML / p).read_text(encoding="utf-8")]


@pytest.mark.skipif(not CITED_PAGES, reason="no page of the build carries claim markers (casebook_active_citation)")
def test_a_claim_marker_opens_its_evidence_by_keyboard_and_escape_closes_it(browser, server, axe_source, screens):
    """The first marker of the first page that has one: Tab reaches it, Enter opens its panel
    (the quote shown as stored), Tab moves into the panel, Escape closes it; with the panel
    open, axe-core finds nothing serious."""
    name = CITED_PAGES[0]
    v = Visit(browser, server, server + name)
    try:
        page = v.page
        marker = page.locator("button.casebook-cite").first
        panel_id = marker.get_attribute("popovertarget")
        marker.focus()
        assert page.evaluate("() => document.activeElement.classList.contains('casebook-cite')")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#{panel_id}:popover-open", timeout=2_000)
        panel = page.locator(f"#{panel_id}")
        assert panel.is_visible()
        panel.screenshot(path=str(screens / f"{Path(name).stem}-evidence-panel.png"))
        page.keyboard.press("Tab")  # into the panel: its first link
        inside = page.evaluate(f"() => !!document.activeElement.closest('#{panel_id}')")
        assert inside, "Tab from an open marker does not reach its panel"
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=axe_source)
        before = len(v.errors)
        result = page.evaluate(f"async () => await axe.run('#{panel_id}', {{resultTypes: ['violations']}})")
        del v.errors[before:]
        nothing(
            [f"{x['id']}: {x['nodes'][0]['html'][:160]}" for x in result["violations"] if x["impact"] in SERIOUS],
            f"axe-core: serious violations in the open panel on {name}",
        )
        page.keyboard.press("Escape")
        page.wait_for_selector(f"#{panel_id}:not(:popover-open)", state="attached", timeout=2_000)
        assert not panel.is_visible()
        assert page.evaluate(f"() => document.activeElement.getAttribute('popovertarget') === '{panel_id}'"), (
            "Escape does not hand the focus back to the marker"
        )
        nothing(v.errors, f"errors on {name}")
    finally:
        v.close()


def test_the_triangulation_table_sorts_by_a_column_heading(visits):
    v = visits("chapters/evidence.html")
    page = v.page
    table = page.locator("table.casebook-sortable")
    assert table.count() == 1
    column = TRIANGULATION_COLUMNS.index("Interviewees")

    def values() -> list[int]:
        return [int(c) for c in table.locator(f"tbody tr td:nth-child({column + 1})").all_inner_texts()]

    unsorted = values()
    heading = table.locator("thead th").nth(column)
    heading.locator("button").click()
    assert heading.get_attribute("aria-sort") == "ascending" and values() == sorted(unsorted)
    heading.locator("button").press("Enter")  # a keyboard user sorts the other way
    assert heading.get_attribute("aria-sort") == "descending" and values() == sorted(unsorted, reverse=True)
    nothing(v.errors, "errors on the Evidence appendix")
