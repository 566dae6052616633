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

Run against a build elsewhere with ``CASEBOOK_BUILD=/path/to/_build pytest tests/built/test_browser.py``.
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
SERIOUS = ("serious", "critical")  # the open evidence panel's check
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
# The pages a reader reads (the site's root index.html only redirects to the landing page).
READING = [p for p in PAGES if "http-equiv" not in (HTML / p).read_text(encoding="utf-8")[:2000].lower()]
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
        """The book declares its icon, so Chromium asks for no /favicon.ico of its own: no
        request is exempt from the checks (a 404 there is a 404 a reader's browser meets)."""
        return False

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
def test_page_has_no_accessibility_violation_of_any_impact(visits, axe_source, name):
    """axe-core, WCAG 2.2 A and AA and its best practices, at 1280 px in light mode (the other
    widths and modes: test_axe_finds_no_violation_of_any_impact_at_phone_width_and_in_dark_mode)."""
    v = visits(name)
    before = len(v.errors)
    found = _axe(v.page, axe_source)
    # axe-core re-fetches every stylesheet to build its CSSOM and resolves the theme's
    # relative @import "basic.css" against the site root (a 404 that is the tool's own
    # request, not the page's): forget what happened while axe ran.
    del v.errors[before:]
    nothing(found, f"axe-core violations on {name}")


