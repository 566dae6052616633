"""Figure 1 is drawn from the data: one node per actor group and framework element, one
arrow per relation, deterministic, offline, and the committed twins match the data."""

from __future__ import annotations

import json
import re
import shutil

import pytest

import casebook
from casebook import figures, network
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
    colours = set(figures.WORK_COLOURS.values())
    return [a for a in fig.layout.annotations if a.showarrow and a.arrowcolor in colours]


def test_figure_draws_one_arrow_per_relation_coloured_by_work_type(case):
    fig = figures.figure(case)
    heads = arrows(fig)
    assert len(heads) == len(case.relations)
    by_colour = {c: sum(1 for a in heads if a.arrowcolor == c) for c in figures.WORK_COLOURS.values()}
    counts = case.relations["work_type"].value_counts()
    assert by_colour == {figures.WORK_COLOURS[w]: int(counts.get(w, 0)) for w in figures.WORK_COLOURS}


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
    assert figures.interactive_html(case) == figures.interactive_html(case)


def test_changing_an_actor_label_changes_the_figure(case_copy):
    set_cell(case_copy, "actors.csv", row_of(case_copy, "actors.csv", "id", "managers"), "label", "Municipal managers")
    texts = [a.text for a in figures.figure(casebook.load(case_copy)).layout.annotations]
    assert any("Municipal managers" in t for t in texts)


def test_interactive_figure_needs_no_network(case):
    html = figures.interactive_html(case)
    assert not re.search(r"""(src|href)=["']?https?://""", html)
    assert "cdn" not in html.lower() and 'class="casebook-plotly"' in html


def test_boxes_nest_as_the_framework_does(case):
    lay = figures.layout(network.graph(case))

    def inside(inner, outer):
        a, b = lay.boxes[inner], lay.boxes[outer]
        return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]

    for row in case.framework.dropna(subset=["parent"]).itertuples():
        assert inside(row.id, row.parent)
    for row in case.actors.itertuples():
        x, y = lay.actors[row.id]
        x0, y0, x1, y1 = lay.boxes[row.placement]
        assert x0 < x < x1 and y0 < y < y1


def test_a_large_case_is_aggregated_into_a_readable_figure(case_copy):
    actors = case_copy / "actors.csv"
    extra = "".join(
        f"extra{i},Extra group {i},local,civic,collaboration-dynamics,{10 + i},A synthetic group.\n" for i in range(30)
    )
    actors.write_text(actors.read_text(encoding="utf-8") + extra, encoding="utf-8")
    fig = figures.figure(casebook.load(case_copy))
    assert fig.layout.meta["aggregated"] is True
    boxes = [s for s in fig.layout.shapes if s.fillcolor == figures.ACTOR_FILL]
    assert len(boxes) <= 4


def test_committed_figure_data_match_the_data():
    committed = ROOT / "figures" / "figure1.json"
    if not committed.exists():
        pytest.skip("figures/ not generated yet (make figures)")
    expected = figures.spec(figures.figure(casebook.load(DATA)))
    assert json.loads(committed.read_text(encoding="utf-8")) == expected, "figures/ is stale: run make figures"


def test_a_short_arrow_keeps_its_label_beside_it_not_on_it():
    from casebook.figures import _place_label

    # A long arrow carries its label on its middle.
    assert figures._place_label((0, 0), (6, 0), "cultural (missing)", 11) == ("cultural (missing)", 0, 0)
    # A short one: the label breaks before its bracket and moves just clear of the line.
    text, dx, dy = _place_label((0, 0), (0.6, 0), "cultural (missing)", 11)  # horizontal: below
    assert text == "cultural<br>(missing)" and dx == 0 and dy < -11
    text, dx, dy = _place_label((0, 1), (0, 0), "cultural (attempted)", 11)  # vertical: to the right
    assert dy == 0 and dx > len("(attempted)") * 11 * 0.6 / 2


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
    assert figures.PLOTLY_JS.is_file()
