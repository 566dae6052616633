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
from typing import Any

import pandas as pd

from . import content
from .case import Case
from .case.schema import CLAIM_TABLES
from .wording import attribution_text

SHOWN_IN = {"activity": "Table 1", "finding": "Table 3", "relation": "Figure 1"}
"""Where the book shows each kind of claim (of :data:`casebook.case.schema.CLAIM_TABLES`)."""


@dataclass(frozen=True)
class Source:
    """One piece of evidence: a quote, a document, a passage, or the authors' synthesis."""

    kind: str
    id: str | None
    title: str
    detail: str
    section: str | None = None  # for a passage: the section it is in
    support: str = "full"  # "partial" when it bears out only part of the claim
    note: str | None = None  # why the link holds (evidence.note), for a synthesis its detail

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def caveat(self) -> str | None:
        """The heading of what a reader must be told beside this evidence, its note: how far
        it supports the claim (None without a note; a synthesis's note is already its detail)."""
        if not self.note or self.kind == "synthesis":
            return None
        return "Supports the claim only in part" if self.support == "partial" else "Note"


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
        said: dict[str, Any] = {"support": str(row.support), "note": note}
        if kind == "excerpt":
            q = quotes[ident]
            who = str(q["interviewee"])
            source = Source(kind, ident, attribution_text(who, organisations[who]), str(q["text"]), **said)
        elif kind == "document":
            d = documents[ident]
            source = Source(kind, ident, str(d["title"]), f"{d['kind'].capitalize()}. {d['description']}", **said)
        elif kind == "passage":
            p = passages[ident]
            where = f"{sections[p['section']]}, paragraph {p['paragraph']} of the article"
            source = Source(kind, ident, where, str(p["summary"]), str(p["section"]), **said)
        else:
            source = Source(kind, f"{row.claim_type}-{row.claim_id}", "The authors' synthesis", note or "", **said)
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
    for kind, table in CLAIM_TABLES.items():
        shown_in = SHOWN_IN[kind]
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
    """Claims by (kind, id), with their evidence."""
    return {(c.kind, c.id): c for c in claims(case)}


@dataclass(frozen=True)
class Number:
    """A claim's E-number and the label of its entry: what a table cell or an arrow links to."""

    mark: str
    label: str


def numbers(case: Case, kind: str) -> dict[str, Number]:
    """The E-numbers of the claims of one ``kind``, by id, numbered as :func:`claims` numbers
    them — but read only from that kind's table and the *lengths* of the tables before it,
    so that a table of the book depends on what it shows (a page showing Table 3 is not
    re-run when the text of an activity of Table 1 changes)."""
    offset = 0
    for earlier, table in CLAIM_TABLES.items():
        if earlier == kind:
            break
        offset += case.count(table)
    frame = case.table(CLAIM_TABLES[kind])
    if "order" in frame.columns:
        frame = frame.sort_values("order", kind="stable")
    return {
        str(ident): Number(f"E{offset + i}", claim_label(kind, str(ident)))
        for i, ident in enumerate(frame["id"], start=1)
    }


def link(claim: Claim) -> content.Inline:
    """The link a table cell or list item carries: "E3", leading to the claim's entry."""
    return content.ref(claim.label, claim.mark)


def passage_label(passage: str) -> str:
    """The label of the paragraph of the book that restates a passage (``{#passage-<id>}``)."""
    return f"passage-{passage}"


SECTION_LABEL = "sec-"
"""How the book labels a section of the case (``sections.csv``): ``sec-<id>`` on the
chapters of a book written around its case; the book made for any case labels the headings of its
analysis page ``analysis-<id>`` (:data:`ANALYSIS_LABEL`), clear of its own pages' labels."""
ANALYSIS_LABEL = "analysis-"


def _source_blocks(
    source: Source, uses: dict[str, list[str]], links: bool, sections: str = SECTION_LABEL
) -> list[content.Block]:
    blocks = _evidence_blocks(source, uses, links, sections)
    if source.caveat:
        blocks.append(
            content.paragraph(content.strong(source.caveat), f": {source.note}", classes=["casebook-evidence-note"])
        )
    return blocks