@pytest.fixture(scope="session")
def screens(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screens")


@pytest.mark.skipif(not FIGURE_PAGES, reason='no page of the build embeds an interactive figure ("casebook-plotly")')
@pytest.mark.parametrize("name", FIGURE_PAGES)
def test_figure_draws_offline_and_answers_the_mouse(visits, screens, capsys, name):
    v = visits(name)
    page = v.page
    # plotly.js is not loaded until the reader asks for the interactive view
    assert not page.evaluate("() => [...document.scripts].some(s => /plotly/.test(s.src))")
    page.locator(".casebook-figure-explore").first.click()
    page.wait_for_selector(".casebook-figure-interactive .main-svg", timeout=10_000)
    drawn = page.evaluate(
        """() => {
            const gd = document.querySelector('.casebook-figure-interactive');
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
            const gd = document.querySelector('.casebook-figure-interactive');
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
            page.wait_for_selector(".casebook-figure-interactive .hoverlayer .hovertext", timeout=2_000)
            shown = page.locator(".casebook-figure-interactive .hoverlayer").text_content()
        except sync_api.TimeoutError:
            shown = ""
        first_line = html.unescape(re.sub(r"<[^>]+>", "", str(arrow["text"]).split("<br>")[0]))
        if "".join(first_line.split()) not in "".join(shown.split()):
            silent.append(f"{arrow['name']}: expected {first_line!r}, saw {shown[:80]!r}")
        page.mouse.move(1, 1)
    nothing(silent, "arrows of the figure that show no hover text")
    hovered = screens / f"{Path(name).stem}-figure-hover.png"
    page.mouse.move(arrows[0]["x"], arrows[0]["y"])
    page.wait_for_selector(".casebook-figure-interactive .hoverlayer .hovertext", timeout=2_000)
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


# --- what a reader meets at every width, light and dark, with or without JavaScript ----------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _axe(page, axe_source: str) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): "
        + "; ".join(f"{' '.join(n['target'])} → {n['html'][:120]}" for n in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.mark.parametrize(("width", "scheme"), [(1280, "dark"), (390, "light"), (390, "dark")])
def test_axe_finds_no_violation_of_any_impact_at_phone_width_and_in_dark_mode(
    browser, server, axe_source, width, scheme
):
    """WCAG 2.2 A and AA and axe's best practices, every page: zero violations, minor ones
    included (1280 px in light mode: test_page_has_no_accessibility_violation_of_any_impact)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    context.add_init_script(f"localStorage.setItem('theme', '{scheme}'); localStorage.setItem('mode', '{scheme}');")
    found = []
    page = context.new_page()
    try:
        for name in READING:
            page.goto(server + name, wait_until="load")
            assert page.evaluate("() => document.documentElement.dataset.theme") == scheme, name
            found += [f"{name}: {v}" for v in _axe(page, axe_source)]
    finally:
        context.close()
    nothing(found, f"axe-core violations at {width} px, {scheme}")


def test_no_page_scrolls_sideways_on_a_320_px_phone(browser, server):
    """WCAG 1.4.10 (reflow): at 320 CSS pixels no page is wider than the screen; a wide table
    or code block scrolls inside its own box."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    wide = []
    page = context.new_page()
    try:
        for name in READING:
            page.goto(server + name, wait_until="load")
            scroll, client = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll > client:
                wide.append(f"{name}: {scroll} px wide in {client}")
    finally:
        context.close()
    nothing(wide, "pages that scroll sideways at 320 px")


def test_the_evidence_tables_headings_do_not_overlap_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(server + "chapters/evidence.html", wait_until="load")
        page.wait_for_load_state("networkidle")
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('table.casebook-sortable thead th')].map(th => {
                const r = document.createRange(); r.selectNodeContents(th);
                const t = r.getBoundingClientRect(), c = th.getBoundingClientRect();
                return {text: th.textContent.trim(), left: t.left, right: t.right,
                        cellLeft: c.left, cellRight: c.right};
            })"""
        )
        assert len(boxes) == len(TRIANGULATION_COLUMNS)
        spill = [b["text"] for b in boxes if b["left"] < b["cellLeft"] - 0.5 or b["right"] > b["cellRight"] + 0.5]
        assert not spill, f"headings wider than their cells: {spill}"
        first = page.locator("table.casebook-sortable tbody tr > *").first  # "E1", the row's header
        assert first.evaluate("c => c.getClientRects().length === 1 && c.innerText.trim().split('\\n').length === 1")
    finally:
        context.close()


def test_values_pasted_from_the_data_read_as_the_prose_around_them(visits):
    """{glue:text} values (the city, the number of interviews, the years) are not bold."""
    pasted = [p for p in PAGES if 'class="pasted-text"' in (HTML / p).read_text(encoding="utf-8")]
    assert pasted
    bold = []
    for name in pasted:
        bold += visits(name).page.evaluate(
            """() => [...document.querySelectorAll('span.pasted-text')]
                .filter(s => getComputedStyle(s).fontWeight !== getComputedStyle(s.parentElement).fontWeight)
                .map(s => s.textContent)"""
        )
    nothing(bold, "pasted values set apart from the prose")


def test_each_reference_is_shown_once(visits):
    page = visits("chapters/references.html").page
    entries = page.evaluate(
        "() => [...document.querySelectorAll('div.citation')].map(c => [c.querySelectorAll('p').length, c.innerText])"
    )
    assert len(entries) == 57
    assert all(paragraphs == 1 for paragraphs, _ in entries), "an entry holds more than one paragraph"
    texts = [text.strip() for _, text in entries]
    assert len(set(texts)) == len(texts)
    assert page.evaluate("() => document.querySelector('span[lang=it]').textContent") == (
        "Italia Smart. Rapporto Smart City Index 2016"
    )


@pytest.mark.skipif(not FIGURE_PAGES, reason='no page of the build embeds an interactive figure ("casebook-plotly")')
@pytest.mark.parametrize("name", FIGURE_PAGES)
def test_figure_1_is_drawn_without_javascript_and_is_one_described_image(browser, server, name):
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + name, wait_until="load")
        still = page.locator(".casebook-figure-static")
        box = still.bounding_box()
        assert still.is_visible() and box and box["width"] <= 390 and box["height"] > 150
        assert page.locator(".casebook-figure-static svg text").count() > 20  # the drawing's labels, as text
        assert not page.locator(".casebook-figure-explore").is_visible()  # a button that needs a script
        images = page.locator("figure [role=img]:visible")
        assert images.count() == 1, "a screen reader should meet the figure once"
        words = images.first.get_attribute("aria-describedby")
        assert page.locator(f"#{words} li").count() >= 5, "the long description is the list in words"
        assert len(images.first.get_attribute("aria-label")) < 800
    finally:
        context.close()


