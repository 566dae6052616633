"""What the extension keeps during a build, in two places only.

- :class:`BuildState`, one per Sphinx application: what a build works out once and its hooks
  share (the case, what changed since the last build, the kernels and their notebooks).
- :class:`EnvData`, pickled with Sphinx's environment from one build to the next: what
  reading each page found (what its notebook read of the case, the fingerprints it was read
  against), kept by :class:`CasebookCollector` (MyST-NB's ``NbMetadataCollector`` pattern),
  which forgets a page Sphinx re-reads or removes.

(The citations' paragraphs and the report's pages are still attributes of the environment of
their own, in :mod:`.citations` and :mod:`.reports`.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sphinx.environment.collectors import EnvironmentCollector

if TYPE_CHECKING:
    from concurrent.futures import Future

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..case import Case
    from ..evidence import Claim, Support
    from .notebooks.kernels import Executed, ForkedKernelPool, Job, KernelPool
    from .notebooks.tracking import Changes
    from .typst_builder import TypstBuilder


@dataclass
class BuildState:
    """What one build works out once and its hooks share."""

    case: Case | None = None
    """The case the book is made from, read and checked at ``builder-inited`` (:func:`.prepare.case`)."""
    changes: Changes | None = None
    """What changed since the last build (:func:`.notebooks.tracking.changes`)."""
    kernels: KernelPool | ForkedKernelPool | None = None
    """The kernels this build's stale notebooks run on."""
    pending: dict[str, Job] = field(default_factory=dict)
    """Notebooks queued on the kernels that Sphinx has not read yet, by docname."""
    executed: dict[str, Executed] = field(default_factory=dict)
    """Notebooks the kernels ran, handed to Sphinx as it reads them, by docname."""
    citations: tuple[dict[str, list[Claim]], dict[str, Support]] | None = None
    """By passage, the claims it states; by claim label, its sources counted (:mod:`.citations`)."""
    leave_one_out: dict[str, str] | None = None
    """By claim label, what the claim would not survive, in words (:mod:`.citations`)."""
    pdf: tuple[TypstBuilder, Future[None]] | None = None
    """The PDF typeset beside the HTML pages (``make book``): its builder and the typesetting."""


_BUILDS: WeakKeyDictionary[Sphinx, BuildState] = WeakKeyDictionary()


def build_state(app: Sphinx) -> BuildState:
    """The state of the build ``app`` runs (a new one for a new application)."""
    state = _BUILDS.get(app)
    if state is None:
        state = _BUILDS[app] = BuildState()
    return state


@dataclass
class EnvData:
    """What reading the book's pages found, kept from one build to the next."""

    reads: dict[str, frozenset[str]] = field(default_factory=dict)
    """By docname: what its notebook read of the case (read keys, :mod:`.notebooks.tracking`)."""
    fingerprints: dict[str, str] = field(default_factory=dict)
    """The fingerprints of the case, the other cases read and the package, as last read."""


class CasebookCollector(EnvironmentCollector):
    """Keeps :class:`EnvData` in Sphinx's environment: forgets a page when Sphinx re-reads or
    removes it, and merges what parallel readers found (the extension reads in one process)."""

    @staticmethod
    def data(env: BuildEnvironment) -> EnvData:
        found = getattr(env, "casebook", None)
        if found is None:
            found = EnvData()
            setattr(env, "casebook", found)  # noqa: B010  (one attribute of the extension's own)
        return found

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        self.data(env).reads.pop(docname, None)
        report_docs(env).discard(docname)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
        mine, theirs = self.data(env), self.data(other)
        mine.reads.update({doc: reads for doc, reads in theirs.reads.items() if doc in docnames})
        mine.fingerprints.update(theirs.fingerprints)

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        pass  # the reads are collected by the notebooks' hook (.notebooks.hooks.collect)


def report_docs(env: BuildEnvironment) -> set[str]:
    """The pages that show the reproducibility report, noted by :mod:`.reports` as it reads
    them: they are re-read on every build."""
    return getattr(env, "casebook_report_docs", set())
