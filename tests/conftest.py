"""Shared fixtures: paths of the project, and editable copies of the case data."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
BUILD = Path(os.environ.get("CASEBOOK_BUILD", ROOT / "_build"))  # where make book/pdf wrote
TOOLS = ROOT / "_build" / ".tools"  # venvs and npm packages of the tests: hidden, so no book build walks them
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


def tool_venv(name: str, pins: list[str]) -> Path:
    """A venv of its own in _build/.tools/<name> with ``pins`` installed, made once and reused: for
    independent programs the tests run beside casebook and never import (some are AGPL)."""
    venv = TOOLS / name
    marker = venv / "casebook-pins.txt"
    if marker.is_file() and marker.read_text() == " ".join(pins):
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *pins], capture_output=True, text=True
    )
    if done.returncode != 0:
        reason = f"could not install {pins} into {venv}:\n{done.stderr[-2000:]}"
        if os.environ.get("CI"):  # CI must run the independent checks; an offline machine may not
            pytest.fail(reason)
        pytest.skip(reason)
    marker.write_text(" ".join(pins))
    return venv


QC_PIN = "qualitative-coding==1.7.8"
"""qualitative-coding (AGPL) reads QDPX independently; it ships a real NVivo export."""
REFI_PIN = "pyrefiqda==0.3.1"
"""pyrefiqda (MIT): pydantic models of the REFI-QDA schema, an independent writer and reader."""


@pytest.fixture(scope="session")
def qc_venv() -> Path:
    return tool_venv("qc-venv", [QC_PIN])


@pytest.fixture(scope="session")
def refi_venv() -> Path:
    return tool_venv("refi-venv", [REFI_PIN])