@pytest.mark.skipif(not FIGURE_PAGES, reason='no page of the build embeds an interactive figure ("casebook-plotly")')
def test_every_button_of_the_interactive_figure_stays_on_the_machine(browser, server):
    """plotly's modebar: no "share" or cloud button; clicking each button asks nothing of the outside world."""
    v = Visit(browser, server, server + FIGURE_PAGES[0])
    try:
        page = v.page
        page.locator(".casebook-figure-explore").first.click()
        page.wait_for_selector(".casebook-figure-interactive .modebar-btn", state="attached", timeout=10_000)
        titles = page.evaluate(
            "() => [...document.querySelectorAll('.casebook-figure-interactive .modebar-btn')]"
            ".map(b => b.getAttribute('data-title'))"
        )
        assert titles and not any(re.search(r"cloud|share|chart studio", t or "", re.I) for t in titles), titles
        popups = []
        page.on("popup", lambda p: popups.append(p.url))
        for i in range(len(titles)):
            page.locator(".casebook-figure-interactive .modebar").first.hover()
            page.locator(".casebook-figure-interactive .modebar-btn").nth(i).click()
        page.wait_for_timeout(500)
        nothing(v.external + popups, "requests or windows outside the machine from the modebar")
    finally:
        v.close()


def test_the_site_declares_its_icon_and_serves_it(visits, fetch, server):
    page = visits("chapters/index.html").page
    icon = page.evaluate("() => document.querySelector('link[rel~=icon]')?.href")
    assert icon and icon.startswith(server)
    assert fetch(icon)[0] == 200


# --- the theme's features, with its scripts deferred and its icons a cut font (assets.py) -----------


def test_the_download_menu_opens_with_the_page_source_and_its_pdf(browser, server):
    v = Visit(browser, server, server + "chapters/index.html")
    try:
        page = v.page
        menu = page.locator(".dropdown-download-buttons .dropdown-menu")
        assert not menu.is_visible()
        page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
        menu.wait_for(state="visible", timeout=2_000)
        items = menu.locator(".dropdown-item").all_inner_texts()
        assert [t.strip() for t in items] == [".md", ".pdf"], items
        nothing(v.external + v.errors, "requests outside the machine or errors with the download menu")
    finally:
        v.close()


def test_the_theme_switch_turns_the_page_dark_and_back(browser, server):
    v = Visit(browser, server, server + "chapters/index.html")
    try:
        page = v.page
        themes = []
        for _ in range(3):  # the theme's cycle from light: auto (light here), dark, light
            page.locator(".theme-switch-button:visible").first.click()
            themes.append(page.evaluate("() => document.documentElement.dataset.theme"))
        assert themes == ["light", "dark", "light"]
        nothing(v.external + v.errors, "requests outside the machine or errors with the theme switch")
    finally:
        v.close()


def test_a_page_opened_from_the_file_system_is_styled_shows_its_icons_and_turns_dark(browser):
    """The release zip's site, opened as files: the stylesheet applies, the icon font inside it
    draws the header's icons, the deferred scripts run (the theme switch works), nothing fails."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    outside, errors = [], []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:"))
            else (outside.append(route.request.url), route.abort("blockedbyclient"))
        ),
    )
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((HTML / "chapters" / "index.html").resolve().as_uri(), wait_until="load")
        page.evaluate("() => document.fonts.ready")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.bd-header-article')).display") == "flex"
        icon = page.locator(".bd-header-article .fa-download").first
        assert icon.evaluate("i => getComputedStyle(i, '::before').content") != "none"
        loaded = page.evaluate("() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
        assert any("Font Awesome" in family for family in loaded), loaded  # the inline font, used
        assert icon.bounding_box()["width"] > 8  # a glyph, not an empty inline box
        page.locator(".theme-switch-button:visible").first.click()
        page.locator(".theme-switch-button:visible").first.click()
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        nothing(outside + errors, "requests outside the files or errors from file://")
    finally:
        context.close()
