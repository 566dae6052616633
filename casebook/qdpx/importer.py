"""A REFI-QDA project (``.qdpx``) as a new case folder: ``casebook import-qdpx PROJECT CASE_DIR``.

What a QDA project holds becomes the coded layer of a case:

- **codes** map onto the case's framework elements, types of work and actor groups by
  the convention of :mod:`.codebook`: by GUID first, then by their names. The code book
  is the project's own (read by that convention) or, with ``codebook=``, that of another
  case folder or ``.qdc`` file (the one the coding was done against); its framework
  elements and actor groups become ``framework.csv`` and ``actors.csv``;
- **cases** (REFI ``Cases``) become interviewees: the letter from the case's name
  ("Interviewee B", "B") or the next free one, role and organisation from its variables
  (Role, Organization/Organisation, Short organization, Actor group). Names are never
  written into the case folder: a case named after a person gets a letter, and the
  report says which;
- **text selections** with codings in the sources of a case become quotes: the exact
  characters between start and end (code points, end exclusive, as REFI-QDA counts them;
  ``offsets="utf16"`` reads positions counted in UTF-16 units, as some tools do), with
  one row of ``codings.csv`` per code; the speaker's own actor group is not a coding;
- **users**: in a project coded by two users or more, each coding's ``creatingUser`` becomes
  ``codings.coder`` (:mod:`.coders`), and the coders' overlapping selections of a source are
  aligned into shared segments (:mod:`.align`), each one quote with every coder's codes;
  overlaps too small to align are reported. A project of one user fills no coder column;
- **other text sources** (not linked to any case) become documents; in a project with no
  cases at all, each coded text source is taken for the transcript of one interviewee.

Everything else — a code outside the code book, a selection in a picture, PDF, audio or
video source, a note (memo), a set, a link, a graph, a variable that is no column — is
reported as ``project.qde: <element> <guid>: what it is and why it was left out``, never
dropped silently. The analytic layer (Table 1's activities, Table 3's findings, Figure 1's
arrows, the evidence) is not in a QDA project: those files start with their header only,
and ``casebook check`` lists what remains to fill in.

A file that is not a REFI-QDA project raises :class:`NotAProject` with one sentence.
The target folder must be new or empty (``force=True`` replaces the case files in it);
nothing outside it is written, and the book's own ``data/`` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..case.folder import in_use, write_case
from ..case.rules import NAMED_CODERS
from .align import THRESHOLD
from .coders import coder_ids
from .mapping import Rows, Sources, interviewee_rows, map_codes, people, report_other_elements, report_unmapped_codes
from .reader import Entry, NotAProject, Report, codebook_entries, position_counting, read_project

__all__ = ["FolderInUse", "Imported", "NotAProject", "Report", "convert", "import_project", "summary"]


class FolderInUse(Exception):
    """The target folder holds files (and ``force`` was not given), or is the book's own data."""


@dataclass
class Imported:
    """The tables an import writes (rows as dicts keyed by column)."""

    tables: dict[str, Rows]
    report: Report
    title: str


def convert(
    path: Path, codebook: Path | None = None, offsets: str = "auto", align: float = THRESHOLD, named: bool = False
) -> Imported:
    """Read the project at ``path`` into case tables, and what was left out.

    ``align``: the share of the shorter of two coders' selections they must have in common
    to be one segment (:mod:`.align`); ``named``: coders by their user names, not ``c1``, ``c2``."""
    report = Report()
    project, archive = read_project(path)
    coders = coder_ids(project, named, report)
    entries = codebook_entries(codebook, project, report)
    mapped = map_codes(project, entries)
    actor_entries = [e for e in entries if e.scheme == "actor"]
    actor_by_label = {e.name.lower(): str(e.ident) for e in actor_entries} | {
        str(e.ident): str(e.ident) for e in actor_entries
    }
    found = people(project, actor_by_label, mapped, report)
    sources = Sources(project, archive, found, mapped, position_counting(project, offsets), report, coders, align)
    if coders:
        report.note(
            "Project",
            None,
            f"{len(set(coders.values()))} coders: {sources.aligned} segment(s) shared by two coders or more (their"
            f" selections have at least {align:.0%} of the shorter in common); {sources.unaligned} overlap(s) of"
            f" different coders' selections not aligned{', each listed here' if sources.unaligned else ''}",
        )
    report_unmapped_codes(project, mapped, sources.used, report)
    report_other_elements(project, report)
    tables = {
        "framework": _framework_rows(entries),
        "actors": _actor_rows(codebook) or _actor_rows_of(actor_entries),
        "interviewees": interviewee_rows(found),
        "excerpts": sources.excerpts,
        "codings": sources.codings,
        "documents": sources.document_rows(),
    }
    report.counts = {name: len(rows) for name, rows in tables.items()}
    return Imported(tables, report, project.get("name") or path.stem)


def _framework_rows(entries: list[Entry]) -> Rows:
    framework = [e for e in entries if e.scheme == "framework"]
    return [
        {
            "id": e.ident,
            "label": e.name,
            "parent": e.parent,
            "leads_to": e.leads_to,
            "order": i,
            "description": e.description or None,
        }
        for i, e in enumerate(framework, start=1)
    ]


def _actor_rows_of(entries: list[Entry]) -> Rows:
    return [
        {"id": e.ident, "label": e.name, "order": i, "description": e.description or None}
        for i, e in enumerate(entries, start=1)
    ]


def _actor_rows(codebook: Path | None) -> Rows | None:
    """The actor groups of a reference case folder, whole (level, sector, placement too)."""
    if codebook is None or not codebook.is_dir():
        return None
    from ..case import load  # deferred: pandas, only for a code book taken from a case folder

    frame = load(codebook).actors
    return [{k: (None if str(v) == "<NA>" else v) for k, v in row.items()} for row in frame.to_dict("records")]


def import_project(
    path: Path | str,
    folder: Path | str,
    codebook: Path | str | None = None,
    force: bool = False,
    offsets: str = "auto",
    protected: Path | None = None,
    align: float = THRESHOLD,
    named_coders: bool = False,
) -> Report:
    """Write the case folder ``folder`` from the project at ``path``; return the report.

    ``protected`` is a folder never written to (the book's own case, ``data/``)."""
    path, folder = Path(path), Path(folder)
    if protected is not None and folder.resolve() == Path(protected).resolve():
        raise FolderInUse(f"{folder}: this is the book's own case folder; import into a new folder instead")
    if in_use(folder) and not force:
        raise FolderInUse(
            f"{folder}: already exists and is not an empty folder; choose a new one, or --force to"
            " replace the case files in it"
        )
    imported = convert(path, Path(codebook) if codebook else None, offsets, align, named_coders)
    description = (
        f"Imported from the REFI-QDA project {path.name} by casebook import-qdpx: what the case is"
        " about is yet to be written here."
    )
    named = {NAMED_CODERS: True} if named_coders else None
    imported.report.written = write_case(folder, imported.title, description, imported.tables, named)
    return imported.report


def summary(report: Report) -> list[str]:
    """The report as lines to print: what was made, then what was left out and why."""
    lines = [f"made {n} {name} row(s)" for name, n in report.counts.items()]
    return lines + report.notes + report.left_out
