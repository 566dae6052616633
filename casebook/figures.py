"""Figure 1 – The institutional work of key actors in the collaborative governance model.

The article keeps only the caption of Figure 1; this module redraws it from the data.
The elements of the collaborative governance framework are nested boxes (the system
context holds the drivers, the collaboration dynamics and the actions; the dynamics
hold shared motivation and capacity for joint action). Actor groups sit in the box
that ``actors.placement`` names. Each arrow is a row of ``relations.csv``, coloured by
type of institutional work and drawn solid (performed), dashed (attempted) or dotted
and faded (needed but missing). The layout is computed, not random: the same data give
the same figure.

``figure(case)`` returns the plotly figure; ``interactive_html`` the offline HTML
fragment the book embeds; ``write_static`` the SVG, PNG, PDF and JSON twins.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
import textwrap
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import plotly.graph_objects as go
import plotly.io as pio

from .case import Case
from .case.schema import WORK_TYPES
from .files import sha256
from .network import graph
from .paths import FIGURES_ENV
from .style import WORK_COLOURS

CAPTION = "The institutional work of key actors in the collaborative governance model"
LABEL = "figure-1"
WIDTH, HEIGHT = 1100, 760  # pixels of the static twins
CANVAS_W, CANVAS_H = 12.0, 8.0  # layout units
FONT = "DejaVu Sans, Arial, sans-serif"

STATUS_DASH = {"performed": "solid", "attempted": "dash", "missing": "dot"}
STATUS_TEXT = {"performed": "performed", "attempted": "attempted", "missing": "needed but missing"}
ELEMENT_FILL = ["#f4f6f8", "#e8eef4", "#dfe7ef", "#d5dfea"]  # by depth
ACTOR_FILL, ACTOR_LINE = "#ffffff", "#3b4a5a"
ACTOR_W, ACTOR_H = 2.0, 1.05
MAX_ACTORS = 12  # beyond this, actor groups are aggregated by placement and level

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Layout:
    """Where everything goes: a box per framework element, a centre per actor node."""

    boxes: dict[str, Box]
    depth: dict[str, int]
    actors: dict[str, tuple[float, float]]


def _children(g: nx.MultiDiGraph, parent: str | None) -> list[str]:
    return [n for n, d in g.nodes(data=True) if d["kind"] == "element" and d["parent"] == parent]


def _actors_in(g: nx.MultiDiGraph, element: str) -> list[str]:
    return [n for n, d in g.nodes(data=True) if d["kind"] == "actor" and d["placement"] == element]


def _weight(g: nx.MultiDiGraph, element: str) -> float:
    """Share of the width a box gets: an empty box needs little, a box holding
    sub-elements and actors needs room for them and for the arrows between them."""
    below = nx.descendants(_tree(g), element)
    actors = sum(len(_actors_in(g, e)) for e in below | {element})
    return 0.6 if not below and not actors else 1 + len(below) + 0.8 * actors


def _tree(g: nx.MultiDiGraph) -> nx.DiGraph:
    t = nx.DiGraph()
    for n, d in g.nodes(data=True):
        if d["kind"] == "element":
            t.add_node(n)
            if d["parent"]:
                t.add_edge(d["parent"], n)
    return t


def layout(g: nx.MultiDiGraph) -> Layout:
    """Nested boxes for the framework, actor positions inside their boxes."""
    boxes: dict[str, Box] = {}
    depth: dict[str, int] = {}
    actors: dict[str, tuple[float, float]] = {}

    def place(element: str, box: Box, level: int) -> None:
        boxes[element], depth[element] = box, level
        x0, y0, x1, y1 = box
        pad, title = 0.22, 0.5
        ix0, iy0, ix1, iy1 = x0 + pad, y0 + pad, x1 - pad, y1 - pad - title
        kids, mine = _children(g, element), _actors_in(g, element)
        if level == 0:
            band_y = None
            if mine:  # actors acting on the collaboration from outside: a band along the top
                band = ACTOR_H + 0.9
                band_y = iy1 - band / 2 + 0.2
                iy1 -= band
            weights = [_weight(g, k) for k in kids]
            gap, x = 0.3, ix0
            room = (ix1 - ix0) - gap * max(len(kids) - 1, 0)
            for k, w in zip(kids, weights, strict=True):
                width = room * w / sum(weights)
                place(k, (x, iy0, x + width, iy1), level + 1)
                x += width + gap
            if band_y is not None:
                for a, ax in _band_positions(g, mine, boxes, ix0, ix1):
                    actors[a] = (ax, band_y)
            return
        # Inside: member actors in columns at the sides, sub-elements stacked in the middle.
        left, right = mine[0::2], mine[1::2]
        side = ACTOR_W + 1.1  # room for the arrows between an actor and the middle boxes
        cx0 = ix0 + (side if left else 0)
        cx1 = ix1 - (side if right else 0)
        for column, x in ((left, ix0 + ACTOR_W / 2 + 0.1), (right, ix1 - ACTOR_W / 2 - 0.1)):
            for i, a in enumerate(column):
                actors[a] = (x, iy1 - (iy1 - iy0) * (i + 0.5) / len(column))
        if kids:
            gap = 0.5
            height = ((iy1 - iy0) - gap * (len(kids) - 1)) / len(kids)
            for i, k in enumerate(kids):
                top = iy1 - i * (height + gap)
                place(k, (cx0, top - height, cx1, top), level + 1)

    for root in _children(g, None):
        place(root, (0.0, 0.0, CANVAS_W, CANVAS_H), 0)
    return Layout(boxes, depth, actors)


def _band_positions(
    g: nx.MultiDiGraph, band: list[str], boxes: dict[str, Box], left: float, right: float
) -> list[tuple[str, float]]:
    """x positions for the actors of the top band: above the boxes they act on, else at
    the left, then pushed apart so no two overlap."""

    def inside(node: str) -> float | None:
        d = g.nodes[node]
        if d["kind"] == "element" and node in boxes:
            return (boxes[node][0] + boxes[node][2]) / 2
        if d["kind"] == "actor" and d["placement"] in boxes and node not in band:
            b = boxes[d["placement"]]
            return (b[0] + b[2]) / 2
        return None

    wanted = []
    for a in band:
        xs = [x for v in g.successors(a) if (x := inside(v)) is not None]
        wanted.append((a, sum(xs) / len(xs) if xs else left + ACTOR_W / 2))
    wanted.sort(key=lambda item: item[1])
    spacing = ACTOR_W + 1.2
    placed: list[tuple[str, float]] = []
    for a, x in wanted:
        if placed:
            x = max(x, placed[-1][1] + spacing)
        placed.append((a, min(x, right - ACTOR_W / 2)))
    return placed


def aggregate(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A readable version of a large graph: actors grouped by placement and level,
    parallel arrows of the same kind merged and counted (edge attribute ``count``)."""
    group = {}
    out = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        if d["kind"] == "element":
            out.add_node(n, **d)
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n, d in g.nodes(data=True):
        if d["kind"] == "actor":
            members[(d["placement"], d["level"])].append(n)
    for (placement, level), names in members.items():
        key = f"group:{placement}:{level}"
        for n in names:
            group[n] = key
        out.add_node(
            key,
            kind="actor",
            label=f"{len(names)} {level} actor groups",
            level=level,
            sector="mixed",
            placement=placement,
            description=f"{len(names)} actor groups at the {level} level",
        )
    merged: dict[tuple[str, str, str, str], dict] = {}
    for u, v, d in g.edges(data=True):
        key = (group.get(u, u), group.get(v, v), d["work_type"], d["status"])
        m = merged.setdefault(key, {**d, "id": "+".join(key), "count": 0, "activities": [], "evidence": []})
        m["count"] += 1
        m["activities"] = m["activities"] + d["activities"]
    for (u, v, _, _), d in merged.items():
        d["description"] = f"{d['count']} arrows of {d['work_type']} work ({d['status']})"
        out.add_edge(u, v, key=d["id"], **d)
    return out


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def _clip(box: Box, inside: tuple[float, float], outside: tuple[float, float]) -> tuple[float, float]:
    """Where the segment from ``inside`` (in the box) towards ``outside`` leaves the box."""
    (x0, y0, x1, y1), (px, py), (qx, qy) = box, inside, outside
    dx, dy = qx - px, qy - py
    ts = []
    for edge, d, p in ((x0, dx, px), (x1, dx, px), (y0, dy, py), (y1, dy, py)):
        if d:
            ts.append((edge - p) / d)
    ts = [t for t in ts if t > 0]
    t = min([t for t in ts if _within(box, px + dx * t, py + dy * t)] or [0])
    return px + dx * t, py + dy * t