def _evidence_blocks(
    source: Source, uses: dict[str, list[str]], links: bool, sections: str = SECTION_LABEL
) -> list[content.Block]:
    if source.kind == "excerpt":
        blocks = [content.quote(source.detail, source.title)]
        where = uses.get(str(source.id), [])
        if where and links:
            refs: list[content.Inline] = ["Printed in "]
            for i, section in enumerate(where):
                refs += ([", "] if i else []) + [content.ref(f"{sections}{section}")]
            blocks.append(content.paragraph(*refs, "."))
        return blocks
    if source.kind == "passage":
        return [content.paragraph(content.strong("Passage"), " — ", source.title, f": {source.detail}")]
    if source.kind == "document":
        return [content.paragraph(content.strong("Document"), " — ", content.em(source.title), f". {source.detail}")]
    return [content.paragraph(content.strong("The authors' synthesis"), f" — {source.detail}")]


def _uses(case: Case) -> dict[str, list[str]]:
    uses: dict[str, list[str]] = {}
    for u in case.excerpt_uses.sort_values(["excerpt", "order"]).itertuples():
        uses.setdefault(str(u.excerpt), []).append(str(u.section))
    return uses


def entries(case: Case, kind: str, links: bool = True, sections: str = SECTION_LABEL) -> content.Content:
    """The Evidence appendix's entries for one kind of claim ("activity", "finding",
    "relation"): each claim's number, text and place, then every piece of evidence it rests on.

    ``links``: link back to the paragraphs of the book that state the claim (those that
    restate its passages, label ``passage-<id>``, where its markers are) and each quote to
    the sections that print it (``<sections><section id>``, :data:`SECTION_LABEL`); a book
    without those labels switches this off.
    """
    uses = _uses(case)
    blocks: list[content.Block] = []
    for claim in claims(case):
        if claim.kind != kind:
            continue
        blocks.append(
            content.heading(
                [f"{claim.mark}. {claim.text} — ", content.em(claim.where)],
                level=3,
                label=claim.label,
                description=f"Evidence {claim.mark}: {claim.text}",
            )
        )
        stated = [s for s in claim.sources if s.kind == "passage"]
        if links and stated:  # back to the paragraphs whose markers lead here
            refs: list[content.Inline] = [content.strong("Stated in the text"), " — "]
            for i, source in enumerate(stated):
                refs += (["; "] if i else []) + [content.ref(passage_label(str(source.id)), f"↩ {source.title}")]
            blocks.append(content.paragraph(*refs, classes=["casebook-stated-in"]))
        for source in claim.sources:
            blocks += _source_blocks(source, uses, links, sections)
    return content.show(*blocks)


def sources_index(case: Case, links: bool = True) -> content.Content:
    """The Evidence appendix turned around: each quote, document and passage, with the
    claims that rest on it (``links``: each passage linked to the paragraph that restates it)."""
    all_claims = claims(case)
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

    blocks: list[content.Block] = []
    for kind, title in kinds.items():
        keys = sorted((k for k in used_by if k.startswith(kind + ":")), key=reading_order)
        if not keys:
            continue
        blocks.append(content.heading(title, level=3))
        lines = []
        for key in keys:
            source = first[key]
            name = source.title if kind != "excerpt" else f"{source.id}, {source.title}"
            shown: content.Inline = (
                content.ref(passage_label(str(source.id)), name) if kind == "passage" and links else name
            )
            line: list[content.Inline] = [shown, ": "]
            for i, claim in enumerate(used_by[key]):
                line += ([", "] if i else []) + [link(claim)]
            lines.append(line)
        blocks.append(content.bullets(lines))
    return content.show(*blocks)


# --- active citation: from the paragraphs of the text to the claims they state -------------


