"""From every claim to its evidence, and back: the Evidence appendix.

A *claim* is something the book asserts from the case: an activity of Table 1, a
finding of Table 3, an arrow of Figure 1. ``evidence.csv`` links each claim to the
published quotes, documents and passages of the article it rests on. Claims are
numbered E1, E2, … in the order the book shows them; tables and the figure carry
these numbers as links, and the appendix lists, for each number, the evidence — and,
for each piece of evidence, the claims that use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .book import attribution_text, escape_markdown
from .case import Case

CLAIM_KINDS = (("activity", "institutional_work", "Table 1"), ("finding", "findings", "Table 3"),
               ("relation", "relations", "Figure 1"))
TABLE_LABELS = {"Table 1": "table-1", "Table 3": "table-3", "Figure 1": "figure-1"}


@dataclass(frozen=True)
class Source:
    """One piece of evidence: a quote, a document, a passage, or the authors' synthesis."""

    kind: str
    id: str | None
    title: str
    detail: str
    section: str | None = None  # for a passage: the section it is in

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Claim:
    """A claim of the book with its number and its evidence."""

    number: int
    kind: str
    id: str
    text: str
    shown_in: str  # "Table 1", "Table 3" or "Figure 1"
    where: str  # e.g. "Local government – politicians, political work"
    sources: tuple[Source, ...]

    @property
    def mark(self) -> str:
        return f"E{self.number}"

    @property
    def label(self) -> str:
        return claim_label(self.kind, self.id)


def claim_label(kind: str, claim_id: str) -> str:
    """Cross-reference target of a claim's entry in the Evidence appendix."""
    return f"ev-{kind}-{claim_id}"


def _sources(case: Case) -> dict[tuple[str, str | None], Source]:
    # Rows by id as plain dicts: a pandas .loc per evidence row is slow on large cases.
    quotes = case.excerpts.set_index("id").to_dict("index")
    documents = case.documents.set_index("id").to_dict("index")
    passages = case.passages.set_index("id").to_dict("index")
    sections = case.sections.set_index("id")["title"].to_dict()
    organisations = case.interviewees.set_index("id")["short_organization"].to_dict()
    out: dict[tuple[str, str | None], Source] = {}
    for row in case.evidence.itertuples():
        kind = str(row.evidence_type)
        ident = None if pd.isna(row.evidence_id) else str(row.evidence_id)
        note = None if pd.isna(row.note) else str(row.note)
        if kind == "excerpt":
            q = quotes[ident]
            who = str(q["interviewee"])
            source = Source(kind, ident, attribution_text(who, organisations[who]), str(q["text"]))
        elif kind == "document":
            d = documents[ident]
            source = Source(kind, ident, str(d["title"]), f"{d['kind'].capitalize()}. {d['description']}")
        elif kind == "passage":
            p = passages[ident]
            where = f"{sections[p['section']]}, paragraph {p['paragraph']}"
            source = Source(kind, ident, where, str(p["summary"]), str(p["section"]))
        else:
            source = Source(kind, f"{row.claim_type}-{row.claim_id}", "The authors' synthesis", note or "")
        out[(f"{row.claim_type}:{row.claim_id}", kind + ":" + str(ident))] = source
    return out


def claims(case: Case) -> list[Claim]:
    """Every claim of the book, numbered in the order the book shows them."""
    sources = _sources(case)
    by_claim: dict[tuple[str, str], list] = {}  # one pass, not one filter per claim
    for e in case.evidence.itertuples():
        by_claim.setdefault((str(e.claim_type), str(e.claim_id)), []).append(e)
    actors = case.actors.set_index("id")["label"]
    elements = case.framework.set_index("id")["label"]
    labels = {**actors.to_dict(), **elements.to_dict()}
    out: list[Claim] = []
    for kind, table, shown_in in CLAIM_KINDS:
        frame = case.table(table)
        if "order" in frame.columns:
            frame = frame.sort_values("order", kind="stable")
        for row in frame.itertuples():
            if kind == "activity":
                text, where = str(row.activity), f"{actors[row.actor]}, {row.work_type} work"
            elif kind == "finding":
                text = str(row.text) + (f" ({row.note})" if isinstance(row.note, str) else "")
                where = str(elements[row.element])
            else:
                text = str(row.description)
                where = f"{labels[row.source]} → {labels[row.target]}, {row.work_type} work ({row.status})"
            found = tuple(
                sources[(f"{kind}:{row.id}", f"{e.evidence_type}:{None if pd.isna(e.evidence_id) else e.evidence_id}")]
                for e in by_claim.get((kind, str(row.id)), [])
            )
            out.append(Claim(len(out) + 1, kind, str(row.id), text, shown_in, where, found))
    return out


