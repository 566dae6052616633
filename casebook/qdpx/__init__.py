"""REFI-QDA (QDPX) interchange: the case out to qualitative-analysis software, and back in.

- :mod:`.codebook` — the convention by which framework elements, types of work and actor
  groups are codes (and how an import recognises them);
- :mod:`.export` — the case as a ``.qdpx`` project and its code book as a ``.qdc``;
- :mod:`.importer` — a ``.qdpx`` project, from this package or from ATLAS.ti, MAXQDA,
  NVivo or QualCoder, as a new case folder, with a report of what was left out: the
  archive and its XML read by :mod:`.reader`, its elements mapped onto a case by :mod:`.mapping`;
  in a project of several coders, its users become coders by :mod:`.coders` and their
  overlapping selections shared segments by :mod:`.align`.
"""

from .codebook import Code, code_key, codes, guid
from .export import (
    CODEBOOK_NS,
    PROJECT_ENTRY,
    PROJECT_NS,
    SOURCES_FOLDER,
    USER_NAME,
    codebook_xml,
    project_xml,
    qdpx_bytes,
    sources,
    write_qdc,
    write_qdpx,
)
from .importer import FolderInUse, NotAProject, import_project

__all__ = [
    "CODEBOOK_NS",
    "PROJECT_ENTRY",
    "PROJECT_NS",
    "SOURCES_FOLDER",
    "USER_NAME",
    "Code",
    "FolderInUse",
    "NotAProject",
    "code_key",
    "codebook_xml",
    "codes",
    "guid",
    "import_project",
    "project_xml",
    "qdpx_bytes",
    "sources",
    "write_qdc",
    "write_qdpx",
]
