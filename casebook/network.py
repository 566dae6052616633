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


def _optional(value: object) -> str | None:
    return None if pd.isna(value) else str(value)


def evidence_labels(case: Case, claim_type: str, claim_id: str) -> list[str]:
    """Human-readable evidence of one claim: quotes as "Interviewee B", documents by title,
    passages by section and paragraph."""
    ev = case.evidence
    ev = ev[(ev["claim_type"] == claim_type) & (ev["claim_id"] == claim_id)]
    quotes = case.excerpts.set_index("id")
    documents = case.documents.set_index("id")
    passages = case.passages.set_index("id")
    sections = case.sections.set_index("id")
    labels = []
    for row in ev.itertuples():
        if row.evidence_type == "excerpt":
            labels.append(f"quote of Interviewee {quotes.loc[row.evidence_id, 'interviewee']}")
        elif row.evidence_type == "document":
            labels.append(str(documents.loc[row.evidence_id, "title"]))
        elif row.evidence_type == "passage":
            p = passages.loc[row.evidence_id]
            labels.append(f"{sections.loc[p['section'], 'title']}, paragraph {p['paragraph']}")
        else:
            labels.append("the authors' synthesis")
    return labels


def graph(case: Case) -> nx.MultiDiGraph:
    """The graph of Figure 1 (deterministic: nodes and edges in data order)."""
    g = nx.MultiDiGraph()
    for row in case.framework.sort_values("order", kind="stable").itertuples():
        g.add_node(
            str(row.id), kind="element", label=str(row.label), parent=_optional(row.parent),
            leads_to=_optional(row.leads_to), description=str(row.description),
        )
    for row in case.actors.sort_values("order", kind="stable").itertuples():
        g.add_node(
            str(row.id), kind="actor", label=str(row.label), level=str(row.level), sector=str(row.sector),
            placement=str(row.placement), description=str(row.description),
        )
    work = case.institutional_work.sort_values("order", kind="stable")
    for row in case.relations.itertuples():
        activities = [str(a) for a in work.loc[work["relation"] == row.id, "activity"]]
        g.add_edge(
            str(row.source), str(row.target), key=str(row.id), id=str(row.id), work_type=str(row.work_type),
            status=str(row.status), description=str(row.description), activities=activities,
            evidence=evidence_labels(case, "relation", str(row.id)),
        )
    return g
