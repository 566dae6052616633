"""Where Figure 1's frames, actor groups, arrows and labels go, in pixels of the static drawing.

The drawing is laid out at the size it prints at (the plot area is 740 px of a 760 px
figure, the text width of an A4 page), y downwards as in SVG. Boxes are sized from the
names they hold, measured with DejaVu Sans's own advance widths (the font the figure is
drawn in), and every arrow's label is placed where it covers no other text, no box and no
arrowhead (:func:`collisions` says where one does). The layout is computed, not random:
the same data give the same drawing, and a fork's data get theirs.

How: the framework's elements are nested frames (each frame's actor groups in rows at its
top, its sub-elements side by side beneath them; actor groups of the outermost frame in a
band above the others, each over the boxes it acts on). Which actor group takes which place
in its rows is chosen to cross as few arrows as possible. Each arrow leaves and enters its
boxes at ports spread along the facing sides, bends around any box in its way, and its label
takes the first free place along it.
"""

from __future__ import annotations

import functools
import itertools
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1, with y0 < y1 (y downwards)
Point = tuple[float, float]

PLOT_W = 740  # the plot area's width (the figure's 760 px less its margins)
FRAME_PX, NAME_PX, ARROW_PX = 14, 13, 12  # frame titles, names (sub-elements, actor groups), arrow labels
LINE = 1.3  # plotly's line height, in em
PAD = 10  # inside a frame, around what it holds
TITLE_GAP = 10  # between a frame's title and what it holds
GAP_X = 34  # between sibling frames: room for the framework's grey arrows
MIN_GAP = 64  # between two actor groups in a row: an arrow each way and their labels
ROW_GAP = 92  # between two rows of actor groups
ZONE = 112  # between actor groups and the boxes below them: the arrows down and their labels
LEAF_H = 72  # the least height of a frame that holds only its name
MAX_HEIGHT = 1000  # the tallest drawing that prints on an A4 page with its caption (0.6 pt a pixel)
BOX_PAD = 8  # inside an actor group's box, around its name
ACTOR_TEXT = (122.0, 180.0)  # the width an actor group's name may take, least and most
PORT_GAP = 18  # between two arrows leaving (or entering) the same side of a box
ARROW_W = 2.6  # an arrow's line width; its head is drawn at plotly's arrowhead 2, size 1.1
HEAD_LEN, HEAD_HALF = 5 * 1.1 * ARROW_W, 2.5 * 1.1 * ARROW_W
FLOW_HEAD = 6 * 1.2 * 4  # the framework's grey arrows: arrowhead 3, size 1.2, width 4
CLEAR = 3  # the least room between a label and what it must not touch

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


