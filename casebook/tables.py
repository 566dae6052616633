"""Tables 1–3 of the article, built from the case.

Each function returns a :class:`Table`: the grid of cells (``.frame``, for tests and
reuse) and, displayed in a notebook, a numbered and captioned table of the book (its
cells handed over as text, so nothing in the data can turn into markup).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from . import content
from .case import Case
from .case.schema import WORK_TYPE_LABELS, WORK_TYPES
from .content import Linked
from .evidence import numbers
from .evidence import triangulation as supports
from .reliability_section import coding_reliability as coding_reliability  # shown as tables.coding_reliability
from .robustness import DIMENSIONS, robustness
from .table import SOFT, Cell, Table


def _ordered(frame: pd.DataFrame, column: str = "order") -> pd.DataFrame:
    return frame.sort_values(column, kind="stable")


WORK_TYPE_HEADERS = WORK_TYPE_LABELS


def _evidence(case: Case, kind: str, linked: bool) -> Callable[[str, str], str]:
    """``mark(id, text)``: the cell text with its E-number link (``linked``) or alone."""
    if not linked:
        return lambda ident, text: text
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
    rows: list[tuple[Cell, ...]] = [
        (str(actor.label), *(tuple(cells.get((str(actor.id), t), ())) for t in WORK_TYPES))
        for actor in _ordered(case.actors).itertuples()
    ]
    header = ("Actors", *(WORK_TYPE_HEADERS[t] for t in WORK_TYPES))
    return Table(
        "table-1", "The institutional work of multiple actors", header, tuple(rows), (22, 26, 26, 26), row_headers=True
    )


def interviewees(case: Case) -> Table:
    """Table 2 – Interviewees (Appendix 1): letter, role and organisation."""
    rows = tuple((str(p.id), str(p.role), str(p.organization)) for p in case.interviewees.itertuples())
    header = ("Interviewee", "Role", "Organization")
    return Table("table-2", "Interviewees", header, rows, (16, 42, 42), row_headers=True)


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
    return Table("table-3", "Collaborative governance in practice", header, tuple(rows), (28, 72), row_headers=True)


def interview_outline(case: Case) -> Sequence[str]:
    """Appendix 2: the topics of the interview outline, in order."""
    return tuple(_ordered(case.interview_outline)["topic"].astype(str))


ERRATA_KINDS = {
    "quote": "Quotes",
    "citation": "Citations in the text",
    "reference": "The reference list",
    "name": "Names",
    "table": "Tables",
    "figure": "Figure 1: what the edition reconstructs from the text",
    "reading": "Readings of ambiguous sentences",
    "metadata": "The edition's metadata about the article",
    "inconsistency": "Inconsistencies of the source, left as printed",
}
"""The headings of the errata page, by ``errata.kind`` (in the schema's order)."""

ERRATA_HEADERS = {
    "figure": ("Where", "The text says", "Figure 1 draws", "Grounds", "Why"),
    "reading": ("Where", "The source prints", "This edition reads it as", "Grounds", "Why"),
    "inconsistency": ("Where", "One place says", "Another says", "Grounds", "What the edition does"),
}
"""Column headings of the kinds whose two forms are not a source form and its replacement."""

OUTSIDE_SECTIONS = "Cover and title pages"
"""Where an erratum without a section (``errata.location`` empty) is: before the first section."""


def errata(case: Case, kind: str | None = None) -> Table:
    """The changes this edition makes to the source text (of one ``kind``, or all), with
    where each is, what the source prints, what the edition prints, on what grounds, why."""
    sections = case.sections.set_index("id")["title"]
    rows = tuple(
        (
            OUTSIDE_SECTIONS if pd.isna(e.location) else str(sections[e.location]),
            str(e.source_form),
            str(e.edition_form),
            str(e.grounds),
            str(e.note),
        )
        for e in case.errata.itertuples()
        if kind is None or e.kind == kind
    )
    header = ERRATA_HEADERS.get(kind or "", ("Where", "The source prints", "This edition prints", "Grounds", "Why"))
    return Table(None, None, header, rows, (14, 24, 24, 12, 26))


def errata_by_kind(case: Case) -> content.Content:
    """The errata page's body: a heading and a table for each kind of change the case records."""
    kinds = case.errata["kind"].value_counts().to_dict()
    blocks: list[content.Block] = []
    for kind, heading in ERRATA_KINDS.items():
        if kinds.get(kind):
            blocks += [content.heading(f"{heading} ({kinds[kind]})", level=2), errata(case, kind).block()]
    return content.show(*blocks)


def _codings(case: Case) -> pd.DataFrame:
    """The case's codings with each code on a quote once, whoever applied it: where two coders
    coded the case, the book shows what either of them coded (the coding page's reliability
    section shows where they differ)."""
    return case.codings.drop_duplicates(["excerpt", "scheme", "code"])


def code_book(case: Case) -> Table:
    """The code book with counts: how often each code is used, computed from the data.

    Framework elements count the quotes coded with them, the Table 3 findings under
    them and the Figure 1 arrows pointing at them; types of work count coded quotes,
    Table 1 activities and arrows; actor groups count the quotes their members spoke,
    or are coded with them (each quote once), their activities and the arrows they draw.
    """
    codings, findings = _codings(case), case.findings
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
    name = "The code book, and how often each code is used"
    return Table(None, None, header, tuple(rows), (26, 22, 10, 14, 14, 14), row_headers=True, name=name)


def coded_quotes(case: Case) -> Table:
    """Every published quote with its speaker, its codes and where the article prints it."""
    people = case.interviewees.set_index("id")
    elements = case.framework.set_index("id")["label"]
    sections = case.sections.set_index("id")["title"]
    codings = _codings(case)
    rows: list[tuple[Cell, ...]] = []
    for q in case.excerpts.itertuples():
        mine = codings[codings["excerpt"] == q.id]
        framework = tuple(str(elements[c]) for c in mine.loc[mine["scheme"] == "framework", "code"])
        work = tuple(WORK_TYPE_HEADERS[str(c)] for c in mine.loc[mine["scheme"] == "work_type", "code"])
        uses = case.excerpt_uses[case.excerpt_uses["excerpt"] == q.id]
        speaker = f"{q.interviewee} ({people.loc[q.interviewee, 'short_organization']})"
        printed = tuple(str(sections[s]) for s in uses["section"])
        rows.append((str(q.id), speaker, str(q.text), framework, work, printed))
    header = ("Quote", "Interviewee", "Text", "Framework elements", "Type of work", "Printed in")
    name = "The published quotes, with their codes and the sections that print them"
    return Table(None, None, header, tuple(rows), (7, 12, 31, 16, 12, 22), row_headers=True, name=name)


ROBUSTNESS_HEADER = ("Rests on one interviewee", "Rests on one organisation", "Rests on one actor group")
"""The triangulation table's leave-one-out columns (:mod:`casebook.robustness`): the one
interviewee, organisation or actor group without which a claim would keep no quote and no
document; "no" when it keeps one whichever is set aside; "–" when it has none to lose."""

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
    *ROBUSTNESS_HEADER,
)

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
    f"Rests on one inter{SOFT}viewee",
    f"Rests on one organ{SOFT}isation",
    "Rests on one actor group",
)


