"""The cells of a table that QDA software exports: a CSV file (comma, semicolon or tab
separated, as Excel writes it in each locale) or the first sheet of an Excel workbook
(``.xlsx``), each cell's text exactly as stored. Read within bounds: a file or a sheet larger
than :data:`~.archive.MAX_UNPACKED` is refused before it is read."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from .archive import MAX_UNPACKED, TooLarge, read_member

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
SEPARATORS = ",;\t"


class NotATable(Exception):
    """The file cannot be read as a table; the message says why, in one sentence."""


@dataclass
class Table:
    """A table's header and its rows, each with the line (CSV) or row number (sheet) a user sees."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    separator: str = ","


def read_table(path: Path) -> Table:
    """The table in ``path``: an ``.xlsx`` workbook's first sheet, else a CSV file."""
    try:
        size = path.stat().st_size
    except OSError:
        raise NotATable(f"{path}: no such file") from None
    if zipfile.is_zipfile(path):
        return _sheet(path)
    if size > MAX_UNPACKED:
        raise NotATable(f"{path}: {size:,} bytes, more than the {MAX_UNPACKED:,} an import reads")
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise NotATable(
            f"{path}:{line}: not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as 'CSV UTF-8' (Excel)"
            " or export it again as CSV or XLSX"
        ) from None
    return _csv(content, path)


def _csv(content: str, path: Path) -> Table:
    first, _, rest = content.partition("\n")
    skipped = 0
    declared = re.fullmatch(r"sep=(.)\r?", first)  # Excel's own first line naming the separator
    if declared:
        content, skipped = rest, 1
        first = rest.partition("\n")[0]
    separator = declared.group(1) if declared else max(SEPARATORS, key=lambda s: (first.count(s), s == ","))
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=separator, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, [])
        line = reader.line_num
        for cells in reader:
            rows.append((line + 1 + skipped, cells))
            line = reader.line_num
    except csv.Error as error:
        raise NotATable(f"{path}:{reader.line_num + skipped}: cannot be read as CSV: {error}") from None
    return Table([h.strip() for h in header], rows, separator)


# --- xlsx ----------------------------------------------------------------------------------


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        data = read_member(archive, name)
    except KeyError:
        return None
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """A cell's text as typed: Excel writes characters XML cannot hold as ``_xHHHH_``."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _string(item: etree._Element) -> str:
    """The text of a shared or inline string: its runs joined, phonetic guides left out."""
    return _unescape("".join(t.text or "" for t in item.iter(f"{MAIN}t") if t.getparent().tag != f"{MAIN}rPh"))


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The member of the workbook's first sheet (as its relationships name it)."""
    workbook, rels = _xml(archive, "xl/workbook.xml"), _xml(archive, "xl/_rels/workbook.xml.rels")
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet") if workbook is not None else None
    if sheet is not None and rels is not None:
        for rel in rels.iter(f"{PACKAGE_RELS}Relationship"):
            if rel.get("Id") == sheet.get(RELATIONSHIP):
                target = rel.get("Target") or ""
                return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return "xl/worksheets/sheet1.xml"


def _column(reference: str) -> int:
    """The index of a cell's column from its reference (``C7`` is 2)."""
    index = 0
    for letter in re.match(r"[A-Z]*", reference.upper()).group(0):  # type: ignore[union-attr]
        index = index * 26 + ord(letter) - 64
    return index - 1


def _cells(row: etree._Element, shared: list[str]) -> Iterator[tuple[int, str]]:
    for position, cell in enumerate(row.iter(f"{MAIN}c")):
        reference = cell.get("r")
        column = _column(reference) if reference else position
        kind = cell.get("t")
        if kind == "inlineStr":
            found = cell.find(f"{MAIN}is")
            yield column, _string(found) if found is not None else ""
            continue
        value = cell.findtext(f"{MAIN}v") or ""
        if kind == "s":
            yield column, shared[int(value)] if value.isdigit() and int(value) < len(shared) else ""
        else:
            yield column, _unescape(value)


def _sheet(path: Path) -> Table:
    try:
        with zipfile.ZipFile(path) as archive:
            names = {n.lower() for n in archive.namelist()}
            if "project.qde" in names:
                raise NotATable(
                    f"{path}: a REFI-QDA project, not a table; import it with python -m casebook import-qdpx"
                )
            if "xl/workbook.xml" not in names:
                raise NotATable(f"{path}: a zip archive, but not an Excel workbook (.xlsx)")
            strings = _xml(archive, "xl/sharedStrings.xml")
            shared = [_string(si) for si in strings.iter(f"{MAIN}si")] if strings is not None else []
            sheet = _xml(archive, _first_sheet(archive))
    except TooLarge as error:
        raise NotATable(f"{path}: {error}") from None
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError) as error:
        raise NotATable(f"{path}: not a readable Excel workbook ({error})") from None
    if sheet is None:
        raise NotATable(f"{path}: the workbook has no sheet")
    grid: list[tuple[int, list[str]]] = []
    for number, row in enumerate(sheet.iter(f"{MAIN}row"), start=1):
        cells = dict(_cells(row, shared))
        width = max(cells, default=-1) + 1
        line = int(row.get("r")) if (row.get("r") or "").isdigit() else number
        grid.append((line, [cells.get(i, "") for i in range(width)]))
    if not grid:
        return Table([], [])
    (_, header), rows = grid[0], grid[1:]
    return Table([h.strip() for h in header], rows)
