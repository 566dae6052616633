"""Which characters a cell may hold: look-alike letters, mixed scripts, invisible characters.

Three rules, after Unicode's security mechanisms (UTS #39) applied per cell kind:

- **identifiers** (ids and the columns that refer to them) are ASCII; a letter from
  another script that looks Latin (Cyrillic ``В`` for ``B``) is named with its twin;
- **any text** may be written in any script, but a *word* whose letters come from
  scripts that never share a word is refused: ``rhеtoric`` with a Cyrillic ``е`` is a
  homoglyph, ``Δήμος`` inside an English sentence is Greek, and welcome. Scripts that do
  share words are allowed together (Han with Hiragana and Katakana, Han with Hangul);
- **format characters** (category Cf: bidirectional embeddings, overrides and isolates,
  zero-width spaces, the byte-order mark …) and control characters change how text looks
  without being seen. Identifiers and labels refuse every one; longer text allows only
  the joiners and direction marks that real languages need (ZWNJ and ZWJ in Persian or
  Indic scripts, LRM/RLM/ALM in right-to-left text).

A character's script is read from its Unicode name (``CYRILLIC SMALL LETTER IE``), which
is enough for letters; digits, punctuation and combining marks belong to every script.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Letters of other scripts that look like Latin ones: PDF extraction and some keyboard
# layouts put them into ids and names where they break joins while looking right.
CONFUSABLES = dict(
    zip(
        "АВЕКМНОРСТУХаеорсухіјѕІЈЅԁԛԝҮһΑΒΕΖΗΙΚΜΝΟΡΤΥΧονι",
        "ABEKMHOPCTYXaeopcyxijsIJSdqwYhABEZHIKMNOPTYXovi",
        strict=True,
    )
)

SCRIPTS = frozenset(
    "LATIN GREEK CYRILLIC ARMENIAN HEBREW ARABIC SYRIAC THAANA NKO SAMARITAN MANDAIC DEVANAGARI BENGALI"
    " GURMUKHI GUJARATI ORIYA TAMIL TELUGU KANNADA MALAYALAM SINHALA THAI LAO TIBETAN MYANMAR GEORGIAN"
    " HANGUL ETHIOPIC CHEROKEE CANADIAN OGHAM RUNIC TAGALOG KHMER MONGOLIAN LIMBU BUGINESE BALINESE"
    " SUNDANESE JAVANESE CHAM VAI BAMUM COPTIC GLAGOLITIC TIFINAGH HIRAGANA KATAKANA BOPOMOFO CJK YI"
    " LISU OL ADLAM OSAGE GOTHIC".split()
)
"""The first word of the Unicode names of letters, by script (``CJK`` stands for Han)."""

# Scripts that are written together in one word (UTS #39 "augmented script sets"):
# Japanese mixes Han, Hiragana and Katakana; Korean Hangul and Han; Bopomofo annotates Han.
_WRITTEN_TOGETHER = {
    "CJK": frozenset({"CJK", "JAPANESE", "KOREAN", "BOPOMOFO-HAN"}),
    "HIRAGANA": frozenset({"HIRAGANA", "JAPANESE"}),
    "KATAKANA": frozenset({"KATAKANA", "JAPANESE"}),
    "HANGUL": frozenset({"HANGUL", "KOREAN"}),
    "BOPOMOFO": frozenset({"BOPOMOFO", "BOPOMOFO-HAN"}),
}

# Invisible characters allowed in longer text: the joiners and direction marks that
# Persian, Indic and right-to-left writing need. Everything else invisible is refused.
TEXT_FORMAT_ALLOWED = frozenset("\u200c\u200d\u200e\u200f\u061c")
_WORD = re.compile(r"[^\W\d_]+(?:[\u2019'’][^\W\d_]+)*")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # line breaks and tabs are visible layout
_EXTRA_INVISIBLE = frozenset("\u00ad\u034f\u115f\u1160\u3164\uffa0")  # soft hyphen, fillers: not Cf but unseen


@cache
def script(ch: str) -> str | None:
    """The script of a letter (``"LATIN"``, ``"CYRILLIC"``, ``"CJK"`` …), None for anything
    that belongs to every script (digits, punctuation, combining marks) or is unnamed."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    for word in unicodedata.name(ch, "").replace("-", " ").split():
        if word in SCRIPTS:
            return word
    return None


def _describe(ch: str) -> str:
    name = (script(ch) or "other").capitalize()
    twin = f", which looks like Latin {CONFUSABLES[ch]!r}" if ch in CONFUSABLES else ""
    return f"{name} {ch!r} (U+{ord(ch):04X}{twin})"


def mixed_script_words(text: str) -> list[str]:
    """Each word of ``text`` whose letters come from scripts that never share a word,
    described: ``"'rhеtoric' is Latin but for Cyrillic 'е' (U+0435, which looks like Latin 'e')"``."""
    if text.isascii():
        return []
    out = []
    for word in dict.fromkeys(_WORD.findall(text)):
        if word.isascii():  # one script (Latin) or none: most words of any cell
            continue
        letters = [(ch, s) for ch in word if (s := script(ch))]
        scripts = dict.fromkeys(s for _, s in letters)
        if len(scripts) < 2:
            continue
        shared = frozenset.intersection(*(_WRITTEN_TOGETHER.get(s, frozenset({s})) for s in scripts))
        if shared:
            continue
        counts = {s: sum(1 for _, t in letters if t == s) for s in scripts}
        main = max(counts, key=lambda s: (counts[s], s == "LATIN"))
        odd = [ch for ch, s in dict.fromkeys(letters) if s != main]
        listed = ", ".join(_describe(ch) for ch in odd)
        out.append(f"{word!r} is {main.capitalize()} but for {listed}")
    return out


def lookalikes(text: str) -> list[str]:
    """Look-alike letters of ``text`` (for an identifier, where any of them is wrong)."""
    if text.isascii():
        return []
    return [
        f"{(script(ch) or 'other').capitalize()} letter {ch!r} (U+{ord(ch):04X}) that looks like Latin"
        f" {CONFUSABLES[ch]!r}"
        for ch in dict.fromkeys(text)
        if ch in CONFUSABLES
    ]


def invisible(text: str, strict: bool) -> list[str]:
    """Control and format characters of ``text``, described. ``strict`` (identifiers and
    labels) refuses every format character; otherwise joiners and direction marks pass."""
    return [
        f"U+{ord(ch):04X} ({unicodedata.name(ch, 'control character')})"
        for ch in dict.fromkeys(text)
        if _hidden(ch, strict)
    ]


@cache
def _hidden(ch: str, strict: bool) -> bool:
    is_format = unicodedata.category(ch) == "Cf" or ch in _EXTRA_INVISIBLE
    return bool(_CONTROL.match(ch)) or (is_format and (strict or ch not in TEXT_FORMAT_ALLOWED))
