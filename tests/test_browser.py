"""The built site in a real browser (Debian's Chromium, driven by Playwright), offline:
no request leaves the machine, no console errors, every image and link works, Figure 1
draws, search works, and axe-core finds no serious or critical accessibility problem."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from lxml import html as lxml_html

from conftest import HTML

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def site_pages() -> list[str]:
    """Every page of the built site, as paths relative to its root."""
    if not (HTML / "index.html").exists():
        return []
    return sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html") if "_static" not in p.parts)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        pytest.skip(f"{HTML} is not built (make book)")
    handler = functools.partial(QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt.txt)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    axe = pytest.importorskip("axe_playwright_python")
    return (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


class Visit:
    """One page loaded with the network closed: what it asked for and what it reported."""

    def __init__(self, browser, url: str):
        self.external: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(300)  # let deferred scripts run and report

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def visits(server, browser):
    """Each page of the site, loaded once and shared by the checks below."""
    pages = site_pages()
    loaded = {name: Visit(browser, server + name) for name in pages}
    yield loaded
    for visit in loaded.values():
        visit.close()


def test_the_site_has_the_pages_of_the_book(visits):
    names = set(visits)
    for chapter in ("chapters/index.html", "chapters/05-institutional-work.html", "chapters/06-discussion.html",
                    "chapters/references.html", "search.html"):
        assert chapter in names


def test_no_page_asks_for_anything_outside_the_machine(visits):
    external = {name: v.external for name, v in visits.items() if v.external}
    assert external == {}


def test_no_page_logs_a_console_error(visits):
    errors = {name: v.errors for name, v in visits.items() if v.errors}
    assert errors == {}


def test_every_image_loads(visits):
    broken = {}
    for name, v in visits.items():
        bad = v.page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
        if bad:
            broken[name] = bad
    assert broken == {}


def test_every_internal_link_and_anchor_resolves(visits, server):
    targets: dict[str, set[str]] = {}
    for name, v in visits.items():
        for href in v.page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            if href.startswith(server):
                url, fragment = urldefrag(href)
                targets.setdefault(url, set()).add(fragment)
    missing = []
    for url, fragments in sorted(targets.items()):
        path = HTML / url[len(server):]
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            missing.append(url)
            continue
        if path.suffix != ".html":
            continue
        ids = set(lxml_html.fromstring(path.read_bytes()).xpath("//@id"))
        missing += [f"{url}#{f}" for f in sorted(fragments) if f and f not in ids]
    assert missing == []


def test_figure1_draws_offline_and_shows_hover_text(visits, tmp_path_factory):
    v = visits["chapters/06-discussion.html"]
    assert v.external == [] and v.errors == []
    page = v.page
    page.wait_for_selector(".casebook-plotly .main-svg", timeout=10_000)
    shapes = page.evaluate("() => document.querySelectorAll('.casebook-plotly .main-svg path').length")
    assert shapes > 30  # boxes, arrows, arrowheads, legend
    figure = page.locator("#figure-1")
    figure.scroll_into_view_if_needed()
    shot = tmp_path_factory.mktemp("screens") / "figure1.png"
    figure.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    print(f"Figure 1 screenshot: {shot}")
    hover = page.evaluate(
        """() => {
            const gd = document.querySelector('.casebook-plotly .plotly-graph-div');
            const i = gd.data.findIndex(t => t.name === 'foundations-capacity');
            Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: 0}]);
            return document.querySelector('.casebook-plotly .hoverlayer').textContent;
        }"""
    )
    assert "Joint elaboration of projects" in hover


def test_downloads_offered_by_the_site_work(visits, server):
    v = visits["chapters/index.html"]
    hrefs = v.page.evaluate("() => [...document.querySelectorAll('.casebook-downloads a')].map(a => a.href)")
    magic = {".pdf": b"%PDF", ".qdpx": b"PK", ".zip": b"PK"}
    assert sorted(h.rsplit(".", 1)[1] for h in hrefs) == ["pdf", "qdpx", "zip"]
    for href in hrefs:
        response = v.context.request.get(href)
        assert response.status == 200, href
        assert response.body().startswith(magic["." + href.rsplit(".", 1)[1]]), href


def test_search_works_offline(browser, server):
    v = Visit(browser, urljoin(server, "search.html?q=institutional"))
    try:
        v.page.wait_for_selector("#search-results li", timeout=10_000)
        assert v.page.locator("#search-results li").count() >= 3
        assert v.external == [] and v.errors == []
    finally:
        v.close()


def test_no_serious_or_critical_accessibility_violations(visits, axe_source):
    found = {}
    for name, v in visits.items():
        v.page.add_script_tag(content=axe_source)
        result = v.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [
            f"{x['id']} ({x['impact']}): {', '.join(n['target'][0] for n in x['nodes'][:3])}"
            for x in result["violations"] if x["impact"] in ("serious", "critical")
        ]
        if bad:
            found[name] = bad
    assert found == {}
