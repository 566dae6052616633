"""Tables 1–3 of the article, built from the case.

Each function returns a :class:`Table`: the grid of cells (``.frame``, for tests and
reuse) and, displayed in a notebook, a numbered and captioned table of the book (its
cells handed over as text, so nothing in the data can turn into markup).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import content
from .book import Linked, inline
from .case import Case
from .case.schema import WORK_TYPE_LABELS, WORK_TYPES

Cell = str | tuple[str, ...]
"""A cell is plain text (``str``) or a bullet list of items (``tuple``, possibly empty)."""


@dataclass(frozen=True)
class Table:
    """A table; with a caption and ``label`` it is numbered and can be cited (``{numref}`table-1```)."""

    label: str | None
    caption: str | None
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[int, ...]
    classes: tuple[str, ...] = ()  # e.g. "casebook-sortable": the HTML lets the reader sort it
    shown_header: tuple[str, ...] | None = None  # the header as printed, if not ``header`` (soft hyphens)

    @property
    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame; a cell with several items joins them with newlines."""
        return pd.DataFrame(
            [[cell if isinstance(cell, str) else "\n".join(cell) for cell in row] for row in self.rows],
            columns=list(self.header),
        )

    def block(self) -> content.Block:
        """The table as a content block (:mod:`casebook.content`)."""
        return content.table(
            [[h] for h in self.shown_header or self.header],
            [[_cell(cell) for cell in row] for row in self.rows],
            self.widths,
            label=self.label,
            caption=self.caption,
            classes=self.classes,
        )

    def json(self) -> str:
        """The block as canonical JSON text (what the reproducibility report checksums)."""
        return json.dumps(self.block(), sort_keys=True, ensure_ascii=False)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return content.show(self.block())._repr_mimebundle_()

    def __repr__(self) -> str:
        return f"<Table {self.label or ''}: {self.caption or ''} ({len(self.rows)} rows)>"


def _cell(cell: Cell) -> list[content.Inline] | dict[str, Any]:
    return inline(cell) if isinstance(cell, str) else content.items(inline(item) for item in cell)


def _ordered(frame: pd.DataFrame, column: str = "order") -> pd.DataFrame:
    return frame.sort_values(column, kind="stable")


WORK_TYPE_HEADERS = WORK_TYPE_LABELS


def _evidence(case: Case, kind: str, linked: bool) -> Callable[[str, str], str]:
    """``mark(id, text)``: the cell text with its E-number link (``linked``) or alone."""
    if not linked:
        return lambda ident, text: text
    from .evidence import numbers

    claims = numbers(case, kind)

    def mark(ident: str, text: str) -> str:
        return Linked(text, claims[ident].mark, claims[ident].label)

    return mark


def institutional_work(case: Case, evidence: bool = True) -> Table:
    """Table 1 – The institutional work of multiple actors.

    One row per actor group (in the order of ``actors.csv``), one column per type of
    institutional work; each cell lists that group's activities of that type, each with
    the number of its entry in the Evidence appendix (``evidence=False`` leaves it out).
    """
    mark = _evidence(case, "activity", evidence)
    cells: dict[tuple[str, str], list[str]] = {}  # (actor, work type) -> activities, in one pass
    for w in _ordered(case.institutional_work).itertuples():
        cells.setdefault((str(w.actor), str(w.work_type)), []).append(mark(str(w.id), str(w.activity)))
    rows = [
        (str(actor.label), *(tuple(cells.get((str(actor.id), t), ())) for t in WORK_TYPES))
        for actor in _ordered(case.actors).itertuples()
    ]
    header = ("Actors", *(WORK_TYPE_HEADERS[t] for t in WORK_TYPES))
    return Table("table-1", "The institutional work of multiple actors", header, tuple(rows), (22, 26, 26, 26))


def interviewees(case: Case) -> Table:
    """Table 2 – Interviewees (Appendix 1): letter, role and organisation."""
    rows = tuple((str(p.id), str(p.role), str(p.organization)) for p in case.interviewees.itertuples())
    return Table("table-2", "Interviewees", ("Interviewee", "Role", "Organization"), rows, (16, 42, 42))


