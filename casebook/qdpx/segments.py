"""A table of coded segments as a new case folder: ``casebook import-segments FILE CASE_DIR``.

Every QDA tool exports its coded text as a table, one row per code applied to a segment, in
CSV or Excel (``.xlsx``). A row needs three columns, recognised by these names (case and
spacing ignored; ``--column ROLE=NAME`` names any other):

- the **document**: ``document`` (Taguette's highlights export), ``Document name`` (MAXQDA's
  export of coded segments), ``Document`` (ATLAS.ti's export of quotations), ``File``,
  ``Source`` or ``Source name`` (NVivo's coding exports);
- the **code**: ``tag`` (Taguette), ``Code`` (MAXQDA; a sub-code as ``Parent\\Child`` or
  ``Parent > Child``, as MAXQDA's manual writes code paths), ``Codes`` (ATLAS.ti, several codes
  in one cell, one per line),
  ``Node``, ``Hierarchical Name`` or ``Code name`` (NVivo);
- the segment's **text**: ``content`` (Taguette), ``Segment`` (MAXQDA), ``Quotation Content``
  (ATLAS.ti), ``Coded Text`` or ``Text`` (NVivo);
- optionally the **coder**: ``Created by`` (MAXQDA, ATLAS.ti), ``Coded By``, ``Coder`` or ``User``.

Taguette's names are those of a real export (tests/fixtures/taguette); the others are those
the tools' manuals and users' scripts show, not checked against an export of each.

The rows become the coded layer of a case, as ``import-qdpx`` makes it (one writer,
:func:`.importer.write`): each document an interviewee by letter (its name is never written;
``documents=`` names those that are documents instead), each segment a quote, verbatim, byte
for byte — only the spaces and line breaks at its two ends are trimmed, and reported — with a
row of ``codings.csv`` per code mapped onto the code book as :class:`.matching.CodeIndex` finds it.
Segments of the same document with the same text (several tags of one Taguette highlight, or
the same passage coded by two coders) are one quote. Coders become ``c1``, ``c2``… in order of
first appearance, unless ``named_coders`` keeps their names (and the case says it names its
coders). Every row left out is reported with its line and why.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..case.folder import slug
from ..case.read import text_problems
from ..case.rules import NAMED_CODERS
from .importer import Imported, codebook_tables, ensure_free, write
from .mapping import Rows, became, lettered
from .matching import CodeIndex
from .reader import Entry, Report, codebook_entries, entries_from_xml
from .spreadsheet import NotATable, Table, read_table

__all__ = ["COLUMNS", "NotATable", "convert_segments", "import_segments"]

COLUMNS = {
    "document": ("document", "document name", "file", "file name", "source", "source name"),
    "code": ("tag", "code", "codes", "node", "hierarchical name", "code name"),
    "text": ("content", "segment", "quotation content", "coded text", "text", "quotation"),
    "coder": ("coder", "created by", "coded by", "user"),
}
"""The column names recognised for each role, first match first (compared in lower case)."""
CODER = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,31}")
"""A coder's name as codings.csv can hold it (its schema's pattern)."""


def columns(header: list[str], given: Mapping[str, str], shown: str) -> dict[str, int]:
    """The index of each role's column: as ``given`` names it, else by the names of :data:`COLUMNS`."""
    found = {" ".join(h.lower().split()): i for i, h in reversed(list(enumerate(header)))}
    out = {}
    for role, names in COLUMNS.items():
        wanted = [" ".join(given[role].lower().split())] if role in given else names
        index = next((found[n] for n in wanted if n in found), None)
        if index is not None:
            out[role] = index
        elif role in given or role != "coder":
            expected = f"{given[role]!r}" if role in given else ", ".join(repr(n) for n in names)
            raise NotATable(
                f"{shown}:1: no column for the {role} (looked for {expected}); the columns are:"
                f" {', '.join(repr(h) for h in header)}; name it with --column {role}=NAME"
            )
    return out


