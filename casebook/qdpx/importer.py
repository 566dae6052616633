"""A REFI-QDA project (``.qdpx``) as a new case folder: ``casebook import-qdpx PROJECT CASE_DIR``.

What a QDA project holds becomes the coded layer of a case:

- **codes** map onto the case's framework elements, types of work and actor groups by
  the convention of :mod:`.codebook`: by GUID first, then by their names. The code book
  is the project's own (read by that convention) or, with ``codebook=``, that of another
  case folder or ``.qdc`` file (the one the coding was done against); its framework
  elements and actor groups become ``framework.csv`` and ``actors.csv``;
- **cases** (REFI ``Cases``) become interviewees: the letter from the case's name
  ("Interviewee B", "B") or the next free one, role and organisation from its variables
  (Role, Organization/Organisation, Short organization, Actor group). Names are never
  written into the case folder: a case named after a person gets a letter, and the
  report says which;
- **text selections** with codings in the sources of a case become quotes: the exact
  characters between start and end (code points, end exclusive, as REFI-QDA counts them;
  ``offsets="utf16"`` reads positions counted in UTF-16 units, as some tools do), with
  one row of ``codings.csv`` per code; the speaker's own actor group is not a coding;
- **other text sources** (not linked to any case) become documents; in a project with no
  cases at all, each coded text source is taken for the transcript of one interviewee.

Everything else — a code outside the code book, a selection in a picture, PDF, audio or
video source, a note (memo), a set, a link, a graph, a variable that is no column — is
reported as ``project.qde: <element> <guid>: what it is and why it was left out``, never
dropped silently. The analytic layer (Table 1's activities, Table 3's findings, Figure 1's
arrows, the evidence) is not in a QDA project: those files start with their header only,
and ``casebook check`` lists what remains to fill in.

A file that is not a REFI-QDA project raises :class:`NotAProject` with one sentence.
The target folder must be new or empty (``force=True`` replaces the case files in it);
nothing outside it is written, and the book's own ``data/`` is refused.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..case import schema
from ..case.dictionary import markdown as dictionary
from ..case.schema import WORK_TYPE_LABELS
from ..paths import DESCRIPTOR
from .codebook import ACTOR_GROUP, WORK_GROUP, split_marker
from .export import CODEBOOK_NS, PROJECT_ENTRY, PROJECT_NS

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


class NotAProject(Exception):
    """The file is not a REFI-QDA project; the message says why, in one sentence."""


class FolderInUse(Exception):
    """The target folder holds files (and ``force`` was not given), or is the book's own data."""


@dataclass(frozen=True)
class Entry:
    """One code of the code book to map onto: what a coding with it means."""

    scheme: str | None  # framework, work_type, actor; None for the two group codes
    ident: str | None
    name: str
    path: tuple[str, ...]  # names from the top of the code book down to this code
    guid: str | None = None
    parent: str | None = None
    leads_to: str | None = None
    description: str = ""


@dataclass
class Report:
    """What the import did and left out, one line each."""

    project: str = PROJECT_ENTRY
    left_out: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def leave_out(self, element: str, ident: str | None, what: str) -> None:
        self.left_out.append(f"{self.project}: {element} {ident or '-'}: {what}")

    def note(self, element: str, ident: str | None, what: str) -> None:
        self.notes.append(f"{self.project}: {element} {ident or '-'}: {what}")


def slug(name: str, prefix: str = "code") -> str:
    """An id in the case's form (lower-case ASCII letters, digits, hyphens) made from a name."""
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    return text if re.match(r"^[a-z]", text) else f"{prefix}-{text}" if text else prefix


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str) and _local(child) == name]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


# --- reading the archive -----------------------------------------------------------