def marks(case: Case) -> dict[tuple[str, str], Claim]:
    """Claims by (kind, id), for tables and the figure to print their E-numbers."""
    return {(c.kind, c.id): c for c in claims(case)}


def link(claim: Claim) -> str:
    """The MyST cross-reference a table cell or list item carries: ``{ref}`E3 <ev-activity-iw03>```."""
    return f"{{ref}}`{claim.mark} <{claim.label}>`"


def _source_lines(source: Source, uses: dict[str, list[str]], section_labels: bool) -> list[str]:
    if source.kind == "excerpt":
        body = f"> {escape_markdown(source.detail)}\n>\n> {{.attribution}}\n> — {escape_markdown(source.title)}"
        where = uses.get(str(source.id), [])
        if where and section_labels:
            body += "\n\nPrinted in " + ", ".join(f"{{ref}}`sec-{s}`" for s in where) + "."
        return [body]
    if source.kind == "passage":
        head = f"**Passage** — {escape_markdown(source.title)}"
        if section_labels:
            head += f" (in {{ref}}`sec-{source.section}`)"
        return [f"{head}: {escape_markdown(source.detail)}"]
    if source.kind == "document":
        return [f"**Document** — *{escape_markdown(source.title)}*. {escape_markdown(source.detail)}"]
    return [f"**The authors' synthesis** — {escape_markdown(source.detail)}"]


def appendix_markdown(case: Case, section_labels: bool = True) -> str:
    """The Evidence appendix as MyST Markdown: one entry per claim, then an index of sources.

    ``section_labels``: link passages and quotes to the book's sections (labels
    ``sec-<section id>``); a book without those labels can switch this off.
    """
    uses: dict[str, list[str]] = {}
    for u in case.excerpt_uses.sort_values(["excerpt", "order"]).itertuples():
        uses.setdefault(str(u.excerpt), []).append(str(u.section))
    all_claims = claims(case)
    out: list[str] = []
    current = None
    headings = {"Table 1": "Table 1: activities", "Table 3": "Table 3: findings", "Figure 1": "Figure 1: arrows"}
    for claim in all_claims:
        if claim.shown_in != current:
            current = claim.shown_in
            out.append(f"## Claims of {headings[current]} ({{numref}}`{TABLE_LABELS[current]}`)\n")
        out.append(
            f"({claim.label})=\n**{claim.mark}.** {escape_markdown(claim.text)} — *{escape_markdown(claim.where)}*\n"
        )
        for source in claim.sources:
            out.append("\n".join(_source_lines(source, uses, section_labels)) + "\n")
    # Index: each source, the claims that rest on it.
    out.append("## Where each source is used\n")
    used_by: dict[str, list[Claim]] = {}
    first: dict[str, Source] = {}
    for claim in all_claims:
        for source in claim.sources:
            if source.kind == "synthesis":
                continue
            used_by.setdefault(source.key, []).append(claim)
            first.setdefault(source.key, source)
    kinds = {"excerpt": "Quotes", "document": "Documents", "passage": "Passages of the analysis"}
    section_order = case.sections.set_index("id")["order"].to_dict()
    paragraph = case.passages.set_index("id")["paragraph"].to_dict()

    def reading_order(key: str) -> tuple:
        source = first[key]
        if source.kind == "passage":
            return (section_order.get(source.section, 0), int(paragraph[source.id]))
        return (0, source.id if source.kind == "excerpt" else source.title)

    for kind, title in kinds.items():
        keys = sorted((k for k in used_by if k.startswith(kind + ":")), key=reading_order)
        if not keys:
            continue
        out.append(f"### {title}\n")
        for key in keys:
            source = first[key]
            name = source.title if kind != "excerpt" else f"{source.id}, {source.title}"
            refs = ", ".join(link(c) for c in used_by[key])
            out.append(f"- {escape_markdown(name)}: {refs}")
        out.append("")
    return "\n".join(out) + "\n"