def code_paths(cell: str) -> list[tuple[str, ...]]:
    """The codes of one cell, each as its path of names: one code per line (ATLAS.ti puts all of a
    quotation's codes in one cell), sub-codes after ``\\`` or `` > `` (MAXQDA)."""
    return [
        tuple(part.strip() for part in re.split(r"\\| > ", line) if part.strip())
        for line in cell.splitlines()
        if line.strip()
    ]


def _codes_element(paths: Iterable[tuple[str, ...]]) -> etree._Element:
    """The table's own codes as a REFI-QDA ``Codes`` element, nested by their paths."""
    root = etree.Element("Codes")
    for path in dict.fromkeys(paths):
        parent = root
        for name in path:
            here = next((c for c in parent if c.get("name") == name), None)
            parent = here if here is not None else etree.SubElement(parent, "Code", name=name)
    return root


@dataclass
class _Segments:
    """The rows walked once into quotes, codings, interviewees and documents."""

    shown: str
    index: CodeIndex
    report: Report
    as_documents: set[str]
    named_coders: bool
    letters: dict[str, str] = field(default_factory=dict)
    quotes: dict[tuple[str, str], str] = field(default_factory=dict)
    excerpts: Rows = field(default_factory=list)
    codings: Rows = field(default_factory=list)
    seen: set[tuple[str, ...]] = field(default_factory=set)
    coders: dict[str, str] = field(default_factory=dict)
    outside: dict[str, list[int]] = field(default_factory=dict)
    in_documents: Counter[str] = field(default_factory=Counter)
    trimmed: list[int] = field(default_factory=list)

    def leave_out(self, line: int, why: str) -> None:
        self.report.left_out.append(f"{self.shown}:{line}: {why}")

    def coder(self, name: str) -> str:
        if name not in self.coders:
            keep = self.named_coders and CODER.fullmatch(name)
            self.coders[name] = name if keep else f"c{len(self.coders) + 1}"
        return self.coders[name]

    def row(self, line: int, document: str, cell: str, content: str, coder: str | None) -> None:
        quote = content.strip()
        if not document:
            return self.leave_out(line, "names no document; left out")
        if document in self.as_documents:
            self.in_documents[document] += 1
            return None
        problems = text_problems(quote) if quote else ["is empty"]
        if problems:
            return self.leave_out(line, f"the segment {quote[:40]!r} {problems[0]}; left out")
        if coder == "":
            return self.leave_out(line, "names no coder, while other rows do; name its coder and import again")
        entries: list[Entry] = []
        for path in code_paths(cell):
            entry = self.index.find(None, path)
            if entry is None or entry.scheme is None:
                self.outside.setdefault("/".join(path), []).append(line)
            else:
                entries.append(entry)
        if not entries:
            why = "has no code" if not cell.strip() else "is coded only with codes outside the code book"
            return self.leave_out(line, f"{quote[:40]!r} {why}; left out")
        ident = self.quote(line, document, quote, content)
        who = self.coder(coder) if coder is not None else None
        for entry in entries:
            key = (ident, str(entry.scheme), str(entry.ident), who or "")
            if key not in self.seen:
                self.seen.add(key)
                self.codings.append({"excerpt": ident, "scheme": entry.scheme, "code": entry.ident, "coder": who})
        return None

    def quote(self, line: int, document: str, quote: str, content: str) -> str:
        """The id of the quote of ``document`` with this text, made at its first row."""
        key = (document, quote)
        if key not in self.quotes:
            self.quotes[key] = f"q{len(self.quotes) + 1:02d}"
            self.excerpts.append({"id": self.quotes[key], "interviewee": self.letters[document], "text": quote})
            if quote != content:
                self.trimmed.append(line)
        return self.quotes[key]

    def summarise(self) -> None:
        for name, lines in self.outside.items():
            self.report.left_out.append(f"{self.shown}: {self.index.outside(name, len(lines))} (rows {_lines(lines)})")
        for document, n in self.in_documents.items():
            self.report.left_out.append(
                f"{self.shown}: {document!r} is a document, so its {n} coded segment(s) are not interview"
                " quotes and were left out (cite the document in evidence.csv instead)"
            )
        if self.trimmed:
            self.report.notes.append(
                f"{self.shown}: {len(self.trimmed)} segment(s) began or ended with spaces or line breaks;"
                f" their quotes keep the text between them, exactly as it is (rows {_lines(self.trimmed)})"
            )
        renamed = {n: c for n, c in self.coders.items() if n != c}
        if renamed:
            listed = ", ".join(f"{n!r} is {c}" for n, c in renamed.items())
            self.report.notes.append(
                f"{self.shown}: coders are short ids in a case: {listed} (--named-coders keeps names"
                " such as 'ana' when the case may name its coders)"
            )


