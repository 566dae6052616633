"""What a REFI-QDA project's elements become in a case: its codes mapped onto the code book,
its cases onto lettered interviewees, its coded selections onto quotes and codings, its other
text sources onto documents. What has no place in a case is reported, never dropped silently."""

from __future__ import annotations

import itertools
import re
import string
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..case.folder import slug
from .align import THRESHOLD, Span, align, union
from .codebook import ACTOR_GROUP, WORK_GROUP
from .coders import codes_by_coder
from .reader import (
    Element,
    Entry,
    Report,
    child,
    children,
    elements,
    local,
    project_codes,
    source_text,
    text,
    to_code_points,
)

NON_TEXT_SOURCES = {
    "PictureSource": "a picture",
    "PDFSource": "a PDF",
    "AudioSource": "an audio recording",
    "VideoSource": "a video",
}
VARIABLE_COLUMNS = {
    "role": "role",
    "position": "role",
    "function": "role",
    "organization": "organization",
    "organisation": "organization",
    "short organization": "short_organization",
    "short organisation": "short_organization",
    "actor group": "actor",
    "actor": "actor",
}
"""Case variables read into ``interviewees.csv``, by lower-case name."""

Rows = list[dict[str, Any]]


def map_codes(project: Element, entries: list[Entry]) -> dict[str, Entry]:
    """The project's codes by GUID, mapped onto the code book: same GUID, else same path of
    names, else same name alone (case-insensitive). The others are reported by
    :func:`report_unmapped_codes`, with how many codings each had."""
    by_guid = {e.guid: e for e in entries if e.guid}
    by_path = {tuple(n.lower() for n in e.path): e for e in entries}
    names = Counter(e.name.lower() for e in entries)
    by_name = {e.name.lower(): e for e in entries if names[e.name.lower()] == 1}
    mapped: dict[str, Entry] = {}
    for code_guid, path in project_codes(project):
        entry = by_guid.get(code_guid) or by_path.get(tuple(n.lower() for n in path)) or by_name.get(path[-1].lower())
        if entry is not None:
            mapped[code_guid] = entry
    return mapped


# --- cases: interviewees by letter ---------------------------------------------------------

_LETTER = re.compile(r"^(?:interviewee|respondent|participant|informant|case)?\s*([A-Z]{1,2})$", re.I)


def letters() -> Iterator[str]:
    """A, B, … Z, AA, AB, … ZZ: the letters interviewees go by."""
    for size in (1, 2):
        for chosen in itertools.product(string.ascii_uppercase, repeat=size):
            yield "".join(chosen)


@dataclass
class Person:
    """An interviewee made from a REFI case: their letter, the columns read from its variables,
    and the sources and selections the case cites."""

    letter: str
    values: dict[str, str] = field(default_factory=dict)
    sources: set[str | None] = field(default_factory=set)


def _values(case: Element, variables: dict[str | None, str], unused: Counter[str]) -> dict[str, str]:
    """The columns of ``interviewees.csv`` a case's variables give; the other variables counted in ``unused``."""
    values = {}
    for value in children(case, "VariableValue"):
        ref = child(value, "VariableRef")
        variable = variables.get(ref.get("targetGUID") if ref is not None else None, "")
        column = VARIABLE_COLUMNS.get(variable.strip().lower())
        shown = next((text(v) for v in elements(value) if local(v) != "VariableRef"), "")
        if column is None:
            unused[variable] += 1
        elif shown:
            values[column] = shown
    return values


def _actor_of(person: Person, case: Element, actors: dict[str, str], mapped: dict[str, Entry], report: Report) -> None:
    """The person's actor group: the case's variable when it names a group of the code book,
    else the actor-group code the case carries."""
    if "actor" in person.values:
        label = person.values.pop("actor")
        actor = actors.get(label.lower())
        if actor:
            person.values["actor"] = actor
        else:
            report.leave_out(
                "Case",
                case.get("guid"),
                f"interviewee {person.letter}'s actor group {label!r} is no actor"
                " group of the code book; set interviewees.actor by hand",
            )
    for ref in children(case, "CodeRef"):
        entry = mapped.get(ref.get("targetGUID"))
        if entry is not None and entry.scheme == "actor" and "actor" not in person.values:
            person.values["actor"] = str(entry.ident)


