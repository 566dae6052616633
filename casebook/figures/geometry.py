"""The plane geometry of Figure 1's layout: rectangles and points in pixels (y downwards),
whether segments and paths cross or touch them, curves, and where along a path a point lies."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1, with y0 < y1 (y downwards)
Point = tuple[float, float]


def contains(outer: Rect, inner: Rect) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def nearest(rect: Rect, p: Point) -> Point:
    return min(max(p[0], rect[0]), rect[2]), min(max(p[1], rect[1]), rect[3])


def centre(rect: Rect) -> Point:
    return (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2


def segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    def side(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = side(q1, q2, p1), side(q1, q2, p2)
    d3, d4 = side(p1, p2, q1), side(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def segment_hits(p: Point, q: Point, rect: Rect, margin: float = 0.0) -> bool:
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


def curve(p: Point, q: Point, bend: float) -> list[Point]:
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


def bounds(points: Iterable[Point]) -> Rect:
    points = list(points)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def path_hits(points: list[Point], rect: Rect, margin: float, extent: Rect | None = None) -> bool:
    if not overlap(extent or bounds(points), rect, margin):
        return False
    return any(segment_hits(p, q, rect, margin) for p, q in itertools.pairwise(points))


def overlap(a: Rect, b: Rect, margin: float = 0.0) -> bool:
    return a[0] < b[2] + margin and b[0] < a[2] + margin and a[1] < b[3] + margin and b[1] < a[3] + margin


def point_at(points: list[Point], fraction: float) -> tuple[Point, Point]:
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


def edges_of(rect: Rect) -> list[tuple[Point, Point]]:
    x0, y0, x1, y1 = rect
    return [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))]


def path_length(points: list[Point]) -> float:
    return sum(math.dist(p, q) for p, q in itertools.pairwise(points))
