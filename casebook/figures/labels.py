"""Where each arrow's label goes: the free place nearest the middle of its arrow, clear of
every text, box and arrowhead."""

from __future__ import annotations

from collections.abc import Iterator

from .arrows import ARROW_W, head_rect
from .geometry import Point, Rect, bounds, contains, overlap, path_hits, path_length, point_at
from .text import ARROW_PX, Label, label_size

CLEAR = 3  # the least room between a label and what it must not touch


def _label_variants(text: str) -> list[tuple[str, ...]]:
    """The label on one line and, when it has a bracket, broken before it."""
    if " (" in text:
        head, tail = text.split(" (", 1)
        return [(text,), (head, "(" + tail)]
    return [(text,)]


FRACTIONS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8, 0.14, 0.86)


def place_labels(
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
    heads = [head_rect(points, head) for _, _, _, points, head in paths]
    extents = [bounds(points) for _, _, _, points, _ in paths]
    taken: list[Rect] = []
    placed: dict[str, Label] = {}
    total = 0.0
    for i in sorted(range(len(paths)), key=lambda i: path_length(paths[i][3])):
        _, _, key, points, head = paths[i]
        body = points[: head + 1]
        obstacles = fixed + taken + heads
        scored = [
            (
                _penalty(label.box, i, where == "on", paths, extents, obstacles, frames)
                + 3 * rank
                + 8 * variant
                + (12 if where == "on" else 0),
                label,
            )
            for variant, lines in enumerate(_label_variants(texts[key]))
            for rank, where, label in _places(lines, body)
            if contains(area, label.box)
        ]
        # the first of the least penalised; nowhere inside the drawing: on the arrow's middle
        best: tuple[float, Label] | None = min(scored, key=lambda s: s[0], default=None)
        if best is None:
            best = (0.0, Label(_label_variants(texts[key])[-1], point_at(body, 0.5)[0], ARROW_PX))
        placed[key] = best[1]
        taken.append(best[1].box)
        total += best[0]
    return placed, total


def _places(lines: tuple[str, ...], body: list[Point]) -> Iterator[tuple[int, str, Label]]:
    """Where a label of ``lines`` may go along the arrow's ``body``, from its middle outwards
    (the rank of each fraction of its length): beside it on either side, or on it."""
    w, h = label_size(lines, ARROW_PX)
    for rank, fraction in enumerate(FRACTIONS):
        (px, py), (dx, dy) = point_at(body, fraction)
        nx_, ny_ = -dy, dx
        away = abs(nx_) * w / 2 + abs(ny_) * h / 2 + ARROW_W / 2 + 4
        for where, offset in (("beside", away), ("beside", -away), ("on", 0.0)):
            yield rank, where, Label(lines, (px + nx_ * offset, py + ny_ * offset), ARROW_PX)


def _penalty(
    box: Rect,
    i: int,
    on: bool,
    paths: list[tuple[str, str, str, list[Point], int]],
    extents: list[Rect],
    obstacles: list[Rect],
    frames: list[Rect],
) -> int:
    """What a label at ``box`` on (or beside) arrow ``i`` costs the reader: each text, box or
    arrowhead it touches, each frame's edge it runs across, each arrow it crosses or comes near."""
    clash = sum(1 for r in obstacles if overlap(box, r, CLEAR))
    across = sum(1 for r in frames if overlap(box, r) and not contains(r, box))
    crossed = near = 0
    for j, (_, _, _, other, _) in enumerate(paths):
        if (j == i and on) or not overlap(extents[j], box, 10):
            continue
        if path_hits(other, box, 1, extents[j]):
            crossed += 1
        elif j != i and path_hits(other, box, 10, extents[j]):
            near += 1
    return 1000 * clash + 200 * across + 30 * crossed + 10 * near