def _within(box: Box, x: float, y: float, eps: float = 1e-9) -> bool:
    x0, y0, x1, y1 = box
    return x0 - eps <= x <= x1 + eps and y0 - eps <= y <= y1 + eps


def _node_box(lay: Layout, node: str) -> Box:
    if node in lay.actors:
        x, y = lay.actors[node]
        return (x - ACTOR_W / 2, y - ACTOR_H / 2, x + ACTOR_W / 2, y + ACTOR_H / 2)
    return lay.boxes[node]


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _curve(p: tuple[float, float], q: tuple[float, float], bend: float, n: int = 24) -> list[tuple[float, float]]:
    """A quadratic Bézier from ``p`` to ``q`` bent sideways by ``bend`` (0 = straight)."""
    (px, py), (qx, qy) = p, q
    mx, my = (px + qx) / 2, (py + qy) / 2
    length = math.hypot(qx - px, qy - py) or 1.0
    cx, cy = mx - (qy - py) / length * bend, my + (qx - px) / length * bend
    return [
        ((1 - t) ** 2 * px + 2 * (1 - t) * t * cx + t * t * qx, (1 - t) ** 2 * py + 2 * (1 - t) * t * cy + t * t * qy)
        for t in (i / n for i in range(n + 1))
    ]


def _head_start(points: list[tuple[float, float]], length: float) -> int:
    """Index of the curve point about ``length`` units before its end (where the head starts)."""
    travelled = 0.0
    for i in range(len(points) - 1, 0, -1):
        travelled += math.dist(points[i], points[i - 1])
        if travelled >= length:
            return i - 1
    return 0


