"""Figure 1 in words, for readers who cannot see it: its alternative text (what it shows and
how it is organised) and its long description (one sentence per arrow)."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from .. import content
from ..case import Case
from ..case.schema import WORK_TYPES
from ..content import Linked, inline
from ..evidence import numbers
from ..network import graph
from ..wording import listed, number_word
from .draw import CAPTION, STATUS_TEXT
from .frames import children, tree


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


WORDS_LABEL = "figure-1-in-words"
"""The label of the "Figure 1 in words" list (:func:`in_words`): the figure's long description."""


def alt_text(case: Case) -> str:
    """What Figure 1 shows and how it is organised, in a few sentences (its alternative text):
    the frames and what they hold, the framework's flow, what the arrows' colours and line
    styles mean. Each arrow is in the long description (:func:`in_words`), not here."""
    g = graph(case)
    nesting = tree(g)
    label = {n: str(d["label"]) for n, d in g.nodes(data=True)}

    sentences = [f"Figure 1, a diagram: {CAPTION.lower()}."]
    for element in nx.topological_sort(nesting):
        kids = [label[k] for k in children(g, element)]
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
