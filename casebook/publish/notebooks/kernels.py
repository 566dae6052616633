"""The kernels a build runs its stale notebooks on, and starting them before Sphinx does.

A kernel takes about a second to start and import the package; most of a one-row rebuild
used to be spent waiting for it, because Sphinx only asks for kernels once it has loaded
every extension and the last build's environment (:mod:`.execution`, ``builder-inited``).
Each build therefore leaves a small record beside its doctrees (:func:`write_record`):
for every notebook, its source, when it was read and the tables it read, and the
fingerprints of the case and package it was read against. ``casebook build`` — what
``make html``, ``make pdf`` and ``make book`` run: ``jupyter-book build`` with this one
step first — reads that record, works out with :func:`.dependencies.stale` which notebooks
the change since then makes stale, and starts a kernel for them in a process of its own,
which runs them at once (:func:`start_ahead`, :class:`Ahead`), before it hands over to
Jupyter Book. At ``builder-inited`` the extension makes the same prediction
from Sphinx's own environment, which rules: it takes these kernels over
(:func:`take_ahead`) when it has notebooks for them, shuts them down when it has none, and
starts kernels itself when none were started ahead (a plain ``jupyter-book build``, a
first build, a record that is missing or unreadable). The record only ever decides *when*
kernels start, never which notebooks run.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sphinx.errors import SphinxError

from ..book import DEPENDENCY_LOG_ENV

WARM_UP = (
    "import casebook.book, casebook.tables, casebook.evidence, casebook.figures\n"
    "casebook.book.depends_on_all(casebook.book.case())  # the case read and checked once per kernel"
)
RECORD = "casebook-kernels.json"
RECORD_SCHEMA = 1


class NotebookFailed(SphinxError):
    category = "Notebook execution failed"


def _prelude(folder: Path, log: Path) -> str:
    """Run before each notebook on a kernel: a clean namespace, the notebook's folder, its record."""
    return (
        f"%reset -f\nimport os as _os\n_os.chdir({str(folder)!r})\n"
        f"_os.environ[{DEPENDENCY_LOG_ENV!r}] = {str(log)!r}\n"
        "import casebook.book as _book\n_book.forget_reads()\ndel _os, _book"
    )


