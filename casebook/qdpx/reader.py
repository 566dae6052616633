"""Reading a REFI-QDA project for an import: the archive, its XML, the code book to map onto
and the text of its sources. What cannot be used is written into the import's
:class:`Report`, never dropped silently."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from ..case.folder import slug
from ..case.schema import WORK_TYPE_LABELS
from .codebook import ACTOR_GROUP, WORK_GROUP, Code, split_marker
from .export import CODEBOOK_NS, PROJECT_ENTRY, PROJECT_NS

Element: TypeAlias = etree._Element


class NotAProject(Exception):
    """The file is not a REFI-QDA project; the message says why, in one sentence."""


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


# --- the XML --------------------------------------------------------------------------------


def local(element: Element) -> str:
    return etree.QName(element).localname


def children(element: Element | None, name: str) -> list[Element]:
    """The child elements called ``name`` (none of a missing element)."""
    if element is None:
        return []
    return [child for child in element if isinstance(child.tag, str) and local(child) == name]


def child(element: Element | None, name: str) -> Element | None:
    found = children(element, name)
    return found[0] if found else None


def elements(element: Element | None) -> list[Element]:
    """Every child element (comments and processing instructions left out)."""
    return [c for c in element if isinstance(c.tag, str)] if element is not None else []


def text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True)


def read_project(path: Path) -> tuple[Element, zipfile.ZipFile]:
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
        root = etree.fromstring(archive.read(entry), _parser())
    except etree.XMLSyntaxError as error:
        raise NotAProject(f"{path}: {entry} is not well-formed XML: {error}") from None
    if etree.QName(root).namespace != PROJECT_NS or local(root) != "Project":
        raise NotAProject(
            f"{path}: {entry} is not a REFI-QDA project: its root element is {root.tag},"
            f" not Project in the namespace {PROJECT_NS}"
        )
    return root, archive


# --- the code book ---------------------------------------------------------------------------

GROUPS = {WORK_GROUP: "work_type", ACTOR_GROUP: "actor"}
"""The two group codes at the top of a casebook code book, and the scheme of the codes below them."""


class _CodeBookReader:
    """The code book convention (:mod:`.codebook`) read from a ``Codes`` element."""

    def __init__(self, report: Report | None):
        self.report = report
        self.entries: list[Entry] = []

    def leave_out(self, code: Element, why: str) -> None:
        if self.report is not None:
            self.report.leave_out("Code", code.get("guid"), why)

    def walk(self, element: Element, path: tuple[str, ...], group: str | None, parent: str | None) -> None:
        for code in children(element, "Code"):
            name = code.get("name") or ""
            description, values = split_marker(text(child(code, "Description")))
            here = (*path, name)
            if not path and name in GROUPS:
                self.entries.append(Entry(None, None, name, here, code.get("guid")))
                self.walk(code, here, GROUPS[name], None)
            elif group is None:  # a framework element, nested as the framework nests them
                ident = values.get("id") or slug(name)
                leads_to = values.get("leads_to")
                self.entries.append(
                    Entry("framework", ident, name, here, code.get("guid"), parent, leads_to, description)
                )
                self.walk(code, here, None, ident)
            else:
                self.grouped(code, name, here, group, values, description)
                self.walk(code, here, "nested", None)

    def grouped(
        self, code: Element, name: str, here: tuple[str, ...], group: str, values: dict[str, str], description: str
    ) -> None:
        """A code under one of the two groups (or below one of those): a type of work, an actor group, or neither."""
        top = len(here) == 2
        if group == "work_type":
            kind = values.get("id") or next(
                (t for t, n in WORK_TYPE_LABELS.items() if name.lower() in (n.lower(), t)), None
            )
            if kind in WORK_TYPE_LABELS and top:
                self.entries.append(Entry("work_type", kind, name, here, code.get("guid")))
            else:
                kinds = ", ".join(WORK_TYPE_LABELS.values())
                self.leave_out(
                    code,
                    f"{name!r} under {WORK_GROUP!r} is none of the types of work ({kinds}); its codings are left out",
                )
        elif group == "actor" and top:
            self.entries.append(
                Entry("actor", values.get("id") or slug(name), name, here, code.get("guid"), description=description)
            )
        elif group == "actor":
            why = "actor groups have no sub-groups, so its codings are left out"
            self.leave_out(code, f"{name!r} is nested under an actor group; {why}")
        else:
            self.leave_out(
                code, f"{name!r} sits below a code that is not a framework element; its codings are left out"
            )


def entries_from_xml(codes: Element, report: Report | None) -> list[Entry]:
    """The code book read from a ``Codes`` element (a project's or a ``.qdc``'s)."""
    reader = _CodeBookReader(report)
    reader.walk(codes, (), None, None)
    return reader.entries


def entries_from_codes(codes: tuple[Code, ...]) -> list[Entry]:
    """The code book of a case, as ``export-codebook`` would write it."""

    def walk(code: Code, path: tuple[str, ...], parent: str | None) -> Iterator[Entry]:
        here = (*path, code.name)
        framework = code.scheme == "framework"
        yield Entry(
            code.scheme,
            code.ident,
            code.name,
            here,
            code.guid,
            parent if framework else None,
            code.leads_to,
            code.description,
        )
        for below in code.children:
            yield from walk(below, here, code.ident if framework else None)

    return [entry for top in codes for entry in walk(top, (), None)]


def codebook_entries(source: Path | None, project: Element, report: Report) -> list[Entry]:
    """The code book to map onto: ``source`` (a case folder or a ``.qdc``), else the project's own."""
    if source is None:
        book = child(project, "CodeBook")
        codes = child(book if book is not None else project, "Codes")
        return entries_from_xml(codes, report) if codes is not None else []
    if source.is_dir():
        from ..case import load  # deferred: pandas, only for a code book taken from a case folder
        from .codebook import codes as case_codes

        return entries_from_codes(case_codes(load(source)))
    try:
        root = etree.parse(str(source), _parser()).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise NotAProject(f"{source}: not a REFI-QDA code book (.qdc): {error}") from None
    if etree.QName(root).namespace != CODEBOOK_NS:
        raise NotAProject(f"{source}: not a REFI-QDA code book (.qdc): its root element is {root.tag}")
    codes = child(root, "Codes")
    return entries_from_xml(codes, None) if codes is not None else []


