"""Figure 1 is drawn from the data: one node per actor group and framework element, one
arrow per relation, deterministic, offline, and the committed twins match the data."""

from __future__ import annotations

import itertools
import json
import math
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import casebook
from casebook import figures, network, paths
from casebook.figures import draw, layout
from casebook.style import LABEL_COLOURS, WORK_COLOURS
from conftest import DATA, ROOT, row_of, set_cell


@pytest.fixture(scope="module")
def case():
    return casebook.load(DATA)


def test_graph_has_one_node_per_actor_group_and_framework_element(case):
    g = network.graph(case)
    kinds = {n: d["kind"] for n, d in g.nodes(data=True)}
    assert sorted(n for n, k in kinds.items() if k == "actor") == sorted(case.actors["id"])
    assert sorted(n for n, k in kinds.items() if k == "element") == sorted(case.framework["id"])


def test_graph_has_one_edge_per_relation_with_its_activities(case):
    g = network.graph(case)
    assert sorted(k for _, _, k in g.edges(keys=True)) == sorted(case.relations["id"])
    edge = g.edges["foundations", "capacity-for-joint-action", "foundations-capacity"]
    assert edge["work_type"] == "technical" and len(edge["activities"]) == 3
    assert any("Work" in e or "paragraph" in e for e in edge["evidence"])


def test_removing_a_relation_removes_its_arrow(case_copy):
    path = case_copy / "relations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("foundations-culture,")), encoding="utf-8")
    ev = case_copy / "evidence.csv"
    ev.write_text("".join(x for x in ev.read_text().splitlines(keepends=True) if ",foundations-culture," not in x))
    g = network.graph(casebook.load(case_copy))
    assert "foundations-culture" not in {k for _, _, k in g.edges(keys=True)}


def arrows(fig):
    """Arrowhead annotations of institutional work (coloured by work type)."""
    colours = set(WORK_COLOURS.values())
    return [a for a in fig.layout.annotations if a.showarrow and a.arrowcolor in colours]


def test_figure_draws_one_arrow_per_relation_coloured_by_work_type(case):
    fig = figures.figure(case)
    heads = arrows(fig)
    assert len(heads) == len(case.relations)
    by_colour = {c: sum(1 for a in heads if a.arrowcolor == c) for c in WORK_COLOURS.values()}
    counts = case.relations["work_type"].value_counts()
    assert by_colour == {WORK_COLOURS[w]: int(counts.get(w, 0)) for w in WORK_COLOURS}


def test_missing_cultural_work_is_drawn_dotted_and_faded(case):
    fig = figures.figure(case)
    lines = [t for t in fig.data if t.mode == "lines" and t.showlegend is False]
    dotted = [t for t in lines if t.line.dash == "dot"]
    assert len(dotted) == (case.relations["status"] == "missing").sum() and all(t.opacity < 1 for t in dotted)


def test_figure_labels_arrows_and_has_a_legend(case):
    fig = figures.figure(case)
    texts = [a.text.replace("<br>", " ") for a in fig.layout.annotations]  # a short arrow's label may break
    assert "cultural (missing)" in texts and "technical" in texts
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend[:3] == ["Political work", "Technical work", "Cultural work"]


def test_hovering_an_arrow_names_activities_and_evidence(case):
    fig = figures.figure(case)
    hover = next(t.hovertext for t in fig.data if t.name == "foundations-capacity")
    assert "Joint elaboration of projects" in hover and "Evidence:" in hover


def test_same_data_give_the_same_figure(case):
    assert figures.spec(figures.figure(case)) == figures.spec(figures.figure(casebook.load(DATA)))
    svg = (ROOT / "figures" / "figure1.svg").read_text(encoding="utf-8")
    assert figures.web_html(case, svg) == figures.web_html(case, svg)


def test_changing_an_actor_label_changes_the_figure(case_copy):
    set_cell(case_copy, "actors.csv", row_of(case_copy, "actors.csv", "id", "managers"), "label", "Municipal managers")
    texts = [a.text for a in figures.figure(casebook.load(case_copy)).layout.annotations]
    assert any("Municipal managers" in t.replace("<br>", " ") for t in texts)


def test_the_web_figure_is_the_drawing_with_the_interactive_view_on_request_and_needs_no_network(case):
    svg = (ROOT / "figures" / "figure1.svg").read_text(encoding="utf-8")
    html = figures.web_html(case, svg)
    assert not re.search(r"""(src|href)=["']?https?://""", html)
    assert "cdn" not in html.lower() and 'class="casebook-plotly' in html
    # the drawing first, as one image described by the list in words; the interactive view hidden
    static = html.index('class="casebook-figure-static"')
    assert static < html.index("<svg") < html.index('class="casebook-figure-interactive"')
    assert html.count('role="img"') == 2 and html.count(f'aria-describedby="{figures.WORDS_LABEL}"') == 2
    assert "sendDataToCloud" in html and '"showSendToCloud":false' in html


