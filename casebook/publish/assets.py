"""What a page makes the browser fetch: one small stylesheet, deferred scripts, no icon script.

The theme (pydata-sphinx-theme under sphinx-book-theme) and the extensions link ten
stylesheets and ten scripts in each page's ``<head>``, all blocking its first paint, plus
Font Awesome's icon script (1.45 MB) and a search index that only the search page reads.
Through the theme's template blocks (``templates/layout.html``, ``templates/search.html``)
and this module's two hooks, a page instead loads:

- ``casebook-site.css``, every stylesheet of the theme and the extensions in their order,
  cut to the rules the site uses, with the icons' font inside (:mod:`.stylesheet`), written
  once a build (``build-finished``) and cached by the browser for every page;
- the same scripts as before, deferred (they run after the page is parsed, in order), less
  those of features the page does not have: the copy button (no code block), the toggle
  button (no toggled block), sphinx-design's tabs (no tabs);
- no ``fontawesome.js``: the icons are the theme's own CSS classes on the cut font;
- the search scripts and index on the search page only, deferred there too (the search
  field of every page sends its query to that page, as the theme does without
  ``search_as_you_type``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript
from sphinx.util import logging

from .. import files
from . import stylesheet
from .stylesheet import bundle, vocabulary

logger = logging.getLogger(__name__)

STYLESHEET = "casebook-site.css"
"""The one stylesheet of every page, in ``_static``."""
THEME_STYLESHEETS = ("_static/styles/theme.css", "_static/styles/pydata-sphinx-theme.css")
"""What pydata-sphinx-theme links first from its ``webpack-macros.html`` (layout.html's
``css`` block no longer does): they open the bundle, before the extensions' stylesheets."""
MANIFEST = "casebook-site.json"
"""Beside the doctrees: the stylesheets the bundle is made of and the key of its last writing."""

# A feature: its scripts, what its inline lines of script set, and what a page's body holds
# when the page has the feature.
FEATURES = {
    "copy button": (("clipboard.min.js", "copybutton.js"), None, re.compile(r'class="[^"]*\bhighlight\b')),
    "toggle button": (
        ("togglebutton.js",),
        re.compile(r"\btoggle(HintShow|HintHide|OpenOnPrint|buttonSelector)\b"),
        re.compile(r'class="[^"]*\b(toggle|dropdown)\b'),
    ),
    "tabs": (("design-tabs.js",), None, re.compile(r'class="[^"]*\bsd-tab-set\b')),
}


def _local(filename: object) -> bool:
    parts = urlsplit(str(filename))
    return not (parts.scheme or parts.netloc)


def _unused(script: _JavaScript, body: str) -> bool:
    """Whether the script (a file or an inline line) serves a feature the page's body lacks."""
    name = Path(str(script.filename or "")).name
    inline = script.attributes.get("body", "") if not script.filename else ""
    return any(
        (name in files_ if name else bool(sets and sets.search(inline))) and not present.search(body)
        for files_, sets, present in FEATURES.values()
    )


def page_scripts(scripts: list[_JavaScript], body: str) -> list[_JavaScript]:
    """The page's scripts, deferred, less those of features its body does not have. A line of
    inline script that uses ``DOCUMENTATION_OPTIONS`` (set by the deferred
    documentation_options.js) becomes a module script, which runs in order with them."""
    kept = []
    for script in scripts:
        filename = str(script.filename or "")
        attributes = dict(script.attributes)
        if _unused(script, body):
            continue
        if filename:
            if "async" not in attributes and attributes.get("type") != "module":
                attributes["defer"] = "defer"
        elif "DOCUMENTATION_OPTIONS" in attributes.get("body", ""):
            attributes["type"] = "module"
        kept.append(_JavaScript(script.filename, priority=script.priority, **attributes))
    return kept


def _sources(css_files: list[Any]) -> list[str]:
    """The stylesheets the bundle is made of (paths in the site), in the order a page links
    them. Some are written only at the end of the build (myst-nb's), so none is looked for here."""
    linked = sorted((c for c in css_files if getattr(c, "filename", None)), key=lambda c: c.priority)
    return [n for n in (*THEME_STYLESHEETS, *(str(c.filename) for c in linked)) if _local(n)]


def page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context`` (after the hooks that add scripts): the stylesheet and the scripts
    the page loads (the templates link ``casebook_stylesheet`` in place of the theme's). The
    link carries no ``?v=`` checksum, which would differ between a clean build (the file is
    written after the pages) and an incremental one: a browser revalidates it as any page."""
    if app.builder.format != "html":
        return
    state = _state(app)
    if state.get("sources") is None:
        state["sources"] = _sources(context.get("css_files", []))
    bundled = set(state["sources"])
    context["css_files"] = [c for c in context.get("css_files", []) if str(getattr(c, "filename", c)) not in bundled]
    context["casebook_stylesheet"] = f"_static/{STYLESHEET}"
    context["script_files"] = page_scripts(list(context.get("script_files", [])), context.get("body", ""))


def _state(app: Sphinx) -> dict[str, Any]:
    if getattr(app, "_casebook_assets", None) is None:
        app._casebook_assets = {}  # type: ignore[attr-defined]
    return app._casebook_assets  # type: ignore[attr-defined]


SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc="([^"?#]+)""")


def _site(outdir: Path) -> tuple[list[str], dict[str, str]]:
    """The site's pages (HTML) and every local script they load (file name: source)."""
    pages = [p for p in sorted(outdir.rglob("*.html")) if not p.relative_to(outdir).parts[0].startswith("_")]
    texts = [p.read_text(encoding="utf-8") for p in pages]
    scripts: set[Path] = set()
    for page, text in zip(pages, texts, strict=True):
        for src in SCRIPT_SRC.findall(text):
            if _local(src):
                scripts.add((page.parent / src).resolve())
    return texts, {s.name: s.read_text(encoding="utf-8", errors="replace") for s in sorted(scripts) if s.is_file()}


def write_stylesheet(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: ``_static/casebook-site.css`` from the theme's and the extensions'
    stylesheets and the classes of the pages as written (all of them, also those an
    incremental build left alone); rewritten only when its inputs or the pages' classes changed."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    manifest = Path(app.doctreedir) / MANIFEST
    sources = _state(app).get("sources")
    if sources is None:  # no page written this time: the bundle's sources are those of the last build
        try:
            sources = json.loads(manifest.read_text(encoding="utf-8"))["sources"]
        except (OSError, ValueError, KeyError):
            return
    pages, scripts = _site(outdir)
    used = vocabulary(pages, scripts)
    inputs = b"".join((outdir / n).read_bytes() for n in sources if (outdir / n).is_file())
    key = files.sha256(
        inputs + json.dumps([sorted(used.words), sorted(used.prefixes), Path(stylesheet.__file__).read_text()]).encode()
    )
    target = static / STYLESHEET
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    if target.is_file() and previous.get("key") == key:
        return
    css = bundle([outdir / n for n in sources], static, used)
    files.write(target, css.encode("utf-8"))
    manifest.parent.mkdir(parents=True, exist_ok=True)  # a build that read no page may not have made it
    manifest.write_text(json.dumps({"sources": sources, "key": key}, indent=1) + "\n", encoding="utf-8")
    logger.info(
        f"[casebook] {STYLESHEET}: {len(css) // 1024} KB from {len(sources)} stylesheets ({len(inputs) // 1024} KB)"
    )


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", page_assets, priority=900)
    app.connect("build-finished", write_stylesheet, priority=900)  # after myst-nb copies its stylesheet
