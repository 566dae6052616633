"""Figure 1's arrows of institutional work: where each meets its boxes (ports spread along the
facing sides), how it bends around the boxes in its way, and its head."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from .frames import Frames, is_leaf
from .geometry import Point, Rect, centre, contains, curve, nearest, path_hits
from .text import Label

PORT_GAP = 18  # between two arrows leaving (or entering) the same side of a box
ARROW_W = 2.6  # an arrow's line width; its head is drawn at plotly's arrowhead 2, size 1.1
HEAD_LEN, HEAD_HALF = 5 * 1.1 * ARROW_W, 2.5 * 1.1 * ARROW_W


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


def _route(p: Point, q: Point, obstacles: list[Rect]) -> list[Point]:
    """The path from ``p`` to ``q``: straight, or bent (a little more each time, either way)
    around the boxes in its way (an arrow over a box reads as ending there)."""
    for bend in (0, 24, -24, 48, -48, 72, -72, 100, -100, 140, -140):
        points = curve(p, q, bend) if bend else [p, q]
        if not any(path_hits(points, r, 4) for r in obstacles):
            return points
    return [p, q]


def head_start(points: list[Point]) -> tuple[list[Point], int]:
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


def arrow_paths(g: nx.MultiDiGraph, frames: Frames, places: dict[str, Rect]) -> list[tuple[str, str, str, list[Point]]]:
    """Each arrow's path, from port to port."""
    edges = list(g.edges(keys=True))
    ends: dict[tuple[str, str], list[tuple[float, int, str]]] = defaultdict(list)
    up: set[int] = set()  # arrows to the frame that holds their source: straight up to its top
    for i, (u, v, _) in enumerate(edges):
        a, b = places[u], places.get(v) or frames.boxes[v]
        if u == v:  # a group acting on itself (aggregated actor groups): a loop, drawn below
            continue
        if contains(b, a):
            up.add(i)
            continue
        su, sv = _sides(a, b)
        ends[(u, su)].append((nearest(a, centre(b))[_along(su)], i, "from"))
        ends[(v, sv)].append((nearest(b, centre(a))[_along(sv)], i, "to"))
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
    leaves = {e: r for e, r in frames.boxes.items() if is_leaf(g, e)}
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


def head_rect(points: list[Point], head: int) -> Rect:
    return Arrow("", "", "", tuple(points), head, Label(("",), (0, 0), 1)).head_box
