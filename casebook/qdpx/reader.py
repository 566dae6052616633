"""Reading a REFI-QDA project for an import: the archive, its XML, the code book to map onto
and the text of its sources. What cannot be used is written into the import's
:class:`Report`, never dropped silently."""

from __future__ import annotations

import bisect
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from ..case.folder import slug
from ..case.schema import WORK_TYPE_LABELS
from .archive import TooLarge, read_member
from .codebook import ACTOR_GROUP, WORK_GROUP, Code, split_marker
from .export import CODEBOOK_NS, PROJECT_ENTRY, PROJECT_NS

Element: TypeAlias = etree._Element


class NotAProject(Exception):
    """The file is not a REFI-QDA project; the message says why, in one sentence."""


@dataclass
class Report:
    """What the import did and left out, one line each; warnings say what the import did that
    the user may not expect (and how to change it)."""

    project: str = PROJECT_ENTRY
    left_out: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def leave_out(self, element: str, ident: str | None, what: str) -> None:
        self.left_out.append(f"{self.project}: {element} {ident or '-'}: {what}")

    def note(self, element: str, ident: str | None, what: str) -> None:
        self.notes.append(f"{self.project}: {element} {ident or '-'}: {what}")

    def warn(self, what: str) -> None:
        self.warnings.append(f"warning: {what}")


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


SEGMENTS_HINT = "python -m casebook import-segments FILE CASE_DIR"


def what_else(path: Path, head: bytes) -> str:
    """What a file given as a project is instead, and where it goes, when that can be told
    from its first bytes (or its name): a code book, a table of coded segments, a database."""
    if b"urn:QDA-XML:codebook" in head or path.suffix.lower() == ".qdc":
        return (
            "a REFI-QDA code book (.qdc), not a project (.qdpx): it holds codes but no coded text; give it"
            " with --codebook, beside the project or the table of coded segments that was coded with it"
        )
    if head.startswith(b"SQLite format 3"):
        return (
            "a database (a Taguette project?), not a REFI-QDA project (.qdpx); export its highlights as"
            f" CSV or XLSX and import those with {SEGMENTS_HINT}"
        )
    if head.startswith(b"PK") or path.suffix.lower() in (".csv", ".tsv", ".txt", ".xlsx"):
        return f"a table (of coded segments?), not a REFI-QDA project (.qdpx); import it with {SEGMENTS_HINT}"
    return ""


