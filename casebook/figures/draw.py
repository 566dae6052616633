"""Figure 1 drawn with plotly, each frame, box, arrow and label where :mod:`.layout` puts it:
one drawing for the PDF, the static twins and the web."""

from __future__ import annotations

import html
import math
import textwrap
from collections import defaultdict

import networkx as nx
import plotly.graph_objects as go

from ..case import Case
from ..case.schema import WORK_TYPES
from ..network import graph
from ..style import LABEL_COLOURS, WORK_COLOURS
from .arrows import ARROW_W
from .layout import Layout, layout
from .text import NAME_PX, Label

CAPTION = "The institutional work of key actors in the collaborative governance model"
LABEL = "figure-1"
# One drawing for every medium. The static twins are drawn at the size the PDF prints them
# (the text width of an A4 page, 453.5 pt, is 760 px: 0.6 pt a pixel), so that the smallest
# text, 12 px, prints at 7.2 pt; the web shows the same drawing at the width of its column.
# The height follows from what the figure holds (.layout).
WIDTH = 760  # pixels of the static twins
MARGIN, LEGEND_H = 10, 64  # around the drawing; below it, the legend's two rows
FONT = "DejaVu Sans, Arial, sans-serif"
LEGEND_PX = 12

STATUS_DASH = {"performed": "solid", "attempted": "dash", "missing": "dot"}
STATUS_TEXT = {"performed": "performed", "attempted": "attempted", "missing": "needed but missing"}
ELEMENT_FILL = ["#f4f6f8", "#e8eef4", "#dfe7ef", "#d5dfea"]  # by depth
ACTOR_FILL, ACTOR_LINE = "#ffffff", "#3b4a5a"
MAX_ACTORS = 12  # beyond this, actor groups are aggregated by placement and level


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
        ends = (group.get(u, u), group.get(v, v), d["work_type"], d["status"])
        m = merged.setdefault(ends, {**d, "id": "+".join(ends), "count": 0, "activities": [], "evidence": []})
        m["count"] += 1
        m["activities"] = m["activities"] + d["activities"]
    for (u, v, _, _), d in merged.items():
        d["description"] = f"{d['count']} arrows of {d['work_type']} work ({d['status']})"
        out.add_edge(u, v, key=d["id"], **d)
    return out


def _edge_label(d: dict) -> str:
    label = d["work_type"]
    if d["status"] != "performed":
        label += f" ({d['status']})"
    if d.get("count", 1) > 1:
        label += f" ×{d['count']}"
    return label


def _hover(lines: list[str]) -> str:
    return "<br>".join("<br>".join(textwrap.wrap(line, 60, break_long_words=False)) or line for line in lines)


def _text(label: Label, colour: str, **style) -> dict:
    """A plotly annotation showing ``label`` where the layout put it."""
    lines = [html.escape(line, quote=False) for line in label.lines]
    text = "<br>".join(f"<b>{line}</b>" for line in lines) if label.bold else "<br>".join(lines)
    x, y = label.centre
    return dict(x=x, y=y, text=text, showarrow=False, font=dict(size=label.size, color=colour), **style)


def _arrow(start: tuple[float, float], end: tuple[float, float], **style) -> dict:
    """A plotly annotation drawing an arrow from ``start`` to ``end`` (data coordinates)."""
    return dict(
        x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y",
        text="", showarrow=True, **style,
    )  # fmt: skip


def height(lay: Layout) -> int:
    """The static figure's height in pixels: the drawing, its margin and the legend."""
    return math.ceil(lay.height) + MARGIN + LEGEND_H


def drawing(case: Case) -> tuple[nx.MultiDiGraph, Layout]:
    """Figure 1's graph (aggregated when it has more than MAX_ACTORS actor groups) and its layout."""
    g = graph(case)
    if sum(1 for _, d in g.nodes(data=True) if d["kind"] == "actor") > MAX_ACTORS:
        g = aggregate(g)
    return g, layout(g, _edge_label)