def _lines(lines: list[int], limit: int = 10) -> str:
    return ", ".join(map(str, lines[:limit])) + (f", … ({len(lines) - limit} more)" if len(lines) > limit else "")


def convert_segments(
    path: Path,
    codebook: Path | None = None,
    documents: Iterable[str] = (),
    given: Mapping[str, str] | None = None,
    named_coders: bool = False,
) -> Imported:
    """Read the table at ``path`` into case tables, and what was left out."""
    table: Table = read_table(path)
    role = columns(table.header, given or {}, str(path))
    report = Report(project=path.name)
    if table.separator != ",":
        report.notes.append(f"{path.name}: read as separated by {table.separator!r}")

    def cell(cells: list[str], name: str) -> str:
        return cells[role[name]] if role[name] < len(cells) else ""

    rows = [(line, cells) for line, cells in table.rows if any(c.strip() for c in cells)]
    names = [n for n in dict.fromkeys(cell(c, "document").strip() for _, c in rows) if n]
    unknown = sorted(set(documents) - set(names))
    if unknown:
        raise NotATable(f"{path}: no document is called {', '.join(map(repr, unknown))}; its documents: {names}")
    if codebook is None:
        where = f"the code book made of the codes in {path.name} (no --codebook given)"
        own = _codes_element(p for _, c in rows for p in code_paths(cell(c, "code")))
        entries = entries_from_xml(own, report, where)
    else:
        entries = codebook_entries(codebook, None, report)
    walk = _Segments(path.name, CodeIndex(entries), report, set(documents), named_coders)
    people = [n for n in names if n not in walk.as_documents]
    for name, (letter, renamed) in zip(people, lettered(people), strict=True):
        walk.letters[name] = letter
        if renamed:
            report.notes.append(f"{path.name}: {became(name, letter)}")
    coded = "coder" in role and any(cell(c, "coder").strip() for _, c in rows)
    for line, cells in rows:
        coder = cell(cells, "coder").strip() if coded else None
        walk.row(line, cell(cells, "document").strip(), cell(cells, "code"), cell(cells, "text"), coder)
    walk.summarise()
    document_rows = [
        {"id": slug(n, prefix="document"), "title": n, "kind": "other"} for n in names if n in walk.as_documents
    ]
    tables = codebook_tables(entries, codebook) | {
        "interviewees": sorted(({"id": walk.letters[n]} for n in people), key=lambda r: (len(r["id"]), r["id"])),
        "excerpts": walk.excerpts,
        "codings": walk.codings,
        "documents": document_rows,
    }
    return Imported(tables, report, f"A case imported from {path.name}")


def import_segments(
    path: Path | str,
    folder: Path | str,
    codebook: Path | str | None = None,
    documents: Iterable[str] = (),
    given: Mapping[str, str] | None = None,
    named_coders: bool = False,
    force: bool = False,
    protected: Path | None = None,
) -> Report:
    """Write the case folder ``folder`` from the table of coded segments at ``path``; return the report."""
    path, folder = Path(path), Path(folder)
    ensure_free(folder, force, protected)
    imported = convert_segments(path, Path(codebook) if codebook else None, documents, given, named_coders)
    named = {NAMED_CODERS: True} if named_coders and any(r.get("coder") for r in imported.tables["codings"]) else {}
    return write(imported, folder, f"the coded segments {path.name} by casebook import-segments", **named)
