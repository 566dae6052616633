"""Figure 1 out of the notebook: the web's figure (the SVG, with the interactive view on
request), the bundle a chapter glues, and the static twins (SVG, PNG, PDF, the plotly JSON,
a standalone page), redrawn only when the drawing changed (:func:`static_key`)."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from .. import content
from ..case import Case
from ..files import sha256
from ..paths import FIGURES_ENV, PLOTLY_JS
from .draw import LABEL, WIDTH, figure, titled
from .images import images
from .words import WORDS_LABEL, alt_text


def div_id(name: str = LABEL) -> str:
    """A stable HTML id, so the same figure gives byte-identical HTML on every run."""
    return "plotly-" + hashlib.sha256(name.encode()).hexdigest()[:12]


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
    return _normalise_svg(images(fig, WIDTH, ("svg",))["svg"]).decode("utf-8")


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
    drawn = images(fig, WIDTH)
    normalise = {"svg": _normalise_svg, "pdf": _normalise_pdf}
    for fmt, data in drawn.items():
        path = folder / f"{stem}.{fmt}"
        path.write_bytes(normalise.get(fmt, bytes)(data))
        out[fmt] = path
    (folder / STATIC_KEY).write_text(static_key(fig) + "\n", encoding="utf-8")
    return out