def _renumber(notebook: Any) -> None:
    """Execution counts as a fresh kernel gives them (the prelude took the first one)."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("execution_count"):
            cell.execution_count -= 1
            for output in cell.get("outputs", []):
                if output.get("execution_count"):
                    output.execution_count -= 1


class Kernels:
    """Kernels started in the background, each warmed with the package's imports and the case,
    each running the notebooks given to it (:meth:`submit`) one after the other as soon as it
    is ready — before Sphinx asks for them (:meth:`run`) when they are known early."""

    def __init__(self, count: int, timeout: int):
        from jupyter_client import KernelManager

        self.timeout = timeout
        self.managers = [KernelManager(kernel_name="python3") for _ in range(count)]
        self.queues = [ThreadPoolExecutor(max_workers=1) for _ in range(count)]  # one line per kernel
        self.ready: list[Future] = [q.submit(self._boot, km) for q, km in zip(self.queues, self.managers, strict=True)]
        self.jobs: dict[str, Future] = {}
        self.load = [0] * count
        self.closed = False
        self.stopping: threading.Thread | None = None
        atexit.register(self.join)  # whatever stops the build, no kernel outlives it

    @property
    def size(self) -> int:
        return len(self.managers)

    def _boot(self, km: Any) -> Any:
        """Start the kernel, warm it, and keep its client: one client serves every notebook
        the kernel runs (a new client per notebook would wait ~0.2 s for the kernel each time)."""
        import nbformat
        from nbclient import NotebookClient

        km.start_kernel(env={k: v for k, v in os.environ.items() if k != DEPENDENCY_LOG_ENV})
        warm = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WARM_UP)])
        client = NotebookClient(warm, km=km, timeout=self.timeout, allow_errors=False, record_timing=False)
        client.execute()
        return client

    def submit(self, paths: dict[str, tuple[Path, Path]]) -> None:
        """Queue each notebook (docname -> (source, record of its reads)) not queued yet on the
        kernel with the fewest, to run as soon as the kernel is free."""
        for doc, (path, log) in paths.items():
            if doc not in self.jobs:
                index = self.load.index(min(self.load))
                self.load[index] += 1
                self.jobs[doc] = self.queues[index].submit(self._execute, index, path, log)

    def run(self, paths: dict[str, tuple[Path, Path]]) -> dict[str, tuple[Any, float]]:
        """Each notebook executed (queued now if it was not): docname -> (notebook, seconds)."""
        self.submit(paths)
        return {doc: self.jobs[doc].result() for doc in paths}

    def _execute(self, index: int, path: Path, log: Path) -> tuple[Any, float]:
        import nbformat

        try:
            client = self.ready[index].result()
        except Exception as error:  # the warm-up failed: the package or the case cannot be read
            raise NotebookFailed(f"{path}: the kernel to run it could not start: {error}") from None
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("", encoding="utf-8")
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(0, nbformat.v4.new_code_cell(_prelude(path.parent, log)))
        start = time.perf_counter()
        client.nb = notebook
        try:
            client.execute()
        except Exception as error:  # a failing cell fails the build, as raise_on_error asks
            raise NotebookFailed(f"{path}: {error}") from None
        notebook.cells.pop(0)
        _renumber(notebook)
        return notebook, time.perf_counter() - start

    def close(self) -> None:
        """Stop every kernel, in the background: the build goes on while they exit
        (:meth:`join` waits for them, at the end of the build and at the latest at exit)."""
        if self.closed:
            return
        self.closed = True
        self.stopping = threading.Thread(target=self._stop, name="casebook-kernels-stop")
        self.stopping.start()

    def _stop(self) -> None:
        for queue in self.queues:  # notebooks queued and not asked for are not run
            queue.shutdown(wait=True, cancel_futures=True)
        for future in self.ready:
            if future.exception() is None and future.result().kc is not None:
                future.result().kc.stop_channels()
        for km in self.managers:
            if km.has_kernel:
                km.shutdown_kernel(now=True)

    def join(self) -> None:
        """Stop the kernels (if not yet asked) and wait until every one has exited."""
        self.close()
        if self.stopping is not None:
            self.stopping.join()


# --- the kernels started before Sphinx, in a process of their own -----------------------------


class Ahead:
    """Kernels started before Sphinx, in a child process of their own, forked from
    ``casebook build`` before it imports Sphinx: they run the predicted notebooks there, so
    that the client that talks to each kernel never waits for Sphinx's hold on Python's lock
    (on threads of the build's process, that wait made the notebooks run twice as long).
    Each executed notebook comes back as a file beside the doctrees, announced by a line on
    a pipe; a notebook Sphinx wants and the child was not given runs on kernels of the
    build's own process (:class:`Kernels`), started as soon as it is known."""

    def __init__(self, count: int, timeout: int, paths: dict[str, tuple[Path, Path]], folder: Path):
        self.size, self.timeout, self.folder = count, timeout, folder
        self.given = set(paths)
        self.results: dict[str, tuple[Any, float] | str] = {}
        self.local: Kernels | None = None
        self.closed = False
        folder.mkdir(parents=True, exist_ok=True)
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: nothing of the build's but this
            os.close(read)
            os._exit(self._child(write, paths))
        os.close(write)
        self.pipe = os.fdopen(read, encoding="utf-8")
        atexit.register(self.join)

    def _child(self, write: int, paths: dict[str, tuple[Path, Path]]) -> int:
        import nbformat

        kernels = None
        try:
            with os.fdopen(write, "w", encoding="utf-8") as out:
                kernels = Kernels(self.size, self.timeout)
                kernels.submit(paths)
                for doc in paths:
                    try:
                        notebook, seconds = kernels.run({doc: paths[doc]})[doc]
                        file = self.folder / f"{doc}.ipynb"
                        file.parent.mkdir(parents=True, exist_ok=True)
                        nbformat.write(notebook, file)
                        line = {"doc": doc, "file": str(file), "seconds": seconds}
                    except NotebookFailed as error:
                        line = {"doc": doc, "error": str(error)}
                    out.write(json.dumps(line) + "\n")
                    out.flush()  # (a closed pipe: the build needs nothing more; stop here)
            return 0
        except BaseException:  # noqa: BLE001  (whatever stops the child, its kernels go with it)
            return 1
        finally:
            if kernels is not None:
                kernels.join()

    def submit(self, paths: dict[str, tuple[Path, Path]]) -> None:
        """Notebooks the child was not given: onto kernels of this process, started now."""
        missing = {doc: pair for doc, pair in paths.items() if doc not in self.given}
        if missing:
            if self.local is None:
                self.local = Kernels(min(self.size, len(missing)), self.timeout)
            self.local.submit(missing)

    def run(self, paths: dict[str, tuple[Path, Path]]) -> dict[str, tuple[Any, float]]:
        import nbformat

        self.submit(paths)
        local = self.local.run({d: p for d, p in paths.items() if d not in self.given}) if self.local else {}
        wanted = [doc for doc in paths if doc in self.given]
        while any(doc not in self.results for doc in wanted):
            line = self.pipe.readline()
            if not line:
                raise NotebookFailed(f"the kernels started before Sphinx stopped before running {wanted}")
            done = json.loads(line)
            self.results[done["doc"]] = done.get("error") or (
                nbformat.read(done["file"], as_version=4),
                done["seconds"],
            )
        for doc in wanted:
            if isinstance(self.results[doc], str):
                raise NotebookFailed(self.results[doc])
        return {doc: local[doc] if doc in local else self.results[doc] for doc in paths}  # type: ignore[misc]

    def close(self) -> None:
        """The build needs nothing more: the child stops after the notebook it is running."""
        if not self.closed:
            self.closed = True
            self.pipe.close()
            if self.local is not None:
                self.local.close()

    def join(self) -> None:
        self.close()
        if self.local is not None:
            self.local.join()
        if self.pid:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0


# --- the record a build leaves, and the start before Sphinx ------------------------------------

_ahead: Ahead | None = None


def record_path(doctreedir: Path | str) -> Path:
    return Path(doctreedir) / RECORD


def log_path(doctreedir: Path | str, docname: str) -> Path:
    """Where the record of what ``docname``'s notebook read is written while it runs."""
    return Path(doctreedir) / "casebook-deps" / f"{docname}.log"


def write_record(
    doctreedir: Path | str,
    notebooks: dict[str, tuple[Path, int | None, set[str] | None]],
    fingerprints: dict[str, str],
    workers: int,
    timeout: int,
) -> None:
    """What the next ``casebook build`` needs to predict its stale notebooks without Sphinx
    (``notebooks`` as :func:`.dependencies.notebook_states` gives them)."""
    record = {
        "schema": RECORD_SCHEMA,
        "workers": workers,
        "timeout": timeout,
        "fingerprints": fingerprints,
        "notebooks": {
            doc: {"path": str(path), "read": read, "deps": None if deps is None else sorted(deps)}
            for doc, (path, read, deps) in sorted(notebooks.items())
        },
    }
    path = record_path(doctreedir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def predicted(doctreedir: Path | str) -> tuple[list[str], dict[str, Any]] | None:
    """From the last build's record: the notebooks this build will re-run, and the record;
    ``None`` when there is no record this version can read."""
    from .dependencies import changes, stale

    try:  # a record this version cannot read only means no kernels ahead, never a failed build
        record = json.loads(record_path(doctreedir).read_text(encoding="utf-8"))
        if record.get("schema") != RECORD_SCHEMA:
            return None
        notebooks = {
            doc: (Path(n["path"]), int(n["read"]), None if n["deps"] is None else set(n["deps"]))
            for doc, n in record["notebooks"].items()
        }
        deps = {doc: d for doc, (_, _, d) in notebooks.items() if d is not None}
        return stale(notebooks, changes(dict(record["fingerprints"]), deps)[1]), record
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def start_ahead(doctreedir: Path | str) -> int:
    """Start kernels for the notebooks the last build's record says this build will re-run
    (one per notebook, at most the record's worker count and one core fewer than the machine
    has), in a process of their own (:class:`Ahead`) that runs those notebooks at once;
    return how many kernels were started. Call it before Sphinx is imported (it forks)."""
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
        paths = {doc: (Path(record["notebooks"][doc]["path"]), log_path(doctreedir, doc)) for doc in stale_docs}
        _ahead = Ahead(count, int(record["timeout"]), paths, doctreedir / "casebook-executed")
    return count


def take_ahead() -> Ahead | None:
    """The kernels :func:`start_ahead` started for this build, handed over once."""
    global _ahead
    kernels, _ahead = _ahead, None
    return kernels
