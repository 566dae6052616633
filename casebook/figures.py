"""Figure 1 – The institutional work of key actors in the collaborative governance model.

The article keeps only the caption of Figure 1; this module redraws it from the data.
The elements of the collaborative governance framework are nested boxes (the system
context holds the drivers, the collaboration dynamics and the actions; the dynamics
hold shared motivation and capacity for joint action). Actor groups sit in the box
that ``actors.placement`` names. Each arrow is a row of ``relations.csv``, coloured by
type of institutional work and drawn solid (performed), dashed (attempted) or dotted
and faded (needed but missing). Where everything goes is computed (:mod:`casebook.figure_layout`):
the same data give the same figure.

``figure(case)`` returns the plotly figure; ``web_html`` the figure the web book shows (the
SVG, with the interactive view on request); ``write_static`` the SVG, PNG, PDF and JSON twins.
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

from . import content, figure_layout
from .case import Case
from .case.schema import WORK_TYPES
from .content import Linked, inline
from .evidence import numbers
from .files import sha256
from .network import graph
from .paths import FIGURES_ENV
from .style import LABEL_COLOURS, WORK_COLOURS
from .wording import listed, number_word

CAPTION = "The institutional work of key actors in the collaborative governance model"
LABEL = "figure-1"
# One drawing for every medium. The static twins are drawn at the size the PDF prints them
# (the text width of an A4 page, 453.5 pt, is 760 px: 0.6 pt a pixel), so that the smallest
# text, 12 px, prints at 7.2 pt; the web shows the same drawing at the width of its column.
# The height follows from what the figure holds (figure_layout).
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
        key = (group.get(u, u), group.get(v, v), d["work_type"], d["status"])
        m = merged.setdefault(key, {**d, "id": "+".join(key), "count": 0, "activities": [], "evidence": []})
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


def _text(label: figure_layout.Label, colour: str, **style) -> dict:
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


def height(lay: figure_layout.Layout) -> int:
    """The static figure's height in pixels: the drawing, its margin and the legend."""
    return math.ceil(lay.height) + MARGIN + LEGEND_H


def drawing(case: Case) -> tuple[nx.MultiDiGraph, figure_layout.Layout]:
    """Figure 1's graph (aggregated when it has more than MAX_ACTORS actor groups) and its layout."""
    g = graph(case)
    if sum(1 for _, d in g.nodes(data=True) if d["kind"] == "actor") > MAX_ACTORS:
        g = aggregate(g)
    return g, figure_layout.layout(g, _edge_label)


def figure(case: Case, *, title: bool = False) -> go.Figure:
    """Figure 1 as a plotly figure, drawn from the case's actors, framework and relations
    where :mod:`casebook.figure_layout` puts them: the same drawing for the PDF, the static
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
                line=dict(color=colour, width=figure_layout.ARROW_W, dash=STATUS_DASH[d["status"]]),
                opacity=0.55 if faded else 1,
                hoverinfo="skip",
            )
        )
        notes.append(
            _arrow(
                arrow.points[arrow.head], arrow.points[-1], arrowhead=2, arrowsize=1.1,
                arrowwidth=figure_layout.ARROW_W, arrowcolor=colour, opacity=0.55 if faded else 1,
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
        font=dict(family=FONT, size=figure_layout.NAME_PX),
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
        # one pixel of the drawing a unit, y downwards (as figure_layout computes)
        xaxis=dict(range=[0, lay.width], visible=False, fixedrange=True),
        yaxis=dict(range=[math.ceil(lay.height), 0], visible=False, fixedrange=True, scaleanchor="x"),
        meta=dict(aggregated=aggregated, width=WIDTH),  # the width the text is sized for (casebook-figure.js)
    )
    return titled(fig) if title else fig


def titled(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` with the figure's title above it (the standalone page's version)."""
    return go.Figure(fig).update_layout(margin=dict(t=40), title=dict(text=f"Figure 1 – {CAPTION}"))


def description(case: Case, evidence: bool = False) -> list[str]:
    """Figure 1 in words: one sentence per arrow (for readers who cannot see the figure);
    with ``evidence``, each sentence links to the arrow's entry in the Evidence appendix."""
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


WORDS_LABEL = "figure-1-in-words"
"""The label of the "Figure 1 in words" list (:func:`in_words`): the figure's long description."""

CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # Nothing that leaves the machine (plotly's "Share chart" sends the chart to its cloud)
    # and no selection tools (the figure has nothing to select).
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud", "editInChartStudio"],
    "showSendToCloud": False,
    "plotlyServerURL": "",
}
"""plotly.js's options for the interactive view, on the book's pages and the standalone page."""


