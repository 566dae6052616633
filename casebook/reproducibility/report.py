"""What a build re-ran and what it produced: the facts behind the reproducibility page.

The page itself is drawn by the book's Sphinx extension at the end of each build; this
module gathers the facts: software versions, SHA-256 of every data file and of every
generated artefact (tables, Figure 1's data and files, the REFI-QDA export), the
notebooks executed and how long each took, and the last nbval result.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .. import figures, qdpx, tables
from ..case import Case
from ..files import sha256
from .provenance import build_time, data_checksums, source_time
from .provenance import versions as _versions

# What publish/reports.py reads from here: the page's facts, the provenance ones included.
__all__ = ["Artefact", "NbvalResult", "artefacts", "build_time", "data_checksums", "dt", "nbval_result", "source_time"]
__all__ += ["versions"]


@dataclass(frozen=True)
class Artefact:
    """Something generated from the data, and its SHA-256."""

    name: str
    what: str
    sha256: str


def versions() -> list[tuple[str, str]]:
    """Python, the platform and the key packages, with their versions, as the page lists them."""
    return [(name, version or "not installed") for name, version in _versions().items()]


def artefacts(case: Case, figures_dir: Path | None = None) -> list[Artefact]:
    """SHA-256 of what the book generates from the data."""
    out = [
        Artefact("Table 1", "table content, as the book shows it", sha256(tables.institutional_work(case).json())),
        Artefact("Table 2", "table content", sha256(tables.interviewees(case).json())),
        Artefact("Table 3", "table content", sha256(tables.governance_in_practice(case).json())),
        Artefact("Code book", "table content (coding page)", sha256(tables.code_book(case).json())),
        Artefact("Figure 1 data", "plotly JSON (data and layout)", sha256(figures.json_text(figures.figure(case)))),
        Artefact("REFI-QDA project", "QDPX archive", sha256(qdpx.qdpx_bytes(case))),
    ]
    if figures_dir is not None and figures_dir.is_dir():
        for path in sorted(figures_dir.glob("figure1.*")):
            if path.suffix != ".html":
                out.append(Artefact(f"figures/{path.name}", "file written by make figures", sha256(path)))
    return out


@dataclass(frozen=True)
class NbvalResult:
    """Summary of the last nbval run (pytest --nbval --junitxml)."""

    tests: int
    failures: int
    errors: int
    skipped: int
    seconds: float
    when: str

    @property
    def passed(self) -> bool:
        return self.tests > 0 and self.failures == 0 and self.errors == 0


def nbval_result(junit_xml: Path) -> NbvalResult | None:
    """Read a junit XML file written by ``pytest --nbval``; None if there is none."""
    if not junit_xml.is_file():
        return None
    root = ET.parse(junit_xml).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    if suite is None:
        return None
    return NbvalResult(
        int(suite.get("tests", 0)),
        int(suite.get("failures", 0)),
        int(suite.get("errors", 0)),
        int(suite.get("skipped", 0)),
        float(suite.get("time", 0.0)),
        suite.get("timestamp", ""),
    )
