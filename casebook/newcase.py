"""A new case folder to code: ``python -m casebook init DIR [--from CASE]``.

Blank (the default): ``datapackage.json`` (casebook's schema, with a title to fill in),
one CSV file per table holding only its header row, and the data dictionary as
``README.md``. With ``--from``, a copy of another case folder's files instead (for
instance the fictional teaching case in ``examples/teaching-case``) to edit row by row.
Never writes into a folder that already holds files.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .case import check, load, schema
from .case.folder import README, in_use, set_cell, write_case
from .paths import DESCRIPTOR


class FolderNotEmpty(Exception):
    """The target folder already holds files; nothing was written."""


def create(folder: Path | str, source: Path | str | None = None) -> list[Path]:
    """Make the case folder ``folder`` (blank, or a copy of ``source``); return the files written."""
    folder = Path(folder)
    if in_use(folder):
        raise FolderNotEmpty(f"{folder}: already exists and is not an empty folder; choose a new one")
    if source is None:
        return write_case(folder, f"The case in {folder.name}", "What the case is about: fill this in.")
    source = Path(source)
    names = [DESCRIPTOR] + [r.path for r in schema.all_resources()]
    missing = [n for n in names if not (source / n).is_file()]
    if missing:
        raise FileNotFoundError(f"{source}: not a case folder, missing {', '.join(missing)}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names + ([README] if (source / README).is_file() else []):
        shutil.copyfile(source / name, folder / name)
        written.append(folder / name)
    return written


def problems_after_edit(
    source: Path | str, file: str, row: int, column: str, value: str, shown_as: str = "my-case"
) -> list[str]:
    """What ``casebook check`` says after one cell of a *copy* of ``source`` is changed:
    line ``row`` of ``file`` (counted as the messages and an editor count: the header is
    line 1, the first row of data line 2), column ``column``, set to ``value``. The copy
    lives in a temporary folder, printed as ``shown_as``; ``source`` is never written."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / shown_as
        create(copy, source)
        set_cell(copy, file, row, column, value)
        _, problems = check(copy)
        return [str(p).replace(str(copy), shown_as) for p in problems]


def qda_round_trip(source: Path | str, shown_as: str = "my-case", codebook_as: str | None = None) -> list[str]:
    """What a student sees who codes ``source``'s quotes in QDA software and brings the
    project back: the case exported as ``.qdpx`` into a temporary folder, imported with
    ``import-qdpx --codebook source`` into a new case folder there (printed as
    ``shown_as``; ``codebook_as`` is how the command shows ``source``), and what
    ``casebook check`` then says remains to fill in."""
    from .qdpx import import_project, write_qdpx  # deferred: lxml and pandas, for this demonstration only
    from .qdpx.importer import summary

    with tempfile.TemporaryDirectory() as tmp:
        project = write_qdpx(load(source), Path(tmp) / "project.qdpx")
        folder = Path(tmp) / shown_as
        report = import_project(project, folder, codebook=source)
        _, problems = check(folder)
        lines = [
            f"$ python -m casebook import-qdpx project.qdpx {shown_as} --codebook {codebook_as or source}",
            *summary(report),
            f"wrote {len(report.written)} files into {shown_as}",
            "",
            f"$ python -m casebook check {shown_as}",
            *map(str, problems),
        ]
        return [line.replace(str(folder), shown_as) for line in lines]
