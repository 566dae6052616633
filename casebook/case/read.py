"""One CSV file of a case read into typed rows, with their line numbers and every problem found.

Nothing here writes to disk. Rows are numbered as a text editor numbers the lines of the
file (the header is row 1), so ``actors.csv:3:level`` points at the cell to fix. Every
problem carries a code (``unknown-label``, ``type-error``…) that tools and tests can
match without matching its wording.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import characters
from .schema import Field, Resource

if TYPE_CHECKING:
    import _csv

Value = str | int | None


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a case folder, printed as ``file:row:column: message``; ``code``
    names the rule it breaks (:mod:`.rules` lists those that span files)."""

    file: str
    row: int | None
    column: str | None
    message: str
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        return f"{self.file}:{row}:{self.column or '-'}: {self.message}"


@dataclass
class TableRead:
    """The rows of one CSV file after reading: typed values and their line numbers."""

    resource: Resource
    path: Path
    rows: list[dict[str, Value]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def column(self, name: str) -> list[Value]:
        return [r[name] for r in self.rows]


# --- how messages help: said the same way everywhere ----------------------------------------


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def choices(values: Iterable[str], limit: int = 12) -> str:
    """The first ``limit`` of ``values``, comma-separated, with how many more there are."""
    values = list(values)
    listed = ", ".join(values[:limit])
    return listed + (f", … ({len(values) - limit} more)" if len(values) > limit else "")


def suggestion(value: str, allowed: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when ``value`` is close to one of ``allowed``."""
    close = difflib.get_close_matches(value, list(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def lookalike_hint(value: Value) -> str:
    """For a reference that matches nothing: the look-alike letters that may be why."""
    found = characters.lookalikes(str(value))
    return f" (it contains the {', '.join(found)})" if found else ""


# --- the cells ---------------------------------------------------------------------------------

LABEL_COLUMNS = frozenset({"label", "title", "role", "organization", "short_organization"})
"""Columns that name something (and are printed as names): like identifiers, they refuse
every invisible format character; unlike identifiers, they may be written in any script."""

REFERENCES = frozenset(
    {("relations", "target"), ("codings", "code"), ("evidence", "claim_id"), ("evidence", "evidence_id")}
)
"""Columns that hold ids of other rows without a pattern or foreign key of their own (the
rules of :mod:`.rules` check them): their characters are checked as an identifier's."""


def _kinds(resource: Resource) -> dict[str, str]:
    """How strictly each column's characters are checked: "identifier", "label" or "text"."""
    refers = {fk.field for fk in resource.foreign_keys} | {c for r, c in REFERENCES if r == resource.name}
    return {
        f.name: "identifier" if f.pattern or f.name in refers else "label" if f.name in LABEL_COLUMNS else "text"
        for f in resource.fields
    }


def _cell_problems(text: str, kind: str) -> Iterator[tuple[str, str]]:
    """(code, message) of each problem of one non-empty cell, before its type is read."""
    if text != text.strip():
        yield "whitespace", "has spaces or line breaks at the start or end; remove them"
    hidden = characters.invisible(text, strict=kind != "text")
    if hidden:
        what = "an invisible character" if len(hidden) == 1 else "invisible characters"
        allowed = "" if kind == "text" else f" (none is allowed in {'an id' if kind == 'identifier' else 'a label'})"
        it = "it" if len(hidden) == 1 else "them"
        yield "invisible-character", f"contains {what} {', '.join(hidden)}{allowed}; delete {it}"
    if text.isascii():
        return
    if kind == "identifier":
        for desc in characters.lookalikes(text):
            yield "lookalike-letter", f"contains the {desc}; retype it as a Latin letter"
        return
    for desc in characters.mixed_script_words(text):
        message = f"contains a word that mixes scripts: {desc}; retype the odd letters in the word's own script"
        yield "mixed-script", message


PLAIN = re.compile("[!-~](?:[\t\n -~]*[!-~])?")
"""A cell :func:`_cell_problems` has nothing to say about, in one regular expression: printable
ASCII, trimmed, no control character but tabs and newlines inside (the common case, and fast)."""


def _typed(text: str, f: Field) -> tuple[Value, tuple[str, str] | None]:
    """A cell read as its declared type: (value, (code, problem) or None)."""
    if f.type in ("integer", "year"):
        if not re.fullmatch(r"-?[0-9]+", text):
            kind = "a year (four digits)" if f.type == "year" else "a whole number"
            return None, ("type-error", f"{text!r} is not {kind}")
        value = int(text)
        if f.type == "year" and not 1000 <= value <= 2999:
            return None, ("type-error", f"{value} is not a plausible year (four digits expected)")
        if f.minimum is not None and value < f.minimum:
            return None, ("minimum", f"{value} is below the minimum {f.minimum}")
        return value, None
    if f.pattern and not re.fullmatch(f.pattern, text):
        allowed = "ASCII letters, digits and the shown punctuation only"
        return None, ("pattern", f"{text!r} does not have the allowed form {f.pattern} ({allowed})")
    if f.enum is not None and text not in f.enum:
        return None, ("enum", f"{text!r} is not allowed{suggestion(text, f.enum)}; allowed values: {', '.join(f.enum)}")
    return text, None


# --- the file ----------------------------------------------------------------------------------


def _decode(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        end = raw.find(b"\n", exc.start)
        text = raw[start : end if end >= 0 else len(raw)].decode("latin-1")
        header = raw.split(b"\n", 1)[0].decode("utf-8", "replace").strip().split(",")
        cells = next(csv.reader([text]), [])
        col, pos = None, 0
        for i, cell in enumerate(cells):  # which cell holds the bad byte
            pos = text.find(cell, pos) + len(cell)
            if pos >= exc.start - start:
                col = header[i] if i < len(header) else None
                break
        msg = f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read); save the file with UTF-8 encoding"
        return None, [Problem(shown, line, col, msg, "encoding-error")]


def _header_problems(header: list[str], resource: Resource, shown: str) -> tuple[dict[str, int], list[Problem]]:
    """Each column's index in the header, and what is wrong with the header."""
    expected = ",".join(resource.field_names)
    problems = []
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in columns:
            problems.append(Problem(shown, 1, name, "column appears twice in the header", "duplicate-label"))
        elif name not in resource.field_names:
            hint = suggestion(name, resource.field_names)
            message = f"unknown column{hint}; the columns are: {expected}"
            problems.append(Problem(shown, 1, name or f"#{i + 1}", message, "unknown-label"))
        columns.setdefault(name, i)
    for name in resource.field_names:
        if name not in columns:
            message = f"column is missing from the header; the columns are: {expected}"
            problems.append(Problem(shown, 1, name, message, "missing-label"))
    return columns, problems


def _read_rows(reader: _csv.Reader, table: TableRead, columns: dict[str, int], width: int, shown: str) -> list[Problem]:
    """Each row of the file after its header, checked cell by cell and typed into ``table``."""
    problems: list[Problem] = []
    kinds = _kinds(table.resource)
    # (field, its cell's index, free text?) once per table, not looked up per cell
    plan = [
        (f, columns[f.name], f.type not in ("integer", "year") and not f.pattern and f.enum is None)
        for f in table.resource.fields
    ]
    plain_text = PLAIN.fullmatch
    line = 1
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not cells or cells == [""] * len(cells):
            continue  # blank line
        if len(cells) != width:
            message = f"row has {plural(len(cells), 'cell')} but the header has {width} columns"
            problems.append(Problem(shown, start, None, message, "cell-count"))
            continue
        row: dict[str, Value] = {}
        for f, index, free in plan:
            text = cells[index]
            if text == "":
                if f.required:
                    problems.append(Problem(shown, start, f.name, "is empty, but a value is required", "required"))
                row[f.name] = None
                continue
            plain = plain_text(text) is not None
            if plain and free:  # free text with nothing to say: the fast path
                row[f.name] = text
                continue
            bad = [] if plain else list(_cell_problems(text, kinds[f.name]))
            value, type_problem = _typed(text, f)
            if type_problem and not (bad and f.pattern):
                bad.append(type_problem)
            if bad:
                problems.extend(Problem(shown, start, f.name, message, code) for code, message in bad)
            row[f.name] = value
        table.rows.append(row)
        table.lines.append(start)
    return problems


def read_table(path: Path, resource: Resource, shown: str | None = None) -> tuple[TableRead, list[Problem]]:
    """Read one CSV file and check each cell against its column's definition."""
    shown = shown or str(path)
    table = TableRead(resource, path)
    expected = ",".join(resource.field_names)
    if not path.is_file():
        return table, [
            Problem(shown, None, None, f"file is missing; it needs the header row: {expected}", "missing-file")
        ]
    raw = path.read_bytes()
    if not raw.strip():
        message = f"file is empty; it needs at least the header row: {expected}"
        return table, [Problem(shown, 1, None, message, "empty-file")]
    text, problems = _decode(raw, shown)
    if text is None:
        return table, problems
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        return table, [Problem(shown, 1, None, f"cannot be read as CSV: {exc}", "csv-error")]
    columns, problems = _header_problems(header, resource, shown)
    if any(p.code == "missing-label" for p in problems):
        return table, problems  # rows cannot be read reliably without their columns
    try:
        problems.extend(_read_rows(reader, table, columns, len(header), shown))
    except csv.Error as exc:
        problems.append(Problem(shown, reader.line_num, None, f"cannot be read as CSV: {exc}", "csv-error"))
    problems.extend(_unique_problems(table, shown))
    return table, problems


def _unique_problems(table: TableRead, shown: str) -> Iterator[Problem]:
    keys: list[tuple[str, ...]] = [(f.name,) for f in table.resource.fields if f.unique]
    pk = table.resource.primary_key
    if len(pk) > 1:
        keys.append(pk)
    for key in keys:
        seen: dict[tuple[Value, ...], int] = {}
        for row, line in zip(table.rows, table.lines, strict=True):
            value = tuple(row[k] for k in key)
            if None in value:
                continue
            if value in seen:
                what = value[0] if len(value) == 1 else value
                message = f"duplicate {'/'.join(key)} {what!r}; first used in row {seen[value]}"
                yield Problem(shown, line, key[-1], message, "duplicate-key")
            else:
                seen[value] = line
