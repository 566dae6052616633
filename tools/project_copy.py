"""A copy of the project to build and break in, and the environment its commands run with, so
that the working tree's ``_build/`` and ``data/`` are never touched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from casebook.case.folder import cell, row_of, set_cell
from casebook.paths import BUILD_ENV, DATA_ENV, DEPENDENCY_LOG_ENV

ROOT = Path(__file__).resolve().parents[1]
NOT_COPIED = {"_build", ".venv", "dist", ".git", ".pytest_cache", ".ruff_cache", ".mypy_cache"}


def copy_project(target: Path, source: Path = ROOT) -> Path:
    """A copy of the working tree in ``target`` (a new folder), without build output,
    virtual environments, caches or git: what a build in the copy starts from."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in ("__pycache__", ".ipynb_checkpoints")}
        if Path(folder).resolve() == source.resolve():
            skip |= {n for n in names if n in NOT_COPIED or n.endswith(".egg-info")}
        return skip

    shutil.copytree(source, target, ignore=ignore, symlinks=True)
    return target


def child_env(copy: Path, data: Path | None = None) -> dict[str, str]:
    """The environment of a command run in ``copy``: the copy's package first on the path, the
    copy's data and build folders (make exports CASEBOOK_DATA for the working tree)."""
    env = {k: v for k, v in os.environ.items() if k not in (DEPENDENCY_LOG_ENV, "MAKEFLAGS", "MFLAGS")}
    env[DATA_ENV] = str(data or copy / "data")
    env[BUILD_ENV] = str(copy / "_build")
    env["PYTHONPATH"] = os.pathsep.join([str(copy), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def append_to_cell(data: Path, file: str, key: str, ident: str, column: str, suffix: str) -> None:
    """Append ``suffix`` to one cell of a case's file: the row whose ``key`` is ``ident``."""
    row = row_of(data, file, key, ident)
    set_cell(data, file, row, column, cell(data, file, row, column) + suffix)
