"""Shared fixtures: paths of the project, and editable copies of the case data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from casebook.case.folder import row_of as row_of  # one cell of a copy, as the tests edit them
from casebook.case.folder import set_cell as set_cell
from casebook.paths import BUILD_ENV, TYPST_PDF

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
BUILD = Path(os.environ.get(BUILD_ENV, ROOT / "_build"))  # where make book/pdf wrote
TOOLS = ROOT / "_build" / ".tools"  # venvs and npm packages of the tests: hidden, so no book build walks them
HTML = BUILD / "html"
PDF = BUILD / TYPST_PDF


@pytest.fixture
def case_copy(tmp_path: Path) -> Path:
    """A fresh copy of data/ that a test may break at will."""
    target = tmp_path / "case"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def edit() -> Callable[..., None]:
    return set_cell


def install(venv: Path, *args: str) -> subprocess.CompletedProcess:
    """``pip install args`` into a new virtual environment ``venv``, by this environment's pip: the
    new one needs none, and bytecode is compiled when a module is first imported (compiling every
    file at install is most of an install's time)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet"]
    return subprocess.run([*pip, "--no-compile", "--disable-pip-version-check", *args], capture_output=True, text=True)


def tool_venv(name: str, pins: list[str]) -> Path:
    """A venv of its own in _build/.tools/<name> with ``pins`` installed, made once and reused: for
    independent programs the tests run beside casebook and never import (some are AGPL)."""
    venv = TOOLS / name
    marker = venv / "casebook-pins.txt"
    if marker.is_file() and marker.read_text() == " ".join(pins):
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    done = install(venv, *pins)
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

QC_PROJECT = ROOT / "tests" / "refi-qda" / "two-coders-qc.qdpx"
"""A real two-coder project written by qualitative-coding 1.7.8 (tests/refi-qda/two-coders-qc.md)."""
QC_CODES = {
    "drivers": ("framework", "drivers"),
    "shared_motivation": ("framework", "shared-motivation"),
    "capacity_for_joint_action": ("framework", "capacity-for-joint-action"),
    "political_work": ("work_type", "political"),
    "technical_work": ("work_type", "technical"),
    "cultural_work": ("work_type", "cultural"),
}
"""What each of that project's codes is in the teaching case's code book; qc's 'interesting' has
no place in it and is left out."""


@pytest.fixture(scope="session")
def qc_venv() -> Path:
    return tool_venv("qc-venv", [QC_PIN])


@pytest.fixture(scope="session")
def refi_venv() -> Path:
    return tool_venv("refi-venv", [REFI_PIN])
