"""The notebooks a build must re-run, run side by side on kernels started early.

myst-nb executes each notebook when Sphinx reads it, one after the other, each in a fresh
kernel whose start-up is most of the time a chapter takes. Here, when the change (of the
data, of the package or of a notebook) means notebooks will be re-run, kernels are
started in the background — one per core, at most four (``casebook_execution_workers``)
— and warmed with the package's imports and the case's tables while Sphinx loads the
rest: by ``casebook build`` before Sphinx starts (in a process of its own, where the
notebooks the last build's record predicts start running at once), else as soon as the
builder starts, where the notebooks Sphinx's environment predicts are queued at once
(:mod:`.kernels`). When Sphinx is about to read, the notebooks it will read run on them
side by side, each exactly as myst-nb would run it (in its own folder, with the build's
timeout, a failing cell stopping the build), one kernel running several notebooks one
after the other, its namespace cleared (``%reset``) before each. Sphinx is then handed
the executed notebook, which myst-nb renders without executing it again; the
reproducibility report records how each ran; what each read of the case is recorded
as before (:mod:`.dependencies`). nbval still runs every notebook in a fresh kernel of
its own, so a notebook that relied on another's state would fail there.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import nbformat
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from . import kernels as pool
from .dependencies import is_notebook, log_path, notebook_states, predicted_notebooks
from .kernels import Ahead, Kernels

logger = logging.getLogger(__name__)
METHOD = "casebook (kernels started early, side by side)"


def workers(app: Sphinx) -> int:
    return app.config.casebook_execution_workers or min(os.cpu_count() or 1, 4)


def _paths(app: Sphinx, env: BuildEnvironment, docs: list[str]) -> dict[str, tuple[Path, Path]]:
    return {doc: (Path(env.doc2path(doc)), log_path(app, doc)) for doc in docs}


def start_kernels(app: Sphinx) -> None:
    """``builder-inited``: when notebooks will be re-run, start kernels for them now — or
    take over those ``casebook build`` started before Sphinx (:mod:`.kernels`) — and queue
    those notebooks on them, to run while Sphinx gets ready to read."""
    ahead = pool.take_ahead()
    if app.config.nb_execution_mode != "force" or not hasattr(app, "env"):
        if ahead is not None:
            ahead.close()
        return
    expected = predicted_notebooks(app, app.env)
    if ahead is not None and not expected:
        ahead.close()
        ahead = None
    count = min(workers(app), len(expected))
    if ahead is not None:
        logger.info(
            f"[casebook] {ahead.size} kernel(s), started before Sphinx, for {len(expected)} notebook(s) to re-run"
        )
    elif count >= 1:
        ahead = Kernels(count, app.config.nb_execution_timeout)
        logger.info(f"[casebook] starting {count} kernel(s) for {len(expected)} notebook(s) to re-run")
    if ahead is not None:
        ahead.submit(_paths(app, app.env, expected))
        app.casebook_kernels = ahead  # type: ignore[attr-defined]


def execute_ahead(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: the notebooks among ``docnames`` queued on the kernels (most
    are already running: they were queued when the build started), and read last: Sphinx
    reads the other pages while they run, then each notebook as soon as it has run
    (:func:`hand_over`)."""
    if app.config.nb_execution_mode != "force":
        return
    notebooks = [d for d in docnames if Path(env.doc2path(d)).suffix == ".ipynb" and is_notebook(env, d)]
    kernels: Ahead | Kernels | None = getattr(app, "casebook_kernels", None)
    if not notebooks:
        return
    if kernels is None:
        kernels = app.casebook_kernels = Kernels(
            min(workers(app), len(notebooks)),  # type: ignore[attr-defined]
            app.config.nb_execution_timeout,
        )
    logger.info(f"[casebook] executing {len(notebooks)} notebook(s) on {kernels.size} kernel(s)")
    app.casebook_pending = _paths(app, env, notebooks)  # type: ignore[attr-defined]
    app.casebook_executed = {}  # type: ignore[attr-defined]
    kernels.submit(app.casebook_pending)
    docnames[:] = [d for d in docnames if d not in app.casebook_pending] + notebooks


def after_reading(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: let the kernels go (they exit while Sphinx writes) and leave the record
    from which the next ``casebook build`` starts its kernels before Sphinx (:mod:`.kernels`)."""
    kernels: Ahead | Kernels | None = getattr(app, "casebook_kernels", None)
    if kernels is not None:
        kernels.close()
    if app.config.nb_execution_mode == "force":
        pool.write_record(
            app.doctreedir,
            notebook_states(env),
            getattr(env, "casebook_fingerprints", {}),
            workers(app),
            app.config.nb_execution_timeout,
        )


def stop_kernels(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: wait until every kernel has exited."""
    kernels: Ahead | Kernels | None = getattr(app, "casebook_kernels", None)
    if kernels is not None:
        kernels.join()
        app.casebook_kernels = None  # type: ignore[attr-defined]


def was_executed(app: Sphinx, docname: str) -> bool:
    """Whether this build executed the notebook ahead (its record of reads is already written)."""
    return docname in getattr(app, "casebook_executed", {})


def hand_over(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: give myst-nb the executed notebook (waiting for it if it is still
    running), marked not to execute it again."""
    pending: dict[str, tuple[Path, Path]] = getattr(app, "casebook_pending", {})
    if docname in pending:
        done = app.casebook_kernels.run({docname: pending.pop(docname)})[docname]  # type: ignore[attr-defined]
        app.casebook_executed[docname] = done  # type: ignore[attr-defined]
        logger.info(f"{app.env.doc2path(docname)}: executed in {done[1]:.2f} seconds [casebook]")
    done = getattr(app, "casebook_executed", {}).get(docname)
    if done is None:
        return
    notebook = done[0].copy()
    notebook.metadata = {
        **notebook.metadata,
        "mystnb": {**notebook.metadata.get("mystnb", {}), "execution_mode": "off"},
    }
    source[0] = nbformat.writes(notebook)


def record(app: Sphinx, doctree: Any) -> None:
    """``doctree-read``: the execution data myst-nb would have recorded (for the report)."""
    done = getattr(app, "casebook_executed", {}).get(app.env.docname)
    if done is None:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    NbMetadataCollector.set_exec_data(
        app.env,
        app.env.docname,
        {
            "mtime": time.time(),
            "runtime": done[1],
            "method": METHOD,
            "succeeded": True,
            "error": None,
            "traceback": None,
        },
    )


def setup(app: Sphinx) -> None:
    app.add_config_value("casebook_execution_workers", 0, "env", int)
    app.connect("builder-inited", start_kernels, priority=400)  # they start while the case is checked
    app.connect("env-before-read-docs", execute_ahead)
    app.connect("env-updated", after_reading)
    app.connect("build-finished", stop_kernels)
    app.connect("source-read", hand_over, priority=400)
    app.connect("doctree-read", record)