def _edge_label(d: dict) -> str:
    label = d["work_type"]
    if d["status"] != "performed":
        label += f" ({d['status']})"
    if d.get("count", 1) > 1:
        label += f" ×{d['count']}"
    return label


def _place_label(start: tuple[float, float], end: tuple[float, float], label: str, size: int) -> tuple[str, int, int]:
    """An arrow's label, and the pixels to move it by. A long arrow carries its label on its
    middle. A short one would be hidden by it: the label breaks before its bracket and moves
    beside the arrow, below it (or right of a vertical one), just clear of the line."""
    scale = WIDTH / CANVAS_W  # pixels per layout unit, near enough
    dx, dy = (end[0] - start[0]) * scale, (end[1] - start[1]) * scale
    length = math.hypot(dx, dy)
    char = size * 0.6  # the average width of a character of the label font
    if length == 0 or length >= len(label) * char + 40:
        return label, 0, 0
    lines = label.replace(" (", "\n(").split("\n")
    width, height = max(map(len, lines)) * char, len(lines) * size * 1.25
    nx_, ny_ = -dy / length, dx / length  # a unit normal; take the one pointing down (or right)
    if ny_ > 0 or (ny_ == 0 and nx_ < 0):
        nx_, ny_ = -nx_, -ny_
    away = abs(nx_) * width / 2 + abs(ny_) * height / 2 + 4
    return "<br>".join(lines), round(nx_ * away), round(ny_ * away)


def _hover(lines: list[str]) -> str:
    return "<br>".join(_wrap(line, 60) for line in lines)


