"""The code book convention: how a case's framework, types of work and actor groups are codes.

A casebook code book (``casebook export-codebook`` writes it as a REFI-QDA ``.qdc`` that
ATLAS.ti, MAXQDA, NVivo or QualCoder can import) has three parts:

- the **framework elements** at the top, nested as ``framework.parent`` nests them;
- a group code **"Institutional work"** (not codable) holding one code per type of work:
  "Political work", "Technical work", "Cultural work";
- a group code **"Actor groups"** (not codable) holding one code per row of ``actors.csv``.

Each code's description ends with a line such as ``casebook: id=drivers leads_to=collaboration-dynamics``
that carries what REFI-QDA has no field for (the row's id and, for a framework element,
the element it sets in motion); QDA software keeps it as part of the description.
GUIDs are UUID 5 of stable keys (``code:framework:drivers``), so the same case always
gives the same code book and an import can recognise its codes by GUID alone.

Coding with this code book, a quote coded "Shared motivation" becomes a row of
``codings.csv`` (scheme ``framework``), one coded "Cultural work" a row with scheme
``work_type``; an actor group code marks a quote as about that group (scheme ``actor``),
except the speaker's own group, which ``interviewees.actor`` already records.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from ..case import Case
from ..case.schema import WORK_TYPE_LABELS, WORK_TYPES
from ..style import WORK_COLOURS

GUID_NAMESPACE = uuid.UUID("6f1c1d2e-5a7b-5c3e-9f40-7d2b8e1a4c90")
"""Fixed namespace of every GUID the export makes; never change it, or GUIDs change."""

WORK_GROUP = "Institutional work"
ACTOR_GROUP = "Actor groups"
MARKER = re.compile(r"\n*casebook:((?: [a-z_]+=[^\s]*)+)\s*$")


def guid(key: str) -> str:
    """The GUID of the thing named ``key``: the same key always gives the same GUID."""
    return str(uuid.uuid5(GUID_NAMESPACE, key))


def code_key(scheme: str, code: str) -> str:
    """Key of a code: ``scheme`` as in ``codings.scheme`` ("framework", "work_type", "actor")."""
    return f"code:{scheme}:{code}"


def marker(**values: str | None) -> str:
    """The description line that carries a row's id (and other fields) through QDA software."""
    return "casebook:" + "".join(f" {k}={v}" for k, v in values.items() if v)


def split_marker(description: str) -> tuple[str, dict[str, str]]:
    """A description without its ``casebook:`` line, and the values that line carries."""
    match = MARKER.search(description or "")
    if not match:
        return (description or "").strip(), {}
    values = dict(pair.split("=", 1) for pair in match.group(1).split())
    return description[: match.start()].strip(), values


@dataclass(frozen=True)
class Code:
    """One code of the code book, with the codes nested under it.

    ``scheme`` and ``ident`` say what a coding with it means (``framework``/``drivers``);
    group codes have neither. ``leads_to`` is a framework element's ``framework.leads_to``.
    """

    key: str
    name: str
    description: str
    scheme: str | None = None
    ident: str | None = None
    leads_to: str | None = None
    codable: bool = True
    colour: str | None = None
    children: tuple[Code, ...] = field(default=())

    @property
    def guid(self) -> str:
        return guid(self.key)

    @property
    def full_description(self) -> str:
        """The description as written into the code book, ending with the ``casebook:`` line."""
        if self.scheme is None:
            return self.description
        line = marker(id=self.ident, leads_to=self.leads_to)
        return f"{self.description}\n\n{line}" if self.description else line

    def walk(self) -> Iterator[Code]:
        """This code and every code under it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("order", kind="stable")


def _framework_codes(case: Case) -> tuple[Code, ...]:
    framework = _ordered(case.framework)

    def under(parent: str | None) -> tuple[Code, ...]:
        rows = framework[framework["parent"].isna()] if parent is None else framework[framework["parent"] == parent]
        return tuple(
            Code(
                code_key("framework", r.id),
                str(r.label),
                str(r.description),
                "framework",
                str(r.id),
                None if pd.isna(r.leads_to) else str(r.leads_to),
                children=under(r.id),
            )
            for r in rows.itertuples()
        )

    return under(None)


def _work_type_codes(case: Case, colours: dict[str, str]) -> Code:
    work = _ordered(case.institutional_work)
    children = []
    for work_type in WORK_TYPES:
        activities = "; ".join(work.loc[work["work_type"] == work_type, "activity"].astype(str))
        name = WORK_TYPE_LABELS[work_type]
        description = f"{name}. Activities of this type in Table 1: {activities}." if activities else f"{name}."
        children.append(
            Code(
                code_key("work_type", work_type),
                name,
                description,
                "work_type",
                work_type,
                colour=colours.get(work_type),
            )
        )
    return Code(
        "code:group:institutional-work",
        WORK_GROUP,
        f"The types of institutional work: {', '.join(WORK_TYPES)}.",
        codable=False,
        children=tuple(children),
    )


def _actor_codes(case: Case) -> Code:
    children = tuple(
        Code(code_key("actor", r.id), str(r.label), str(r.description), "actor", str(r.id))
        for r in _ordered(case.actors).itertuples()
    )
    return Code(
        "code:group:actor-groups",
        ACTOR_GROUP,
        "The groups of actors of Table 1; a quote is coded with the group of the person quoted.",
        codable=False,
        children=children,
    )


def codes(case: Case) -> tuple[Code, ...]:
    """The code book of ``case``: framework elements, then institutional work, then actor groups."""
    return (*_framework_codes(case), _work_type_codes(case, WORK_COLOURS), _actor_codes(case))