def project_codes(project: Element) -> list[tuple[str, tuple[str, ...]]]:
    """Every code of the project: (GUID, path of names)."""
    out = []

    def walk(element: Element, path: tuple[str, ...]) -> None:
        for code in children(element, "Code"):
            here = (*path, code.get("name") or "")
            out.append((code.get("guid") or "", here))
            walk(code, here)

    codes = child(child(project, "CodeBook"), "Codes")
    if codes is not None:
        walk(codes, ())
    return out


# --- the sources' text -----------------------------------------------------------------------

UTF16_TOOLS = ("NVivo",)
"""Tools whose positions count UTF-16 units (a character beyond the Basic Multilingual Plane,
such as an emoji, counts twice), recognised by the project's ``origin``."""


def position_counting(project: Element, offsets: str) -> str:
    """``"codepoints"`` or ``"utf16"``: as asked, or for ``"auto"`` as the exporting tool counts."""
    if offsets != "auto":
        return offsets
    origin = project.get("origin") or ""
    return "utf16" if origin.startswith(UTF16_TOOLS) else "codepoints"


def to_code_points(text: str, position: int) -> int:
    """A position counted in UTF-16 code units as the index of the same place in ``text``."""
    units = 0
    for index, ch in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def source_text(source: Element, archive: zipfile.ZipFile, report: Report) -> str | None:
    """A text source's plain text (inline, or its file in the archive); None, reported, when unreadable."""
    inline = child(source, "PlainTextContent")
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
