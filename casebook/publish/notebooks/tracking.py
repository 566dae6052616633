"""Which notebooks a change of the case data or of the package makes stale.

Sphinx re-reads (and myst-nb re-executes) only the pages whose source changed; the
notebooks also depend on the case data and on casebook, which Sphinx cannot see. While a
notebook executes, :func:`casebook.book.case` writes each table the notebook reads into a
read log (:func:`log_path`, named by ``$CASEBOOK_DEPENDENCY_LOG``); a later build re-runs
the notebook when one of *its* tables changed — or only the number of rows, for a notebook
that only counts a table — and every notebook when the package changed.

No Sphinx and no kernels here: the hooks (:mod:`.hooks`) and the start before Sphinx
(:mod:`.prefetch`) both ask these functions.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from ...case import ROWS, schema
from ...files import sha256
from ...paths import DESCRIPTOR, default_data_dir

PACKAGE = Path(__file__).resolve().parents[2]
PACKAGE_KEY = "<casebook package>"
"""The key of the package's own fingerprint: when it changes, every page is stale."""


class NotebookState(NamedTuple):
    """What a build knows of one notebook page."""

    path: Path
    read_at: int | None
    """When Sphinx last read it, in µs since the epoch; None: never."""
    reads: frozenset[str] | None
    """The keys of what it read of the case (:func:`casebook.book.dependency_key`); None: not known."""


class Changes(NamedTuple):
    """The fingerprints now, and the keys whose fingerprint differs from the last build's."""

    fingerprints: dict[str, str]
    touched: set[str]


def log_path(doctreedir: Path | str, docname: str) -> Path:
    """Where the read log of ``docname``'s notebook is written while it runs."""
    return Path(doctreedir) / "casebook-deps" / f"{docname}.log"


def read_log(path: Path) -> frozenset[str]:
    """The keys a read log holds (none when it was never written)."""
    return frozenset(path.read_text(encoding="utf-8").splitlines()) - {""} if path.is_file() else frozenset()


def _digest(path: Path) -> str:
    return sha256(path) if path.is_file() else "<missing>"


def _rows(path: Path) -> str:
    """The number of data rows of a CSV file (blank lines skipped, as the loader does)."""
    if not path.is_file():
        return "<missing>"
    with path.open(newline="", encoding="utf-8", errors="replace") as f:
        return str(max(sum(1 for row in csv.reader(f) if any(cell.strip() for cell in row)) - 1, 0))


def case_fingerprints(data_dir: Path, prefix: str = "") -> dict[str, str]:
    """By read key: the SHA-256 of each table of the case in ``data_dir``, and its number of
    rows (``name#rows``); ``prefix`` names another case folder (``/path/to/case|``)."""
    out = {}
    for r in schema.all_resources():
        out[prefix + r.name] = _digest(data_dir / r.path)
        out[prefix + r.name + ROWS] = _rows(data_dir / r.path)
    return out


def fingerprints(data_dir: Path) -> dict[str, str]:
    """The book's case (:func:`case_fingerprints`), and one SHA-256 over the package's code
    and the case's datapackage.json (which pages render: a title, a notice)."""
    out = case_fingerprints(data_dir)
    package = hashlib.sha256()
    sources = sorted(PACKAGE.rglob("*.py")) + [PACKAGE / "case" / DESCRIPTOR, data_dir / DESCRIPTOR]
    for path in sources:  # named relative to the package, so a moved checkout is not a change
        name = path.relative_to(PACKAGE).as_posix() if path.is_relative_to(PACKAGE) else path.name
        package.update(name.encode() + _digest(path).encode())
    out[PACKAGE_KEY] = package.hexdigest()
    return out


def other_cases(keys: Iterable[str]) -> set[str]:
    """The other case folders named in read keys (``/path/to/case|table``)."""
    return {key.split("|", 1)[0] for key in keys if "|" in key}


def changes(previous: Mapping[str, str], reads: Mapping[str, Iterable[str]]) -> Changes:
    """The fingerprints now (the book's case, the other cases the notebooks read, the package),
    and what changed since ``previous`` (the last build's)."""
    current = fingerprints(default_data_dir())
    for root in other_cases(key for keys in reads.values() for key in keys):
        current.update(case_fingerprints(Path(root), root + "|"))
    return Changes(current, {k for k, v in current.items() if previous.get(k) != v})


def stale(notebooks: Mapping[str, NotebookState], touched: set[str]) -> list[str]:
    """The notebooks a build must re-run: those whose recorded reads changed, all of them when
    the package changed, and those whose source is newer than their last reading (or never read)."""
    out = []
    for doc, (path, read_at, reads) in sorted(notebooks.items()):
        newer = read_at is None or not path.is_file() or path.stat().st_mtime_ns // 1000 > read_at
        if newer or PACKAGE_KEY in touched or reads is None or reads & touched:
            out.append(doc)
    return out


def outdated(
    pages: Iterable[str], is_notebook: Callable[[str], bool], reads: Mapping[str, Iterable[str]], touched: set[str]
) -> list[str]:
    """Of ``pages`` (the book's, less those Sphinx reads anyway), those the change makes stale:
    none when nothing changed; every page when the package changed (it renders them all, with
    these extensions and the bibliography style); else the notebooks that read what changed,
    or whose reads are not known."""
    if not touched:
        return []
    if PACKAGE_KEY in touched:
        return list(pages)
    return [d for d in pages if is_notebook(d) and (d not in reads or not touched.isdisjoint(reads[d]))]
