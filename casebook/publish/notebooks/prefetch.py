"""Starting the stale notebooks' kernels before Sphinx starts, from the record the last build left.

Sphinx only asks for kernels once it has loaded every extension and the last build's
environment; a one-row rebuild would spend most of its time waiting for that. So each build
leaves a small record beside its doctrees (:func:`write_record`): every notebook's source,
when it was read and what it read, and the fingerprints it was read against. ``casebook
build`` — what ``make html``, ``make pdf`` and ``make book`` run — reads it, works out
which notebooks the change since then makes stale (:func:`.tracking.stale`) and forks a
:class:`.kernels.ForkedKernelPool` that runs them at once (:func:`start_ahead`), before it
hands over to Jupyter Book. At ``builder-inited`` the extension makes the same prediction
from Sphinx's own environment, which rules: it takes these kernels over (:func:`take_ahead`)
when it has notebooks for them, shuts them down when it has none, and starts kernels of its
own when none were started (a plain ``jupyter-book build``, a first build, a record that is
missing or unreadable). The record decides *when* kernels start, never which notebooks run.

No Sphinx here: this runs before it is imported.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .kernels import ForkedKernelPool, Job
from .tracking import NotebookState, changes, log_path, stale

RECORD = "casebook-kernels.json"
RECORD_SCHEMA = 1


class Prediction(NamedTuple):
    """What the last build's record says of this one."""

    stale: list[str]
    """The notebooks this build will re-run."""
    record: dict[str, Any]


_ahead: ForkedKernelPool | None = None


def record_path(doctreedir: Path | str) -> Path:
    return Path(doctreedir) / RECORD


def write_record(
    doctreedir: Path | str,
    notebooks: Mapping[str, NotebookState],
    fingerprints: Mapping[str, str],
    workers: int,
    timeout: int,
) -> None:
    """What the next ``casebook build`` needs to predict its stale notebooks without Sphinx."""
    record = {
        "schema": RECORD_SCHEMA,
        "workers": workers,
        "timeout": timeout,
        "fingerprints": dict(fingerprints),
        "notebooks": {
            doc: {"path": str(path), "read": read, "deps": None if reads is None else sorted(reads)}
            for doc, (path, read, reads) in sorted(notebooks.items())
        },
    }
    path = record_path(doctreedir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def predicted(doctreedir: Path | str) -> Prediction | None:
    """From the last build's record: the notebooks this build will re-run, and the record;
    None when there is no record this version can read."""
    try:  # a record this version cannot read only means no kernels ahead, never a failed build
        record = json.loads(record_path(doctreedir).read_text(encoding="utf-8"))
        if record.get("schema") != RECORD_SCHEMA:
            return None
        notebooks = {
            doc: NotebookState(Path(n["path"]), int(n["read"]), None if n["deps"] is None else frozenset(n["deps"]))
            for doc, n in record["notebooks"].items()
        }
        reads = {doc: state.reads for doc, state in notebooks.items() if state.reads is not None}
        return Prediction(stale(notebooks, changes(dict(record["fingerprints"]), reads).touched), record)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def start_ahead(doctreedir: Path | str) -> int:
    """Start kernels for the notebooks the last build's record says this build will re-run
    (one per notebook, at most the record's worker count and one core fewer than the machine
    has), in a process of their own that runs those notebooks at once; return how many
    kernels were started. Call it before Sphinx is imported (it forks)."""
    global _ahead
    doctreedir = Path(doctreedir).resolve()  # the kernels run each notebook in its own folder
    found = predicted(doctreedir)
    if found is None or not hasattr(os, "fork"):
        return 0
    stale_docs, record = found
    # Sphinx is still starting, on a core of its own: on 2 cores one kernel ahead finishes the
    # notebooks sooner than two, whose start-up would slow Sphinx's (make bench, side by side).
    count = min(int(record["workers"]), max(1, (os.cpu_count() or 1) - 1), len(stale_docs))
    if count >= 1:
        jobs = {doc: Job(Path(record["notebooks"][doc]["path"]), log_path(doctreedir, doc)) for doc in stale_docs}
        _ahead = ForkedKernelPool(count, int(record["timeout"]), jobs, doctreedir / "casebook-executed")
    return count


def take_ahead() -> ForkedKernelPool | None:
    """The kernels :func:`start_ahead` started for this build, handed over once."""
    global _ahead
    kernels, _ahead = _ahead, None
    return kernels