@dataclass(frozen=True)
class Arrow:
    """One arrow of institutional work: its path from start to tip, and its label."""

    u: str
    v: str
    key: str
    points: tuple[Point, ...]
    head: int  # the index of the point where the arrowhead begins
    label: Label

    @property
    def head_box(self) -> Rect:
        """The extent of the arrowhead (a triangle HEAD_LEN long, 2 HEAD_HALF wide, tip at the end)."""
        (tx, ty), (bx, by) = self.points[-1], self.points[self.head]
        length = math.hypot(tx - bx, ty - by) or 1.0
        ux, uy = (tx - bx) / length, (ty - by) / length
        base = (tx - ux * HEAD_LEN, ty - uy * HEAD_LEN)
        corners = [(tx, ty), (base[0] - uy * HEAD_HALF, base[1] + ux * HEAD_HALF)]
        corners.append((base[0] + uy * HEAD_HALF, base[1] - ux * HEAD_HALF))
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        return (min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Layout:
    """Where everything goes, in pixels of the plot area (``width`` × ``height``, y downwards)."""

    width: float
    height: float
    boxes: dict[str, Rect]  # the framework's elements
    depth: dict[str, int]
    titles: dict[str, Label]  # an element's name: at the top of a frame that holds others, else centred
    actors: dict[str, Rect]
    names: dict[str, Label]  # an actor group's name, in its box
    flow: tuple[tuple[Point, Point], ...]  # the framework's own sequence (drivers -> ... -> actions)
    arrows: tuple[Arrow, ...]


# --- the frames --------------------------------------------------------------------------------


def children(g: nx.MultiDiGraph, element: str | None) -> list[str]:
    """The elements of the framework directly inside ``element`` (None: the outermost ones)."""
    return [n for n, d in g.nodes(data=True) if d["kind"] == "element" and d["parent"] == element]


def _members(g: nx.MultiDiGraph, element: str) -> list[str]:
    return [n for n, d in g.nodes(data=True) if d["kind"] == "actor" and d["placement"] == element]


def _leaf(g: nx.MultiDiGraph, element: str) -> bool:
    return not children(g, element) and not _members(g, element)


def _title_lines(g: nx.MultiDiGraph, element: str, width: float, size: int) -> list[str]:
    return wrap(str(g.nodes[element]["label"]), width - 2 * PAD, size, bold=True)


def _title_size(depth: int) -> int:
    return FRAME_PX if depth < 2 else NAME_PX


def _actor_box(g: nx.MultiDiGraph, actors: list[str], lines: int) -> tuple[float, float]:
    """The size of the boxes of ``actors`` (one size for all, so that the rows read as rows): as
    narrow as lets every name fit in ``lines`` lines, within ACTOR_TEXT."""
    least, most = ACTOR_TEXT
    width = least
    for a in actors:
        label = str(g.nodes[a]["label"])
        while width < most and len(wrap(label, width, NAME_PX)) > lines:
            width += 2
    tallest = max((len(wrap(str(g.nodes[a]["label"]), width, NAME_PX)) for a in actors), default=1)
    return width + 2 * BOX_PAD, tallest * LINE * NAME_PX + 2 * BOX_PAD


def _row_options(count: int, room: float, box_w: float) -> list[tuple[int, ...]]:
    """The ways of setting ``count`` boxes in as few rows as fit ``room`` (MIN_GAP apart):
    rows as even as can be, in every order of their lengths."""
    if not count:
        return [()]
    per_row = max(1, int((room + MIN_GAP) // (box_w + MIN_GAP)))
    rows = math.ceil(count / per_row)
    base, extra = divmod(count, rows)
    sizes = [base + 1] * extra + [base] * (rows - extra)
    return sorted(set(itertools.permutations(sizes)), reverse=True)


def _row_slots(sizes: tuple[int, ...], inner: Rect, top: float, box: tuple[float, float], row_gap: float) -> list[Rect]:
    """The boxes of rows of ``sizes`` actor groups, from ``top`` down, each row spread over ``inner``'s width."""
    bw, bh = box
    x0, _, x1, _ = inner
    slots = []
    for r, n in enumerate(sizes):
        y = top + r * (bh + row_gap)
        gap = min((x1 - x0 - n * bw) / (n - 1), 2.5 * bw) if n > 1 else 0.0
        left = (x0 + x1) / 2 - (n * bw + (n - 1) * gap) / 2
        slots += [(left + i * (bw + gap), y, left + i * (bw + gap) + bw, y + bh) for i in range(n)]
    return slots


def _rows_height(sizes: tuple[int, ...], box_h: float, row_gap: float) -> float:
    return len(sizes) * box_h + max(len(sizes) - 1, 0) * row_gap


@dataclass
class _Frames:
    """The frames and the places for actor groups, before the actor groups take them."""

    boxes: dict[str, Rect]
    depth: dict[str, int]
    titles: dict[str, list[str]]
    slots: dict[str, list[Rect]]  # by element: the places of its members (not the outermost frame's)
    band: list[str]  # the outermost frame's actor groups, placed later over what they act on
    band_top: float
    band_room: tuple[float, float]
    kid_orders: dict[str, list[str]]
    row_gap: float


class _Planner:
    """Sizes and places the frames for given row arrangements and orders of sub-elements."""

    def __init__(self, g: nx.MultiDiGraph, bottom: frozenset[str] = frozenset()) -> None:
        self.g = g
        self.bottom = bottom  # frames whose title goes at the foot (arrows run across the top)
        self.roots = children(g, None)
        actors = [n for n, d in g.nodes(data=True) if d["kind"] == "actor"]
        band = [a for r in self.roots for a in _members(g, r)]
        inside = [a for a in actors if a not in band]
        self.box = _actor_box(g, inside, 3) if inside else (ACTOR_TEXT[0] + 2 * BOX_PAD, 0.0)
        self.band_box = _actor_box(g, band, 2) if band else self.box
        self.flow_kids = {e for e in g if g.nodes[e]["kind"] == "element" and g.nodes[e].get("leads_to") in g}
        self.row_gap: float = ROW_GAP
        self.zone: float = ZONE
        # A drawing too tall for a page is drawn with less room between the rows (down to 60 %).
        first = {e: rows[0] for e, rows in self.row_options().items()}
        for tight in (0.85, 0.7, 0.6):
            if self.height(self.roots[0], PLOT_W - 2, 0, first) <= MAX_HEIGHT if self.roots else True:
                break
            self.row_gap, self.zone = ROW_GAP * tight, ZONE * tight

    def permutable(self, element: str) -> bool:
        """Whether the order of ``element``'s sub-elements is free: all hold only their names and
        none leads to another (the framework's sequence keeps its order)."""
        kids = children(self.g, element)
        return len(kids) > 1 and all(_leaf(self.g, k) for k in kids) and not (set(kids) & self.flow_kids)

    def kid_widths(self, element: str, room: float, kids: list[str], depth: int) -> dict[str, float]:
        """Sub-elements side by side: those that hold only their name as wide as it (when others
        hold more), the others sharing the rest by how much they hold."""
        g = self.g
        leaves = {k for k in kids if _leaf(g, k)}
        if len(leaves) == len(kids):
            return {k: (room - GAP_X * (len(kids) - 1)) / len(kids) for k in kids}
        size = _title_size(depth + 1)
        fixed = {
            k: max(text_width(w, size, True) for w in str(g.nodes[k]["label"]).split()) + 2 * PAD + 4 for k in leaves
        }
        weight = {k: 1 + len(nx.descendants(tree(g), k)) + len(_members(g, k)) for k in kids if k not in leaves}
        rest = room - GAP_X * (len(kids) - 1) - sum(fixed.values())
        return {k: fixed[k] if k in fixed else rest * weight[k] / sum(weight.values()) for k in kids}

    def height(self, element: str, width: float, depth: int, rows: dict[str, tuple[int, ...]]) -> float:
        """The height ``element``'s frame needs at ``width``."""
        g = self.g
        if _leaf(g, element):
            return LEAF_H
        size = _title_size(depth)
        title = len(_title_lines(g, element, width, size)) * LINE * size + TITLE_GAP
        h = PAD + title + (title if element in self.bottom else 0)  # a title at the foot keeps the top's room
        members, kids = _members(g, element), children(g, element)
        if members:
            box_h = self.band_box[1] if depth == 0 else self.box[1]
            h += _rows_height(rows[element], box_h, self.row_gap) + (self.zone if kids else 0)
        if kids:
            widths = self.kid_widths(element, width - 2 * PAD, kids, depth)
            h += max(self.height(k, widths[k], depth + 1, rows) for k in kids)
        return h + PAD

    def frames(self, rows: dict[str, tuple[int, ...]], kid_orders: dict[str, list[str]]) -> _Frames:
        g = self.g
        out = _Frames({}, {}, {}, {}, [], 0.0, (0.0, 0.0), kid_orders, self.row_gap)

        def place(element: str, rect: Rect, depth: int) -> None:
            x0, y0, x1, y1 = rect
            out.boxes[element], out.depth[element] = rect, depth
            size = _title_size(depth)
            out.titles[element] = _title_lines(g, element, x1 - x0, size)
            if _leaf(g, element):
                return
            title = len(out.titles[element]) * LINE * size + TITLE_GAP
            inner = (x0 + PAD, y0 + PAD, x1 - PAD, y1 - PAD - (title if element in self.bottom else 0))
            top = inner[1] + title
            members, kids = _members(g, element), kid_orders.get(element) or children(g, element)
            if members:
                if depth == 0:
                    out.band, out.band_top, out.band_room = members, top, (inner[0], inner[2])
                    top += _rows_height(rows[element], self.band_box[1], self.row_gap)
                else:
                    out.slots[element] = _row_slots(rows[element], inner, top, self.box, self.row_gap)
                    top += _rows_height(rows[element], self.box[1], self.row_gap)
                if kids:
                    top += self.zone
            if kids:
                widths = self.kid_widths(element, inner[2] - inner[0], kids, depth)
                x = inner[0]
                for k in kids:
                    place(k, (x, top, x + widths[k], inner[3]), depth + 1)
                    x += widths[k] + GAP_X

        for root in self.roots:
            height = self.height(root, PLOT_W - 2, 0, rows)
            place(root, (1.0, 1.0, PLOT_W - 1.0, 1.0 + height), 0)
        return out

    def row_options(self) -> dict[str, list[tuple[int, ...]]]:
        """For each element with actor groups: the row arrangements that fit its width."""
        options: dict[str, list[tuple[int, ...]]] = {}
        probe = self.frames(defaultdict(lambda: (1,)), {})  # widths do not depend on the rows
        for element in probe.boxes:
            members = _members(self.g, element)
            if members:
                x0, _, x1, _ = probe.boxes[element]
                box = self.band_box if probe.depth[element] == 0 else self.box
                options[element] = _row_options(len(members), x1 - x0 - 2 * PAD, box[0])
        return options


def tree(g: nx.MultiDiGraph) -> nx.DiGraph:
    """The framework's nesting: an edge from each element to each element inside it."""
    t = nx.DiGraph()
    for n, d in g.nodes(data=True):
        if d["kind"] == "element":
            t.add_node(n)
            if d["parent"]:
                t.add_edge(d["parent"], n)
    return t


# --- which actor group goes where ----------------------------------------------------------------


def _band_places(
    g: nx.MultiDiGraph, frames: _Frames, places: dict[str, Rect], box: tuple[float, float], sizes: tuple[int, ...]
) -> dict[str, Rect]:
    """The outermost frame's actor groups: each over the boxes it acts on (else at the left),
    in rows of ``sizes``, pushed apart so that none overlaps another."""
    bw, bh = box
    left, right = frames.band_room

    def centre_x(node: str) -> float | None:
        rect = places.get(node) or frames.boxes.get(node)
        return None if rect is None or node in frames.band else (rect[0] + rect[2]) / 2

    wanted = []
    for a in frames.band:
        xs = [x for v in itertools.chain(g.successors(a), g.predecessors(a)) if (x := centre_x(v)) is not None]
        wanted.append((sum(xs) / len(xs) if xs else left + bw / 2, a))
    wanted.sort(key=lambda item: item[0])
    out: dict[str, Rect] = {}
    start = 0
    for r, n in enumerate(sizes):
        row = wanted[start : start + n]
        start += n
        xs = [min(max(x, left + bw / 2), right - bw / 2) for x, _ in row]
        for i in range(1, len(xs)):  # left to right: apart by a box and a gap
            xs[i] = max(xs[i], xs[i - 1] + bw + MIN_GAP)
        for i in range(len(xs) - 1, -1, -1):  # then back inside the frame from the right
            xs[i] = min(xs[i], right - bw / 2 - (len(xs) - 1 - i) * (bw + MIN_GAP))
        y = frames.band_top + r * (bh + frames.row_gap)
        for x, (_, a) in zip(xs, row, strict=True):
            out[a] = (x - bw / 2, y, x + bw / 2, y + bh)
    return out


def _contains(outer: Rect, inner: Rect) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _nearest(rect: Rect, p: Point) -> Point:
    return min(max(p[0], rect[0]), rect[2]), min(max(p[1], rect[1]), rect[3])


def _centre(rect: Rect) -> Point:
    return (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2


def _segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    def side(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = side(q1, q2, p1), side(q1, q2, p2)
    d3, d4 = side(p1, p2, q1), side(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _segment_hits(p: Point, q: Point, rect: Rect, margin: float = 0.0) -> bool:
    """Whether the segment from ``p`` to ``q`` runs through ``rect`` (grown by ``margin``)."""
    x0, y0, x1, y1 = rect[0] - margin, rect[1] - margin, rect[2] + margin, rect[3] + margin
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, lo, hi, s in ((dx, x0, x1, p[0]), (dy, y0, y1, p[1])):
        if abs(d) < 1e-12:
            if not lo < s < hi:
                return False
            continue
        a, b = (lo - s) / d, (hi - s) / d
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if t0 >= t1:
            return False
    return True


def _sketch(g: nx.MultiDiGraph, boxes: dict[str, Rect], places: dict[str, Rect]) -> list[tuple[str, str, Point, Point]]:
    """Each arrow as a straight segment between the nearest points of its boxes (to compare arrangements)."""
    out = []
    for u, v in g.edges():
        if u == v:
            continue
        a = places[u]
        b = places.get(v) or boxes[v]
        if _contains(b, a):  # to the frame that holds the source: straight up to its top
            c = _centre(a)
            out.append((u, v, (c[0], a[1]), (c[0], b[1])))
            continue
        end = _nearest(b, _centre(a))
        out.append((u, v, _nearest(a, end), end))
    return out


def _cost(g: nx.MultiDiGraph, boxes: dict[str, Rect], places: dict[str, Rect], leaves: list[str]) -> float:
    """How hard an arrangement is to read: arrows that cross, arrows over a box, long arrows."""
    segments = _sketch(g, boxes, places)
    cost = sum(math.dist(p, q) for _, _, p, q in segments) / 400
    for (u1, v1, p1, q1), (u2, v2, p2, q2) in itertools.combinations(segments, 2):
        if not {u1, v1} & {u2, v2} and _segments_cross(p1, q1, p2, q2):
            cost += 1
    obstacles = {**places, **{e: boxes[e] for e in leaves}}
    for u, v, p, q in segments:
        span = _bounds((p, q))
        cost += 4 * sum(
            1 for n, r in obstacles.items() if n not in (u, v) and _overlap(span, r, 2) and _segment_hits(p, q, r, 2)
        )
    return cost


@dataclass(frozen=True)
class _Arrangement:
    rows: dict[str, tuple[int, ...]]
    orders: dict[str, tuple[str, ...]]  # by element: its members, in the order of its slots
    kids: dict[str, tuple[str, ...]]


def _arrange(planner: _Planner, given: _Arrangement | None = None) -> tuple[_Frames, dict[str, Rect], _Arrangement]:  # noqa: C901 (issue 22 part B splits it)
    """The frames and the actor groups' boxes that cross fewest arrows (or those of ``given``):
    every arrangement when there are few, else the best a search by swaps finds from the data's
    order and from its reverse."""
    g = planner.g
    row_options = planner.row_options()
    inner = [e for e in row_options if e not in planner.roots]
    free_kids = [e for e in tree(g) if planner.permutable(e)]
    built: dict[tuple, _Frames] = {}  # the frames depend on the rows and the sub-elements' order only

    def realise(arr: _Arrangement) -> tuple[float, _Frames, dict[str, Rect], _Arrangement]:
        key = (tuple(sorted(arr.rows.items())), tuple(sorted(arr.kids.items())))
        if key not in built:
            built[key] = planner.frames(arr.rows, {e: list(k) for e, k in arr.kids.items()})
        frames = built[key]
        places: dict[str, Rect] = {}
        for e in inner:
            places.update(zip(arr.orders[e], frames.slots[e], strict=True))
        for root in planner.roots:
            if root in arr.rows:
                places.update(_band_places(g, frames, places, planner.band_box, arr.rows[root]))
        leaves = [e for e in frames.boxes if _leaf(g, e)]
        return _cost(g, frames.boxes, places, leaves), frames, places, arr

    if given is not None:
        return realise(given)[1:]
    counts = [len(row_options[e]) for e in row_options]
    counts += [math.factorial(len(_members(g, e))) for e in inner]
    counts += [math.factorial(len(children(g, e))) for e in free_kids]
    if math.prod(counts) <= 720:
        values: list[list[tuple[str, str, tuple[Any, ...]]]] = [
            [("rows", e, r) for r in row_options[e]] for e in row_options
        ]
        values += [[("orders", e, p) for p in itertools.permutations(_members(g, e))] for e in inner]
        values += [[("kids", e, p) for p in itertools.permutations(children(g, e))] for e in free_kids]
        results = []
        for picks in itertools.product(*values):
            arr = _Arrangement({}, {}, {})
            for what, e, value in picks:
                getattr(arr, what)[e] = value
            results.append(realise(arr))
        return min(results, key=lambda result: result[0])[1:]
    results = []
    for reverse in (False, True):
        arr = _Arrangement(
            {e: row_options[e][0] for e in row_options},
            {e: tuple(_members(g, e)[:: -1 if reverse else 1]) for e in inner},
            {e: tuple(children(g, e)) for e in free_kids},
        )
        best = realise(arr)
        while True:
            step = min(
                (realise(c) for c in _neighbours(best[3], row_options, free_kids)), key=lambda r: r[0], default=None
            )
            if step is None or step[0] >= best[0] - 1e-9:
                break
            best = step
        results.append(best)
    return min(results, key=lambda result: result[0])[1:]


def _neighbours(
    arr: _Arrangement, row_options: dict[str, list[tuple[int, ...]]], free_kids: list[str]
) -> Iterator[_Arrangement]:
    for e, order in arr.orders.items():
        for i, j in itertools.combinations(range(len(order)), 2):
            swapped = list(order)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            yield _Arrangement(arr.rows, {**arr.orders, e: tuple(swapped)}, arr.kids)
    for e, options in row_options.items():
        for rows in options:
            if rows != arr.rows[e]:
                yield _Arrangement({**arr.rows, e: rows}, arr.orders, arr.kids)
    for e in free_kids:
        kids = arr.kids[e]
        for i, j in itertools.combinations(range(len(kids)), 2):
            swapped = list(kids)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            yield _Arrangement(arr.rows, arr.orders, {**arr.kids, e: tuple(swapped)})


# --- the arrows --------------------------------------------------------------------------------


def _sides(a: Rect, b: Rect) -> tuple[str, str]:
    """The sides of box ``a`` and box ``b`` that face each other."""
    if b[1] >= a[3] + 4:
        return "bottom", "top"
    if b[3] <= a[1] - 4:
        return "top", "bottom"
    return ("right", "left") if b[0] >= a[2] else ("left", "right")


def _along(side: str) -> int:
    return 0 if side in ("top", "bottom") else 1


def _on_side(rect: Rect, side: str, t: float) -> Point:
    x0, y0, x1, y1 = rect
    return {"top": (t, y0), "bottom": (t, y1), "left": (x0, t), "right": (x1, t)}[side]


def _ports(ends: list[tuple[float, int, str]], rect: Rect, side: str) -> dict[int, Point]:
    """Where arrows meet one side of a box: each as near as can be to where it wants to be,
    in order, PORT_GAP apart (closer when the side is short), all on the side."""
    axis = _along(side)
    lo, hi = rect[axis] + 6, rect[axis + 2] - 6
    ordered = sorted(ends)
    gap = min(PORT_GAP, (hi - lo) / max(len(ordered) - 1, 1))
    ts = [min(max(t, lo), hi) for t, _, _ in ordered]
    for i in range(1, len(ts)):
        ts[i] = max(ts[i], ts[i - 1] + gap)
    for i in range(len(ts) - 1, -1, -1):
        ts[i] = min(ts[i], hi - (len(ts) - 1 - i) * gap)
    return {index: _on_side(rect, side, t) for t, (_, index, _) in zip(ts, ordered, strict=True)}


def _curve(p: Point, q: Point, bend: float) -> list[Point]:
    """A curve from ``p`` to ``q`` bent sideways by ``bend`` pixels at its middle (0: straight)."""
    (px, py), (qx, qy) = p, q
    length = math.hypot(qx - px, qy - py) or 1.0
    control = ((px + qx) / 2 - (qy - py) / length * bend * 2, (py + qy) / 2 + (qx - px) / length * bend * 2)
    return _bezier(p, control, q)


def _bezier(p: Point, c: Point, q: Point, n: int = 24) -> list[Point]:
    """The quadratic Bézier curve from ``p`` to ``q`` with control point ``c``, as ``n`` segments."""
    return [
        (
            (1 - t) ** 2 * p[0] + 2 * (1 - t) * t * c[0] + t * t * q[0],
            (1 - t) ** 2 * p[1] + 2 * (1 - t) * t * c[1] + t * t * q[1],
        )
        for t in (i / n for i in range(n + 1))
    ]


def _bounds(points: Iterable[Point]) -> Rect:
    points = list(points)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _path_hits(points: list[Point], rect: Rect, margin: float, bounds: Rect | None = None) -> bool:
    if not _overlap(bounds or _bounds(points), rect, margin):
        return False
    return any(_segment_hits(p, q, rect, margin) for p, q in itertools.pairwise(points))


def _route(p: Point, q: Point, obstacles: list[Rect]) -> list[Point]:
    """The path from ``p`` to ``q``: straight, or bent (a little more each time, either way)
    around the boxes in its way (an arrow over a box reads as ending there)."""
    for bend in (0, 24, -24, 48, -48, 72, -72, 100, -100, 140, -140):
        points = _curve(p, q, bend) if bend else [p, q]
        if not any(_path_hits(points, r, 4) for r in obstacles):
            return points
    return [p, q]


def _head_start(points: list[Point]) -> tuple[list[Point], int]:
    """The path with a point where the arrowhead begins (HEAD_LEN before the tip), and its index."""
    travelled = 0.0
    for i in range(len(points) - 1, 0, -1):
        step = math.dist(points[i], points[i - 1])
        if travelled + step >= HEAD_LEN:
            f = (HEAD_LEN - travelled) / step
            (ax, ay), (bx, by) = points[i - 1], points[i]
            cut = (bx + (ax - bx) * f, by + (ay - by) * f)
            return [*points[:i], cut, *points[i:]], i
        travelled += step
    return points, 0


def _paths(g: nx.MultiDiGraph, frames: _Frames, places: dict[str, Rect]) -> list[tuple[str, str, str, list[Point]]]:
    """Each arrow's path, from port to port."""
    edges = list(g.edges(keys=True))
    ends: dict[tuple[str, str], list[tuple[float, int, str]]] = defaultdict(list)
    up: set[int] = set()  # arrows to the frame that holds their source: straight up to its top
    for i, (u, v, _) in enumerate(edges):
        a, b = places[u], places.get(v) or frames.boxes[v]
        if u == v:  # a group acting on itself (aggregated actor groups): a loop, drawn below
            continue
        if _contains(b, a):
            up.add(i)
            continue
        su, sv = _sides(a, b)
        ends[(u, su)].append((_nearest(a, _centre(b))[_along(su)], i, "from"))
        ends[(v, sv)].append((_nearest(b, _centre(a))[_along(sv)], i, "to"))
    for i in sorted(up):  # at the end of the source's top side away from the arrows already there
        u = edges[i][0]
        a = places[u]
        others = [t for t, _, _ in ends[(u, "top")]]
        right = not others or sum(others) / len(others) <= (a[0] + a[2]) / 2
        ends[(u, "top")].append((a[2] if right else a[0], i, "from"))
    port: dict[tuple[int, str], Point] = {}
    for (node, side), items in ends.items():
        rect = places.get(node) or frames.boxes[node]
        # ties in the arrows' order (the same at both ends): arrows between two boxes run side by side
        roles = {i: role for _, i, role in items}
        for i, point in _ports([(round(t, 3), i, role) for t, i, role in items], rect, side).items():
            port[(i, roles[i])] = point
    leaves = {e: r for e, r in frames.boxes.items() if _leaf(g, e)}
    out = []
    loops: dict[str, int] = defaultdict(int)
    for i, (u, v, key) in enumerate(edges):
        if u == v:  # out of the right side and back into it, each loop of a group wider than the last
            x0, y0, x1, y1 = places[u]
            j, h = loops[u], y1 - y0
            loops[u] += 1
            (sx, sy), (ex, ey), d = (x1, y0 + h * (0.3 - 0.12 * j)), (x1, y1 - h * (0.3 - 0.12 * j)), 48 + 30 * j
            points = [  # a cubic Bézier loop: out to the right, round, and back
                (
                    (1 - t) ** 3 * sx + 3 * (1 - t) ** 2 * t * (sx + d) + 3 * (1 - t) * t * t * (ex + d) + t**3 * ex,
                    (1 - t) ** 3 * sy
                    + 3 * (1 - t) ** 2 * t * (sy - d / 2)
                    + 3 * (1 - t) * t * t * (ey + d / 2)
                    + t**3 * ey,
                )
                for t in (i / 24 for i in range(25))
            ]
            out.append((u, v, key, points))
            continue
        start = port[(i, "from")]
        end = (start[0], frames.boxes[v][1]) if i in up else port[(i, "to")]
        obstacles = [r for n, r in places.items() if n not in (u, v)] + [r for e, r in leaves.items() if e != v]
        out.append((u, v, key, _route(start, end, obstacles)))
    return out


# --- the labels --------------------------------------------------------------------------------


def _overlap(a: Rect, b: Rect, margin: float = 0.0) -> bool:
    return a[0] < b[2] + margin and b[0] < a[2] + margin and a[1] < b[3] + margin and b[1] < a[3] + margin


def _point_at(points: list[Point], fraction: float) -> tuple[Point, Point]:
    """The point ``fraction`` of the way along the path, and the path's direction there."""
    lengths = [math.dist(p, q) for p, q in itertools.pairwise(points)]
    goal, run = fraction * sum(lengths), 0.0
    for (p, q), step in zip(itertools.pairwise(points), lengths, strict=True):
        if run + step >= goal and step:
            f = (goal - run) / step
            return (p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f), ((q[0] - p[0]) / step, (q[1] - p[1]) / step)
        run += step
    p, q = points[-2], points[-1]
    step = math.dist(p, q) or 1.0
    return q, ((q[0] - p[0]) / step, (q[1] - p[1]) / step)


def _edges_of(rect: Rect) -> list[tuple[Point, Point]]:
    x0, y0, x1, y1 = rect
    return [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))]


def _label_variants(text: str) -> list[tuple[str, ...]]:
    """The label on one line and, when it has a bracket, broken before it."""
    if " (" in text:
        head, tail = text.split(" (", 1)
        return [(text,), (head, "(" + tail)]
    return [(text,)]


FRACTIONS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8, 0.14, 0.86)


def _place_labels(  # noqa: C901 (issue 22 part B splits it)
    paths: list[tuple[str, str, str, list[Point], int]],
    texts: dict[str, str],
    fixed: list[Rect],
    frames: list[Rect],
    area: Rect,
) -> tuple[dict[str, Label], float]:
    """Each arrow's label at the free place nearest the middle of its arrow: beside it or on it,
    never over another text, a box or an arrowhead (``fixed`` and the labels placed before), never
    across a frame's edge, crossing and coming close to as few other arrows as can be (a label
    near two arrows reads as either's). Short arrows are served first. With the labels, the sum
    of their penalties (0: every label in the middle of its arrow, beside it, clear of all)."""
    heads = [_head_rect(points, head) for _, _, _, points, head in paths]
    bounds = [_bounds(points) for _, _, _, points, _ in paths]
    taken: list[Rect] = []
    placed: dict[str, Label] = {}
    total = 0.0
    order = sorted(range(len(paths)), key=lambda i: _length(paths[i][3]))
    for i in order:
        _, _, key, points, head = paths[i]
        body = points[: head + 1]
        best: tuple[float, Label] | None = None
        for variant, lines in enumerate(_label_variants(texts[key])):
            w, h = label_size(lines, ARROW_PX)
            for rank, fraction in enumerate(FRACTIONS):
                (px, py), (dx, dy) = _point_at(body, fraction)
                nx_, ny_ = -dy, dx
                away = abs(nx_) * w / 2 + abs(ny_) * h / 2 + ARROW_W / 2 + 4
                for where, offset in (("beside", away), ("beside", -away), ("on", 0.0)):
                    centre = (px + nx_ * offset, py + ny_ * offset)
                    label = Label(lines, centre, ARROW_PX)
                    box = label.box
                    if not _contains(area, box):
                        continue
                    clash = sum(1 for r in fixed + taken + heads if _overlap(box, r, CLEAR))
                    across = sum(1 for r in frames if _overlap(box, r) and not _contains(r, box))
                    crossed = near = 0
                    for j, (_, _, _, other, _) in enumerate(paths):
                        if j == i and where == "on":
                            continue
                        if not _overlap(bounds[j], box, 10):
                            continue
                        if _path_hits(other, box, 1, bounds[j]):
                            crossed += 1
                        elif j != i and _path_hits(other, box, 10, bounds[j]):
                            near += 1
                    score = 1000 * clash + 200 * across + 30 * crossed + 10 * near + 3 * rank + 8 * variant
                    score += 12 if where == "on" else 0
                    if best is None or score < best[0]:
                        best = (score, label)
        if best is None:  # nowhere inside the drawing: on the arrow's middle
            best = (0.0, Label(_label_variants(texts[key])[-1], _point_at(body, 0.5)[0], ARROW_PX))
        placed[key] = best[1]
        taken.append(best[1].box)
        total += best[0]
    return placed, total


def _length(points: list[Point]) -> float:
    return sum(math.dist(p, q) for p, q in itertools.pairwise(points))


def _head_rect(points: list[Point], head: int) -> Rect:
    return Arrow("", "", "", tuple(points), head, Label(("",), (0, 0), 1)).head_box


# --- the whole drawing -------------------------------------------------------------------------


def _title_label(lines: list[str], rect: Rect, depth: int, leaf: bool, shift: float = 0.0, foot: bool = False) -> Label:
    """An element's name: centred in a frame that holds nothing else, else at its top left
    (``shift`` pixels to the right; at its foot with ``foot``)."""
    size = _title_size(depth)
    w, h = label_size(lines, size, True)
    if leaf:
        return Label(tuple(lines), _centre(rect), size, True)
    y = rect[3] - PAD - h / 2 + 1 if foot else rect[1] + PAD + h / 2 - 1
    return Label(tuple(lines), (rect[0] + PAD + shift + w / 2, y), size, True)


def _crossings(routed: list, label: Label) -> int:
    """How many arrows run across or close to ``label`` (their heads included)."""
    box = label.box
    return sum(
        1 for *_, points, head in routed if _path_hits(points, box, 6) or _overlap(box, _head_rect(points, head), 4)
    )


def _title_places(options: list[Label], routed: list) -> list[Label]:
    """Of a title's places, left to right, those that fewest arrows come near: the first, the
    last and a few between (the labels then choose among them)."""
    counts = [_crossings(routed, t) for t in options]
    best = [t for t, n in zip(options, counts, strict=True) if n == min(counts)]
    picks = sorted({round(i * (len(best) - 1) / 4) for i in range(5)})
    return [best[i] for i in picks]


def _routed(
    planner: _Planner, given: _Arrangement | None = None
) -> tuple[_Frames, dict[str, Rect], list, dict[str, list[Label]], _Arrangement]:
    """The frames, the actor groups' boxes, the arrows' paths, the places each frame's title
    may take, and the arrangement (``given``, else the best found)."""
    g = planner.g
    frames, places, arrangement = _arrange(planner, given)
    routed = []
    for u, v, key, points in _paths(g, frames, places):
        points, head = _head_start(points)
        routed.append((u, v, key, points, head))
    title_options: dict[str, list[Label]] = {}
    for e, rect in frames.boxes.items():
        if _leaf(g, e):
            continue
        lines, depth = frames.titles[e], frames.depth[e]
        room = rect[2] - rect[0] - 2 * PAD - label_size(lines, _title_size(depth), True)[0]
        shifts = [room * i / 24 for i in range(25)] if room > 0 else [0.0]
        options = [_title_label(lines, rect, depth, False, shift, e in planner.bottom) for shift in shifts]
        title_options[e] = _title_places(options, routed)
    return frames, places, routed, title_options, arrangement


def layout(g: nx.MultiDiGraph, edge_label=lambda d: str(d["work_type"])) -> Layout:
    """Where Figure 1's frames, actor groups, arrows and labels go (``edge_label(d)`` is the
    text of the label of an arrow with attributes ``d``)."""
    planner = _Planner(g)
    frames, places, routed, title_options, arrangement = _routed(planner)
    # A frame's title at its top left, or as near it as no arrow runs across it; where arrows
    # run across every place at its top, at its foot (the frame drawn again with room there).
    crossed = frozenset(e for e, options in title_options.items() if _crossings(routed, options[0]))
    if crossed:
        planner = _Planner(g, crossed)
        frames, places, routed, title_options, _ = _routed(planner, arrangement)
    names = {
        a: Label(tuple(wrap(str(g.nodes[a]["label"]), r[2] - r[0] - 2 * BOX_PAD, NAME_PX)), _centre(r), NAME_PX)
        for a, r in places.items()
    }
    titles = {e: _title_label(frames.titles[e], r, frames.depth[e], True) for e, r in frames.boxes.items()}
    flow = []
    for e, d in g.nodes(data=True):
        nxt = d.get("leads_to")
        if d["kind"] != "element" or not nxt or nxt not in frames.boxes or g.nodes[nxt]["parent"] != d["parent"]:
            continue
        a, b = frames.boxes[e], frames.boxes[nxt]
        y = (max(a[1], b[1]) + min(a[3], b[3])) / 2
        flow.append(((a[2], y), (b[0], y)) if a[2] <= b[0] else ((a[0], y), (b[2], y)))
    flow_boxes = [
        (min(p[0], q[0]) - 2, p[1] - FLOW_HEAD / 2, max(p[0], q[0]) + 2, p[1] + FLOW_HEAD / 2) for p, q in flow
    ]
    root = frames.boxes[planner.roots[0]] if planner.roots else (0.0, 0.0, PLOT_W, 0.0)
    texts = {key: edge_label(g.edges[u, v, key]) for u, v, key, _, _ in routed}
    area = (0.0, 0.0, PLOT_W, root[3] + 1)

    def labelled(tried: dict[str, Label]) -> tuple[dict[str, Label], float]:
        fixed = [*places.values(), *(t.box for t in tried.values()), *flow_boxes]
        return _place_labels(routed, texts, fixed, list(frames.boxes.values()), area)

    titles.update({e: options[0] for e, options in title_options.items()})
    labels, score = labelled(titles)
    for e, options in title_options.items():
        if score < 200:  # no label clashes or runs across a frame: the titles stay at the left
            break
        for option in options[1:3]:
            tried = {**titles, e: option}
            other, other_score = labelled(tried)
            if other_score < score - 50:  # another place only when it spares a label a clash
                titles, labels, score = tried, other, other_score
    arrows = tuple(Arrow(u, v, key, tuple(points), head, labels[key]) for u, v, key, points, head in routed)
    return Layout(
        width=PLOT_W,
        height=root[3] + 1,
        boxes=frames.boxes,
        depth=frames.depth,
        titles=titles,
        actors=places,
        names=names,
        flow=tuple(flow),
        arrows=arrows,
    )


def collisions(lay: Layout) -> list[str]:  # noqa: C901 (issue 22 part B splits it)
    """What a reader would find piled up, in words: two texts that overlap, a label over an
    arrowhead or over a box, a label across a frame's edge or outside the drawing. Empty when
    the drawing is clean."""
    texts = [(f"the title {e!r}", t.box) for e, t in lay.titles.items()]
    texts += [(f"the name {a!r}", t.box) for a, t in lay.names.items()]
    labels = [(f"the label of {a.key!r}", a.label.box) for a in lay.arrows]
    problems = []
    for (n1, b1), (n2, b2) in itertools.combinations(texts + labels, 2):
        if _overlap(b1, b2):
            problems.append(f"{n1} overlaps {n2}")
    for name, box in labels:
        for a in lay.arrows:
            if _overlap(box, a.head_box):
                problems.append(f"{name} overlaps the arrowhead of {a.key!r}")
        for actor, rect in lay.actors.items():
            if _overlap(box, rect):
                problems.append(f"{name} overlaps the box of {actor!r}")
        for e, rect in lay.boxes.items():
            if any(_segment_hits(p, q, box) for p, q in _edges_of(rect)):
                problems.append(f"{name} runs across the edge of the frame {e!r}")
        if not _contains((0, 0, lay.width, lay.height), box):
            problems.append(f"{name} leaves the drawing")
    for name, box in texts:
        if name.startswith("the name"):
            continue
        for actor, rect in lay.actors.items():
            if _overlap(box, rect):
                problems.append(f"{name} overlaps the box of {actor!r}")
    return problems