def _leave_one_out(case: Case) -> dict[tuple[str, str], tuple[str, str, str]]:
    """The cells of :data:`ROBUSTNESS_HEADER`, per claim (kind, id): an interviewee's letter, an
    organisation as quote attributions name it, an actor group's label; "no"; or "–"."""
    people = case.interviewees
    names = {
        "interviewee": {},
        "organisation": dict(zip(people["organization"], people["short_organization"], strict=True)),
        "actor": case.actors.set_index("id")["label"].astype(str).to_dict(),
    }
    cells: dict[tuple[str, str], tuple[str, str, str]] = {}
    for r in robustness(case):
        shown = [
            ("no" if r.direct else "–") if v is None else str(names[d].get(v, v))
            for d, v in ((d, r.falls_without[d]) for d in DIMENSIONS)
        ]
        cells[(r.kind, r.id)] = (shown[0], shown[1], shown[2])
    return cells


def triangulation(case: Case, evidence: bool = True) -> Table:
    """How well each claim is triangulated, counted from ``evidence.csv``: one row per claim
    (E-number order; where the book shows it, and its text) with the distinct interviewees
    quoted for it, their organisations and actor groups, the documents and the passages of
    the analysis it rests on, what that amounts to, and a flag for a claim with one direct
    source or none, then the leave-one-out columns (:data:`ROBUSTNESS_HEADER`). Sortable in the HTML."""
    leave_one_out = _leave_one_out(case)
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
                *leave_one_out[(s.claim.kind, s.claim.id)],
            )
        )
    # Not numbered: Tables 1-3 keep the article's numbers; the page's heading names this one.
    return Table(
        "triangulation",
        None,
        TRIANGULATION_HEADER,
        tuple(rows),
        (5, 14, 7, 8, 7, 7, 6, 10, 8, 8, 10, 10),
        ("casebook-sortable",),
        TRIANGULATION_SHOWN,
        row_headers=True,
    )
