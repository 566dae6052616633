"""The site's one stylesheet (casebook/publish/stylesheet.py): a rule stays when the site can
use it, nothing else changes. Fast: small stylesheets and fonts made here, no build."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from casebook.publish.stylesheet import bundle, rebase, selector_used, vocabulary

PAGE = '<p class="note shown" id="top">x</p><script>el.classList.add("opened"); x = "kind-" + k;</script>'


def trimmed(tmp_path: Path, css: str, page: str = PAGE, scripts: dict[str, str] | None = None) -> str:
    sheet = tmp_path / "sheet.css"
    sheet.write_text(css, encoding="utf-8")
    return bundle([sheet], tmp_path, vocabulary([page], scripts or {}))


def test_a_rule_stays_only_when_every_class_and_id_it_names_is_in_the_site(tmp_path) -> None:
    css = ".note{color:red}.absent{color:blue}.note .absent{color:green}#top{margin:0}#gone{margin:1px}"
    assert trimmed(tmp_path, css) == ".note{color:red}\n#top{margin:0}\n"


def test_a_list_of_selectors_keeps_the_selectors_the_site_can_use(tmp_path) -> None:
    assert trimmed(tmp_path, ".absent,.note>p,h1{font-weight:700}") == ".note>p,h1{font-weight:700}\n"


def test_classes_a_script_adds_keep_their_rules(tmp_path) -> None:
    """The page's inline script adds "opened" and builds "kind-<something>"; a loaded script "shut"."""
    css = ".opened{display:block}.kind-title{color:red}.shut{display:none}.other{color:blue}"
    assert trimmed(tmp_path, css, scripts={"menu.js": 'b.classList.toggle("shut")'}) == (
        ".opened{display:block}\n.kind-title{color:red}\n.shut{display:none}\n"
    )


def test_what_sits_in_parentheses_or_brackets_is_not_read() -> None:
    used = vocabulary([PAGE], {})
    assert selector_used(".note:not(.absent)", used)  # matches precisely because .absent is absent
    assert selector_used("html[data-theme=dark] .note", used)
    assert selector_used('a[href$=".pdf"]', used)
    assert not selector_used(":is(.note) .absent", used)


def test_rules_inside_media_queries_are_trimmed_and_an_empty_query_goes(tmp_path) -> None:
    css = "@media (min-width:960px){.note{float:left}.absent{float:right}}@media print{.absent{display:none}}"
    assert trimmed(tmp_path, css) == "@media (min-width:960px){.note{float:left}}\n"


def test_a_custom_property_nothing_reads_goes(tmp_path) -> None:
    """--used is read by a rule, --chain through --used, --script by a page's script; --idle by nothing."""
    css = ":root{--used:var(--chain);--chain:red;--idle:blue;--script:0}.note{color:var(--used)}"
    page = PAGE + "<script>getComputedStyle(x).getPropertyValue('--script')</script>"
    assert (
        trimmed(tmp_path, css, page) == ":root{--used:var(--chain);--chain:red;--script:0}\n.note{color:var(--used)}\n"
    )


def test_imports_come_in_place_and_urls_follow_the_rules(tmp_path) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "base.css").write_text(".note{background:url(img/dot.png)}", encoding="utf-8")
    theme = tmp_path / "styles" / "theme.css"
    theme.write_text('@import "../base.css";.note{background:url("../img/x.svg#a")}', encoding="utf-8")
    out = bundle([theme], tmp_path, vocabulary([PAGE], {}))
    assert out == '.note{background:url("img/dot.png")}\n.note{background:url("img/x.svg#a")}\n'


def test_rebase_leaves_data_and_remote_addresses_alone(tmp_path) -> None:
    css = 'a{b:url(data:image/svg+xml;x);c:url("https://example.org/x.png");d:url(../f.png)}'
    assert rebase(css, tmp_path / "styles", tmp_path) == (
        'a{b:url(data:image/svg+xml;x);c:url("https://example.org/x.png");d:url("f.png")}'
    )


def font(path: Path, codepoints: list[int]) -> Path:
    """A small TrueType font with a square glyph at each code point."""
    names = [".notdef", *(f"g{c:x}" for c in codepoints)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({c: f"g{c:x}" for c in codepoints})
    pen = TTGlyphPen(None)
    pen.moveTo((100, 100))
    pen.lineTo((100, 900))
    pen.lineTo((900, 900))
    pen.closePath()
    square = pen.glyph()
    builder.setupGlyf({name: square for name in names})
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=900, descent=-100)
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))
    return path


def inline_fonts(css: str) -> list[TTFont]:
    return [
        TTFont(io.BytesIO(base64.b64decode(data)))
        for data in re.findall(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", css)
    ]


def test_an_icon_font_keeps_only_the_glyphs_of_the_icons_the_site_shows_inline(tmp_path) -> None:
    font(tmp_path / "icons.ttf", [0xF0C9, 0xF186, 0xF185])
    css = (
        '@font-face{font-family:Icons;font-display:block;src:url(icons.ttf) format("truetype")}'
        '.fa-bars:before{content:"\\f0c9"}.fa-moon:before{content:"\\f186"}'
        ':root{--icon-sun:"\\f185"}.note:after{content:var(--icon-sun)}'
    )
    out = trimmed(tmp_path, css, '<i class="fa-bars"></i>' + PAGE)
    assert "icons.ttf" not in out and ".fa-moon" not in out
    (shipped,) = inline_fonts(out)
    assert set(shipped.getBestCmap()) == {0xF0C9, 0xF185}  # the bars, and the sun a kept rule reads
    assert "font-display:block" in out and "font-family:Icons" in out
    assert '.fa-bars:before{content:"\\f0c9 "}' in out and out.isascii()  # the glyph escaped, as written


def test_an_icon_font_the_site_does_not_use_goes_and_a_text_font_stays_whole(tmp_path) -> None:
    font(tmp_path / "icons.ttf", [0xF0C9])
    font(tmp_path / "text.ttf", [ord(c) for c in "abc"])
    css = (
        "@font-face{font-family:Icons;src:url(icons.ttf)}.fa-bars:before{content:'\\f0c9'}"
        '@font-face{font-family:Text;src:url("text.ttf")}.note{font-family:Text}'
    )
    out = trimmed(tmp_path, css)
    assert "Icons" not in out and not inline_fonts(out)
    assert '@font-face{font-family:Text;src:url("text.ttf")}' in out


@pytest.mark.parametrize("broken", ["", "/* only a comment */", ".note{color:red"])
def test_an_empty_or_unfinished_stylesheet_gives_what_it_can(tmp_path, broken) -> None:
    out = trimmed(tmp_path, broken)
    assert out in ("\n", ".note{color:red}\n")
