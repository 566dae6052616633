"""Which pages a change of the case data or of the package makes out of date.

Sphinx re-reads (and myst-nb re-executes) only the pages whose source changed; the
notebooks also depend on the case data and on casebook, which Sphinx cannot see. While a
notebook executes, :func:`casebook.book.case` records each table the notebook reads in a
file this module names (``$CASEBOOK_DEPENDENCY_LOG``); on the next build a page is re-read
when one of *its* tables changed — or only its number of rows, for a notebook that only
counts a table — and every page when the package changed. So no stale output survives a
change, and an edit to one CSV file re-runs only the notebooks that show it.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema
from ..book import DEPENDENCY_LOG_ENV
from ..case import ROWS, default_data_dir
from ..files import sha256

if TYPE_CHECKING:  # (casebook build imports this module before Sphinx starts)
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

PACKAGE = Path(__file__).resolve().parent.parent
PACKAGE_KEY = "<casebook package>"


def _digest(path: Path) -> str:
    return sha256(path) if path.is_file() else "<missing>"


def _rows(path: Path) -> str:
    """The number of data rows of a CSV file (blank lines skipped, as the loader does)."""
    if not path.is_file():
        return "<missing>"
    with path.open(newline="", encoding="utf-8", errors="replace") as f:
        return str(max(sum(1 for row in csv.reader(f) if any(cell.strip() for cell in row)) - 1, 0))


def case_fingerprints(data_dir: Path, prefix: str = "") -> dict[str, str]:
    """By dependency key (see :func:`casebook.book.dependency_key`): the SHA-256 of each
    table of the case in ``data_dir``, and its number of rows (``name#rows``)."""
    out = {}
    for r in schema.resources_():
        out[prefix + r.name] = _digest(data_dir / r.path)
        out[prefix + r.name + ROWS] = _rows(data_dir / r.path)
    return out


def fingerprints(data_dir: Path) -> dict[str, str]:
    """The book's case (:func:`case_fingerprints`), and one SHA-256 over the package's code
    and the case's datapackage.json (which pages render: a title, a notice)."""
    out = case_fingerprints(data_dir)
    package = hashlib.sha256()
    sources = sorted(PACKAGE.rglob("*.py")) + [PACKAGE / schema.DESCRIPTOR_NAME, data_dir / schema.DESCRIPTOR_NAME]
    for path in sources:  # named relative to the package, so a moved checkout is not a change
        name = path.relative_to(PACKAGE).as_posix() if path.is_relative_to(PACKAGE) else path.name
        package.update(name.encode() + _digest(path).encode())
    out[PACKAGE_KEY] = package.hexdigest()
    return out


def is_notebook(env: BuildEnvironment, docname: str) -> bool:
    """Whether the page is made by executing a notebook (``.ipynb``, or a MyST text notebook)."""
    path = Path(env.doc2path(docname))
    if path.suffix == ".ipynb":
        return True
    if path.suffix == ".md":  # a MyST text notebook declares a kernel in its front matter
        head = path.read_text(encoding="utf-8")[:2000]
        return head.startswith("---") and "kernelspec" in head.split("\n---", 1)[0]
    return False


def log_path(app: Sphinx, docname: str) -> Path:
    """Where the record of what ``docname``'s notebook read is written while it runs."""
    from .kernels import log_path as in_doctrees

    return in_doctrees(app.doctreedir, docname)


def _other_cases(keys: set[str] | dict[str, str]) -> set[str]:
    """The other case folders named in dependency keys (``/path/to/case|table``)."""
    return {key.split("|", 1)[0] for key in keys if "|" in key}


def changes(previous: Mapping[str, str], deps: Mapping[str, set[str]]) -> tuple[dict[str, str], set[str]]:
    """The fingerprints now (the book's case, the other cases the notebooks read, the package)
    and the keys whose fingerprint differs from ``previous`` (the last build's)."""
    current = fingerprints(default_data_dir())
    for root in _other_cases(set().union(*deps.values()) if deps else set()):
        current.update(case_fingerprints(Path(root), root + "|"))
    return current, {k for k, v in current.items() if previous.get(k) != v}


def _changes(app: Sphinx, env: BuildEnvironment) -> tuple[dict[str, str], set[str]]:
    """:func:`changes` since the last build, computed once a build (the kernels' start and
    Sphinx's outdated check both ask)."""
    found = getattr(app, "_casebook_changes", None)
    if found is None:
        found = changes(getattr(env, "casebook_fingerprints", {}), getattr(env, "casebook_deps", {}))
        if app is not None:  # (the tests ask without a Sphinx application)
            app._casebook_changes = found  # type: ignore[attr-defined]
    return found


def outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """``env-get-outdated``: the pages whose recorded tables (or the package) changed."""
    current, touched = _changes(app, env)
    env.casebook_fingerprints = current  # type: ignore[attr-defined]
    always = [d for d in getattr(env, "casebook_report_docs", set()) if d in env.found_docs and d not in added]
    if not touched:
        return always
    deps: dict[str, set[str]] = getattr(env, "casebook_deps", {})
    notebooks = [d for d in env.found_docs if d not in added and is_notebook(env, d)]
    if PACKAGE_KEY in touched:  # the package renders pages too (these extensions, the bib style)
        return [d for d in env.found_docs if d not in added]
    return always + [d for d in notebooks if d not in deps or deps[d] & touched]


def stale(notebooks: Mapping[str, tuple[Path, int | None, set[str] | None]], touched: set[str]) -> list[str]:
    """Of ``notebooks`` (docname -> (source, when last read in µs or None, the tables it read
    or None)), those a build must re-run: whose recorded tables changed, all of them when the
    package changed, and those whose source is newer than their last reading (or never read)."""
    out = []
    for doc, (path, read_at, deps) in sorted(notebooks.items()):
        newer = read_at is None or not path.is_file() or path.stat().st_mtime_ns // 1000 > read_at
        if newer or PACKAGE_KEY in touched or deps is None or deps & touched:
            out.append(doc)
    return out


def notebook_states(env: BuildEnvironment) -> dict[str, tuple[Path, int | None, set[str] | None]]:
    """The book's ``.ipynb`` pages as :func:`stale` takes them, from Sphinx's environment."""
    deps: dict[str, set[str]] = getattr(env, "casebook_deps", {})
    paths = {doc: Path(env.doc2path(doc)) for doc in env.found_docs}
    return {doc: (path, env.all_docs.get(doc), deps.get(doc)) for doc, path in paths.items() if path.suffix == ".ipynb"}


def predicted_notebooks(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Before reading, without changing anything: the notebooks this build will re-run (:func:`stale`)."""
    return stale(notebook_states(env), _changes(app, env)[1])


def start_recording(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: before a page is parsed (and its notebook executed), a fresh record
    (unless :mod:`.execution` ran the notebook ahead and wrote it already)."""
    from .execution import was_executed

    if was_executed(app, docname):
        os.environ.pop(DEPENDENCY_LOG_ENV, None)
        return
    log = log_path(app, docname)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    os.environ[DEPENDENCY_LOG_ENV] = str(log)


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: after a page is read, remember which tables its code read."""
    os.environ.pop(DEPENDENCY_LOG_ENV, None)
    env = app.env
    log = log_path(app, env.docname)
    used = set(log.read_text(encoding="utf-8").splitlines()) - {""} if log.is_file() else set()
    if not hasattr(env, "casebook_deps"):
        env.casebook_deps = {}  # type: ignore[attr-defined]
    env.casebook_deps[env.docname] = used  # type: ignore[attr-defined]
    # Another case folder read for the first time: remember its state now, so the next
    # build re-runs this page only if that folder changes after this reading.
    known = getattr(env, "casebook_fingerprints", None)
    if known is not None:
        for root in _other_cases(used) - _other_cases(known):
            known.update(case_fingerprints(Path(root), root + "|"))


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: forget what a removed or re-read page depended on."""
    getattr(env, "casebook_deps", {}).pop(docname, None)
    getattr(env, "casebook_report_docs", set()).discard(docname)


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", outdated)
    app.connect("source-read", start_recording)
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