def test_the_alt_text_says_how_the_figure_is_organised_and_leaves_the_arrows_to_the_list(case):
    alt = figures.alt_text(case)
    assert "The frame System context holds Drivers, Collaboration dynamics and Actions." in alt
    assert "Grey arrows lead from Drivers to Collaboration dynamics to Actions." in alt
    assert "dashed when attempted and dotted when needed but missing" in alt
    assert "→" not in alt and len(alt) < 800  # the arrows one by one are the long description


def test_boxes_nest_as_the_framework_does(case):
    _, lay = figures.drawing(case)

    def inside(a, b):
        return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]

    for row in case.framework.dropna(subset=["parent"]).itertuples():
        assert inside(lay.boxes[row.id], lay.boxes[row.parent])
    for row in case.actors.itertuples():
        assert inside(lay.actors[row.id], lay.boxes[row.placement])


def test_a_large_case_is_aggregated_into_a_readable_figure(case_copy):
    actors = case_copy / "actors.csv"
    extra = "".join(
        f"extra{i},Extra group {i},local,civic,collaboration-dynamics,{10 + i},A synthetic group.\n" for i in range(30)
    )
    actors.write_text(actors.read_text(encoding="utf-8") + extra, encoding="utf-8")
    fig = figures.figure(casebook.load(case_copy))
    assert fig.layout.meta["aggregated"] is True
    boxes = [s for s in fig.layout.shapes if s.fillcolor == draw.ACTOR_FILL]
    assert len(boxes) <= 4


def test_committed_figure_data_match_the_data():
    committed = ROOT / "figures" / "figure1.json"
    if not committed.exists():
        pytest.skip("figures/ not generated yet (make figures)")
    expected = figures.spec(figures.figure(casebook.load(DATA)))
    assert json.loads(committed.read_text(encoding="utf-8")) == expected, "figures/ is stale: run make figures"


def synthetic(copies: int, tmp: Path) -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    import synthetic_case

    return synthetic_case.generate(copies, tmp / f"case-{copies}x")


@pytest.mark.parametrize("which", ["turin", "teaching case", "twice the actors", "four times (merged)"])
def test_no_text_of_figure_1_overlaps_another_a_box_or_an_arrowhead(which, tmp_path):
    """Drawn at print size, for this case, the teaching case and forks with two and four times
    the actor groups (the last drawn with its groups merged): no two texts overlap, no label sits
    on an arrowhead or a box or across a frame."""
    folders = {"turin": DATA, "teaching case": ROOT / "examples" / "teaching-case"}
    folder = folders.get(which) or synthetic(2 if which.startswith("twice") else 4, tmp_path)
    g, lay = figures.drawing(casebook.load(folder))
    assert layout.collisions(lay) == []
    assert any(str(n).startswith("group:") for n in g) == which.endswith("(merged)")


def test_the_boxes_fit_their_names_and_the_drawing_fits_a_page(case):
    _, lay = figures.drawing(case)
    for actor, box in lay.actors.items():
        name = lay.names[actor].box
        assert box[0] < name[0] and name[2] < box[2] and box[1] < name[1] and name[3] < box[3], actor
    # 0.6 pt a pixel: the figure and its caption within the A4 text height (686 pt)
    assert figures.height(lay) * 0.6 < 686 - 40


def svg_boxes(svg: str) -> tuple[list[tuple[str, tuple, bool]], list[tuple], list[tuple]]:
    """From a static SVG of Figure 1: each text's box (as plotly drew its background) and
    whether it is an arrow's label, each arrowhead's extent, each actor group's box."""
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}

    def shift(transform: str | None) -> tuple[float, float]:
        m = re.search(r"translate\(([-\d.e]+),\s*([-\d.e]+)\)", transform or "")
        return (float(m[1]), float(m[2])) if m else (0.0, 0.0)

    label_fills = {f"rgb({int(c[1:3], 16)}, {int(c[3:5], 16)}, {int(c[5:], 16)})" for c in LABEL_COLOURS.values()}
    texts = []
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        inner = g.find("s:g[@class='annotation-text-g']/s:g", ns) if g.get("class") == "annotation" else None
        text = inner.find("s:text", ns) if inner is not None else None
        if text is None or not "".join(text.itertext()).strip():
            continue
        (tx, ty), bg = shift(inner.get("transform")), inner.find("s:rect", ns)
        x, y, w, h = (float(bg.get(k)) for k in ("x", "y", "width", "height"))
        fill = re.search(r"fill: (rgb\([^)]*\))", text.get("style"))[1]
        texts.append(("".join(text.itertext()), (tx + x, ty + y, tx + x + w, ty + y + h), fill in label_fills))
    heads, actors = [], []
    for path in root.iter("{http://www.w3.org/2000/svg}path"):
        style, d = path.get("style") or "", path.get("d") or ""
        if d == "M-3.7,-2.5V2.5L1.3,0Z":  # plotly's arrowhead 2, placed by translate, rotate, scale
            t = path.get("transform")
            x, y = shift(t)
            turn = re.search(r"rotate\(([-\d.e]+)\)", t)
            a, k = math.radians(float(turn[1])) if turn else 0.0, float(re.search(r"scale\(([-\d.e]+)\)", t)[1])
            corners = [(-3.7, -2.5), (-3.7, 2.5), (1.3, 0)]
            pts = [
                (x + k * (p * math.cos(a) - q * math.sin(a)), y + k * (p * math.sin(a) + q * math.cos(a)))
                for p, q in corners
            ]
            heads.append(
                (min(p for p, _ in pts), min(q for _, q in pts), max(p for p, _ in pts), max(q for _, q in pts))
            )
        elif "fill: rgb(255, 255, 255)" in style and "stroke: rgb(59, 74, 90)" in style:
            x0, y0, x1, y1 = map(float, re.fullmatch(r"M([-\d.]+),([-\d.]+)H([-\d.]+)V([-\d.]+)H[-\d.]+Z", d).groups())
            actors.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return texts, heads, actors


def overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_in_the_static_svg_no_two_texts_overlap_and_no_label_covers_an_arrowhead_or_a_box():
    """What kaleido drew, read back from figures/figure1.svg (the PDF's and the web's figure)."""
    svg = (ROOT / "figures" / "figure1.svg").read_text(encoding="utf-8")
    texts, heads, actors = svg_boxes(svg)
    assert len(heads) >= len(casebook.load(DATA).relations) and len(actors) == len(casebook.load(DATA).actors)
    assert sum(label for *_, label in texts) == len(casebook.load(DATA).relations)
    piled = [(a[0], b[0]) for a, b in itertools.combinations(texts, 2) if overlap(a[1], b[1])]
    assert piled == []
    for text, box, label in texts:
        if label:
            assert not any(overlap(box, h) for h in heads), f"{text!r} covers an arrowhead"
            assert not any(overlap(box, a) for a in actors), f"{text!r} covers an actor group's box"
    sizes = [float(px) for px in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert min(sizes) >= 12  # 7.2 pt in the PDF


def test_the_layout_measures_text_as_the_browser_draws_it(case):
    """The layout's text boxes (DejaVu Sans's advance widths) are the ones plotly drew in the SVG,
    so that what layout.collisions checks is what a reader sees."""
    _, lay = figures.drawing(case)
    model = [*lay.titles.values(), *lay.names.values(), *(a.label for a in lay.arrows)]
    drawn, _, _ = svg_boxes((ROOT / "figures" / "figure1.svg").read_text(encoding="utf-8"))
    assert len(drawn) == len(model)
    for text, (x0, y0, x1, y1), _ in drawn:
        same = [m.box for m in model if "".join(m.lines).replace(" ", "") == text.replace(" ", "")]
        mx0, my0, mx1, my1 = min(same, key=lambda b: abs(b[0] + draw.MARGIN - x0) + abs(b[1] + draw.MARGIN - y0))
        # one pixel a unit, the drawing 10 px from the figure's top left corner
        assert abs((x0 + x1) / 2 - (mx0 + mx1) / 2 - draw.MARGIN) < 2, text
        assert abs((y0 + y1) / 2 - (my0 + my1) / 2 - draw.MARGIN) < 2, text
        assert x1 - x0 <= mx1 - mx0 + 1 and y1 - y0 <= my1 - my0 + 1, text  # the model never smaller


def test_static_files_are_redrawn_only_when_the_drawing_changes(case_copy, tmp_path):
    """An activity shows in the arrows' hover text only: the SVG, PNG and PDF stay (no kaleido),
    the standalone page and the JSON follow. A changed label redraws the static files."""
    out = tmp_path / "figures"
    shutil.copytree(ROOT / "figures", out)
    assert set(figures.write_static(casebook.load(case_copy), out)) <= {"html"}  # the committed twins are current
    assert figures.write_static(casebook.load(case_copy), out) == {}
    set_cell(case_copy, "institutional_work.csv", 2, "activity", "A reworded activity")
    assert set(figures.write_static(casebook.load(case_copy), out)) == {"json", "html"}
    assert "A reworded activity" in (out / "figure1.html").read_text(encoding="utf-8")
    assert (out / "figure1.svg").read_bytes() == (ROOT / "figures" / "figure1.svg").read_bytes()
    set_cell(case_copy, "actors.csv", row_of(case_copy, "actors.csv", "id", "managers"), "label", "City managers")
    assert set(figures.write_static(casebook.load(case_copy), out)) == {"json", "html", "svg", "png", "pdf"}
    assert "City managers" in (out / "figure1.svg").read_text(encoding="utf-8")


def test_the_vendored_plotly_bundle_is_the_recorded_one_at_plotly_py_s_version():
    from scripts import vendor_plotly

    assert vendor_plotly.check() == []
    assert paths.PLOTLY_JS.is_file()