def read_project(path: Path) -> tuple[Element, zipfile.ZipFile]:
    """The root ``Project`` element and the open archive, or :class:`NotAProject`."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise NotAProject(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError):
        try:
            with open(path, "rb") as file:
                head = file.read(4096)
        except OSError:
            head = b""
        why = what_else(path, head) or "not a REFI-QDA project (.qdpx): it is not a zip archive"
        raise NotAProject(f"{path}: {why}") from None
    names = {n.lower(): n for n in archive.namelist()}
    entry = names.get(PROJECT_ENTRY) or next((n for k, n in names.items() if k.endswith(".qde")), None)
    if entry is None:
        spreadsheet = "xl/workbook.xml" in names
        why = (
            what_else(path, b"PK")
            if spreadsheet
            else f"not a REFI-QDA project (.qdpx): the archive holds no {PROJECT_ENTRY}"
        )
        raise NotAProject(f"{path}: {why}")
    try:
        root = etree.fromstring(read_member(archive, entry), _parser())
    except TooLarge as error:
        raise NotAProject(f"{path}: {error}") from None
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


def normalised(name: str) -> str:
    """A code's name as matching compares names: case, spaces, ``_`` and ``-`` folded
    (``political_work``, ``Political-work`` and ``Political work`` are one name)."""
    return " ".join(re.sub(r"[\s_-]+", " ", name).casefold().split())


def work_type_named(name: str) -> str | None:
    """The type of work that ``name`` names, by its label or id (``Political work``,
    ``political_work``, ``political``), or None."""
    key = normalised(name)
    return next((t for t, label in WORK_TYPE_LABELS.items() if key in (normalised(label), t)), None)


class _CodeBookReader:
    """The code book convention (:mod:`.codebook`) read from a ``Codes`` element.

    A code book without the convention's two group codes (a flat list of codes, as Taguette,
    qc and most tools make) is read as flat: a code at the top named as a type of work is that
    type of work; every other code is a framework element, and :func:`entries_from_xml` warns."""

    def __init__(self, report: Report | None, flat: bool = False):
        self.report = report
        self.flat = flat
        self.entries: list[Entry] = []

    def leave_out(self, code: Element, why: str) -> None:
        if self.report is not None:
            self.report.leave_out("Code", code.get("guid"), why)

    def walk(self, element: Element, path: tuple[str, ...], group: str | None, parent: str | None) -> None:
        for code in children(element, "Code"):
            name = code.get("name") or ""
            description, values = split_marker(text(child(code, "Description")))
            here = (*path, name)
            kind = work_type_named(name) if self.flat and not path else None
            if not path and name in GROUPS:
                self.entries.append(Entry(None, None, name, here, code.get("guid")))
                self.walk(code, here, GROUPS[name], None)
            elif kind is not None:
                self.entries.append(Entry("work_type", kind, name, here, code.get("guid")))
                self.walk(code, here, "nested", None)
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
            kind = values.get("id") or work_type_named(name)
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


def _quoted(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def warn_flat(entries: list[Entry], report: Report, where: str) -> None:
    """Say what reading a flat code book did: which codes became types of work, which framework elements."""
    framework = [e.name for e in entries if e.scheme == "framework"]
    work = [e.name for e in entries if e.scheme == "work_type"]
    if not framework and not work:
        return
    said = f"{where} has no {WORK_GROUP!r} or {ACTOR_GROUP!r} group code (the convention export-codebook writes), so"
    if work:
        said += f" its codes named as types of work ({_quoted(work)}) are read as types of work, and"
    if framework:
        said += (
            f" its {len(framework)} other code(s) ({_quoted(framework)}) become elements of the framework"
            " (framework.csv) and codings with scheme 'framework': keep those that are elements of your"
            " framework, delete the others (with their rows in codings.csv), and give each a description"
        )
    else:
        said += " no code becomes a framework element"
    report.warn(
        said
        + "; or import again with --codebook CASE_DIR (e.g. examples/teaching-case) to map onto that case's code book"
    )


def entries_from_xml(codes: Element, report: Report | None, where: str | None = None) -> list[Entry]:
    """The code book read from a ``Codes`` element (a project's or a ``.qdc``'s); a flat one
    (without the convention's group codes) is warned about in ``report``, as ``where``."""
    flat = not any((c.get("name") or "") in GROUPS for c in children(codes, "Code"))
    reader = _CodeBookReader(report, flat)
    reader.walk(codes, (), None, None)
    if flat and report is not None:
        warn_flat(reader.entries, report, where or "the project's code book")
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


def codebook_entries(source: Path | None, project: Element | None, report: Report) -> list[Entry]:
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
    if codes is None:
        return []
    entries = entries_from_xml(codes, None)
    if not any((c.get("name") or "") in GROUPS for c in children(codes, "Code")):
        warn_flat(entries, report, f"the code book {source.name}")
    return entries


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


def code_points(text: str) -> Callable[[int], int]:
    """A function from a position counted in UTF-16 code units to the index of the same place
    in ``text`` (a place inside a character that counts twice moves past it). Only the
    characters that count twice are listed, so it takes little memory and time on any text."""
    starts = [m.start() + k for k, m in enumerate(_ASTRAL.finditer(text))]  # each one's start, in units
    if not starts:
        return lambda position: position
    return lambda position: position - bisect.bisect_left(starts, position - 1)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


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
        raw = read_member(archive, entry)
    except KeyError:
        report.leave_out("TextSource", source.get("guid"), f"{name!r}: {entry} is missing from the archive")
        return None
    except TooLarge as error:
        report.leave_out("TextSource", source.get("guid"), f"{name!r}: {error}; left out with its selections")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.leave_out("TextSource", source.get("guid"), f"{name!r}: {entry} is not UTF-8 text")
        return None


def report_duplicate_guids(project: Element, report: Report) -> None:
    """GUIDs that name more than one element: REFI-QDA needs each to be unique, and what refers
    to one of them may be read as the other (a code's codings kept under the first code)."""
    counts = Counter(e.get("guid", "").lower() for e in project.iter() if isinstance(e.tag, str) and e.get("guid"))
    for guid, n in counts.items():
        if n > 1:
            report.warn(
                f"{report.project}: GUID {guid} names {n} elements; REFI-QDA needs each GUID to be unique,"
                " so what refers to it is ambiguous (a code's codings go to the first code of that GUID)"
            )