def _element_path(case: Case, element: str) -> list[str]:
    """Labels from the outermost container down to ``element``, root excluded."""
    frame = case.framework.set_index("id")
    path = []
    node: str | None = element
    while node is not None and node in frame.index:
        parent = frame.loc[node, "parent"]
        if pd.isna(parent):
            break  # the outermost element (system context) frames everything
        path.append(str(frame.loc[node, "label"]))
        node = str(parent)
    return path[::-1]


def finding_text(text: str, note: object) -> str:
    """A Table 3 bullet: its text and, in brackets, its note if it has one."""
    return f"{text} ({note})" if isinstance(note, str) and note else text


def governance_in_practice(case: Case, evidence: bool = True) -> Table:
    """Table 3 – Collaborative governance in practice (Appendix 3).

    One row per element of the framework that has findings, in framework order; an
    element nested in another is named with its container ("Collaboration dynamics:
    shared motivation").
    """
    findings = _ordered(case.findings)
    mark = _evidence(case, "finding", evidence)
    rows = []
    for element in _ordered(case.framework).itertuples():
        mine = findings[findings["element"] == element.id]
        if mine.empty:
            continue
        path = _element_path(case, str(element.id)) or [str(element.label)]
        name = path[0] + (": " + ", ".join(p[0].lower() + p[1:] for p in path[1:]) if len(path) > 1 else "")
        bullets = tuple(mark(str(f.id), finding_text(str(f.text), f.note)) for f in mine.itertuples())
        rows.append((name, bullets))
    header = ("Element of the framework", "In the case")
    return Table("table-3", "Collaborative governance in practice", header, tuple(rows), (28, 72))


def interview_outline(case: Case) -> Sequence[str]:
    """Appendix 2: the topics of the interview outline, in order."""
    return tuple(_ordered(case.interview_outline)["topic"].astype(str))


ERRATA_KINDS = {
    "quote": "Quotes",
    "citation": "Citations in the text",
    "reference": "The reference list",
    "name": "Names",
    "table": "Tables",
    "inconsistency": "Inconsistencies of the source, left as printed",
}
"""The headings of the errata page, by ``errata.kind`` (in the schema's order)."""


def errata(case: Case, kind: str | None = None) -> Table:
    """The changes this edition makes to the source text (of one ``kind``, or all), with
    where each is, what the source prints, what the edition prints, on what grounds, why."""
    sections = case.sections.set_index("id")["title"]
    rows = tuple(
        (str(sections[e.location]), str(e.source_form), str(e.edition_form), str(e.grounds), str(e.note))
        for e in case.errata.itertuples()
        if kind is None or e.kind == kind
    )
    header = ("Where", "The source prints", "This edition prints", "Grounds", "Why")
    if kind == "inconsistency":
        header = ("Where", "One place says", "Another says", "Grounds", "What the edition does")
    return Table(None, None, header, rows, (14, 24, 24, 12, 26))


def errata_by_kind(case: Case) -> content.Content:
    """The errata page's body: a heading and a table for each kind of change the case records."""
    kinds = case.errata["kind"].value_counts().to_dict()
    blocks: list[content.Block] = []
    for kind, heading in ERRATA_KINDS.items():
        if kinds.get(kind):
            blocks += [content.heading(f"{heading} ({kinds[kind]})", level=2), errata(case, kind).block()]
    return content.show(*blocks)


