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

import itertools
from dataclasses import dataclass

import networkx as nx

from .arrangement import Arrangement, arrange
from .arrows import Arrow, arrow_paths, head_rect, head_start
from .frames import BOX_PAD, PAD, PLOT_W, Frames, Planner, is_leaf, title_size
from .geometry import Point, Rect, centre, contains, edges_of, overlap, path_hits, segment_hits
from .labels import place_labels
from .text import NAME_PX, Label, label_size, wrap

FLOW_HEAD = 6 * 1.2 * 4  # the framework's grey arrows: arrowhead 3, size 1.2, width 4


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


def _title_label(lines: list[str], rect: Rect, depth: int, leaf: bool, shift: float = 0.0, foot: bool = False) -> Label:
    """An element's name: centred in a frame that holds nothing else, else at its top left
    (``shift`` pixels to the right; at its foot with ``foot``)."""
    size = title_size(depth)
    w, h = label_size(lines, size, True)
    if leaf:
        return Label(tuple(lines), centre(rect), size, True)
    y = rect[3] - PAD - h / 2 + 1 if foot else rect[1] + PAD + h / 2 - 1
    return Label(tuple(lines), (rect[0] + PAD + shift + w / 2, y), size, True)


def _crossings(routed: list, label: Label) -> int:
    """How many arrows run across or close to ``label`` (their heads included)."""
    box = label.box
    return sum(
        1 for *_, points, head in routed if path_hits(points, box, 6) or overlap(box, head_rect(points, head), 4)
    )


def _title_places(options: list[Label], routed: list) -> list[Label]:
    """Of a title's places, left to right, those that fewest arrows come near: the first, the
    last and a few between (the labels then choose among them)."""
    counts = [_crossings(routed, t) for t in options]
    best = [t for t, n in zip(options, counts, strict=True) if n == min(counts)]
    picks = sorted({round(i * (len(best) - 1) / 4) for i in range(5)})
    return [best[i] for i in picks]


def _routed(
    planner: Planner, given: Arrangement | None = None
) -> tuple[Frames, dict[str, Rect], list, dict[str, list[Label]], Arrangement]:
    """The frames, the actor groups' boxes, the arrows' paths, the places each frame's title
    may take, and the arrangement (``given``, else the best found)."""
    g = planner.g
    frames, places, arrangement = arrange(planner, given)
    routed = []
    for u, v, key, points in arrow_paths(g, frames, places):
        points, head = head_start(points)
        routed.append((u, v, key, points, head))
    title_options: dict[str, list[Label]] = {}
    for e, rect in frames.boxes.items():
        if is_leaf(g, e):
            continue
        lines, depth = frames.titles[e], frames.depth[e]
        room = rect[2] - rect[0] - 2 * PAD - label_size(lines, title_size(depth), True)[0]
        shifts = [room * i / 24 for i in range(25)] if room > 0 else [0.0]
        options = [_title_label(lines, rect, depth, False, shift, e in planner.bottom) for shift in shifts]
        title_options[e] = _title_places(options, routed)
    return frames, places, routed, title_options, arrangement


def layout(g: nx.MultiDiGraph, edge_label=lambda d: str(d["work_type"])) -> Layout:
    """Where Figure 1's frames, actor groups, arrows and labels go (``edge_label(d)`` is the
    text of the label of an arrow with attributes ``d``)."""
    planner = Planner(g)
    frames, places, routed, title_options, arrangement = _routed(planner)
    # A frame's title at its top left, or as near it as no arrow runs across it; where arrows
    # run across every place at its top, at its foot (the frame drawn again with room there).
    crossed = frozenset(e for e, options in title_options.items() if _crossings(routed, options[0]))
    if crossed:
        planner = Planner(g, crossed)
        frames, places, routed, title_options, _ = _routed(planner, arrangement)
    names = {
        a: Label(tuple(wrap(str(g.nodes[a]["label"]), r[2] - r[0] - 2 * BOX_PAD, NAME_PX)), centre(r), NAME_PX)
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
        return place_labels(routed, texts, fixed, list(frames.boxes.values()), area)

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


def collisions(lay: Layout) -> list[str]:
    """What a reader would find piled up, in words: two texts that overlap, a label over an
    arrowhead or over a box, a label across a frame's edge or outside the drawing. Empty when
    the drawing is clean."""
    titles = [(f"the title {e!r}", t.box) for e, t in lay.titles.items()]
    names = [(f"the name {a!r}", t.box) for a, t in lay.names.items()]
    labels = [(f"the label of {a.key!r}", a.label.box) for a in lay.arrows]
    problems = [
        f"{n1} overlaps {n2}"
        for (n1, b1), (n2, b2) in itertools.combinations(titles + names + labels, 2)
        if overlap(b1, b2)
    ]
    for name, box in labels:
        problems += _label_problems(lay, name, box)
    for name, box in titles:
        problems += _over_boxes(lay, name, box)
    return problems


def _over_boxes(lay: Layout, name: str, box: Rect) -> list[str]:
    """The actor groups' boxes that the text ``name`` (its extent ``box``) lies over."""
    return [f"{name} overlaps the box of {actor!r}" for actor, rect in lay.actors.items() if overlap(box, rect)]


def _label_problems(lay: Layout, name: str, box: Rect) -> list[str]:
    """What an arrow's label lies over: arrowheads, boxes, frames' edges, or outside the drawing."""
    problems = [f"{name} overlaps the arrowhead of {a.key!r}" for a in lay.arrows if overlap(box, a.head_box)]
    problems += _over_boxes(lay, name, box)
    problems += [
        f"{name} runs across the edge of the frame {e!r}"
        for e, rect in lay.boxes.items()
        if any(segment_hits(p, q, box) for p, q in edges_of(rect))
    ]
    if not contains((0, 0, lay.width, lay.height), box):
        problems.append(f"{name} leaves the drawing")
    return problems
