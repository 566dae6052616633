"""How much a built page weighs: the bytes of its HTML and of every local file it makes the
browser fetch (stylesheets, scripts, preloads, images, and what the stylesheets pull in with
``url(...)``). The theme's files, fetched by every page and cached after the first, count once,
apart; a page's own weight is its HTML plus what it loads beyond them."""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

KB = 1024
TEXT_BUDGET = 200 * KB
"""What a text page may weigh of its own."""
FIGURE_EXTRA = 100 * KB
"""What the Figure 1 page may weigh of its own beyond plotly.js."""
FIGURE_OWN = 1536 * KB
"""What the Figure 1 page may weigh of its own, plotly.js included."""
FIRST_VISIT = 400 * KB
"""What a first visit to a page may transfer, as GitHub Pages sends it (text gzip-compressed):
issue 26's budget, the Figure 1 page's included (plotly.js comes only when the reader asks)."""
FIGURE_FIRST_VISIT = 1600 * KB
"""The Figure 1 page's first visit with its interactive view (plotly.js) fetched too."""
SHARED_BUDGET = 300 * KB
"""What the files every page shares may weigh, uncompressed (2.5 MB with fontawesome.js)."""
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}
"""What GitHub Pages sends gzip-compressed."""
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
    """Every local file the page makes the browser fetch."""
    tree = lxml_html.fromstring(page.read_bytes())
    found: set[Path] = set()
    for reference in tree.xpath(RESOURCES):
        if path := local(reference, page):
            found.add(path)
            if path.suffix == ".css" and path.is_file():
                found |= css_resources(path)
    return found


def pages(html: Path) -> list[Path]:
    """The built site's pages (not its assets, nor the pages that only redirect)."""
    found = [p for p in sorted(html.rglob("*.html")) if not p.relative_to(html).parts[0].startswith("_")]
    return [p for p in found if 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")[:2000]]


def size(paths: set[Path] | frozenset[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def weights(site: dict[Path, set[Path]]) -> tuple[set[Path], dict[Path, int]]:
    """The files every page fetches (the theme), and each page's own weight in bytes."""
    shared = set.intersection(*site.values())
    return shared, {page: page.stat().st_size + size(found - shared) for page, found in site.items()}


def first_visit(page: Path, found: set[Path]) -> int:
    """Every byte a first visit to the page fetches: its HTML and all its local resources."""
    return page.stat().st_size + size(found)


@cache
def sent(path: Path) -> int:
    """The bytes a server like GitHub Pages sends for a file: gzip-compressed if it is text."""
    data = path.read_bytes()
    return len(gzip.compress(data, compresslevel=6, mtime=0)) if path.suffix in COMPRESSED else len(data)


def first_visit_sent(page: Path, found: set[Path]) -> int:
    """A first visit to the page as sent: its HTML and all its local resources, compressed."""
    return sent(page) + sum(sent(r) for r in found)
