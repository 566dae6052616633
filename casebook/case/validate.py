"""Read a case folder and list every problem in it, each naming file, row and column.

Nothing here writes to disk. Rows are numbered as a text editor numbers the lines of
the file (the header is row 1), so ``actors.csv:3:level`` points at the cell to fix.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import DESCRIPTOR
from . import characters, schema
from .schema import Field, Resource

Value = str | int | None


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a case folder, printed as ``file:row:column: message``."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        return f"{self.file}:{row}:{self.column or '-'}: {self.message}"


@dataclass
class Table:
    """The rows of one CSV file after reading: typed values and their line numbers."""

    resource: Resource
    path: Path
    rows: list[dict[str, Value]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def column(self, name: str) -> list[Value]:
        return [r[name] for r in self.rows]


LABEL_COLUMNS = frozenset({"label", "title", "role", "organization", "short_organization"})
"""Columns that name something (and are printed as names): like identifiers, they refuse
every invisible format character; unlike identifiers, they may be written in any script."""

# Columns that hold ids of other rows without a pattern of their own (the rules below check them).
_REFERENCES = frozenset(
    {("relations", "target"), ("codings", "code"), ("evidence", "claim_id"), ("evidence", "evidence_id")}
)


def _kinds(resource: Resource) -> dict[str, str]:
    """How strictly each column's characters are checked: "identifier", "label" or "text"."""
    refers = {fk.field for fk in resource.foreign_keys} | {c for r, c in _REFERENCES if r == resource.name}
    return {
        f.name: "identifier" if f.pattern or f.name in refers else "label" if f.name in LABEL_COLUMNS else "text"
        for f in resource.fields
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _choices(values: Iterable[str], limit: int = 12) -> str:
    values = list(values)
    shown = ", ".join(values[:limit])
    return shown + (f", … ({len(values) - limit} more)" if len(values) > limit else "")


def _suggest(value: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _looks(value: Value) -> str:
    """For a reference that matches nothing: the look-alike letters that may be why."""
    found = characters.lookalikes(str(value))
    return f" (it contains the {', '.join(found)})" if found else ""


def _cell_problems(text: str, kind: str) -> Iterator[str]:
    """Problems of one non-empty cell, before its type is read (``kind`` from :func:`_kinds`)."""
    if text != text.strip():
        yield "has spaces or line breaks at the start or end; remove them"
    hidden = characters.invisible(text, strict=kind != "text")
    if hidden:
        what = "an invisible character" if len(hidden) == 1 else "invisible characters"
        allowed = "" if kind == "text" else f" (none is allowed in {'an id' if kind == 'identifier' else 'a label'})"
        yield f"contains {what} {', '.join(hidden)}{allowed}; delete {'it' if len(hidden) == 1 else 'them'}"
    if text.isascii():
        return
    if kind == "identifier":
        for desc in characters.lookalikes(text):
            yield f"contains the {desc}; retype it as a Latin letter"
        return
    for desc in characters.mixed_script_words(text):
        yield f"contains a word that mixes scripts: {desc}; retype the odd letters in the word's own script"


_PLAIN = re.compile("[!-~](?:[\t\n -~]*[!-~])?")  # printable ASCII, tabs and newlines inside, trimmed


def _plain(text: str) -> bool:
    """True when :func:`_cell_problems` has nothing to say: the common case (ASCII, trimmed,
    no control character but tabs and newlines inside), decided by one regular expression
    and no generator per cell (which made large cases slow)."""
    return _PLAIN.fullmatch(text) is not None


def _typed(text: str, f: Field) -> tuple[Value, str | None]:
    """Read a cell as its declared type; return (value, problem or None)."""
    if f.type in ("integer", "year"):
        if not re.fullmatch(r"-?[0-9]+", text):
            kind = "a year (four digits)" if f.type == "year" else "a whole number"
            return None, f"{text!r} is not {kind}"
        value = int(text)
        if f.type == "year" and not 1000 <= value <= 2999:
            return None, f"{value} is not a plausible year (four digits expected)"
        if f.minimum is not None and value < f.minimum:
            return None, f"{value} is below the minimum {f.minimum}"
        return value, None
    if f.pattern and not re.fullmatch(f.pattern, text):
        allowed = "ASCII letters, digits and the shown punctuation only"
        return None, f"{text!r} does not have the allowed form {f.pattern} ({allowed})"
    if f.enum is not None and text not in f.enum:
        return None, f"{text!r} is not allowed{_suggest(text, f.enum)}; allowed values: {', '.join(f.enum)}"
    return text, None


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
        return None, [Problem(shown, line, col, msg)]


def read_table(path: Path, resource: Resource, shown: str | None = None) -> tuple[Table, list[Problem]]:
    """Read one CSV file and check each cell against its column's definition."""
    shown = shown or str(path)
    table = Table(resource, path)
    expected = ",".join(resource.field_names)
    if not path.is_file():
        return table, [Problem(shown, None, None, f"file is missing; it needs the header row: {expected}")]
    raw = path.read_bytes()
    if not raw.strip():
        return table, [Problem(shown, 1, None, f"file is empty; it needs at least the header row: {expected}")]
    text, problems = _decode(raw, shown)
    if text is None:
        return table, problems
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        return table, [Problem(shown, 1, None, f"cannot be read as CSV: {exc}")]
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in columns:
            problems.append(Problem(shown, 1, name, "column appears twice in the header"))
        elif name not in resource.field_names:
            hint = _suggest(name, resource.field_names)
            problems.append(
                Problem(shown, 1, name or f"#{i + 1}", f"unknown column{hint}; the columns are: {expected}")
            )
        columns.setdefault(name, i)
    missing = [n for n in resource.field_names if n not in columns]
    for name in missing:
        problems.append(Problem(shown, 1, name, f"column is missing from the header; the columns are: {expected}"))
    if missing:
        return table, problems  # rows cannot be read reliably without their columns

    fields = resource.fields
    kinds = _kinds(resource)
    # (field, its cell's index, free text?) once per table, not looked up per cell
    plan = [
        (f, columns[f.name], f.type not in ("integer", "year") and not f.pattern and f.enum is None) for f in fields
    ]
    plain_text = _PLAIN.fullmatch
    width = len(header)
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not cells or cells == [""] * len(cells):
                continue  # blank line
            if len(cells) != width:
                problems.append(
                    Problem(
                        shown, start, None, f"row has {_plural(len(cells), 'cell')} but the header has {width} columns"
                    )
                )
                continue
            row: dict[str, Value] = {}
            for f, index, free in plan:
                text_ = cells[index]
                if text_ == "":
                    if f.required:
                        problems.append(Problem(shown, start, f.name, "is empty, but a value is required"))
                    row[f.name] = None
                    continue
                plain = plain_text(text_) is not None
                if plain and free:  # free text with nothing to say: the fast path
                    row[f.name] = text_
                    continue
                bad = [] if plain else list(_cell_problems(text_, kinds[f.name]))
                value, type_problem = _typed(text_, f)
                if type_problem and not (bad and f.pattern):
                    bad.append(type_problem)
                if bad:
                    problems.extend(Problem(shown, start, f.name, b) for b in bad)
                row[f.name] = value
            table.rows.append(row)
            table.lines.append(start)
    except csv.Error as exc:
        problems.append(Problem(shown, reader.line_num, None, f"cannot be read as CSV: {exc}"))
    problems.extend(_unique_problems(table, shown))
    return table, problems


def _unique_problems(table: Table, shown: str) -> Iterator[Problem]:
    keys = [(f.name,) for f in table.resource.fields if f.unique]
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
                yield Problem(shown, line, key[-1], message)
            else:
                seen[value] = line


class _Folder:
    """The tables read from one folder, with helpers for the rules that span files."""

    def __init__(self, root: Path, tables: dict[str, Table]):
        self.root = root
        self.tables = tables
        # The tables never change once read: each id set is built once, not once per row
        # that refers to it (which made checking a large case quadratic).
        self._ids: dict[tuple[str, str], frozenset[Value]] = {}
        self._known: dict[tuple[str, ...], frozenset[Value]] = {}

    def shown(self, name: str) -> str:
        return str(self.root / schema.resource(name).path)

    def ids(self, name: str, key: str = "id") -> frozenset[Value]:
        if (name, key) not in self._ids:
            table = self.tables.get(name)
            self._ids[name, key] = frozenset(table.column(key)) - {None} if table else frozenset()
        return self._ids[name, key]

    def known(self, names: Iterable[str]) -> frozenset[Value]:
        """The ids of several tables together (an id may name a row of any of them)."""
        names = tuple(names)
        if names not in self._known:
            self._known[names] = frozenset().union(*(self.ids(t) for t in names))
        return self._known[names]

    def rows(self, name: str) -> Iterator[tuple[int, dict[str, Value]]]:
        table = self.tables.get(name)
        if table:
            yield from zip(table.lines, table.rows, strict=True)


def _foreign_key_problems(case: _Folder) -> Iterator[Problem]:
    for res in schema.all_resources():
        if res.name not in case.tables:
            continue
        for fk in res.foreign_keys:
            if fk.resource not in case.tables:
                continue
            known = case.ids(fk.resource, fk.reference_field)
            target = schema.resource(fk.resource).path
            for line, row in case.rows(res.name):
                value = row[fk.field]
                if value is not None and value not in known:
                    yield Problem(
                        case.shown(res.name),
                        line,
                        fk.field,
                        f"{value!r} is not an id in {target}{_suggest(str(value), map(str, known))}{_looks(value)};"
                        f" known ids: {_choices(sorted(map(str, known)))}",
                    )


def _reference(
    case: _Folder, name: str, line: int, column: str, value: Value, pools: dict[str, str]
) -> Iterator[Problem]:
    """Check ``value`` against the ids of one of several tables (``pools``: table -> label)."""
    known = case.known(pools)
    if value is not None and value not in known and all(t in case.tables for t in pools):
        files = " or ".join(schema.resource(t).path for t in pools)
        yield Problem(
            case.shown(name),
            line,
            column,
            f"{value!r} is not an id in {files}{_suggest(str(value), map(str, known))}{_looks(value)};"
            f" known ids: {_choices(sorted(map(str, known)))}",
        )


def _cycle_problems(case: _Folder, name: str, column: str) -> Iterator[Problem]:
    parent = {row["id"]: row[column] for _, row in case.rows(name)}
    for line, row in case.rows(name):
        seen, node = {row["id"]}, row[column]
        while node is not None and node in parent:
            if node in seen:
                message = f"{row['id']!r} ends up inside itself; the {column} chain loops"
                yield Problem(case.shown(name), line, column, message)
                break
            seen.add(node)
            node = parent[node]


EVIDENCE_TABLES = {"excerpt": "excerpts", "document": "documents", "passage": "passages"}
CODE_SCHEMES = {"framework": "framework", "actor": "actors"}


NEEDED = {
    "actors": "add the groups of actors whose institutional work the case describes (the rows of Table 1)",
    "interviewees": "add one row per interviewee, each by letter",
    "framework": "add the elements of the framework the case is coded with (or copy framework.csv of another case)",
    "excerpts": "add the interview quotes the book prints, verbatim",
    "institutional_work": "add the activities of Table 1: one row each, with its actor group and type of work",
    "findings": "add the findings of Table 3: one row each, under an element of the framework",
    "relations": "add the arrows of Figure 1: who acts on whom or on what, with which type of work",
    "evidence": "link each activity, finding and arrow to the quotes, documents or passages it rests on",
}
"""Tables a book cannot do without, and what to put in them while they are empty."""


def _empty_problems(case: _Folder) -> Iterator[Problem]:
    for name, hint in NEEDED.items():
        table = case.tables.get(name)
        if table is not None and not table.rows:
            yield Problem(case.shown(name), None, None, f"has no rows yet: {hint}")


def _rule_problems(case: _Folder) -> Iterator[Problem]:
    """Rules that span files and that a Table Schema cannot state."""
    # An arrow of Figure 1 points at an actor group or at an element of the framework.
    for line, row in case.rows("relations"):
        yield from _reference(case, "relations", line, "target", row["target"], {"actors": "", "framework": ""})
        if row["target"] == row["source"]:
            yield Problem(case.shown("relations"), line, "target", "an arrow cannot point back at its own source")

    # An activity drawn on an arrow must have the arrow's actor and type of work.
    relations = {row["id"]: row for _, row in case.rows("relations")}
    for line, row in case.rows("institutional_work"):
        rel = relations.get(row["relation"])
        if rel is None:
            continue
        for column, rel_column in (("actor", "source"), ("work_type", "work_type")):
            if row[column] is not None and row[column] != rel[rel_column]:
                yield Problem(
                    case.shown("institutional_work"),
                    line,
                    column,
                    f"{row[column]!r} differs from the {rel_column} {rel[rel_column]!r} of relation {rel['id']!r}",
                )

    # Codes come from the code book named in the scheme column.
    work_types = set(schema.WORK_TYPES)
    for line, row in case.rows("codings"):
        scheme_ = row["scheme"]
        if scheme_ == "work_type":
            if row["code"] is not None and row["code"] not in work_types:
                yield Problem(
                    case.shown("codings"),
                    line,
                    "code",
                    f"{row['code']!r} is not a type of institutional work{_suggest(str(row['code']), work_types)};"
                    f" allowed: {', '.join(schema.WORK_TYPES)}",
                )
        elif scheme_ in CODE_SCHEMES:
            yield from _reference(case, "codings", line, "code", row["code"], {CODE_SCHEMES[scheme_]: ""})

    # Evidence links point at existing claims and existing evidence.
    seen: dict[tuple[Value, ...], int] = {}
    for line, row in case.rows("evidence"):
        claim_table = schema.CLAIM_TABLES.get(str(row["claim_type"]))
        if claim_table:
            yield from _reference(case, "evidence", line, "claim_id", row["claim_id"], {claim_table: ""})
        kind = row["evidence_type"]
        if kind == "synthesis":
            if row["evidence_id"] is not None:
                yield Problem(case.shown("evidence"), line, "evidence_id", "must be empty for a synthesis")
            if row["note"] is None:
                message = "is empty, but a synthesis needs a note saying what it rests on"
                yield Problem(case.shown("evidence"), line, "note", message)
        elif kind in EVIDENCE_TABLES:
            if row["evidence_id"] is None:
                yield Problem(case.shown("evidence"), line, "evidence_id", f"is empty, but {kind} evidence needs an id")
            else:
                pool = {EVIDENCE_TABLES[kind]: ""}
                yield from _reference(case, "evidence", line, "evidence_id", row["evidence_id"], pool)
        key = (row["claim_type"], row["claim_id"], kind, row["evidence_id"])
        if key in seen:
            message = f"duplicate evidence link; first given in row {seen[key]}"
            yield Problem(case.shown("evidence"), line, "evidence_id", message)
        seen.setdefault(key, line)

    # Every claim the book shows rests on at least one piece of evidence.
    if "evidence" in case.tables:
        linked = {(row["claim_type"], row["claim_id"]) for _, row in case.rows("evidence")}
        for claim_type, table in schema.CLAIM_TABLES.items():
            for line, row in case.rows(table):
                if (claim_type, row["id"]) not in linked:
                    yield Problem(
                        case.shown(table),
                        line,
                        "id",
                        f"{claim_type} {row['id']!r} has no evidence; add a row to evidence.csv"
                        " (use evidence_type 'synthesis' with a note if it is the authors' own synthesis)",
                    )

    # A fact's value must read as its declared type.
    for line, row in case.rows("facts"):
        value, kind = str(row["value"]), row["type"]
        if kind == "integer" and not re.fullmatch(r"-?[0-9]+", value):
            message = f"{value!r} is not a whole number, as the type column says"
            yield Problem(case.shown("facts"), line, "value", message)
        if kind == "month" and not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", value):
            message = f"{value!r} is not a month written YYYY-MM, as the type column says"
            yield Problem(case.shown("facts"), line, "value", message)

    yield from _cycle_problems(case, "framework", "parent")
    yield from _cycle_problems(case, "sections", "parent")


def _descriptor_problems(root: Path) -> Iterator[Problem]:
    """The folder's own datapackage.json must describe the tables casebook expects."""
    path = root / DESCRIPTOR
    shown = str(path)
    if not path.is_file():
        message = "file is missing; copy data/datapackage.json (or run `python -m casebook init`)"
        yield Problem(shown, None, None, message)
        return
    try:
        own = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        yield Problem(shown, line, None, f"is not valid UTF-8 JSON: {exc}")
        return
    expected = {r["name"]: r for r in schema.descriptor()["resources"]}
    found = {r.get("name"): r for r in own.get("resources", []) if isinstance(r, dict)}
    for name, res in expected.items():
        if name not in found:
            yield Problem(shown, None, "resources", f"does not describe the table {name!r}")
        elif found[name].get("schema") != res["schema"] or found[name].get("path") != res["path"]:
            yield Problem(
                shown,
                None,
                "resources",
                f"describes {name!r} differently from casebook's schema (casebook/datapackage.json); copy that entry",
            )
    for name in found.keys() - expected.keys():
        yield Problem(shown, None, "resources", f"describes an unknown table {name!r}")


def check(root: Path | str) -> tuple[dict[str, Table], list[Problem]]:
    """Read every table of the case in ``root`` and return them with all problems found."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return {}, [Problem(str(root), None, None, "is not a folder")]
    problems.extend(_descriptor_problems(root))
    tables: dict[str, Table] = {}
    for res in schema.all_resources():
        table, found = read_table(root / res.path, res, str(root / res.path))
        problems.extend(found)
        if table.rows or not found:
            tables[res.name] = table
    case = _Folder(root, tables)
    problems.extend(_foreign_key_problems(case))
    problems.extend(_rule_problems(case))
    problems.extend(_empty_problems(case))
    return tables, problems