def people(project: Element, actors: dict[str, str], mapped: dict[str, Entry], report: Report) -> dict[str, Person]:
    """Interviewees by REFI case GUID: lettered by the case's name when it is a letter
    ("Interviewee B"), else by the next free letter (names are never written into a case)."""
    variables = {v.get("guid"): v.get("name") or "" for v in children(child(project, "Variables"), "Variable")}
    cases = children(child(project, "Cases"), "Case")
    wanted = {}
    for case in cases:
        match = _LETTER.match((case.get("name") or "").strip())
        wanted[case.get("guid")] = match.group(1).upper() if match else None
    free = (letter for letter in letters() if letter not in set(wanted.values()))
    taken: set[str] = set()
    out: dict[str, Person] = {}
    unused: Counter[str] = Counter()
    for case in cases:
        letter = wanted[case.get("guid")]
        if letter is None or letter in taken:
            letter = next(free)
            name = case.get("name") or ""
            report.note(
                "Case",
                case.get("guid"),
                f"{name!r} became interviewee {letter} (the case folder keeps letters, never names)",
            )
        taken.add(letter)
        person = Person(letter, _values(case, variables, unused))
        _actor_of(person, case, actors, mapped, report)
        person.sources = {r.get("targetGUID") for r in children(case, "SourceRef") + children(case, "SelectionRef")}
        out[case.get("guid") or ""] = person
    for variable, n in sorted(unused.items()):
        report.leave_out(
            "Variable",
            next((g for g, v in variables.items() if v == variable), None),
            f"{variable!r} ({n} case(s)) is not a column of interviewees.csv (Role, Organization,"
            " Short organization, Actor group); left out",
        )
    return out


def interviewee_rows(found: dict[str, Person]) -> Rows:
    return [
        {
            "id": p.letter,
            "role": p.values.get("role"),
            "organization": p.values.get("organization"),
            "short_organization": p.values.get("short_organization") or p.values.get("organization"),
            "actor": p.values.get("actor"),
        }
        for p in sorted(found.values(), key=lambda p: (len(p.letter), p.letter))
    ]


# --- sources: quotes, codings, documents ---------------------------------------------------


