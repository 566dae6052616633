"""Shared fixtures: paths of the project, and editable copies of the case data."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
BUILD = Path(os.environ.get("CASEBOOK_BUILD", ROOT / "_build"))  # where make book/pdf wrote
HTML = BUILD / "html"
PDF = BUILD / "typst" / "book.pdf"


@pytest.fixture
def case_copy(tmp_path: Path) -> Path:
    """A fresh copy of data/ that a test may break at will."""
    target = tmp_path / "case"
    shutil.copytree(DATA, target)
    return target


def set_cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell of ``folder/file``; ``row`` counts lines as an editor does (header = 1)."""
    path = folder / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[row - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def row_of(folder: Path, file: str, column: str, value: str) -> int:
    """The editor line number of the first row whose ``column`` equals ``value``."""
    rows = list(csv.reader(io.StringIO((folder / file).read_text(encoding="utf-8"), newline="")))
    index = rows[0].index(column)
    for number, cells in enumerate(rows[1:], start=2):
        if cells[index] == value:
            return number
    raise LookupError(f"{file}: no row with {column}={value!r}")


@pytest.fixture
def edit() -> Callable[..., None]:
    return set_cell
