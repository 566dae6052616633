"""Does each claim still stand without any one interviewee, organisation or actor group?

A claim (a Table 1 activity, a Table 3 finding, a Figure 1 arrow) rests on the quotes,
documents and passages ``evidence.csv`` links it to. Quotes and documents are the sources
a reader can check; passages and the authors' synthesis are the article's own analysis.
Setting an interviewee aside removes their quotes (``excerpts.interviewee``); setting an
organisation or an actor group aside removes the quotes of every interviewee in it
(``interviewees.organization`` or ``short_organization``, ``interviewees.actor``).
Documents are never removed: nothing in the data ties a document to an interviewee, an
organisation or an actor group, and this module does not invent that tie.

A claim *falls* without a source when removing it leaves the claim no quote and no
document: it would rest on the article's analysis alone. Computed from the data; nothing
here writes anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .case import Case
from .case.schema import CLAIM_TABLES

DIMENSIONS = ("interviewee", "organisation", "actor")
"""What can be set aside: one interviewee (a letter), one organisation, one actor group (an id)."""

SHOWN_IN = {"activity": "Table 1", "finding": "Table 3", "relation": "Figure 1"}
"""Where the book shows each kind of claim."""

DIMENSION_NAMES = {"interviewee": "interviewee", "organisation": "organisation", "actor": "actor group"}


@dataclass(frozen=True)
class Robustness:
    """One claim's quotes and documents, and the single removal, per dimension, that would
    leave it resting on the article's analysis alone (None: it holds without any one)."""

    number: int  # its E-number (E1, E2, …): the order in which the book shows the claims
    kind: str  # "activity", "finding" or "relation"
    id: str
    text: str  # the activity, the finding or the arrow's description
    interviewees: tuple[str, ...]  # the interviewees quoted for it, in evidence.csv order
    documents: tuple[str, ...]
    falls_without: dict[str, str | None]  # dimension -> the one value whose removal leaves no quote or document

    @property
    def mark(self) -> str:
        return f"E{self.number}"

    @property
    def direct(self) -> bool:
        """Whether the claim has any quote or document to begin with."""
        return bool(self.interviewees or self.documents)

    @property
    def holds(self) -> bool:
        """Whether it keeps a quote or a document whatever single source is set aside."""
        return self.direct and not any(self.falls_without.values())


def _people(case: Case) -> pd.DataFrame:
    return case.interviewees.set_index("id")


def memberships(case: Case) -> dict[str, dict[str, str | None]]:
    """For each interviewee: their organisation (as Table 2 prints it) and actor group (None if none)."""
    people = _people(case)
    return {
        str(who): {
            "interviewee": str(who),
            "organisation": str(row["organization"]),
            "actor": None if pd.isna(row["actor"]) else str(row["actor"]),
        }
        for who, row in people.iterrows()
    }


TEXT_COLUMNS = {"activity": "activity", "finding": "text", "relation": "description"}


def _claims(case: Case) -> list[tuple[str, str, str]]:
    """Every claim, (kind, id, text), in the order the book numbers them (E1, E2, …)."""
    out = []
    for kind, table in CLAIM_TABLES.items():
        frame = case.table(table)
        if "order" in frame.columns:
            frame = frame.sort_values("order", kind="stable")
        out += [(kind, str(i), str(t)) for i, t in zip(frame["id"], frame[TEXT_COLUMNS[kind]], strict=True)]
    return out


def robustness(case: Case) -> list[Robustness]:
    """Every claim, in E-number order, with what its support would not survive."""
    speaker = case.excerpts.set_index("id")["interviewee"].astype(str).to_dict()
    members = memberships(case)
    quoted: dict[tuple[str, str], list[str]] = {}
    documents: dict[tuple[str, str], list[str]] = {}
    for e in case.evidence.itertuples():
        key = (str(e.claim_type), str(e.claim_id))
        if e.evidence_type == "excerpt":
            quoted.setdefault(key, []).append(speaker[str(e.evidence_id)])
        elif e.evidence_type == "document":
            documents.setdefault(key, []).append(str(e.evidence_id))
    out = []
    for number, (kind, ident, text) in enumerate(_claims(case), start=1):
        key = (kind, ident)
        who = tuple(dict.fromkeys(quoted.get(key, [])))
        docs = tuple(dict.fromkeys(documents.get(key, [])))
        falls: dict[str, str | None] = {}
        for dimension in DIMENSIONS:
            values = {members[w][dimension] for w in who}
            # Without documents, a claim falls without X when every quote comes from X.
            single = not docs and len(values) == 1 and None not in values
            falls[dimension] = next(iter(values)) if single else None
        out.append(Robustness(number, kind, ident, text, who, docs, falls))
    return out


