"""The kernels a build runs its stale notebooks on: a pool in the build's process, and one
forked before Sphinx starts.

A kernel takes about a second to start and import the package, most of what a one-row
rebuild would wait for. :class:`KernelPool` starts kernels in the background, warms each
with the package and the case, and runs the notebooks given to it side by side, each exactly
as myst-nb would (in its own folder, with the build's timeout, a failing cell failing it).
:class:`ForkedKernelPool` does the same in a child process forked before Sphinx is imported
(:mod:`.prefetch`), so that its notebooks run while Sphinx starts.

No Sphinx here (the hooks turn :class:`NotebookFailed` into the build's error) and no
knowledge of which notebooks are stale (:mod:`.tracking`).
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from ...paths import DEPENDENCY_LOG_ENV

WARM_UP = (
    "import casebook.book, casebook.tables, casebook.evidence, casebook.figures\n"
    "casebook.book.depends_on_all(casebook.book.case())  # the case read and checked once per kernel"
)


class Job(NamedTuple):
    """A notebook to run: its source, and the read log its case writes while it runs."""

    source: Path
    read_log: Path


class Executed(NamedTuple):
    """A notebook run: the notebook with its outputs, and how long it took."""

    notebook: Any
    seconds: float


class NotebookFailed(Exception):
    """A notebook could not be run: its kernel did not start, or a cell failed."""


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


class KernelPool:
    """Kernels started in the background, each warmed with the package's imports and the case,
    each running the notebooks given to it (:meth:`submit`) one after the other as soon as it
    is ready — before Sphinx asks for them (:meth:`run`) when they are known early."""

    def __init__(self, count: int, timeout: int):
        from jupyter_client import KernelManager  # deferred: loaded where the kernels run, after a fork

        self.timeout = timeout
        self.managers = [KernelManager(kernel_name="python3") for _ in range(count)]
        self.queues = [ThreadPoolExecutor(max_workers=1) for _ in range(count)]  # one line per kernel
        self.ready: list[Future[Any]] = [
            q.submit(self._boot, km) for q, km in zip(self.queues, self.managers, strict=True)
        ]
        self.jobs: dict[str, Future[Executed]] = {}
        self.queued = [0] * count  # notebooks given to each kernel so far
        self.closed = False
        self.stopping: threading.Thread | None = None
        atexit.register(self.join)  # whatever stops the build, no kernel outlives it

    @property
    def size(self) -> int:
        return len(self.managers)

    def _boot(self, km: Any) -> Any:
        """Start the kernel, warm it, and keep its client: one client serves every notebook
        the kernel runs (a new client per notebook would wait ~0.2 s for the kernel each time)."""
        import nbformat  # deferred: nbformat and nbclient, as jupyter_client
        from nbclient import NotebookClient

        km.start_kernel(env={k: v for k, v in os.environ.items() if k != DEPENDENCY_LOG_ENV})
        warm = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WARM_UP)])
        client = NotebookClient(warm, km=km, timeout=self.timeout, allow_errors=False, record_timing=False)
        client.execute()
        return client

    def submit(self, jobs: Mapping[str, Job]) -> None:
        """Queue each notebook (by docname) not queued yet on the kernel with the fewest, to run
        as soon as the kernel is free."""
        for doc, (path, log) in jobs.items():
            if doc not in self.jobs:
                index = self.queued.index(min(self.queued))
                self.queued[index] += 1
                self.jobs[doc] = self.queues[index].submit(self._execute, index, path, log)

    def run(self, jobs: Mapping[str, Job]) -> dict[str, Executed]:
        """Each notebook executed (queued now if it was not), by docname."""
        self.submit(jobs)
        return {doc: self.jobs[doc].result() for doc in jobs}

    def _execute(self, index: int, path: Path, log: Path) -> Executed:
        import nbformat  # deferred: as in _boot

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
        return Executed(notebook, time.perf_counter() - start)

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


class ForkedKernelPool:
    """Kernels started before Sphinx, in a child process of their own, forked from
    ``casebook build`` before it imports Sphinx: they run the predicted notebooks there, so
    that the client that talks to each kernel never waits for Sphinx's hold on Python's lock
    (on threads of the build's process, that wait made the notebooks run twice as long).
    Each executed notebook comes back as a file beside the doctrees, announced by a line on
    a pipe; a notebook Sphinx wants and the child was not given runs on kernels of the
    build's own process (:class:`KernelPool`), started as soon as it is known."""

    def __init__(self, count: int, timeout: int, jobs: Mapping[str, Job], folder: Path):
        self.size, self.timeout, self.folder = count, timeout, folder
        self.given = set(jobs)
        self.done: dict[str, Executed] = {}
        self.failed: dict[str, str] = {}
        self.local: KernelPool | None = None
        self.closed = False
        folder.mkdir(parents=True, exist_ok=True)
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: nothing of the build's but this
            os.close(read)
            os._exit(self._child(write, jobs))
        os.close(write)
        self.pipe = os.fdopen(read, encoding="utf-8")
        atexit.register(self.join)

    def _child(self, write: int, jobs: Mapping[str, Job]) -> int:
        import nbformat  # deferred: as in KernelPool._boot

        kernels = None
        try:
            with os.fdopen(write, "w", encoding="utf-8") as out:
                kernels = KernelPool(self.size, self.timeout)
                kernels.submit(jobs)
                for doc in jobs:
                    line: dict[str, Any]
                    try:
                        notebook, seconds = kernels.run({doc: jobs[doc]})[doc]
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

    def submit(self, jobs: Mapping[str, Job]) -> None:
        """Notebooks the child was not given: onto kernels of this process, started now."""
        missing = {doc: job for doc, job in jobs.items() if doc not in self.given}
        if missing:
            if self.local is None:
                self.local = KernelPool(min(self.size, len(missing)), self.timeout)
            self.local.submit(missing)

    def run(self, jobs: Mapping[str, Job]) -> dict[str, Executed]:
        """Each notebook executed, by docname: the child's as it announces them, the others here."""
        self.submit(jobs)
        local = self.local.run({d: j for d, j in jobs.items() if d not in self.given}) if self.local else {}
        wanted = [doc for doc in jobs if doc in self.given]
        while any(doc not in self.done and doc not in self.failed for doc in wanted):
            self._receive(wanted)
        for doc in wanted:
            if doc in self.failed:
                raise NotebookFailed(self.failed[doc])
        return {doc: local[doc] if doc in local else self.done[doc] for doc in jobs}

    def _receive(self, wanted: list[str]) -> None:
        """The child's next line: a notebook run (read back from its file), or why it failed."""
        import nbformat  # deferred: as in KernelPool._boot

        line = self.pipe.readline()
        if not line:
            raise NotebookFailed(f"the kernels started before Sphinx stopped before running {wanted}")
        done = json.loads(line)
        if "error" in done:
            self.failed[done["doc"]] = done["error"]
        else:
            self.done[done["doc"]] = Executed(nbformat.read(done["file"], as_version=4), done["seconds"])

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