def alt_text(case: Case) -> str:
    """What Figure 1 shows and how it is organised, in a few sentences (its alternative text):
    the frames and what they hold, the framework's flow, what the arrows' colours and line
    styles mean. Each arrow is in the long description (:func:`in_words`), not here."""
    g = graph(case)
    tree = figure_layout.tree(g)
    label = {n: str(d["label"]) for n, d in g.nodes(data=True)}

    sentences = [f"Figure 1, a diagram: {CAPTION.lower()}."]
    for element in nx.topological_sort(tree):
        kids = [label[k] for k in figure_layout.children(g, element)]
        if kids:
            sentences.append(f"The frame {label[element]} holds {listed(kids)}.")
    flow = [n for n, d in g.nodes(data=True) if d["kind"] == "element" and d.get("leads_to") in g]
    if flow:
        chain = [flow[0]]
        while g.nodes[chain[-1]].get("leads_to") in g and g.nodes[chain[-1]]["leads_to"] not in chain:
            chain.append(g.nodes[chain[-1]]["leads_to"])
        chain = [c for c in chain if g.nodes[c]["parent"] == g.nodes[chain[-1]]["parent"]]
        if len(chain) > 1:
            sentences.append(f"Grey arrows lead from {' to '.join(label[c] for c in chain)}.")
    actors = [n for n, d in g.nodes(data=True) if d["kind"] == "actor"]
    by_place: dict[str, int] = defaultdict(int)
    for a in actors:
        by_place[label.get(str(g.nodes[a]["placement"]), str(g.nodes[a]["placement"]))] += 1
    places = listed([f"{number_word(n)} in {place}" for place, n in by_place.items()])
    colours = {"political": "blue", "technical": "orange", "cultural": "green"}
    kinds = listed([f"{colours.get(w, w)} for {w}" for w in WORK_TYPES])
    sentences.append(
        f"{number_word(len(actors)).capitalize()} boxes of actor groups ({places}) are joined by "
        f"{number_word(g.number_of_edges())} arrows of "
        f"institutional work, coloured by type ({kinds}) and drawn solid when the work was performed, "
        "dashed when attempted and dotted when needed but missing."
    )
    sentences.append("The list after the figure gives every arrow in words.")
    return " ".join(sentences)


def in_words(case: Case):
    """Figure 1 in words, each arrow linked to its evidence: the figure's long description,
    labelled so that the figure on the web points at it (``aria-describedby``)."""
    return content.show(content.bullets((inline(line) for line in description(case, evidence=True)), label=WORDS_LABEL))


def _script_json(value: object) -> str:
    """JSON that can stand inside an HTML ``<script>`` element (no ``</script>`` in it)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e")


def web_html(case: Case, svg: str) -> str:
    """Figure 1 on the web: the static drawing (``svg``) is the figure, shown at once and
    without JavaScript, one image for a screen reader (the short :func:`alt_text`, the list
    :func:`in_words` as its long description). Where scripts run, a button draws the
    interactive view in its place (casebook-figure.js), loading plotly.js only then."""
    fig = figure(case)
    tall = fig.layout.height
    fig.update_layout(width=None, height=None, autosize=True)
    spec_ = {**spec(fig), "config": CONFIG}
    alt = html.escape(alt_text(case))
    drawing = re.sub(r'^<svg ([^>]*?)width="[0-9.]+" height="[0-9.]+"', r"<svg \1", svg.strip(), count=1)
    aria = f'role="img" aria-label="{alt}" aria-describedby="{WORDS_LABEL}"'
    return (
        f'<div class="casebook-plotly casebook-figure1" id="{div_id()}-figure">'
        f'<div class="casebook-figure-static" {aria}>{drawing}</div>'
        f'<div class="casebook-figure-interactive" {aria} style="aspect-ratio: {WIDTH} / {tall}" hidden></div>'
        '<p class="casebook-figure-tools"><button type="button" class="casebook-figure-explore" hidden>'
        "Explore the interactive figure</button></p>"
        f'<script type="application/json" class="casebook-figure-spec">{_script_json(spec_)}</script>'
        "</div>"
    )


@dataclass(frozen=True)
class FigureBundle:
    """Figure 1 for the book: the web's figure (the SVG, and the interactive view on
    request), the SVG everywhere else (the PDF), with :func:`alt_text` as its alternative text.

    Glue it (``myst_nb.glue("figure-1", bundle, display=False)``) and show it with a
    ``{glue:figure}`` directive.
    """

    html: str
    svg: str
    alt: str

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
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
    return _normalise_svg(pio.to_image(fig, format="svg", width=WIDTH, height=fig.layout.height)).decode("utf-8")


def is_current(fig: go.Figure, folder: Path, stem: str = "figure1") -> bool:
    """Whether ``folder``'s static twins (SVG, PNG, PDF) show ``fig``."""
    key = folder / STATIC_KEY
    return (
        key.is_file()
        and key.read_text(encoding="utf-8").strip() == static_key(fig)
        and all((folder / f"{stem}.{fmt}").is_file() for fmt in ("svg", "png", "pdf"))
    )


def bundle(case: Case) -> FigureBundle:
    """Figure 1 of ``case`` for the web and for print, in one displayable object."""
    svg = static_svg(case)
    return FigureBundle(web_html(case, svg), svg, alt_text(case))


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
    page = pio.to_html(
        fig, full_html=True, include_plotlyjs=False, div_id=div_id(), default_height="760px", config=CONFIG
    )
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
    import kaleido  # deferred: kaleido and its Chromium, only when a static twin is redrawn

    paths = {fmt: folder / f"{stem}.{fmt}" for fmt in ("svg", "png", "pdf")}
    kaleido.start_sync_server(silence_warnings=True)
    try:
        for fmt, path in paths.items():
            with warnings.catch_warnings():  # plotly notes that a running server ignores its options
                warnings.simplefilter("ignore", UserWarning)
                data = pio.to_image(
                    fig, format=fmt, width=WIDTH, height=fig.layout.height, scale=2 if fmt == "png" else 1
                )
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
