"""Figure 1's frames: the framework's elements as nested boxes, each sized from what it holds
(its actor groups in rows at its top, its sub-elements side by side beneath), and the places
in them for the actor groups."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from .geometry import Rect
from .text import FRAME_PX, LINE, NAME_PX, text_width, wrap

PLOT_W = 740  # the plot area's width (the figure's 760 px less its margins)
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


def children(g: nx.MultiDiGraph, element: str | None) -> list[str]:
    """The elements of the framework directly inside ``element`` (None: the outermost ones)."""
    return [n for n, d in g.nodes(data=True) if d["kind"] == "element" and d["parent"] == element]


def actors_in(g: nx.MultiDiGraph, element: str) -> list[str]:
    return [n for n, d in g.nodes(data=True) if d["kind"] == "actor" and d["placement"] == element]


def is_leaf(g: nx.MultiDiGraph, element: str) -> bool:
    return not children(g, element) and not actors_in(g, element)


def _title_lines(g: nx.MultiDiGraph, element: str, width: float, size: int) -> list[str]:
    return wrap(str(g.nodes[element]["label"]), width - 2 * PAD, size, bold=True)


def title_size(depth: int) -> int:
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
class Frames:
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


class Planner:
    """Sizes and places the frames for given row arrangements and orders of sub-elements."""

    def __init__(self, g: nx.MultiDiGraph, bottom: frozenset[str] = frozenset()) -> None:
        self.g = g
        self.bottom = bottom  # frames whose title goes at the foot (arrows run across the top)
        self.roots = children(g, None)
        actors = [n for n, d in g.nodes(data=True) if d["kind"] == "actor"]
        band = [a for r in self.roots for a in actors_in(g, r)]
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
        return len(kids) > 1 and all(is_leaf(self.g, k) for k in kids) and not (set(kids) & self.flow_kids)

    def kid_widths(self, element: str, room: float, kids: list[str], depth: int) -> dict[str, float]:
        """Sub-elements side by side: those that hold only their name as wide as it (when others
        hold more), the others sharing the rest by how much they hold."""
        g = self.g
        leaves = {k for k in kids if is_leaf(g, k)}
        if len(leaves) == len(kids):
            return {k: (room - GAP_X * (len(kids) - 1)) / len(kids) for k in kids}
        size = title_size(depth + 1)
        fixed = {
            k: max(text_width(w, size, True) for w in str(g.nodes[k]["label"]).split()) + 2 * PAD + 4 for k in leaves
        }
        weight = {k: 1 + len(nx.descendants(tree(g), k)) + len(actors_in(g, k)) for k in kids if k not in leaves}
        rest = room - GAP_X * (len(kids) - 1) - sum(fixed.values())
        return {k: fixed[k] if k in fixed else rest * weight[k] / sum(weight.values()) for k in kids}

    def height(self, element: str, width: float, depth: int, rows: dict[str, tuple[int, ...]]) -> float:
        """The height ``element``'s frame needs at ``width``."""
        g = self.g
        if is_leaf(g, element):
            return LEAF_H
        size = title_size(depth)
        title = len(_title_lines(g, element, width, size)) * LINE * size + TITLE_GAP
        h = PAD + title + (title if element in self.bottom else 0)  # a title at the foot keeps the top's room
        members, kids = actors_in(g, element), children(g, element)
        if members:
            box_h = self.band_box[1] if depth == 0 else self.box[1]
            h += _rows_height(rows[element], box_h, self.row_gap) + (self.zone if kids else 0)
        if kids:
            widths = self.kid_widths(element, width - 2 * PAD, kids, depth)
            h += max(self.height(k, widths[k], depth + 1, rows) for k in kids)
        return h + PAD

    def frames(self, rows: dict[str, tuple[int, ...]], kid_orders: dict[str, list[str]]) -> Frames:
        g = self.g
        out = Frames({}, {}, {}, {}, [], 0.0, (0.0, 0.0), kid_orders, self.row_gap)

        def place(element: str, rect: Rect, depth: int) -> None:
            x0, y0, x1, y1 = rect
            out.boxes[element], out.depth[element] = rect, depth
            size = title_size(depth)
            out.titles[element] = _title_lines(g, element, x1 - x0, size)
            if is_leaf(g, element):
                return
            title = len(out.titles[element]) * LINE * size + TITLE_GAP
            inner = (x0 + PAD, y0 + PAD, x1 - PAD, y1 - PAD - (title if element in self.bottom else 0))
            top = inner[1] + title
            members, kids = actors_in(g, element), kid_orders.get(element) or children(g, element)
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
            members = actors_in(self.g, element)
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
