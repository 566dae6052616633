"""Which actor group goes where in Figure 1: the arrangement of rows, orders and sub-elements
whose arrows cross fewest, run over fewest boxes and are shortest."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .frames import MIN_GAP, Frames, Planner, actors_in, children, is_leaf, tree
from .geometry import Point, Rect, bounds, centre, contains, nearest, overlap, segment_hits, segments_cross


def _band_places(
    g: nx.MultiDiGraph, frames: Frames, places: dict[str, Rect], box: tuple[float, float], sizes: tuple[int, ...]
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


def _sketch(g: nx.MultiDiGraph, boxes: dict[str, Rect], places: dict[str, Rect]) -> list[tuple[str, str, Point, Point]]:
    """Each arrow as a straight segment between the nearest points of its boxes (to compare arrangements)."""
    out = []
    for u, v in g.edges():
        if u == v:
            continue
        a = places[u]
        b = places.get(v) or boxes[v]
        if contains(b, a):  # to the frame that holds the source: straight up to its top
            c = centre(a)
            out.append((u, v, (c[0], a[1]), (c[0], b[1])))
            continue
        end = nearest(b, centre(a))
        out.append((u, v, nearest(a, end), end))
    return out


def _cost(g: nx.MultiDiGraph, boxes: dict[str, Rect], places: dict[str, Rect], leaves: list[str]) -> float:
    """How hard an arrangement is to read: arrows that cross, arrows over a box, long arrows."""
    segments = _sketch(g, boxes, places)
    cost = sum(math.dist(p, q) for _, _, p, q in segments) / 400
    for (u1, v1, p1, q1), (u2, v2, p2, q2) in itertools.combinations(segments, 2):
        if not {u1, v1} & {u2, v2} and segments_cross(p1, q1, p2, q2):
            cost += 1
    obstacles = {**places, **{e: boxes[e] for e in leaves}}
    for u, v, p, q in segments:
        span = bounds((p, q))
        cost += 4 * sum(
            1 for n, r in obstacles.items() if n not in (u, v) and overlap(span, r, 2) and segment_hits(p, q, r, 2)
        )
    return cost


@dataclass(frozen=True)
class Arrangement:
    rows: dict[str, tuple[int, ...]]
    orders: dict[str, tuple[str, ...]]  # by element: its members, in the order of its slots
    kids: dict[str, tuple[str, ...]]


Result = tuple[float, Frames, dict[str, Rect], Arrangement]
"""An arrangement realised: its cost, its frames, the actor groups' boxes, and itself."""


def arrange(planner: Planner, given: Arrangement | None = None) -> tuple[Frames, dict[str, Rect], Arrangement]:
    """The frames and the actor groups' boxes that cross fewest arrows (or those of ``given``):
    every arrangement when there are few, else the best a search by swaps finds from the data's
    order and from its reverse."""
    search = _Search(planner)
    if given is not None:
        return search.realise(given)[1:]
    results = search.every() if search.size() <= 720 else search.by_swaps()
    return min(results, key=lambda result: result[0])[1:]


class _Search:
    """The arrangements of one planner's frames, and what each costs."""

    def __init__(self, planner: Planner) -> None:
        self.planner, self.g = planner, planner.g
        self.row_options = planner.row_options()
        self.inner = [e for e in self.row_options if e not in planner.roots]
        self.free_kids = [e for e in tree(self.g) if planner.permutable(e)]
        self.built: dict[tuple, Frames] = {}  # the frames depend on the rows and the sub-elements' order only

    def realise(self, arr: Arrangement) -> Result:
        g, planner = self.g, self.planner
        key = (tuple(sorted(arr.rows.items())), tuple(sorted(arr.kids.items())))
        if key not in self.built:
            self.built[key] = planner.frames(arr.rows, {e: list(k) for e, k in arr.kids.items()})
        frames = self.built[key]
        places: dict[str, Rect] = {}
        for e in self.inner:
            places.update(zip(arr.orders[e], frames.slots[e], strict=True))
        for root in planner.roots:
            if root in arr.rows:
                places.update(_band_places(g, frames, places, planner.band_box, arr.rows[root]))
        leaves = [e for e in frames.boxes if is_leaf(g, e)]
        return _cost(g, frames.boxes, places, leaves), frames, places, arr

    def size(self) -> int:
        """How many arrangements there are."""
        g = self.g
        counts = [len(self.row_options[e]) for e in self.row_options]
        counts += [math.factorial(len(actors_in(g, e))) for e in self.inner]
        counts += [math.factorial(len(children(g, e))) for e in self.free_kids]
        return math.prod(counts)

    def every(self) -> list[Result]:
        """Every arrangement, realised."""
        g = self.g
        values: list[list[tuple[str, str, tuple[Any, ...]]]] = [
            [("rows", e, r) for r in self.row_options[e]] for e in self.row_options
        ]
        values += [[("orders", e, p) for p in itertools.permutations(actors_in(g, e))] for e in self.inner]
        values += [[("kids", e, p) for p in itertools.permutations(children(g, e))] for e in self.free_kids]
        results = []
        for picks in itertools.product(*values):
            arr = Arrangement({}, {}, {})
            for what, e, value in picks:
                getattr(arr, what)[e] = value
            results.append(self.realise(arr))
        return results

    def by_swaps(self) -> list[Result]:
        """From the data's order and from its reverse, the best each reaches by one swap (or one
        change of rows) at a time, while a swap lowers the cost."""
        g, row_options = self.g, self.row_options
        results = []
        for reverse in (False, True):
            arr = Arrangement(
                {e: row_options[e][0] for e in row_options},
                {e: tuple(actors_in(g, e)[:: -1 if reverse else 1]) for e in self.inner},
                {e: tuple(children(g, e)) for e in self.free_kids},
            )
            best = self.realise(arr)
            while True:
                step = min(
                    (self.realise(c) for c in _neighbours(best[3], row_options, self.free_kids)),
                    key=lambda r: r[0],
                    default=None,
                )
                if step is None or step[0] >= best[0] - 1e-9:
                    break
                best = step
            results.append(best)
        return results


def _neighbours(
    arr: Arrangement, row_options: dict[str, list[tuple[int, ...]]], free_kids: list[str]
) -> Iterator[Arrangement]:
    for e, order in arr.orders.items():
        for i, j in itertools.combinations(range(len(order)), 2):
            swapped = list(order)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            yield Arrangement(arr.rows, {**arr.orders, e: tuple(swapped)}, arr.kids)
    for e, options in row_options.items():
        for rows in options:
            if rows != arr.rows[e]:
                yield Arrangement({**arr.rows, e: rows}, arr.orders, arr.kids)
    for e in free_kids:
        kids = arr.kids[e]
        for i, j in itertools.combinations(range(len(kids)), 2):
            swapped = list(kids)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            yield Arrangement(arr.rows, arr.orders, {**arr.kids, e: tuple(swapped)})
