"""The notebooks a build must re-run, run side by side on kernels started early: the Sphinx side.

myst-nb executes each notebook when Sphinx reads it, one after the other, each in a fresh
kernel whose start-up is most of the time a chapter takes. Here the notebooks the change
makes stale (:mod:`.tracking`) run on kernels started before Sphinx reads — by ``casebook
build`` before Sphinx starts (:mod:`.prefetch`), else at ``builder-inited`` — side by side,
one kernel running several one after the other (its namespace cleared before each), at most
one kernel per core and four (``casebook_execution_workers``). Sphinx reads the other pages
while they run, then is handed each executed notebook, which myst-nb renders without
executing it again; the reproducibility report records how each ran. nbval still runs every
notebook in a kernel of its own, so a notebook that relied on another's state would fail there.

The events, in the order Sphinx emits them:

- ``builder-inited`` :func:`start_kernels` (priority 400: before :mod:`..prepare` checks the
  case at 500, so the kernels boot meanwhile);
- ``env-get-outdated`` :func:`outdated`: pages whose notebook read what changed;
- ``env-before-read-docs`` :func:`execute_ahead`: the notebooks queued, and read last;
- ``source-read`` :func:`source_read`: the executed notebook handed over, its read log started;
- ``doctree-read`` :func:`collect`: what the notebook read, and how it ran;
- ``env-updated`` :func:`after_reading`: the kernels let go, the record for the next build;
- ``build-finished`` :func:`stop_kernels`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
from docutils import nodes
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxError
from sphinx.util import logging

from ...paths import DEPENDENCY_LOG_ENV
from ..state import CasebookCollector, build_state, report_docs
from . import prefetch, tracking
from .kernels import Job, KernelPool, NotebookFailed
from .tracking import Changes, NotebookState

logger = logging.getLogger(__name__)
METHOD = "casebook (kernels started early, side by side)"


class NotebookExecutionFailed(SphinxError):
    category = "Notebook execution failed"


def workers(app: Sphinx) -> int:
    return app.config.casebook_execution_workers or min(os.cpu_count() or 1, 4)


def is_notebook(env: BuildEnvironment, docname: str) -> bool:
    """Whether the page is made by executing a notebook (``.ipynb``, or a MyST text notebook)."""
    path = Path(env.doc2path(docname))
    if path.suffix == ".ipynb":
        return True
    if path.suffix == ".md":  # a MyST text notebook declares a kernel in its front matter
        head = path.read_text(encoding="utf-8")[:2000]
        return head.startswith("---") and "kernelspec" in head.split("\n---", 1)[0]
    return False


def notebook_states(env: BuildEnvironment) -> dict[str, NotebookState]:
    """The book's ``.ipynb`` pages, as :func:`.tracking.stale` takes them."""
    reads = CasebookCollector.data(env).reads
    paths = {doc: Path(env.doc2path(doc)) for doc in env.found_docs}
    return {
        doc: NotebookState(path, env.all_docs.get(doc), reads.get(doc))
        for doc, path in paths.items()
        if path.suffix == ".ipynb"
    }


def _changes(app: Sphinx) -> Changes:
    """What changed since the last build, worked out once a build (the kernels' start and the
    outdated check both ask, before the environment takes the new fingerprints)."""
    state = build_state(app)
    if state.changes is None:
        data = CasebookCollector.data(app.env)
        state.changes = tracking.changes(data.fingerprints, data.reads)
    return state.changes


def _jobs(app: Sphinx, docs: list[str]) -> dict[str, Job]:
    return {doc: Job(Path(app.env.doc2path(doc)), tracking.log_path(app.doctreedir, doc)) for doc in docs}


def outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """``env-get-outdated``: the report's pages always; the pages whose notebook read what changed."""
    current, touched = _changes(app)
    data = CasebookCollector.data(env)
    data.fingerprints = current
    pages = [d for d in env.found_docs if d not in added]
    always = [d for d in report_docs(env) if d in env.found_docs and d not in added]
    return always + tracking.outdated(pages, lambda doc: is_notebook(env, doc), data.reads, touched)


def start_kernels(app: Sphinx) -> None:
    """``builder-inited``: when notebooks will be re-run, start kernels for them now — or take
    over those ``casebook build`` started before Sphinx — and queue those notebooks on them,
    to run while Sphinx gets ready to read."""
    ahead = prefetch.take_ahead()
    if app.config.nb_execution_mode != "force" or not hasattr(app, "env"):
        if ahead is not None:
            ahead.close()
        return
    expected = tracking.stale(notebook_states(app.env), _changes(app).touched)
    state = build_state(app)
    if ahead is not None and not expected:
        ahead.close()
    elif ahead is not None:
        logger.info(
            f"[casebook] {ahead.size} kernel(s), started before Sphinx, for {len(expected)} notebook(s) to re-run"
        )
        state.kernels = ahead
    elif expected:
        count = min(workers(app), len(expected))
        logger.info(f"[casebook] starting {count} kernel(s) for {len(expected)} notebook(s) to re-run")
        state.kernels = KernelPool(count, app.config.nb_execution_timeout)
    if state.kernels is not None:
        state.kernels.submit(_jobs(app, expected))


