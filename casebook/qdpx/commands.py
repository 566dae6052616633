"""The import commands' front end (``python -m casebook import-qdpx`` and ``import-segments``):
what the user asked, the shipped folders refused, one message for a file that is not what the
import reads, then what the import made, left out, and what remains to fill in (``check``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..case import check, default_data_dir
from ..case.folder import refusal, shipped
from . import FolderInUse, NotAProject, import_project
from .importer import summary
from .reader import Report
from .segments import COLUMNS, NotATable, import_segments


def import_qdpx(args: argparse.Namespace) -> int:
    return _importing(
        Path(args.case_dir),
        args.force,
        lambda folder: import_project(
            Path(args.project),
            folder,
            codebook=args.codebook,
            force=args.force,
            offsets=args.offsets,
            protected=default_data_dir(),
            align=args.align,
            named_coders=args.named_coders,
        ),
    )


def import_segments_table(args: argparse.Namespace) -> int:
    given = dict(c.partition("=")[::2] for c in args.column)
    if any(role not in COLUMNS or not name for role, name in given.items()):
        print(f"--column takes ROLE=NAME, ROLE one of {', '.join(COLUMNS)}: e.g. --column text=Quote", file=sys.stderr)
        return 2
    return _importing(
        Path(args.case_dir),
        args.force,
        lambda folder: import_segments(
            Path(args.file),
            folder,
            codebook=args.codebook,
            documents=args.document,
            given=given,
            named_coders=args.named_coders,
            force=args.force,
            protected=default_data_dir(),
        ),
    )


def _importing(folder: Path, force: bool, run: Callable[[Path], Report]) -> int:
    """An import into ``folder``: refused for a shipped folder even with --force; a file that is
    not what the import reads, or a folder in use, is one message, never a traceback."""
    why = shipped(folder) if force else None
    if why:
        print(refusal(folder, why), file=sys.stderr)
        return 1
    try:
        report = run(folder)
    except (NotATable, NotAProject, FolderInUse) as error:
        print(error, file=sys.stderr)
        return 1
    return _imported(report, folder)


def _imported(report: Report, folder: Path) -> int:
    """Print what an import made and left out, then what remains to fill in (``check``)."""
    for line in summary(report):
        print(line)
    print(f"wrote {len(report.written)} files into {folder}")
    _, problems = check(folder)
    if problems:
        print(
            f"\n{len(problems)} thing(s) remain to fill in before the book can be built (python -m casebook check"
            f" {folder}):"
        )
        for problem in problems:
            print(f"  {problem}")
    return 0
