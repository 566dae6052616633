"""The notebooks a build must re-run, run side by side on kernels started early.

myst-nb executes each notebook when Sphinx reads it, one after the other, each in a fresh
kernel whose start-up is most of the time a chapter takes. Here, as soon as the builder
starts, when the change (of the data, of the package or of a notebook) means notebooks
will be re-run, kernels are started in the background — one per core, at most four
(``casebook_execution_workers``) — and warmed with the package's imports and the case's
tables while Sphinx loads the rest. When Sphinx is about to read, the notebooks it will read run on them
side by side, each exactly as myst-nb would run it (in its own folder, with the build's
timeout, a failing cell stopping the build), one kernel running several notebooks one
after the other, its namespace cleared (``%reset``) before each. Sphinx is then handed
the executed notebook, which myst-nb renders without executing it again; the
reproducibility report records how each ran; what each read of the case is recorded
as before (:mod:`.dependencies`). nbval still runs every notebook in a fresh kernel of
its own, so a notebook that relied on another's state would fail there.
"""

from __future__ import annotations

import atexit
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxError
from sphinx.util import logging

from ..book import DEPENDENCY_LOG_ENV
from .dependencies import is_notebook, log_path, predicted_notebooks

logger = logging.getLogger(__name__)
METHOD = "casebook (kernels started early, side by side)"
WARM_UP = ("import casebook.book, casebook.tables, casebook.evidence, casebook.figures\n"
           "casebook.book.depends_on_all(casebook.book.case())  # the case read and checked once per kernel")


class NotebookFailed(SphinxError):
    category = "Notebook execution failed"


def _prelude(folder: Path, log: Path) -> str:
    """Run before each notebook on a kernel: a clean namespace, the notebook's folder, its record."""
    return (f"%reset -f\nimport os as _os\n_os.chdir({str(folder)!r})\n"
            f"_os.environ[{DEPENDENCY_LOG_ENV!r}] = {str(log)!r}\n"
            "import casebook.book as _book\n_book.forget_reads()\ndel _os, _book")


def _renumber(notebook: nbformat.NotebookNode) -> None:
    """Execution counts as a fresh kernel gives them (the prelude took the first one)."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("execution_count"):
            cell.execution_count -= 1
            for output in cell.get("outputs", []):
                if output.get("execution_count"):
                    output.execution_count -= 1


class Kernels:
    """Kernels started in the background, each warmed with the package's imports and the case."""

    def __init__(self, count: int, timeout: int):
        from jupyter_client import KernelManager

        self.timeout = timeout
        self.pool = ThreadPoolExecutor(max_workers=count)
        self.managers = [KernelManager(kernel_name="python3") for _ in range(count)]
        self.ready: list[Future] = [self.pool.submit(self._boot, km) for km in self.managers]
        self.closed = False
        atexit.register(self.close)  # whatever stops the build, no kernel outlives it

    def _boot(self, km: Any) -> Any:
        """Start the kernel, warm it, and keep its client: one client serves every notebook
        the kernel runs (a new client per notebook would wait ~0.2 s for the kernel each time)."""
        from nbclient import NotebookClient

        km.start_kernel(env={k: v for k, v in os.environ.items() if k != DEPENDENCY_LOG_ENV})
        warm = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WARM_UP)])
        client = NotebookClient(warm, km=km, timeout=self.timeout, allow_errors=False, record_timing=False)
        client.execute()
        return client

    def run(self, paths: dict[str, tuple[Path, Path]]) -> dict[str, tuple[nbformat.NotebookNode, float]]:
        """Execute each notebook (docname -> (path, record)) on the kernels, side by side."""
        docs = list(paths)
        shares = [docs[i::len(self.managers)] for i in range(len(self.managers))]
        with ThreadPoolExecutor(max_workers=len(shares)) as pool:
            results = list(pool.map(lambda pair: self._run_share(pair[0], pair[1], paths), enumerate(shares)))
        return {doc: done for share in results for doc, done in share.items()}

    def _run_share(self, index: int, docs: list[str], paths: dict) -> dict:
        client = self.ready[index].result()
        out = {}
        for doc in docs:
            path, log = paths[doc]
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
            out[doc] = (notebook, time.perf_counter() - start)
        return out

    def close(self) -> None:
        """Stop every kernel (waiting for one still starting, so that none is left behind)."""
        if self.closed:
            return
        self.closed = True
        for future in self.ready:
            if future.exception() is None and future.result().kc is not None:  # waits for one still starting
                future.result().kc.stop_channels()
        for km in self.managers:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
        self.pool.shutdown()


