"""Where the sources stand: the date of the last commit, the software's versions and the data's
checksums, read one way for the reproducibility page, the PDF's date and the release bundle."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from ..case import Case

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
"""The packages whose versions the book and its release bundle name."""


def git(project: Path, *args: str) -> str | None:
    """What ``git args`` prints in ``project`` (stripped), or None when git cannot say."""
    try:
        done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def source_epoch(project: Path) -> int:
    """Seconds since the epoch that date the sources, as reproducible builds do:
    ``SOURCE_DATE_EPOCH``, else the last commit's date, else 0 — never the clock."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    found = git(project, "log", "-1", "--format=%ct")
    return int(found) if found and found.isdigit() else 0


def from_timestamp(seconds: float) -> str:
    """A moment in ISO 8601 UTC, to the second."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(microsecond=0).isoformat()


def source_time(project: Path) -> str:
    """:func:`source_epoch` in ISO 8601 UTC, or "an uncommitted state" when there is none."""
    seconds = source_epoch(project)
    return from_timestamp(seconds) if seconds else "an uncommitted state"


def source_date(project: Path) -> str | None:
    """The day of :func:`source_epoch` (``YYYY-MM-DD``, UTC); None when the sources have no date."""
    seconds = source_epoch(project)
    return from_timestamp(seconds)[:10] if seconds else None


def build_time() -> str:
    """Now, in ISO 8601 UTC (or SOURCE_DATE_EPOCH when a reproducible build sets it)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return from_timestamp(int(epoch) if epoch else dt.datetime.now(dt.UTC).timestamp())


def versions() -> dict[str, str | None]:
    """Python, the platform and each of :data:`PACKAGES`, with their versions (None: not installed)."""
    out: dict[str, str | None] = {"Python": platform.python_version(), "Platform": platform.platform(terse=True)}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def data_checksums(case: Case) -> list[tuple[str, str]]:
    """SHA-256 of every file of the case folder the package reads, by file name."""
    return sorted(case.checksums().items())