def citing(case: Case) -> dict[str, list[Claim]]:
    """For each passage of the analysis, the claims that rest on it, in E-number order: the
    paragraph of the book that restates the passage (``{#passage-<id>}``) states those
    claims, and carries a marker to each of their entries (casebook.publish.citations)."""
    out: dict[str, list[Claim]] = {}
    for claim in claims(case):
        for source in claim.sources:
            if source.kind == "passage" and claim not in out.get(str(source.id), []):
                out.setdefault(str(source.id), []).append(claim)
    return out


@dataclass(frozen=True)
class Support:
    """How many distinct sources a claim rests on, computed from ``evidence.csv``: the
    interviewees of its quotes (with their organisations and actor groups), its documents,
    its passages of the article's analysis, and whether the authors' synthesis is among them."""

    claim: Claim
    interviewees: tuple[str, ...]
    organisations: tuple[str, ...]
    actor_groups: tuple[str, ...]
    documents: tuple[str, ...]
    passages: tuple[str, ...]
    synthesis: bool

    @property
    def direct_sources(self) -> int:
        """Interviewees quoted plus documents named: the sources a reader can check."""
        return len(self.interviewees) + len(self.documents)

    @property
    def basis(self) -> str:
        """What the claim rests on, in words."""
        if self.interviewees and self.documents:
            return "interviews and documents"
        if self.interviewees:
            return "interviews"
        if self.documents:
            return "documents"
        return "the article's analysis alone" if not self.synthesis else "the authors' synthesis"

    @property
    def flag(self) -> str:
        """ "single source" (one interviewee or one document), "no quote or document", or ""."""
        return {0: "no quote or document", 1: "single source"}.get(self.direct_sources, "")


def triangulation(case: Case) -> list[Support]:
    """Every claim (E-number order) with the distinct sources it rests on."""
    speaker = case.excerpts.set_index("id")["interviewee"].astype(str).to_dict()
    people = case.interviewees.set_index("id")
    organisation = people["organization"].astype(str).to_dict()
    actor = people["actor"].astype(str).to_dict() if "actor" in people.columns else {}
    out = []
    for claim in claims(case):
        who = _distinct(speaker[str(s.id)] for s in claim.sources if s.kind == "excerpt")
        out.append(
            Support(
                claim,
                who,
                _distinct(organisation[w] for w in who),
                _distinct(actor[w] for w in who if actor.get(w, "") not in ("", "nan", "<NA>")),
                _distinct(str(s.id) for s in claim.sources if s.kind == "document"),
                _distinct(str(s.id) for s in claim.sources if s.kind == "passage"),
                any(s.kind == "synthesis" for s in claim.sources),
            )
        )
    return out


def _distinct(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def analysis(case: Case, sections: str = ANALYSIS_LABEL) -> content.Content:
    """The case's analysis as a page of its own, for a book made for any case: section by
    section (``sections.csv`` order), each passage's summary as a paragraph labelled
    ``passage-<id>`` (where the markers of the claims it states go) and the quotes the
    section prints (``excerpt_uses.csv``), each heading labelled ``<sections><section id>``."""
    quotes = case.excerpts.set_index("id").to_dict("index")
    organisations = case.interviewees.set_index("id")["short_organization"].to_dict()
    passages = case.passages.sort_values("paragraph", kind="stable")
    uses = case.excerpt_uses.sort_values("order", kind="stable")
    blocks: list[content.Block] = []
    for section in case.sections.sort_values("order", kind="stable").itertuples():
        ident = str(section.id)
        here = passages[passages["section"] == ident]
        printed = uses[uses["section"] == ident]
        if here.empty and printed.empty:
            continue
        blocks.append(content.heading(str(section.title), level=2, label=f"{sections}{ident}"))
        for p in here.itertuples():
            blocks.append(content.paragraph(str(p.summary), label=passage_label(str(p.id))))
        for u in printed.itertuples():
            q = quotes[str(u.excerpt)]
            who = str(q["interviewee"])
            blocks.append(content.quote(str(q["text"]), attribution_text(who, organisations[who])))
    return content.show(*blocks)
