"""Where each arrow's label goes: the free place nearest the middle of its arrow, clear of
every text, box and arrowhead."""

from __future__ import annotations

from .arrows import ARROW_W, _head_rect
from .geometry import Point, Rect, _bounds, _contains, _length, _overlap, _path_hits, _point_at
from .text import ARROW_PX, Label, label_size

CLEAR = 3  # the least room between a label and what it must not touch


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
