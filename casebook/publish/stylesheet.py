"""One small stylesheet for the whole site: the theme's and the extensions' CSS, only the rules
its pages can use, and the icon font cut down to the icons they show.

The theme and the extensions link ten stylesheets, about 550 KB, that block every page's first
paint; most of it styles what the book never shows (Bootstrap's carousels and toasts, the
~2,000 Font Awesome icon classes, sphinx-design's cards). :func:`bundle` keeps a rule when
each class and id its selectors name occurs in the site: in a page's ``class``/``id``
attributes or inline scripts, or in a script a page loads (a script may add the class later,
so a word of the script counts, as PurgeCSS counts them). Element, attribute and
pseudo-class selectors are kept as they are, and so is what sits in parentheses (``:not(.x)``
matches when ``.x`` is absent). The icon font (Font Awesome's, 156 KB, fetched by every page
through the theme's icon script or its CSS) keeps only the glyphs that the kept rules name,
and travels inside the stylesheet as a data URL: no font request, no late icon.

Pure functions of files, so the build (:mod:`.assets`) and the tests call the same code.
"""

from __future__ import annotations

import base64
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tinycss2
from tinycss2.ast import AtRule, Declaration, FunctionBlock, Node, QualifiedRule, StringToken, URLToken

ICONS = range(0xE000, 0xF900)
"""Unicode's private use area, where icon fonts put their glyphs."""

