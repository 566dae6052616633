"""How the book words what it counts, lists and credits, wherever it says it: numbers in words,
plurals, lists joined with "and", and the credit line of a quote. A leaf: it imports nothing
from casebook."""

from __future__ import annotations

from collections.abc import Sequence

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen twenty"
).split()


def number_word(n: int) -> str:
    """``9`` -> ``"nine"``: numbers up to twenty in words, larger ones in digits."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def plural(n: int, noun: str) -> str:
    """``"1 segment"``, ``"3 segments"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def listed(items: Sequence[str]) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def attribution_text(interviewee: str, organisation: str) -> str:
    """The credit line itself, for callers that already hold the interviewee's organisation."""
    return f"Interviewee {interviewee}, {organisation}"
