"""How wide Figure 1's text is, measured with DejaVu Sans's own advance widths (the font the
figure is drawn in), how it wraps, and the :class:`Label`: lines of text centred on a point."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .geometry import Point, Rect

FRAME_PX, NAME_PX, ARROW_PX = 14, 13, 12  # frame titles, names (sub-elements, actor groups), arrow labels
LINE = 1.3  # plotly's line height, in em


# DejaVu Sans's advance widths of the printable ASCII characters, in 1/2048 em (from the
# font's hmtx table): regular, then bold.
_ADVANCE = {
    False: [
        int(w)
        for w in (
            "651 821 942 1716 1303 1946 1597 563 799 799 1024 1716 651 739 651 690 1303 1303 1303 1303 1303 1303 "
            "1303 1303 1303 1303 690 690 1716 1716 1716 1087 2048 1401 1405 1430 1577 1294 1178 1587 1540 604 604 "
            "1343 1141 1767 1532 1612 1235 1612 1423 1300 1251 1499 1401 2025 1403 1251 1403 799 690 799 1716 1024 "
            "1024 1255 1300 1126 1300 1260 721 1300 1298 569 569 1186 569 1995 1298 1253 1300 1300 842 1067 803 "
            "1298 1212 1675 1212 1212 1075 1303 690 1303 1716"
        ).split()
    ],
    True: [
        int(w)
        for w in (
            "713 934 1067 1716 1425 2052 1786 627 936 936 1071 1716 778 850 778 748 1425 1425 1425 1425 1425 1425 "
            "1425 1425 1425 1425 819 819 1716 1716 1716 1188 2048 1585 1561 1503 1700 1399 1399 1681 1714 762 762 "
            "1587 1305 2038 1714 1741 1501 1741 1577 1475 1397 1663 1585 2259 1579 1483 1485 936 748 936 1716 1024 "
            "1024 1382 1466 1214 1466 1389 891 1466 1458 702 702 1362 702 2134 1458 1407 1466 1466 1010 1219 979 "
            "1458 1335 1892 1321 1335 1192 1458 748 1458 1716"
        ).split()
    ],
}


_PUNCTUATION = {"–": 1024, "—": 2048, "‘": 700, "’": 700, "“": 1200, "”": 1200, "×": 1716, "…": 2048, "·": 700}


def _advance(char: str, bold: bool) -> float:
    """The width of ``char`` in em: measured for ASCII, a generous estimate for other scripts."""
    code = ord(char)
    if 32 <= code < 127:
        return _ADVANCE[bold][code - 32] / 2048
    if char in _PUNCTUATION:
        return _PUNCTUATION[char] / 2048
    if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
        return 0.0
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and 32 <= ord(base) < 127:  # an accented Latin letter: its base letter's width
        return _ADVANCE[bold][ord(base) - 32] / 2048
    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.8


@functools.cache
def text_width(line: str, size: float, bold: bool = False) -> float:
    """The width in pixels of one line of text at ``size`` pixels."""
    return sum(_advance(c, bold) for c in line) * size


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` pixels (a word wider
    than that keeps a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [text]


@dataclass(frozen=True)
class Label:
    """Lines of text centred on a point (how plotly draws an annotation)."""

    lines: tuple[str, ...]
    centre: Point
    size: int
    bold: bool = False

    @property
    def box(self) -> Rect:
        """The extent plotly gives the text (its background box): measured width, line height 1.3 em."""
        w, h = label_size(self.lines, self.size, self.bold)
        x, y = self.centre
        return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def label_size(lines: Iterable[str], size: int, bold: bool = False) -> tuple[float, float]:
    lines = list(lines)
    return max(text_width(line, size, bold) for line in lines) + 4, len(lines) * LINE * size + 2