class Sources:
    """The project's sources walked once: the coded selections in a case's text become quotes
    (the exact characters, end exclusive) with a coding per code; the text sources of no case
    become documents; in a project with no cases, each coded text source is taken for the
    transcript of one interviewee."""

    def __init__(
        self,
        project: Element,
        archive: zipfile.ZipFile,
        found: dict[str, Person],
        mapped: dict[str, Entry],
        offsets: str,
        report: Report,
        coders: dict[str, str] | None = None,
        threshold: float = THRESHOLD,
    ):
        self.archive, self.people, self.mapped, self.offsets, self.report = archive, found, mapped, offsets, report
        self.coders, self.threshold = coders or {}, threshold  # user GUID -> coder; empty: one coder
        self.rank = {coder: i for i, coder in enumerate(dict.fromkeys(self.coders.values()))}
        self.owner = {ref: person for person in found.values() for ref in person.sources}
        self.no_cases = not found
        self.free = letters()
        self.used: Counter[str | None] = Counter()  # codings per project code
        self.excerpts: Rows = []
        self.codings: Rows = []
        self.documents: list[Element] = []
        self.excerpt_ids: set[str] = set()
        self.aligned = 0  # segments holding selections of two coders or more
        self.unaligned = 0  # overlaps of different coders' selections left in different segments
        for source in elements(child(project, "Sources")):
            self.source(source)

    def source(self, source: Element) -> None:
        kind, name, guid = local(source), source.get("name") or "", source.get("guid")
        if kind in NON_TEXT_SOURCES:
            selections = [c for c in elements(source) if c.tag.endswith("Selection")]
            what = f"{name!r} is {NON_TEXT_SOURCES[kind]}; only text sources hold quotes, so it and its"
            self.report.leave_out(kind, guid, f"{what} {len(selections)} selection(s) were left out")
            return
        if kind != "TextSource":
            self.report.leave_out(kind, guid, f"{name!r}: an unknown kind of source; left out")
            return
        content = source_text(source, self.archive, self.report)
        if content is None:
            return
        selections = children(source, "PlainTextSelection")
        person = self.person(source, selections)
        if person is None:
            self.document(source, selections)
            return
        if children(source, "Coding"):
            why = f"{name!r} is coded as a whole; a quote is a selection of its text, so these codings were left out"
            self.report.leave_out("TextSource", guid, why)
        if self.coders:
            self.shared(selections, content, name, person)
            return
        for selection in selections:
            self.selection(selection, content, name, person)

    def person(self, source: Element, selections: list[Element]) -> Person | None:
        """Whose transcript the source is: its case's (or the case of one of its selections)."""
        guid = source.get("guid")
        person = self.owner.get(guid) or next(
            (self.owner[s.get("guid")] for s in selections if s.get("guid") in self.owner), None
        )
        if person is None and self.no_cases and any(children(s, "Coding") for s in selections):
            person = self.people[guid or ""] = Person(next(self.free))
            self.report.note(
                "TextSource",
                guid,
                f"{source.get('name') or ''!r}: the project has no cases, so this coded source"
                f" became the transcript of interviewee {person.letter}",
            )
        return person

    def document(self, source: Element, selections: list[Element]) -> None:
        self.documents.append(source)
        if any(children(s, "Coding") for s in selections):
            self.report.leave_out(
                "TextSource",
                source.get("guid"),
                f"{source.get('name') or ''!r} belongs to no case, so it became a"
                " document; its coded selections are not interview quotes and were left out (cite the"
                " document in evidence.csv instead)",
            )

    def positions(self, selection: Element, content: str, name: str) -> tuple[int, int] | None:
        """Where the selection lies in ``content`` (code points, end exclusive); None, reported, outside it."""
        start, end = int(selection.get("startPosition", -1)), int(selection.get("endPosition", -1))
        if self.offsets == "utf16":
            start, end = to_code_points(content, start), to_code_points(content, end)
        if not 0 <= start < end <= len(content):
            why = f"in {name!r}: positions {start}-{end} lie outside its text of {len(content)} characters; left out"
            self.report.leave_out("PlainTextSelection", selection.get("guid"), why)
            return None
        return start, end

    def entries(
        self, codes: list[str | None], selection: Element, quoted: str, name: str, who: str = ""
    ) -> list[Entry]:
        """The code book's entries for the selection's codes; none, reported, when all lie outside it."""
        self.used.update(codes)
        entries = [self.mapped[c] for c in codes if c in self.mapped and self.mapped[c].scheme is not None]
        if not entries:
            why = f"in {name!r}: {quoted[:40]!r} is coded{who} only with codes outside the code book; left out"
            self.report.leave_out("PlainTextSelection", selection.get("guid"), why)
        return entries

    def selection(self, selection: Element, content: str, name: str, person: Person) -> None:
        codes = [ref.get("targetGUID") for c in children(selection, "Coding") for ref in children(c, "CodeRef")]
        if not codes:
            return
        span = self.positions(selection, content, name)
        if span is None:
            return
        speaker = self.owner.get(selection.get("guid"), person)
        entries = self.entries(codes, selection, content[span[0] : span[1]], name)
        if entries:
            self.quote(selection.get("name") or "", speaker, content[span[0] : span[1]], [(entries, None)])

    def quote(self, wanted: str, speaker: Person, quoted: str, coded: list[tuple[list[Entry], str | None]]) -> None:
        """A row of ``excerpts.csv`` and, per coder (None: no coder column), a row of ``codings.csv`` per code."""
        fits = re.fullmatch(r"[a-z][a-z0-9-]*", wanted) and wanted not in self.excerpt_ids
        ident = wanted if fits else f"q{len(self.excerpts) + 1:02d}"
        self.excerpt_ids.add(ident)
        self.excerpts.append({"id": ident, "interviewee": speaker.letter, "text": quoted})
        for entries, coder in coded:
            seen = set()
            for entry in entries:
                if entry.scheme == "actor" and entry.ident == speaker.values.get("actor"):
                    continue  # the speaker's own group: interviewees.actor says so already
                if (entry.scheme, entry.ident) not in seen:
                    seen.add((entry.scheme, entry.ident))
                    row = {"excerpt": ident, "scheme": entry.scheme, "code": entry.ident}
                    self.codings.append(row if coder is None else {**row, "coder": coder})

    def shared(self, selections: list[Element], content: str, name: str, person: Person) -> None:
        """A source coded by several coders: each coder's part of each selection a span, the spans
        aligned into segments (:mod:`.align`), each segment one quote with each coder's codes."""
        coded: dict[Span, tuple[Element, list[Entry]]] = {}
        for selection in selections:
            by_coder = codes_by_coder(selection, self.coders)
            position = self.positions(selection, content, name) if by_coder else None
            if position is None:
                continue
            for coder, codes in by_coder.items():
                if coder is None:
                    self.used.update(codes)
                    why = f"in {name!r}: {len(codes)} coding(s) name no creatingUser, in a project of several coders"
                    why += "; left out (whose coding it is decides the agreement)"
                    self.report.leave_out("PlainTextSelection", selection.get("guid"), why)
                    continue
                quoted = content[position[0] : position[1]]
                entries = self.entries(codes, selection, quoted, name, f" by {coder}")
                if entries:
                    span = Span(*position, coder, selection.get("guid") or "")
                    coded[span] = (selection, coded.get(span, (selection, []))[1] + entries)
        alignment = align(list(coded), self.threshold)
        for segment in alignment.segments:
            start, end = union(segment)
            first = coded[segment[0]][0]
            speaker = self.owner.get(first.get("guid"), person)
            ordered = sorted(segment, key=lambda s: self.rank[s.coder])  # c1's codes first, then c2's
            self.quote(first.get("name") or "", speaker, content[start:end], [(coded[s][1], s.coder) for s in ordered])
            self.aligned += len(segment) > 1
        for miss in alignment.misses:
            self.unaligned += 1
            self.report.note("PlainTextSelection", miss.second.key, f"in {name!r}: {miss.text(self.threshold)}")

    def document_rows(self) -> Rows:
        rows: Rows = []
        ids: set[str] = set()
        for source in self.documents:
            ident = slug(source.get("name") or "document", prefix="document")
            while ident in ids:
                ident += "-2"
            ids.add(ident)
            title = source.get("name") or ident
            rows.append(
                {
                    "id": ident,
                    "title": title,
                    "kind": "other",
                    "description": text(child(source, "Description")) or None,
                }
            )
        return rows


def report_unmapped_codes(
    project: Element, mapped: dict[str, Entry], used: Counter[str | None], report: Report
) -> None:
    """Each code of the project outside the code book, with how many codings were left out with it."""
    for code_guid, code_path in project_codes(project):
        if code_guid not in mapped:
            report.leave_out(
                "Code",
                code_guid,
                f"{'/'.join(code_path)!r} is not in the code book (framework"
                f" elements, {WORK_GROUP.lower()}, {ACTOR_GROUP.lower()}); its {used[code_guid]}"
                " coding(s) were left out",
            )


def report_other_elements(project: Element, report: Report) -> None:
    """Notes, links, sets and graphs: a case has no place for them."""
    for element, what in (("Notes", "a note (memo)"), ("Links", "a link"), ("Sets", "a set"), ("Graphs", "a graph")):
        for item in elements(child(project, element)):
            why = f"{item.get('name') or ''!r} is {what}; the case has no place for it, so it was left out"
            report.leave_out(local(item), item.get("guid"), why)