def figure(case: Case, *, title: bool = False) -> go.Figure:
    """Figure 1 as a plotly figure, drawn from the case's actors, framework and relations
    where :mod:`.layout` puts them: the same drawing for the PDF, the static
    twins and the web."""
    g, lay = drawing(case)
    aggregated = any(str(n).startswith("group:") for n in g)
    fig = go.Figure()
    shapes, notes = [], []

    # Framework frames, outermost first so inner ones paint over them, each with its name.
    for element in sorted(lay.boxes, key=lambda e: lay.depth[e]):
        x0, y0, x1, y1 = lay.boxes[element]
        fill = ELEMENT_FILL[min(lay.depth[element], len(ELEMENT_FILL) - 1)]
        shapes.append(
            dict(type="rect", x0=x0, y0=y0, x1=x1, y1=y1, layer="below", line=dict(color="#8a99a8", width=1.2),
                 fillcolor=fill)
        )  # fmt: skip
        notes.append(_text(lay.titles[element], "#24313d"))

    # The framework's own sequence (drivers -> dynamics -> actions) between sibling frames.
    for start, end in lay.flow:
        notes.append(_arrow(start, end, arrowhead=3, arrowsize=1.2, arrowwidth=4, arrowcolor="#9aa7b4"))

    # Arrows of institutional work: the line (a trace, so that it can be dashed), the head
    # (an annotation), the label where the layout found it room.
    for arrow in lay.arrows:
        d = g.edges[arrow.u, arrow.v, arrow.key]
        colour = WORK_COLOURS[d["work_type"]]
        faded = d["status"] == "missing"
        body = arrow.points[: arrow.head + 1]
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in body],
                y=[p[1] for p in body],
                mode="lines",
                showlegend=False,
                line=dict(color=colour, width=ARROW_W, dash=STATUS_DASH[d["status"]]),
                opacity=0.55 if faded else 1,
                hoverinfo="skip",
            )
        )
        notes.append(
            _arrow(
                arrow.points[arrow.head], arrow.points[-1], arrowhead=2, arrowsize=1.1,
                arrowwidth=ARROW_W, arrowcolor=colour, opacity=0.55 if faded else 1,
            )
        )  # fmt: skip
        notes.append(_text(arrow.label, LABEL_COLOURS[d["work_type"]], bgcolor="rgba(255,255,255,0.9)"))
        hover = [
            f"<b>{g.nodes[arrow.u]['label']} → {g.nodes[arrow.v]['label']}</b>",
            f"{d['work_type'].capitalize()} work, {STATUS_TEXT[d['status']]}",
            d["description"],
        ]
        hover += [f"• {a}" for a in d["activities"][:8]]
        if d["evidence"]:
            hover.append("Evidence: " + "; ".join(d["evidence"][:6]))
        fig.add_trace(
            go.Scatter(
                x=[arrow.label.centre[0]],
                y=[arrow.label.centre[1]],
                mode="markers",
                marker=dict(size=18, color="rgba(0,0,0,0)"),
                hovertext=_hover(hover),
                hoverinfo="text",
                showlegend=False,
                name=d["id"],
            )
        )

    # Actor groups: boxes with their names; hovering lists who they are.
    for actor, (x0, y0, x1, y1) in lay.actors.items():
        shapes.append(
            dict(type="rect", x0=x0, y0=y0, x1=x1, y1=y1, line=dict(color=ACTOR_LINE, width=1.6),
                 fillcolor=ACTOR_FILL, layer="above")
        )  # fmt: skip
        notes.append(_text(lay.names[actor], "#1b2733"))
    fig.add_trace(
        go.Scatter(
            x=[lay.names[a].centre[0] for a in lay.actors],
            y=[lay.names[a].centre[1] for a in lay.actors],
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
                x=[None], y=[None], mode="lines", name=f"{work.capitalize()} work",
                line=dict(color=WORK_COLOURS[work], width=3),
            )
        )  # fmt: skip
    for status, dash in STATUS_DASH.items():
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="lines", name=STATUS_TEXT[status].capitalize(),
                line=dict(color="#555555", width=2, dash=dash),
            )
        )  # fmt: skip

    for i, trace in enumerate(fig.data):  # fixed ids: plotly would otherwise draw random ones into the SVG
        trace.uid = f"f1-{i}"
    fig.update_layout(
        width=WIDTH,
        height=height(lay),
        margin=dict(l=MARGIN, r=MARGIN, t=MARGIN, b=LEGEND_H),
        title=dict(text=""),
        font=dict(family=FONT, size=NAME_PX),
        shapes=shapes,
        annotations=notes,
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode="closest",
        showlegend=True,
        # two rows of three: the colours (types of work), then the line styles (status)
        legend=dict(
            orientation="h",
            x=0.5,
            xanchor="center",
            y=0,
            yanchor="top",
            font=dict(size=LEGEND_PX),
            entrywidth=WIDTH // 3 - 70,
        ),
        # one pixel of the drawing a unit, y downwards (as .layout computes)
        xaxis=dict(range=[0, lay.width], visible=False, fixedrange=True),
        yaxis=dict(range=[math.ceil(lay.height), 0], visible=False, fixedrange=True, scaleanchor="x"),
        meta=dict(aggregated=aggregated, width=WIDTH),  # the width the text is sized for (casebook-figure.js)
    )
    return titled(fig) if title else fig


def titled(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` with the figure's title above it (the standalone page's version)."""
    return go.Figure(fig).update_layout(margin=dict(t=40), title=dict(text=f"Figure 1 – {CAPTION}"))