def workers(app: Sphinx) -> int:
    return app.config.casebook_execution_workers or min(os.cpu_count() or 1, 4)


def start_kernels(app: Sphinx) -> None:
    """``builder-inited``: when notebooks will be re-run, start kernels for them now."""
    if app.config.nb_execution_mode != "force" or not hasattr(app, "env"):
        return
    expected = predicted_notebooks(app, app.env)
    count = min(workers(app), len(expected))
    if count >= 1:
        app.casebook_kernels = Kernels(count, app.config.nb_execution_timeout)  # type: ignore[attr-defined]
        logger.info(f"[casebook] starting {count} kernel(s) for {len(expected)} notebook(s) to re-run")


def execute_ahead(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: execute the notebooks among ``docnames`` on the kernels."""
    if app.config.nb_execution_mode != "force":
        return
    notebooks = [d for d in docnames if Path(env.doc2path(d)).suffix == ".ipynb" and is_notebook(env, d)]
    kernels: Kernels | None = getattr(app, "casebook_kernels", None)
    if not notebooks:
        return
    if kernels is None:
        kernels = app.casebook_kernels = Kernels(min(workers(app), len(notebooks)),  # type: ignore[attr-defined]
                                                 app.config.nb_execution_timeout)
    logger.info(f"[casebook] executing {len(notebooks)} notebook(s) on {len(kernels.managers)} kernel(s)")
    paths = {doc: (Path(env.doc2path(doc)), log_path(app, doc)) for doc in notebooks}
    app.casebook_executed = kernels.run(paths)  # type: ignore[attr-defined]
    for doc in notebooks:
        logger.info(f"{env.doc2path(doc)}: executed in {app.casebook_executed[doc][1]:.2f} seconds [casebook]")


def stop_kernels(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished`` (and after reading): shut the kernels down."""
    kernels: Kernels | None = getattr(app, "casebook_kernels", None)
    if kernels is not None:
        kernels.close()
        app.casebook_kernels = None  # type: ignore[attr-defined]


def was_executed(app: Sphinx, docname: str) -> bool:
    """Whether this build executed the notebook ahead (its record of reads is already written)."""
    return docname in getattr(app, "casebook_executed", {})


def hand_over(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: give myst-nb the executed notebook, marked not to execute it again."""
    done = getattr(app, "casebook_executed", {}).get(docname)
    if done is None:
        return
    notebook = done[0].copy()
    notebook.metadata = {**notebook.metadata, "mystnb": {**notebook.metadata.get("mystnb", {}),
                                                         "execution_mode": "off"}}
    source[0] = nbformat.writes(notebook)


def record(app: Sphinx, doctree: Any) -> None:
    """``doctree-read``: the execution data myst-nb would have recorded (for the report)."""
    done = getattr(app, "casebook_executed", {}).get(app.env.docname)
    if done is None:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    NbMetadataCollector.set_exec_data(app.env, app.env.docname, {
        "mtime": time.time(), "runtime": done[1], "method": METHOD, "succeeded": True, "error": None,
        "traceback": None,
    })


def setup(app: Sphinx) -> None:
    app.add_config_value("casebook_execution_workers", 0, "env", int)
    app.connect("builder-inited", start_kernels, priority=400)  # they start while the case is checked
    app.connect("env-before-read-docs", execute_ahead)
    app.connect("env-updated", lambda app, env: stop_kernels(app, None))
    app.connect("build-finished", stop_kernels)
    app.connect("source-read", hand_over, priority=400)
    app.connect("doctree-read", record)