def read_project(path: Path) -> tuple[etree._Element, zipfile.ZipFile]:
    """The root ``Project`` element and the open archive, or :class:`NotAProject`."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise NotAProject(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError):
        raise NotAProject(f"{path}: not a REFI-QDA project (.qdpx): it is not a zip archive") from None
    names = {n.lower(): n for n in archive.namelist()}
    entry = names.get(PROJECT_ENTRY) or next((n for k, n in names.items() if k.endswith(".qde")), None)
    if entry is None:
        raise NotAProject(f"{path}: not a REFI-QDA project (.qdpx): the archive holds no {PROJECT_ENTRY}")
    try:
        root = etree.fromstring(archive.read(entry), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise NotAProject(f"{path}: {entry} is not well-formed XML: {error}") from None
    if etree.QName(root).namespace != PROJECT_NS or _local(root) != "Project":
        raise NotAProject(
            f"{path}: {entry} is not a REFI-QDA project: its root element is {root.tag},"
            f" not Project in the namespace {PROJECT_NS}"
        )
    return root, archive


# --- the code book -------------------------------------------------------------------


def _entries_from_xml(codes_parent: etree._Element, report: Report | None) -> list[Entry]:
    """The code book convention read from a ``Codes`` element (a project's or a ``.qdc``'s)."""
    out: list[Entry] = []

    def walk(element: etree._Element, path: tuple[str, ...], group: str | None, parent: str | None) -> None:
        for code in _children(element, "Code"):
            name = code.get("name") or ""
            description, values = split_marker(_text(_child(code, "Description")))
            here = (*path, name)
            if not path and name == WORK_GROUP:
                out.append(Entry(None, None, name, here, code.get("guid")))
                walk(code, here, "work_type", None)
            elif not path and name == ACTOR_GROUP:
                out.append(Entry(None, None, name, here, code.get("guid")))
                walk(code, here, "actor", None)
            elif group == "work_type":
                kind = values.get("id") or next(
                    (t for t, n in WORK_TYPE_LABELS.items() if name.lower() in (n.lower(), t)), None
                )
                if kind in WORK_TYPE_LABELS and len(path) == 1:
                    out.append(Entry("work_type", kind, name, here, code.get("guid")))
                elif report is not None:
                    report.leave_out(
                        "Code",
                        code.get("guid"),
                        f"{name!r} under {WORK_GROUP!r} is none of the types of"
                        f" work ({', '.join(WORK_TYPE_LABELS.values())}); its codings are left out",
                    )
                walk(code, here, "nested", None)
            elif group == "actor":
                if len(path) == 1:
                    out.append(
                        Entry(
                            "actor",
                            values.get("id") or slug(name),
                            name,
                            here,
                            code.get("guid"),
                            description=description,
                        )
                    )
                elif report is not None:
                    report.leave_out(
                        "Code",
                        code.get("guid"),
                        f"{name!r} is nested under an actor group; actor groups"
                        " have no sub-groups, so its codings are left out",
                    )
                walk(code, here, "nested", None)
            elif group == "nested":
                if report is not None:
                    report.leave_out(
                        "Code",
                        code.get("guid"),
                        f"{name!r} sits below a code that is not a framework element; its codings are left out",
                    )
                walk(code, here, "nested", None)
            else:
                ident = values.get("id") or slug(name)
                out.append(
                    Entry("framework", ident, name, here, code.get("guid"), parent, values.get("leads_to"), description)
                )
                walk(code, here, None, ident)

    walk(codes_parent, (), None, None)
    return out


def _entries_from_case(folder: Path) -> list[Entry]:
    """The code book of another case folder, as ``export-codebook`` would write it."""
    from ..case import load
    from .codebook import codes

    out: list[Entry] = []

    def walk(code: Any, path: tuple[str, ...], parent: str | None) -> None:
        here = (*path, code.name)
        out.append(
            Entry(
                code.scheme,
                code.ident,
                code.name,
                here,
                code.guid,
                parent if code.scheme == "framework" else None,
                code.leads_to,
                code.description,
            )
        )
        for child in code.children:
            walk(child, here, code.ident if code.scheme == "framework" else None)

    for top in codes(load(folder)):
        walk(top, (), None)
    return out


def codebook_entries(source: Path | None, project: etree._Element, report: Report) -> list[Entry]:
    """The code book to map onto: ``source`` (a case folder or a ``.qdc``), else the project's own."""
    if source is None:
        codes = _child(_child(project, "CodeBook") if _child(project, "CodeBook") is not None else project, "Codes")
        return _entries_from_xml(codes, report) if codes is not None else []
    if source.is_dir():
        return _entries_from_case(source)
    try:
        root = etree.parse(str(source), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise NotAProject(f"{source}: not a REFI-QDA code book (.qdc): {error}") from None
    if etree.QName(root).namespace != CODEBOOK_NS:
        raise NotAProject(f"{source}: not a REFI-QDA code book (.qdc): its root element is {root.tag}")
    codes = _child(root, "Codes")
    return _entries_from_xml(codes, None) if codes is not None else []


def _project_codes(project: etree._Element) -> list[tuple[str, tuple[str, ...]]]:
    """Every code of the project: (GUID, path of names)."""
    out = []

    def walk(element: etree._Element, path: tuple[str, ...]) -> None:
        for code in _children(element, "Code"):
            here = (*path, code.get("name") or "")
            out.append((code.get("guid") or "", here))
            walk(code, here)

    book = _child(project, "CodeBook")
    codes = _child(book, "Codes") if book is not None else None
    if codes is not None:
        walk(codes, ())
    return out


def map_codes(project: etree._Element, entries: list[Entry], report: Report) -> dict[str, Entry]:
    """The project's codes by GUID, mapped onto the code book: same GUID, else same path of
    names, else same name alone (case-insensitive); the others are reported."""
    by_guid = {e.guid: e for e in entries if e.guid}
    by_path = {tuple(n.lower() for n in e.path): e for e in entries}
    names = Counter(e.name.lower() for e in entries)
    by_name = {e.name.lower(): e for e in entries if names[e.name.lower()] == 1}
    mapped: dict[str, Entry] = {}
    for code_guid, path in _project_codes(project):
        entry = by_guid.get(code_guid) or by_path.get(tuple(n.lower() for n in path)) or by_name.get(path[-1].lower())
        if entry is not None:
            mapped[code_guid] = entry
    return mapped


# --- sources, cases, selections -----------------------------------------------------


def _source_text(source: etree._Element, archive: zipfile.ZipFile, report: Report) -> str | None:
    inline = _child(source, "PlainTextContent")
    if inline is not None:
        return inline.text or ""
    path = source.get("plainTextPath") or ""
    name = source.get("name") or ""
    if not path.startswith("internal://"):
        report.leave_out(
            "TextSource",
            source.get("guid"),
            f"{name!r}: its text is outside the archive ({path!r}); export the project with its sources included",
        )
        return None
    entry = "sources/" + path[len("internal://") :]
    try:
        raw = archive.read(entry)
    except KeyError:
        report.leave_out("TextSource", source.get("guid"), f"{name!r}: {entry} is missing from the archive")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.leave_out("TextSource", source.get("guid"), f"{name!r}: {entry} is not UTF-8 text")
        return None


def _to_code_points(text: str, position: int) -> int:
    """A position counted in UTF-16 code units as the index of the same place in ``text``."""
    units = 0
    for index, ch in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


_LETTER = re.compile(r"^(?:interviewee|respondent|participant|informant|case)?\s*([A-Z]{1,2})$", re.I)


def _letters():
    import itertools
    import string

    for size in (1, 2):
        for letters in itertools.product(string.ascii_uppercase, repeat=size):
            yield "".join(letters)


@dataclass
class _Person:
    letter: str
    values: dict[str, str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    actor_codes: list[str] = field(default_factory=list)


def _people(
    project: etree._Element, actors: dict[str, str], mapped: dict[str, Entry], report: Report
) -> dict[str, _Person]:
    """Interviewees by REFI case GUID."""
    variables = {}
    wrapper = _child(project, "Variables")
    for variable in _children(wrapper, "Variable") if wrapper is not None else []:
        variables[variable.get("guid")] = variable.get("name") or ""
    cases_element = _child(project, "Cases")
    cases = _children(cases_element, "Case") if cases_element is not None else []
    taken: set[str] = set()
    people: dict[str, _Person] = {}
    wanted = {}
    for case in cases:
        match = _LETTER.match((case.get("name") or "").strip())
        wanted[case.get("guid")] = match.group(1).upper() if match else None
    free = (letter for letter in _letters() if letter not in set(wanted.values()))
    unused: Counter[str] = Counter()
    for case in cases:
        name = case.get("name") or ""
        letter = wanted[case.get("guid")]
        if letter is None or letter in taken:
            letter = next(free)
            report.note(
                "Case",
                case.get("guid"),
                f"{name!r} became interviewee {letter} (the case folder keeps letters, never names)",
            )
        taken.add(letter)
        person = _Person(letter)
        for value in _children(case, "VariableValue"):
            ref = _child(value, "VariableRef")
            variable = variables.get(ref.get("targetGUID") if ref is not None else None, "")
            column = VARIABLE_COLUMNS.get(variable.strip().lower())
            shown = next((_text(v) for v in value if isinstance(v.tag, str) and _local(v) != "VariableRef"), "")
            if column is None:
                unused[variable] += 1
            elif shown:
                person.values[column] = shown
        if "actor" in person.values:
            label = person.values.pop("actor")
            actor = actors.get(label.lower())
            if actor:
                person.values["actor"] = actor
            else:
                report.leave_out(
                    "Case",
                    case.get("guid"),
                    f"interviewee {letter}'s actor group {label!r} is no actor"
                    " group of the code book; set interviewees.actor by hand",
                )
        for ref in _children(case, "CodeRef"):
            entry = mapped.get(ref.get("targetGUID"))
            if entry is not None and entry.scheme == "actor" and "actor" not in person.values:
                person.values["actor"] = str(entry.ident)
        person.sources = {r.get("targetGUID") for r in _children(case, "SourceRef") + _children(case, "SelectionRef")}
        people[case.get("guid")] = person
    for variable, n in sorted(unused.items()):
        report.leave_out(
            "Variable",
            next((g for g, v in variables.items() if v == variable), None),
            f"{variable!r} ({n} case(s)) is not a column of interviewees.csv (Role, Organization,"
            " Short organization, Actor group); left out",
        )
    return people


@dataclass
class Imported:
    """The tables an import writes (rows as dicts keyed by column)."""

    tables: dict[str, list[dict[str, Any]]]
    report: Report
    title: str


UTF16_TOOLS = ("NVivo",)
"""Tools whose positions count UTF-16 units (a character beyond the Basic Multilingual Plane,
such as an emoji, counts twice), recognised by the project's ``origin``."""


def position_counting(project: etree._Element, offsets: str) -> str:
    """``"codepoints"`` or ``"utf16"``: as asked, or for ``"auto"`` as the exporting tool counts."""
    if offsets != "auto":
        return offsets
    origin = project.get("origin") or ""
    return "utf16" if origin.startswith(UTF16_TOOLS) else "codepoints"


def convert(path: Path, codebook: Path | None = None, offsets: str = "auto") -> Imported:
    """Read the project at ``path`` into case tables, and what was left out."""
    report = Report()
    project, archive = read_project(path)
    offsets = position_counting(project, offsets)
    entries = codebook_entries(codebook, project, report)
    mapped = map_codes(project, entries, report)
    framework = [e for e in entries if e.scheme == "framework"]
    actor_entries = [e for e in entries if e.scheme == "actor"]
    actor_by_label = {e.name.lower(): str(e.ident) for e in actor_entries} | {
        str(e.ident): str(e.ident) for e in actor_entries
    }
    people = _people(project, actor_by_label, mapped, report)
    owner = {ref: person for person in people.values() for ref in person.sources}
    used = Counter()

    sources_element = _child(project, "Sources")
    all_sources = [s for s in sources_element if isinstance(s.tag, str)] if sources_element is not None else []
    text_sources = [s for s in all_sources if _local(s) == "TextSource"]
    coded = {
        s.get("guid")
        for s in text_sources
        if any(_children(sel, "Coding") for sel in _children(s, "PlainTextSelection"))
    }
    no_cases = not people
    free = (letter for letter in _letters())
    excerpts, codings, documents = [], [], []
    excerpt_ids: set[str] = set()
    counter = 0

    for source in all_sources:
        kind = _local(source)
        name = source.get("name") or ""
        if kind in NON_TEXT_SOURCES:
            selections = [c for c in source if isinstance(c.tag, str) and c.tag.endswith("Selection")]
            report.leave_out(
                kind,
                source.get("guid"),
                f"{name!r} is {NON_TEXT_SOURCES[kind]}; only text sources hold"
                f" quotes, so it and its {len(selections)} selection(s) were left out",
            )
            continue
        if kind != "TextSource":
            report.leave_out(kind, source.get("guid"), f"{name!r}: an unknown kind of source; left out")
            continue
        text = _source_text(source, archive, report)
        if text is None:
            continue
        selections = _children(source, "PlainTextSelection")
        person = owner.get(source.get("guid")) or next(
            (owner[s.get("guid")] for s in selections if s.get("guid") in owner), None
        )  # cases citing selections
        if person is None and no_cases and source.get("guid") in coded:
            person = _Person(next(free))
            people[source.get("guid")] = person
            report.note(
                "TextSource",
                source.get("guid"),
                f"{name!r}: the project has no cases, so this coded source"
                f" became the transcript of interviewee {person.letter}",
            )
        if person is None:
            documents.append(source)
            if any(_children(s, "Coding") for s in selections):
                report.leave_out(
                    "TextSource",
                    source.get("guid"),
                    f"{name!r} belongs to no case, so it became a"
                    " document; its coded selections are not interview quotes and were left out (cite the"
                    " document in evidence.csv instead)",
                )
            continue
        if _children(source, "Coding"):
            report.leave_out(
                "TextSource",
                source.get("guid"),
                f"{name!r} is coded as a whole; a quote is a selection of its text, so these codings were left out",
            )
        for selection in selections:
            codes = [ref.get("targetGUID") for c in _children(selection, "Coding") for ref in _children(c, "CodeRef")]
            if not codes:
                continue
            start, end = int(selection.get("startPosition", -1)), int(selection.get("endPosition", -1))
            if offsets == "utf16":
                start, end = _to_code_points(text, start), _to_code_points(text, end)
            if not 0 <= start < end <= len(text):
                report.leave_out(
                    "PlainTextSelection",
                    selection.get("guid"),
                    f"in {name!r}: positions {start}-{end} lie outside its text of {len(text)} characters; left out",
                )
                continue
            owner_of_selection = owner.get(selection.get("guid"), person)
            for code in codes:
                used[code] += 1
            entries_here = [mapped[c] for c in codes if c in mapped and mapped[c].scheme is not None]
            if not entries_here:
                report.leave_out(
                    "PlainTextSelection",
                    selection.get("guid"),
                    f"in {name!r}: {text[start:end][:40]!r} is coded only with codes outside the code book; left out",
                )
                continue
            counter += 1
            wanted = selection.get("name") or ""
            fits = re.fullmatch(r"[a-z][a-z0-9-]*", wanted) and wanted not in excerpt_ids
            ident = wanted if fits else f"q{counter:02d}"
            excerpt_ids.add(ident)
            excerpts.append({"id": ident, "interviewee": owner_of_selection.letter, "text": text[start:end]})
            seen = set()
            for entry in entries_here:
                if entry.scheme == "actor" and entry.ident == owner_of_selection.values.get("actor"):
                    continue  # the speaker's own group: interviewees.actor says so already
                key = (entry.scheme, entry.ident)
                if key not in seen:
                    seen.add(key)
                    codings.append({"excerpt": ident, "scheme": entry.scheme, "code": entry.ident})

    for code_guid, code_path in _project_codes(project):
        entry = mapped.get(code_guid)
        if entry is None:
            report.leave_out(
                "Code",
                code_guid,
                f"{'/'.join(code_path)!r} is not in the code book (framework"
                f" elements, {WORK_GROUP.lower()}, {ACTOR_GROUP.lower()}); its {used[code_guid]}"
                " coding(s) were left out",
            )
    for element, what in (("Notes", "a note (memo)"), ("Links", "a link"), ("Sets", "a set"), ("Graphs", "a graph")):
        wrapper = _child(project, element)
        for item in [c for c in wrapper if isinstance(c.tag, str)] if wrapper is not None else []:
            report.leave_out(
                _local(item),
                item.get("guid"),
                f"{item.get('name') or ''!r} is {what}; the case has no place for it, so it was left out",
            )

    interviewees = [
        {
            "id": p.letter,
            "role": p.values.get("role"),
            "organization": p.values.get("organization"),
            "short_organization": p.values.get("short_organization") or p.values.get("organization"),
            "actor": p.values.get("actor"),
        }
        for p in sorted(people.values(), key=lambda p: (len(p.letter), p.letter))
    ]
    doc_rows = []
    doc_ids: set[str] = set()
    for source in documents:
        ident = slug(source.get("name") or "document", prefix="document")
        while ident in doc_ids:
            ident += "-2"
        doc_ids.add(ident)
        doc_rows.append(
            {
                "id": ident,
                "title": source.get("name") or ident,
                "kind": "other",
                "description": _text(_child(source, "Description")) or None,
            }
        )
    reference_actors = _actor_rows(codebook)
    actors = reference_actors or [
        {"id": e.ident, "label": e.name, "order": i, "description": e.description or None}
        for i, e in enumerate(actor_entries, start=1)
    ]
    tables = {
        "framework": [
            {
                "id": e.ident,
                "label": e.name,
                "parent": e.parent,
                "leads_to": e.leads_to,
                "order": i,
                "description": e.description or None,
            }
            for i, e in enumerate(framework, start=1)
        ],
        "actors": actors,
        "interviewees": interviewees,
        "excerpts": excerpts,
        "codings": codings,
        "documents": doc_rows,
    }
    report.counts = {name: len(rows) for name, rows in tables.items()}
    return Imported(tables, report, project.get("name") or path.stem)


def _actor_rows(codebook: Path | None) -> list[dict[str, Any]] | None:
    """The actor groups of a reference case folder, whole (level, sector, placement too)."""
    if codebook is None or not codebook.is_dir():
        return None
    from ..case import load

    frame = load(codebook).actors
    return [{k: (None if str(v) == "<NA>" else v) for k, v in row.items()} for row in frame.to_dict("records")]


# --- writing the case folder ---------------------------------------------------------


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


def import_project(
    path: Path | str,
    folder: Path | str,
    codebook: Path | str | None = None,
    force: bool = False,
    offsets: str = "auto",
    protected: Path | None = None,
) -> Report:
    """Write the case folder ``folder`` from the project at ``path``; return the report.

    ``protected`` is a folder never written to (the book's own case, ``data/``)."""
    path, folder = Path(path), Path(folder)
    if protected is not None and folder.resolve() == Path(protected).resolve():
        raise FolderInUse(f"{folder}: this is the book's own case folder; import into a new folder instead")
    names = [DESCRIPTOR, "README.md"] + [r.path for r in schema.all_resources()]
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())) and not force:
        raise FolderInUse(
            f"{folder}: already exists and is not an empty folder; choose a new one, or --force to"
            " replace the case files in it"
        )
    imported = convert(path, Path(codebook) if codebook else None, offsets)
    folder.mkdir(parents=True, exist_ok=True)
    report = imported.report
    descriptor = schema.descriptor()
    descriptor.update(
        name=slug(folder.resolve().name),
        title=imported.title,
        description=f"Imported from the REFI-QDA project {path.name} by casebook import-qdpx: what the case is"
        " about is yet to be written here.",
    )
    files = {
        DESCRIPTOR: json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
        "README.md": dictionary(imported.title, descriptor["description"]),
    }
    for resource in schema.all_resources():
        files[resource.path] = _csv(resource.field_names, imported.tables.get(resource.name, []))
    for name in names:
        (folder / name).write_text(files[name], encoding="utf-8")
        report.written.append(folder / name)
    return report


def summary(report: Report) -> list[str]:
    """The report as lines to print: what was made, then what was left out and why."""
    lines = [f"made {n} {name} row(s)" for name, n in report.counts.items()]
    return lines + report.notes + report.left_out
