"""What a build re-ran and what it produced: the facts behind the reproducibility page.

The page itself is drawn by the book's Sphinx extension at the end of each build; this
module gathers the facts: software versions, SHA-256 of every data file and of every
generated artefact (tables, Figure 1's data and files, the REFI-QDA export), the
notebooks executed and how long each took, and the last nbval result.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .case import Case
from .files import sha256

PACKAGES = (
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "sphinxcontrib-bibtex",
    "pandas",
    "plotly",
    "networkx",
    "kaleido",
    "lxml",
    "nbval",
    "casebook",
)


@dataclass(frozen=True)
class Artefact:
    """Something generated from the data, and its SHA-256."""

    name: str
    what: str
    sha256: str


def build_time() -> str:
    """Now, in ISO 8601 UTC (or SOURCE_DATE_EPOCH when a reproducible build sets it)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).isoformat()


def source_epoch(project: Path) -> int:
    """Seconds since the epoch that date the sources, as reproducible builds do:
    ``SOURCE_DATE_EPOCH``, else the last commit's date, else 0 — never the clock."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=project, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        return int(out)
    except (OSError, subprocess.SubprocessError, ValueError):
        return 0


def source_time(project: Path) -> str:
    """:func:`source_epoch` in ISO 8601 UTC, or "an uncommitted state" when there is none."""
    seconds = source_epoch(project)
    if not seconds:
        return "an uncommitted state"
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


def versions() -> list[tuple[str, str]]:
    """Python, the platform and the key packages, with their versions."""
    out = [("Python", platform.python_version()), ("Platform", platform.platform(terse=True))]
    for name in PACKAGES:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, "not installed"))
    return out


def data_checksums(case: Case) -> list[tuple[str, str]]:
    """SHA-256 of every file of the case folder the package reads."""
    return sorted(case.checksums().items())


def artefacts(case: Case, figures_dir: Path | None = None) -> list[Artefact]:
    """SHA-256 of what the book generates from the data."""
    from . import figures, qdpx, tables

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
