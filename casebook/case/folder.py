"""A new case folder written: its ``datapackage.json`` (casebook's schema, naming the case),
one CSV file per table and the data dictionary as ``README.md`` — what ``casebook init``
writes blank and ``casebook import-qdpx`` writes from a QDA project."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..paths import DESCRIPTOR
from . import schema
from .dictionary import markdown

README = "README.md"


def slug(name: str, prefix: str = "code") -> str:
    """An id in the case's form (lower-case ASCII letters, digits, hyphens) made from a name,
    ``prefix`` put first when the name does not start with a letter."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    return text if re.match(r"^[a-z]", text) else f"{prefix}-{text}" if text else prefix


def in_use(folder: Path) -> bool:
    """Whether ``folder`` exists and is not an empty folder (a new case is never written into it)."""
    return folder.exists() and (not folder.is_dir() or any(folder.iterdir()))


def csv_text(columns: Sequence[str], rows: Sequence[Mapping[str, Any]] = ()) -> str:
    """A CSV file's text: the header, then each row's cells in ``columns``' order (None as empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


def write_case(
    folder: Path,
    title: str,
    description: str,
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    properties: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Write the case folder ``folder`` (its folders made): the descriptor, named after the
    folder and titled ``title`` (with ``properties`` added, e.g. ``named_coders``), each table
    with its ``rows`` (none: the header only), the data dictionary; return the files written."""
    descriptor = schema.descriptor()
    descriptor.update(name=slug(folder.resolve().name, prefix="case"), title=title, description=description)
    descriptor.update(properties or {})
    files = {DESCRIPTOR: json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"}
    for resource in schema.all_resources():
        files[resource.path] = csv_text(resource.field_names, (rows or {}).get(resource.name, []))
    files[README] = markdown(title, description)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


# --- one cell of a case's file, as an editor would change it ----------------------------------


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _index(rows: list[list[str]], file: str, row: int, column: str) -> int:
    header = rows[0]
    if column not in header:
        raise KeyError(f"{file} has no column {column!r}; columns: {', '.join(header)}")
    if not 2 <= row <= len(rows):
        raise IndexError(f"{file}: line {row} is not a row of data (lines 2 to {len(rows)} are)")
    return header.index(column)


def cell(folder: Path, file: str, row: int, column: str) -> str:
    """The text of one cell: line ``row`` of ``folder/file`` (the header is line 1), column ``column``."""
    rows = _rows(folder / file)
    return rows[row - 1][_index(rows, file, row, column)]


def set_cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell of ``folder/file`` (line ``row``, counted as messages and editors count)."""
    path = folder / file
    rows = _rows(path)
    rows[row - 1][_index(rows, file, row, column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def row_of(folder: Path, file: str, column: str, value: str) -> int:
    """The line of the first row of ``folder/file`` whose ``column`` holds ``value``."""
    rows = _rows(folder / file)
    index = rows[0].index(column)
    for number, cells in enumerate(rows[1:], start=2):
        if cells[index] == value:
            return number
    raise LookupError(f"{file}: no row with {column}={value!r}")