class UnknownSource(ValueError):
    """What ``--drop`` names is not in the case; the message lists what is."""


def resolve(case: Case, dimension: str, value: str) -> str:
    """The id under which ``value`` is set aside: an interviewee's letter, an organisation as
    Table 2 prints it (its short form is accepted too), an actor group's id (or its label)."""
    people = _people(case)
    if dimension == "interviewee":
        known = {str(i): str(i) for i in people.index}
    elif dimension == "organisation":
        known = {str(s): str(o) for o, s in zip(people["organization"], people["short_organization"], strict=True)}
        known.update({str(o): str(o) for o in people["organization"]})
    elif dimension == "actor":
        actors = case.actors
        known = {str(label): str(i) for i, label in zip(actors["id"], actors["label"], strict=True)}
        known.update({str(i): str(i) for i in actors["id"]})
    else:
        raise UnknownSource(f"cannot set aside {dimension!r}; choose one of: {', '.join(DIMENSIONS)}")
    if value not in known:
        shown = sorted(set(known.values()))
        raise UnknownSource(f"no {DIMENSION_NAMES[dimension]} {value!r} in the case; known: {', '.join(shown)}")
    return known[value]


def without(case: Case, dimension: str, value: str) -> list[Robustness]:
    """The claims that would lose every quote and document if ``value`` (an interviewee,
    organisation or actor group, see :func:`resolve`) were set aside, in E-number order."""
    ident = resolve(case, dimension, value)
    return [r for r in robustness(case) if r.falls_without[dimension] == ident]


def sentence(claim: Robustness, actor_labels: dict[str, str]) -> str:
    """What a reader of the claim is told: "Rests on one interviewee: B; …" or that it holds
    (empty for a claim with no quote or document: it rests on the analysis already)."""
    if not claim.direct:
        return ""
    if claim.holds:
        return "Holds without any one interviewee, organisation or actor group: it keeps a quote or a document."
    parts = []
    for dimension, value in claim.falls_without.items():
        if value is not None:
            shown = actor_labels.get(value, value) if dimension == "actor" else value
            parts.append(f"one {DIMENSION_NAMES[dimension]}: {shown}")
    return (
        f"Rests on {'; '.join(parts)}. Setting {'it' if len(parts) == 1 else 'any of them'} aside would leave the"
        " claim on the article's analysis alone."
    )


def lines(case: Case, where: str, dimension: str | None = None, value: str | None = None) -> list[str]:
    """The report ``python -m casebook robustness`` prints: with ``dimension`` and ``value``, the
    claims that would lose every quote and document; without, every claim that rests on one source."""
    claims = robustness(case)
    labels = case.actors.set_index("id")["label"].astype(str).to_dict()
    if dimension is not None and value is not None:
        ident = resolve(case, dimension, value)
        name = labels.get(ident, ident) if dimension == "actor" else ident
        lost = [c for c in claims if c.falls_without[dimension] == ident]
        head = f"{where}: without {DIMENSION_NAMES[dimension]} {name}, "
        if not lost:
            return [head + "every claim keeps its quotes or documents, or never had any."]
        out = [
            head + f"{len(lost)} claim{'s' if len(lost) != 1 else ''} would lose every quote and document"
            " and rest on the article's analysis alone:"
        ]
        return out + [f"  {c.mark:<4} {SHOWN_IN[c.kind]:<8} {c.kind} {c.id}: {c.text}" for c in lost]
    direct = [c for c in claims if c.direct]
    weak = [c for c in direct if not c.holds]
    out = [
        f"{where}: {len(claims)} claims; {len(claims) - len(direct)} rest on the article's analysis alone (no quote"
        f" or document); {len(direct) - len(weak)} hold without any one interviewee, organisation or actor group;"
        f" {len(weak)} rest on one:"
    ]
    for c in weak:
        out.append(f"  {c.mark:<4} {SHOWN_IN[c.kind]:<8} {c.kind} {c.id}: {sentence(c, labels).split('. ')[0]}")
    return out
