"""Figure 1 as a graph: actor groups and framework elements, linked by institutional work.

Nodes are the actor groups (``kind="actor"``) and the elements of the collaborative
governance framework (``kind="element"``, with their ``parent`` for nesting and
``leads_to`` for the framework's own sequence). Edges are exactly the arrows of
``relations.csv``, each carrying its type of work, status, activities and evidence.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from .case import Case
from .case.wording import wording


def _optional(value: object) -> str | None:
    return None if pd.isna(value) else str(value)


def evidence_labels(case: Case, claim_type: str) -> dict[str, list[str]]:
    """Human-readable evidence of every claim of one type, by claim id: quotes as
    "Interviewee B", documents by title, passages by section and paragraph. One pass over
    ``evidence.csv`` (not one per claim: large cases would grow with its square)."""
    ev = case.evidence
    ev = ev[ev["claim_type"] == claim_type]
    speakers = case.excerpts.set_index("id")["interviewee"]
    titles = case.documents.set_index("id")["title"]
    passages = case.passages.set_index("id")
    sections = case.sections.set_index("id")["title"]
    synthesis = wording(case).synthesis
    labels: dict[str, list[str]] = {}
    for row in ev.itertuples():
        if row.evidence_type == "excerpt":
            label = f"quote of Interviewee {speakers[row.evidence_id]}"
        elif row.evidence_type == "document":
            label = str(titles[row.evidence_id])
        elif row.evidence_type == "passage":
            p = passages.loc[row.evidence_id]
            label = f"{sections[p['section']]}, paragraph {p['paragraph']}"
        else:
            label = synthesis
        labels.setdefault(str(row.claim_id), []).append(label)
    return labels


def graph(case: Case) -> nx.MultiDiGraph:
    """The graph of Figure 1 (deterministic: nodes and edges in data order)."""
    g = nx.MultiDiGraph()
    for row in case.framework.sort_values("order", kind="stable").itertuples():
        g.add_node(
            str(row.id),
            kind="element",
            label=str(row.label),
            parent=_optional(row.parent),
            leads_to=_optional(row.leads_to),
            description=str(row.description),
        )
    for row in case.actors.sort_values("order", kind="stable").itertuples():
        g.add_node(
            str(row.id),
            kind="actor",
            label=str(row.label),
            level=str(row.level),
            sector=str(row.sector),
            placement=str(row.placement),
            description=str(row.description),
        )
    activities: dict[str, list[str]] = {}
    for w in case.institutional_work.sort_values("order", kind="stable").itertuples():
        if not pd.isna(w.relation):
            activities.setdefault(str(w.relation), []).append(str(w.activity))
    evidence = evidence_labels(case, "relation")
    for row in case.relations.itertuples():
        g.add_edge(
            str(row.source),
            str(row.target),
            key=str(row.id),
            id=str(row.id),
            work_type=str(row.work_type),
            status=str(row.status),
            description=str(row.description),
            activities=activities.get(str(row.id), []),
            evidence=evidence.get(str(row.id), []),
        )
    return g