def code_book(case: Case) -> Table:
    """The code book with counts: how often each code is used, computed from the data.

    Framework elements count the quotes coded with them, the Table 3 findings under
    them and the Figure 1 arrows pointing at them; types of work count coded quotes,
    Table 1 activities and arrows; actor groups count the quotes their members spoke,
    or are coded with them (each quote once), their activities and the arrows they draw.
    """
    codings, findings = case.codings, case.findings
    work, relations = case.institutional_work, case.relations
    speakers = case.excerpts.merge(case.interviewees, left_on="interviewee", right_on="id", suffixes=("", "_person"))

    def coded(scheme: str, code: str) -> int:
        return int(((codings["scheme"] == scheme) & (codings["code"] == code)).sum())

    rows: list[tuple[Cell, ...]] = []
    for e in _ordered(case.framework).itertuples():
        rows.append(
            (
                str(e.label),
                "framework element",
                str(coded("framework", e.id)),
                str(int((findings["element"] == e.id).sum())),
                "–",
                str(int((relations["target"] == e.id).sum())),
            )
        )
    for t in WORK_TYPES:
        rows.append(
            (
                WORK_TYPE_HEADERS[t],
                "type of institutional work",
                str(coded("work_type", t)),
                "–",
                str(int((work["work_type"] == t).sum())),
                str(int((relations["work_type"] == t).sum())),
            )
        )
    for a in _ordered(case.actors).itertuples():
        spoken = set(speakers.loc[speakers["actor"] == a.id, "id"])
        tagged = set(codings.loc[(codings["scheme"] == "actor") & (codings["code"] == a.id), "excerpt"])
        quotes = len(spoken | tagged)  # a quote both spoken by a member and coded with the group counts once
        rows.append(
            (
                str(a.label),
                "actor group",
                str(quotes),
                "–",
                str(int((work["actor"] == a.id).sum())),
                str(int((relations["source"] == a.id).sum())),
            )
        )
    header = ("Code", "Code book", "Quotes", "Findings (Table 3)", "Activities (Table 1)", "Arrows (Figure 1)")
    return Table(None, None, header, tuple(rows), (26, 22, 10, 14, 14, 14))


def coded_quotes(case: Case) -> Table:
    """Every published quote with its speaker, its codes and where the article prints it."""
    people = case.interviewees.set_index("id")
    elements = case.framework.set_index("id")["label"]
    sections = case.sections.set_index("id")["title"]
    rows: list[tuple[Cell, ...]] = []
    for q in case.excerpts.itertuples():
        mine = case.codings[case.codings["excerpt"] == q.id]
        framework = tuple(str(elements[c]) for c in mine.loc[mine["scheme"] == "framework", "code"])
        work = tuple(WORK_TYPE_HEADERS[str(c)] for c in mine.loc[mine["scheme"] == "work_type", "code"])
        uses = case.excerpt_uses[case.excerpt_uses["excerpt"] == q.id]
        speaker = f"{q.interviewee} ({people.loc[q.interviewee, 'short_organization']})"
        printed = tuple(str(sections[s]) for s in uses["section"])
        rows.append((str(q.id), speaker, str(q.text), framework, work, printed))
    header = ("Quote", "Interviewee", "Text", "Framework elements", "Type of work", "Printed in")
    return Table(None, None, header, tuple(rows), (7, 12, 35, 16, 12, 18))


TRIANGULATION_HEADER = (
    "E",
    "Claim",
    "Interviewees",
    "Organisations",
    "Actor groups",
    "Documents",
    "Passages",
    "Rests on",
    "Flag",
)

SOFT = "\u00ad"  # narrow columns break these headings where a hyphen may go, and show the hyphen
TRIANGULATION_SHOWN = (
    "E",
    "Claim",
    f"Inter{SOFT}viewees",
    f"Organ{SOFT}isations",
    "Actor groups",
    f"Docu{SOFT}ments",
    f"Pass{SOFT}ages",
    "Rests on",
    "Flag",
)


def triangulation(case: Case, evidence: bool = True) -> Table:
    """How well each claim is triangulated, counted from ``evidence.csv``: one row per claim
    (E-number order; where the book shows it, and its text) with the distinct interviewees
    quoted for it, their organisations and actor groups, the documents and the passages of
    the analysis it rests on, what that amounts to, and a flag for a claim with one direct
    source or none. Sortable in the HTML."""
    from .evidence import triangulation as supports

    rows = []
    for s in supports(case):
        mark = Linked(s.claim.mark, s.claim.mark, s.claim.label) if evidence else s.claim.mark
        rows.append(
            (
                mark,
                f"{s.claim.shown_in}: {s.claim.text}",
                str(len(s.interviewees)),
                str(len(s.organisations)),
                str(len(s.actor_groups)),
                str(len(s.documents)),
                str(len(s.passages)),
                s.basis,
                s.flag,
            )
        )
    # Not numbered: Tables 1-3 keep the article's numbers; the page's heading names this one.
    return Table(
        "triangulation",
        None,
        TRIANGULATION_HEADER,
        tuple(rows),
        (6, 24, 10, 10, 9, 10, 9, 11, 11),
        ("casebook-sortable",),
        TRIANGULATION_SHOWN,
    )