CLASS_OR_ID = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")
ATTRIBUTE = re.compile(r"""\b(?:class|id)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
WORD = re.compile(r"[A-Za-z_][\w-]*")
PROPERTY = re.compile(r"--[A-Za-z_][\w-]*")
URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
NESTED = {"media", "supports", "layer", "container", "document"}


@dataclass
class Vocabulary:
    """The class names and ids the site can show: words, and prefixes a script completes
    (``"kind-" + kind``, ``` `bs-tooltip-${placement}` ```)."""

    words: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    properties: set[str] = field(default_factory=set)  # custom properties (--x) a page or a script names

    def __contains__(self, name: str) -> bool:
        return name in self.words or any(name.startswith(p) for p in self.prefixes)

    def add_page(self, html: str) -> None:
        self.properties.update(PROPERTY.findall(html))
        for double, single in ATTRIBUTE.findall(html):
            self.words.update((double or single).split())
        for script in INLINE_SCRIPT.findall(html):
            self.add_script(script)

    def add_script(self, source: str) -> None:
        self.properties.update(PROPERTY.findall(source))
        for word in WORD.findall(source):
            (self.prefixes if word.endswith("-") else self.words).add(word)


def vocabulary(pages: Iterable[str], scripts: dict[str, str]) -> Vocabulary:
    """What the site's pages (their HTML) and the scripts they load (file name: source) can name."""
    found = Vocabulary()
    for page in pages:
        found.add_page(page)
    for source in scripts.values():
        found.add_script(source)
    return found


def selector_used(selector: str, used: Vocabulary) -> bool:
    """Whether a complex selector can match: every class and id it names is in the site.
    Parenthesised arguments (``:not(.x)``, ``:is(...)``) and attribute values are not read."""
    bare = selector
    while (inner := re.sub(r"\([^()]*\)", "", bare)) != bare:
        bare = inner
    bare = re.sub(r"\[[^\]]*\]", "", bare)
    return all(name in used for name in CLASS_OR_ID.findall(bare))


def _selectors(prelude: list[Node]) -> list[str]:
    parts: list[list[Node]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return [tinycss2.serialize(part).strip() for part in parts]


def _text(tokens: list[Node]) -> str:
    return tinycss2.serialize([t for t in tokens if t.type != "comment"]).strip()


def rebase(css: str, source: Path, target: Path) -> str:
    """``css`` from a file in folder ``source``, with its relative url(...)s made relative to ``target``."""

    def move(match: re.Match[str]) -> str:
        address = match[2].strip()
        if re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", address, re.I):  # data:, http:, /root, #fragment
            return match[0]
        moved = os.path.relpath(os.path.normpath(source / address.split("?")[0].split("#")[0]), target)
        rest = address[len(address.split("?")[0].split("#")[0]) :]
        return f'url("{Path(moved).as_posix()}{rest}")'

    return URL.sub(move, css)


@dataclass
class _FontFace:
    rule: AtRule
    folder: Path


@dataclass
class _Declaration:
    name: str  # as written: custom property names are case-sensitive
    text: str
    reads: frozenset[str]  # the custom properties its value reads, var(--x)
    icons: frozenset[int]  # the icon glyphs its strings name

    @property
    def custom(self) -> bool:
        return self.name.startswith("--")


@dataclass
class _Rule:
    selectors: list[str]
    body: list[_Declaration | str]  # a nested rule is kept whole, as text
    folder: Path


@dataclass
class _Block:
    head: str  # "@media (min-width: 960px)"
    children: list[_Rule | _Block | str]


def _walk(tokens: Iterable[Node]) -> Iterable[Node]:
    for token in tokens:
        yield token
        if isinstance(token, FunctionBlock):
            yield from _walk(token.arguments)
        elif getattr(token, "content", None) is not None:
            yield from _walk(token.content)


def _declaration(item: Node) -> _Declaration | str | None:
    if isinstance(item, Declaration):
        value = tinycss2.serialize([t for t in item.value if t.type != "comment"])
        value = value.strip() or " "  # an empty custom property keeps its one space
        important = "!important" if item.important else ""
        tokens = list(_walk(item.value))
        reads = {
            first.value
            for f in tokens
            if isinstance(f, FunctionBlock) and f.lower_name == "var"
            for first in [next((a for a in f.arguments if a.type == "ident"), None)]
            if first is not None and first.value.startswith("--")
        }
        icons = {ord(c) for s in tokens if isinstance(s, StringToken) for c in s.value if ord(c) in ICONS}
        return _Declaration(item.name, f"{item.name}:{value}{important}", frozenset(reads), frozenset(icons))
    if isinstance(item, QualifiedRule | AtRule):
        return tinycss2.serialize([item]).strip()
    return None  # a parse error: browsers drop it too


@dataclass
class _Trim:
    """The rules of the stylesheets the site can use, as a tree (:func:`bundle` renders it)."""

    used: Vocabulary
    target: Path  # the folder of the bundle
    items: list[_Rule | _Block | _FontFace | str] = field(default_factory=list)

    def sheet(self, path: Path, seen: frozenset[Path] = frozenset()) -> None:
        """Every rule of the stylesheet at ``path`` the site can use (its @imports in place)."""
        if path in seen or not path.is_file():
            return
        rules = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
        for rule in rules:
            if isinstance(rule, AtRule) and rule.lower_at_keyword == "import":
                for address in [t.value for t in rule.prelude if isinstance(t, URLToken | StringToken)][:1]:
                    self.sheet((path.parent / address).resolve(), seen | {path})
            elif isinstance(rule, AtRule) and rule.lower_at_keyword == "font-face":
                self.items.append(_FontFace(rule, path.parent))
            elif not (isinstance(rule, AtRule) and rule.lower_at_keyword == "charset"):
                if (kept := self.rule(rule, path.parent)) is not None:
                    self.items.append(kept)

    def rule(self, rule: Node, folder: Path) -> _Rule | _Block | str | None:
        if isinstance(rule, QualifiedRule):
            kept = [s for s in _selectors(rule.prelude) if selector_used(s, self.used)]
            if not kept:
                return None
            contents = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            body = [d for d in map(_declaration, contents) if d is not None]
            return _Rule(kept, body, folder)
        if isinstance(rule, AtRule) and rule.lower_at_keyword in NESTED and rule.content is not None:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            children = [k for r in inner if (k := self.rule(r, folder)) is not None]
            return _Block(f"@{rule.at_keyword} {_text(rule.prelude)}", children) if children else None
        if isinstance(rule, AtRule):  # @keyframes, @page, @property, @layer a, b; ...: kept whole
            return rebase(tinycss2.serialize([rule]).strip(), folder, self.target)
        return None

    def declarations(self, items: Iterable[_Rule | _Block | _FontFace | str] | None = None) -> Iterable[_Declaration]:
        for item in self.items if items is None else items:
            if isinstance(item, _Rule):
                yield from (d for d in item.body if isinstance(d, _Declaration))
            elif isinstance(item, _Block):
                yield from self.declarations(item.children)

    def properties_read(self) -> set[str]:
        """The custom properties something reads: the site's pages and scripts, any other
        declaration, and (until nothing changes) the custom properties those read."""
        declarations = list(self.declarations())
        read = set(self.used.properties)
        read |= {name for d in declarations if not d.custom for name in d.reads}
        while True:
            more = read | {name for d in declarations if d.custom and d.name in read for name in d.reads}
            if more == read:
                return read
            read = more


def _render(items: Iterable[_Rule | _Block | str], keep: set[str], target: Path) -> list[str]:
    out = []
    for item in items:
        if isinstance(item, _Rule):
            body = [
                d if isinstance(d, str) else d.text
                for d in item.body
                if isinstance(d, str) or not d.custom or d.name in keep
            ]
            if body:
                out.append(rebase(",".join(item.selectors) + "{" + ";".join(body) + "}", item.folder, target))
        elif isinstance(item, _Block):
            if inner := _render(item.children, keep, target):
                out.append(item.head + "{" + "".join(inner) + "}")
        else:
            out.append(item)
    return out


def _font_sources(face: _FontFace) -> list[Path]:
    declarations = tinycss2.parse_blocks_contents(face.rule.content or [], skip_comments=True, skip_whitespace=True)
    found: list[Path] = []
    for declaration in declarations:
        if getattr(declaration, "lower_name", "") != "src":
            continue
        for token in declaration.value:
            address = None
            if isinstance(token, URLToken):
                address = token.value
            elif isinstance(token, FunctionBlock) and token.lower_name == "url":
                address = next((t.value for t in token.arguments if isinstance(t, StringToken)), None)
            if address and not re.match(r"^[a-z][a-z0-9+.-]*:", address, re.I):
                found.append(face.folder / address.split("?")[0].split("#")[0])
    return found


def _readable(path: Path) -> bool:
    if path.suffix == ".woff2":
        try:
            import brotli  # noqa: F401  # deferred: optional; fontTools reads WOFF2 with it
        except ImportError:
            return False
    return path.suffix in (".ttf", ".otf", ".woff", ".woff2") and path.is_file()


def icon_font(face: _FontFace, icons: set[int], target: Path) -> str:
    """The @font-face rule of an icon font with only the glyphs in ``icons``, inline as a WOFF
    data URL; "" when the site shows none of its glyphs. Any other font is kept as it is."""
    from fontTools import subset  # deferred: only a build that subsets an icon font needs fontTools
    from fontTools.ttLib import TTFont  # deferred: as above

    original = tinycss2.serialize([face.rule]).strip()
    sources = [p for p in _font_sources(face) if _readable(p)]
    if not sources:
        return rebase(original, face.folder, target)
    font = TTFont(str(sources[0]), recalcTimestamp=False)
    mapped = set(font.getBestCmap() or {})
    if not mapped or sum(c in ICONS for c in mapped) < len(mapped) / 2:
        return rebase(original, face.folder, target)  # a text font: the pages' text would need it
    keep = icons & mapped
    if not keep:
        return ""
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = []
    options.name_IDs = [1, 2]  # the family and style names; the rest of the naming table goes
    options.notdef_outline = True
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=sorted(keep))
    cutter.subset(font)
    font.flavor = "woff"
    data = io.BytesIO()
    font.save(data)
    declarations = tinycss2.parse_blocks_contents(face.rule.content or [], skip_comments=True, skip_whitespace=True)
    kept = [
        f"{d.name}:{_text(d.value)}{'!important' if d.important else ''}"
        for d in declarations
        if getattr(d, "lower_name", "src") != "src"
    ]
    url = "data:font/woff;base64," + base64.b64encode(data.getvalue()).decode("ascii")
    return "@font-face{" + ";".join([*kept, f'src:url({url}) format("woff")']) + "}"


def bundle(stylesheets: Iterable[Path], target: Path, used: Vocabulary) -> str:
    """The stylesheets, in order, as one for a file in folder ``target``: only the rules the
    site can use, their relative urls rebased; custom properties nothing reads are left out
    and icon fonts cut to the glyphs the rest names."""
    target = Path(target).resolve()
    trim = _Trim(used, target)
    for sheet in stylesheets:
        trim.sheet(Path(sheet).resolve())
    read = trim.properties_read()
    icons = {c for d in trim.declarations() if not d.custom or d.name in read for c in d.icons}
    parts = []
    for item in trim.items:
        if isinstance(item, _FontFace):
            parts.append(icon_font(item, icons, target))
        else:
            parts += _render([item], read, target)
    return ascii_only("\n".join(p for p in parts if p) + "\n")


def ascii_only(css: str) -> str:
    """Non-ASCII characters (icon glyphs in ``content`` strings) as CSS escapes: the file reads
    the same whatever encoding a server or the file system announces for it."""
    return re.sub(r"[^\x00-\x7f]", lambda m: f"\\{ord(m[0]):x} ", css)