def execute_ahead(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: the notebooks among ``docnames`` queued on the kernels (most
    are already running: they were queued when the build started), and read last: Sphinx
    reads the other pages while they run, then each notebook as soon as it has run."""
    if app.config.nb_execution_mode != "force":
        return
    notebooks = [d for d in docnames if Path(env.doc2path(d)).suffix == ".ipynb" and is_notebook(env, d)]
    if not notebooks:
        return
    state = build_state(app)
    if state.kernels is None:
        state.kernels = KernelPool(min(workers(app), len(notebooks)), app.config.nb_execution_timeout)
    logger.info(f"[casebook] executing {len(notebooks)} notebook(s) on {state.kernels.size} kernel(s)")
    state.pending = _jobs(app, notebooks)
    state.executed = {}
    state.kernels.submit(state.pending)
    docnames[:] = [d for d in docnames if d not in state.pending] + notebooks


def source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: a notebook the kernels ran is handed to myst-nb (waiting for it if it
    is still running), marked not to execute again, its read log already written; any other
    page gets a fresh read log, which its notebook (if myst-nb executes one) writes."""
    state = build_state(app)
    if docname in state.pending:
        job = state.pending.pop(docname)
        assert state.kernels is not None  # (pending notebooks were queued on them)
        try:
            ran = state.kernels.run({docname: job})[docname]
        except NotebookFailed as error:
            raise NotebookExecutionFailed(str(error)) from None
        state.executed[docname] = ran
        logger.info(f"{app.env.doc2path(docname)}: executed in {ran.seconds:.2f} seconds [casebook]")
    done = state.executed.get(docname)
    if done is not None:
        os.environ.pop(DEPENDENCY_LOG_ENV, None)
        notebook = done.notebook.copy()
        notebook.metadata = {
            **notebook.metadata,
            "mystnb": {**notebook.metadata.get("mystnb", {}), "execution_mode": "off"},
        }
        source[0] = nbformat.writes(notebook)
        return
    log = tracking.log_path(app.doctreedir, docname)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    os.environ[DEPENDENCY_LOG_ENV] = str(log)


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: what the page's notebook read of the case, and, for a notebook the
    kernels ran, the execution data myst-nb would have recorded (for the report)."""
    os.environ.pop(DEPENDENCY_LOG_ENV, None)
    env, docname = app.env, app.env.docname
    data = CasebookCollector.data(env)
    reads = data.reads[docname] = tracking.read_log(tracking.log_path(app.doctreedir, docname))
    # Another case folder read for the first time: remember its state now, so the next build
    # re-runs this page only if that folder changes after this reading.
    for root in tracking.other_cases(reads) - tracking.other_cases(data.fingerprints):
        data.fingerprints.update(tracking.case_fingerprints(Path(root), root + "|"))
    done = build_state(app).executed.get(docname)
    if done is not None:
        NbMetadataCollector.set_exec_data(
            env,
            docname,
            {
                "mtime": time.time(),
                "runtime": done.seconds,
                "method": METHOD,
                "succeeded": True,
                "error": None,
                "traceback": None,
            },
        )


def after_reading(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: let the kernels go (they exit while Sphinx writes) and leave the record
    from which the next ``casebook build`` starts its kernels before Sphinx (:mod:`.prefetch`)."""
    kernels = build_state(app).kernels
    if kernels is not None:
        kernels.close()
    if app.config.nb_execution_mode == "force":
        data = CasebookCollector.data(env)
        prefetch.write_record(
            app.doctreedir, notebook_states(env), data.fingerprints, workers(app), app.config.nb_execution_timeout
        )


def stop_kernels(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: wait until every kernel has exited."""
    state = build_state(app)
    if state.kernels is not None:
        state.kernels.join()
        state.kernels = None


def setup(app: Sphinx) -> None:
    app.add_config_value("casebook_execution_workers", 0, "env", int)
    app.add_env_collector(CasebookCollector)
    # The one order that matters between extensions' handlers: the kernels start before the
    # case is checked (.prepare.before_reading, priority 500), so that they boot meanwhile.
    app.connect("builder-inited", start_kernels, priority=400)
    app.connect("env-get-outdated", outdated)
    app.connect("env-before-read-docs", execute_ahead)
    app.connect("source-read", source_read)
    app.connect("doctree-read", collect)
    app.connect("env-updated", after_reading)
    app.connect("build-finished", stop_kernels)