def figure(case: Case, *, title: bool = False, font_size: int = 12) -> go.Figure:
    """Figure 1 as a plotly figure, drawn from the case's actors, framework and relations.

    ``font_size`` is the size of the actor labels; the web version uses a smaller one
    so that the figure stays legible in the width of a book page.
    """
    small = font_size - 1
    g = graph(case)
    aggregated = sum(1 for _, d in g.nodes(data=True) if d["kind"] == "actor") > MAX_ACTORS
    if aggregated:
        g = aggregate(g)
    lay = layout(g)
    fig = go.Figure()
    shapes, notes = [], []

    # Framework boxes, outermost first so inner boxes paint over them.
    for element in sorted(lay.boxes, key=lambda e: lay.depth[e]):
        x0, y0, x1, y1 = lay.boxes[element]
        d = g.nodes[element]
        shapes.append(
            dict(
                type="rect",
                x0=x0,
                y0=y0,
                x1=x1,
                y1=y1,
                layer="below",
                line=dict(color="#8a99a8", width=1.2),
                fillcolor=ELEMENT_FILL[min(lay.depth[element], 3)],
            )
        )
        leaf = not _children(g, element) and not _actors_in(g, element)
        notes.append(
            dict(
                x=(x0 + x1) / 2 if leaf else x0 + 0.15,
                y=(y0 + y1) / 2 if leaf else y1 - 0.12,
                xanchor="center" if leaf else "left",
                yanchor="middle" if leaf else "top",
                text=f"<b>{_wrap(d['label'], 14 if leaf else 40)}</b>",
                showarrow=False,
                font=dict(size=font_size + 1 if lay.depth[element] < 2 else font_size, color="#24313d"),
            )
        )

    # The framework's own sequence (drivers -> dynamics -> actions) between sibling boxes.
    for element, d in g.nodes(data=True):
        nxt = d.get("leads_to")
        if d["kind"] != "element" or not nxt or nxt not in lay.boxes:
            continue
        if g.nodes[nxt]["parent"] != d["parent"]:
            continue
        a, b = lay.boxes[element], lay.boxes[nxt]
        y = (max(a[1], b[1]) + min(a[3], b[3])) / 2
        start, end = (a[2], y) if a[2] <= b[0] else (a[0], y), (b[0], y) if a[2] <= b[0] else (b[2], y)
        notes.append(
            dict(
                x=end[0],
                y=end[1],
                ax=start[0],
                ay=start[1],
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                text="",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.4,
                arrowwidth=4,
                arrowcolor="#9aa7b4",
            )
        )

    # Arrows of institutional work.
    pairs: dict[tuple[str, str], list[tuple[str, str, dict]]] = defaultdict(list)
    for u, v, d in g.edges(data=True):
        pairs[(u, v)].append((u, v, d))
    for (u, v), edges in pairs.items():
        for i, (_, _, d) in enumerate(edges):
            bend = 0.0 if len(edges) == 1 else (i - (len(edges) - 1) / 2) * 0.55
            su, sv = _node_box(lay, u), _node_box(lay, v)
            cu, cv = _centre(su), _centre(sv)
            if v in lay.boxes and (_children(g, v) or _actors_in(g, v)):
                # a box that holds others: aim at its top edge, beside its title
                end = (sv[0] + 1.0, sv[3] - (0.5 if _within(sv, *cu) else 0))
                cv = end
            else:
                end = _clip(sv, cv, cu)
            start = _clip(su, cu, cv)
            points = _curve(start, end, bend)
            colour = WORK_COLOURS[d["work_type"]]
            width = 2.6 + (min(d.get("count", 1), 20) - 1) * 0.3
            faded = d["status"] == "missing"
            cut = _head_start(points, 0.3)  # the last stretch is drawn by the arrowhead
            fig.add_trace(
                go.Scatter(
                    x=[p[0] for p in points[: cut + 1]],
                    y=[p[1] for p in points[: cut + 1]],
                    mode="lines",
                    showlegend=False,
                    line=dict(color=colour, width=width, dash=STATUS_DASH[d["status"]]),
                    opacity=0.55 if faded else 1,
                    hoverinfo="skip",
                )
            )
            notes.append(
                dict(
                    x=points[-1][0],
                    y=points[-1][1],
                    ax=points[cut][0],
                    ay=points[cut][1],
                    xref="x",
                    yref="y",
                    axref="x",
                    ayref="y",
                    text="",
                    showarrow=True,
                    arrowhead=2,
                    arrowsize=1.1,
                    arrowwidth=width,
                    arrowcolor=colour,
                    opacity=0.55 if faded else 1,
                )
            )
            mid = points[len(points) // 2]
            label, xshift, yshift = _place_label(start, end, _edge_label(d), small)
            notes.append(
                dict(
                    x=mid[0],
                    y=mid[1],
                    text=label,
                    xshift=xshift,
                    yshift=yshift,
                    showarrow=False,
                    font=dict(size=small, color=colour),
                    bgcolor="rgba(255,255,255,0.85)",
                    opacity=0.7 if faded else 1,
                )
            )
            hover = [
                f"<b>{g.nodes[u]['label']} → {g.nodes[v]['label']}</b>",
                f"{d['work_type'].capitalize()} work, {STATUS_TEXT[d['status']]}",
                d["description"],
            ]
            hover += [f"• {a}" for a in d["activities"][:8]]
            if d["evidence"]:
                hover.append("Evidence: " + "; ".join(d["evidence"][:6]))
            fig.add_trace(
                go.Scatter(
                    x=[mid[0]],
                    y=[mid[1]],
                    mode="markers",
                    marker=dict(size=18, color="rgba(0,0,0,0)"),
                    hovertext=_hover(hover),
                    hoverinfo="text",
                    showlegend=False,
                    name=d["id"],
                )
            )

    # Actor groups: boxes with their names; hovering lists who they are.
    for actor, (x, y) in lay.actors.items():
        d = g.nodes[actor]
        shapes.append(
            dict(
                type="rect",
                x0=x - ACTOR_W / 2,
                y0=y - ACTOR_H / 2,
                x1=x + ACTOR_W / 2,
                y1=y + ACTOR_H / 2,
                line=dict(color=ACTOR_LINE, width=1.6),
                fillcolor=ACTOR_FILL,
                layer="above",
            )
        )
        notes.append(
            dict(
                x=x,
                y=y,
                text=_wrap(d["label"], 16 if font_size < 12 else 20),
                showarrow=False,
                font=dict(size=font_size, color="#1b2733"),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[p[0] for p in lay.actors.values()],
            y=[p[1] for p in lay.actors.values()],
            mode="markers",
            marker=dict(size=40, color="rgba(0,0,0,0)", symbol="square"),
            showlegend=False,
            hoverinfo="text",
            hovertext=[_hover([f"<b>{g.nodes[a]['label']}</b>", g.nodes[a]["description"]]) for a in lay.actors],
            name="actor groups",
        )
    )

    # Legend: colour = type of work, line style = status.
    for work in WORK_TYPES:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=f"{work.capitalize()} work",
                line=dict(color=WORK_COLOURS[work], width=3),
            )
        )
    for status, dash in STATUS_DASH.items():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=STATUS_TEXT[status].capitalize(),
                line=dict(color="#555555", width=2, dash=dash),
            )
        )

    for i, trace in enumerate(fig.data):  # fixed ids: plotly would otherwise draw random ones into the SVG
        trace.uid = f"f1-{i}"
    fig.update_layout(
        width=WIDTH,
        height=HEIGHT,
        margin=dict(l=10, r=10, t=10, b=50),
        title=dict(text=""),
        font=dict(family=FONT, size=font_size),
        shapes=shapes,
        annotations=notes,
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode="closest",
        showlegend=True,
        legend=dict(orientation="h", x=0.5, xanchor="center", y=-0.01, yanchor="top"),
        xaxis=dict(range=[-0.05, CANVAS_W + 0.05], visible=False, fixedrange=True),
        yaxis=dict(range=[-0.05, CANVAS_H + 0.05], visible=False, fixedrange=True, scaleanchor="x"),
        meta=dict(aggregated=aggregated),
    )
    return titled(fig) if title else fig


def titled(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` with the figure's title above it (the standalone page's version)."""
    return go.Figure(fig).update_layout(margin=dict(t=40), title=dict(text=f"Figure 1 – {CAPTION}"))


def description(case: Case, evidence: bool = False) -> list[str]:
    """Figure 1 in words: one sentence per arrow (for readers who cannot see the figure);
    with ``evidence``, each sentence links to the arrow's entry in the Evidence appendix."""
    from .book import Linked
    from .evidence import numbers

    g = graph(case)
    claims = numbers(case, "relation") if evidence else {}
    lines = []
    for u, v, d in g.edges(data=True):
        line = f"{g.nodes[u]['label']} → {g.nodes[v]['label']}: {d['work_type']} work, {STATUS_TEXT[d['status']]}."
        claim = claims.get(d["id"])
        lines.append(Linked(line, claim.mark, claim.label) if claim else line)
    return lines


def div_id(name: str = LABEL) -> str:
    """A stable HTML id, so the same figure gives byte-identical HTML on every run."""
    return "plotly-" + hashlib.sha256(name.encode()).hexdigest()[:12]


def interactive_html(case: Case) -> str:
    """The figure as an offline HTML fragment: no CDN, stable div id, responsive width."""
    fig = figure(case, font_size=10)
    fig.update_layout(width=None, height=None, autosize=True)
    body = pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id(),
        config={"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
        default_width="100%",
        default_height="540px",
    )
    label = "Interactive version of Figure 1. " + " ".join(description(case))
    return f'<div class="casebook-plotly" role="figure" aria-label="{html.escape(label)}">{body}</div>'


@dataclass(frozen=True)
class FigureBundle:
    """Figure 1 for the book: interactive HTML for the web, the SVG everywhere else (the
    PDF), with the figure in words as the SVG's alternative text.

    Glue it (``myst_nb.glue("figure-1", bundle, display=False)``) and show it with a
    ``{glue:figure}`` directive.
    """

    html: str
    svg: str
    alt: str

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        from . import content

        return content.show(content.media(self.html, self.svg, "image/svg+xml", self.alt))._repr_mimebundle_()


STATIC_KEY = "figure1.static.sha256"
PLOTLY_JS = Path(__file__).parent / "publish" / "static" / "plotly-basic.min.js"
"""plotly.js's basic partial bundle, vendored by scripts/vendor_plotly.py: the book's pages
and the standalone figure draw with it (scatter traces, shapes and annotations)."""
"""Beside the static twins: the SHA-256 of the drawing they show (:func:`static_key`)."""


def static_key(fig: go.Figure) -> str:
    """The SHA-256 of what a static image of ``fig`` shows: its spec without what only the
    interactive figure uses (hover texts, the hover mode). Editing an activity of Table 1
    changes the hover text of its arrow, not the SVG, PNG and PDF: they are not redrawn."""
    spec_ = spec(fig)
    for trace in spec_["data"]:
        for key in ("hovertext", "hoverinfo", "hovertemplate"):
            trace.pop(key, None)
    spec_["layout"].pop("hovermode", None)
    return sha256(json.dumps(spec_, sort_keys=True))


def static_svg(case: Case, folder: Path | str | None = None) -> str:
    """Figure 1 as SVG text: the copy in ``folder`` (default ``$CASEBOOK_FIGURES``) when it
    shows the figure of ``case`` (:func:`static_key`), else drawn afresh (kaleido, a second or two)."""
    fig = figure(case)
    folder = folder or os.environ.get(FIGURES_ENV)
    if folder and is_current(fig, Path(folder)):
        return (Path(folder) / "figure1.svg").read_text(encoding="utf-8")
    return _normalise_svg(pio.to_image(fig, format="svg", width=WIDTH, height=HEIGHT)).decode("utf-8")


def is_current(fig: go.Figure, folder: Path, stem: str = "figure1") -> bool:
    """Whether ``folder``'s static twins (SVG, PNG, PDF) show ``fig``."""
    key = folder / STATIC_KEY
    return (
        key.is_file()
        and key.read_text(encoding="utf-8").strip() == static_key(fig)
        and all((folder / f"{stem}.{fmt}").is_file() for fmt in ("svg", "png", "pdf"))
    )


def bundle(case: Case) -> FigureBundle:
    """The interactive and the static Figure 1 of ``case`` in one displayable object."""
    alt = f"Figure 1, {CAPTION}. " + " ".join(description(case))
    return FigureBundle(interactive_html(case), static_svg(case), alt)


def spec(fig: go.Figure) -> dict:
    """The figure's data and layout as plain JSON (what ``make verify`` compares)."""
    return json.loads(pio.to_json(fig, pretty=False, engine="json"))


def json_text(fig: go.Figure) -> str:
    """The figure's spec as stable JSON text (sorted keys): what ``figures/figure1.json`` holds."""
    return json.dumps(spec(fig), indent=1, sort_keys=True) + "\n"


def _normalise_svg(data: bytes) -> bytes:
    """Replace the random ids kaleido writes into SVGs by stable ones."""
    text = data.decode("utf-8")
    ids = list(dict.fromkeys(re.findall(r'id="([^"]+)"', text)))
    for old in sorted(ids, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", f"f1id{ids.index(old)}", text)
    return text.encode("utf-8")


def _normalise_pdf(data: bytes) -> bytes:
    """Blank the creation and modification dates (same length, so offsets stay valid)."""
    return re.sub(rb"/(CreationDate|ModDate) \(D:[0-9+\-']+\)", lambda m: re.sub(rb"[0-9]", b"0", m.group()), data)


def standalone_html(fig: go.Figure) -> str:
    """Figure 1 (``figure(case)``) as a page of its own that opens offline anywhere: titled,
    with the book's vendored plotly.js (casebook.publish.plotly) inline."""
    fig = titled(fig)
    fig.update_layout(width=None, height=None, autosize=True)
    page = pio.to_html(fig, full_html=True, include_plotlyjs=False, div_id=div_id(), default_height="760px")
    script = PLOTLY_JS.read_text(encoding="utf-8")
    return page.replace("</head>", f'<script type="text/javascript">{script}</script>\n</head>', 1)


def write_static(case: Case, folder: Path | str, stem: str = "figure1", force: bool = False) -> dict[str, Path]:
    """Write ``stem.svg``, ``.png``, ``.pdf``, a standalone ``.html`` and ``.json`` (the plotly
    spec that ``make verify`` compares) into ``folder``; return what was written. Unless
    ``force``, the static twins are redrawn (kaleido, a few seconds) only when the drawing
    changed (:func:`static_key`), and the JSON and the standalone page only when their text
    did: the fast path of every ``make html`` after a change that Figure 1 does not draw."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fig = figure(case)
    out = {}
    json_path = folder / f"{stem}.json"
    text = json_text(fig)
    if force or not json_path.is_file() or json_path.read_text(encoding="utf-8") != text:
        json_path.write_text(text, encoding="utf-8")
        out["json"] = json_path
    html_path = folder / f"{stem}.html"
    page = standalone_html(fig)
    if force or not html_path.is_file() or html_path.read_text(encoding="utf-8") != page:
        html_path.write_text(page, encoding="utf-8")
        out["html"] = html_path
    if not force and is_current(fig, folder, stem):
        return out
    import kaleido

    paths = {fmt: folder / f"{stem}.{fmt}" for fmt in ("svg", "png", "pdf")}
    kaleido.start_sync_server(silence_warnings=True)
    try:
        for fmt, path in paths.items():
            with warnings.catch_warnings():  # plotly notes that a running server ignores its options
                warnings.simplefilter("ignore", UserWarning)
                data = pio.to_image(fig, format=fmt, width=WIDTH, height=HEIGHT, scale=2 if fmt == "png" else 1)
            if fmt == "svg":
                data = _normalise_svg(data)
            if fmt == "pdf":
                data = _normalise_pdf(data)
            path.write_bytes(data)
            out[fmt] = path
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    (folder / STATIC_KEY).write_text(static_key(fig) + "\n", encoding="utf-8")
    return out
