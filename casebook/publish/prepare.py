"""What a build needs from the case before and after the pages, done once per build.

Before any page is read: the case is checked (the build stops with every problem,
``file:row:column: message``, as ``casebook check`` prints them) and Figure 1's static
files are redrawn if, and only if, the drawing changed (:func:`casebook.figures.static_key`).
After an HTML build: the downloads the site offers (``<name>.qdpx``, ``<name>-data.zip``)
are rewritten only when their bytes changed.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from .. import files, paths, qdpx
from ..case import Case, CaseError, about, load
from ..figures import write_static
from ..reproducibility import release
from .state import build_state

logger = logging.getLogger(__name__)


def case(app: Sphinx) -> Case:
    """The case this build is made from, read and checked once (the first caller, at
    ``builder-inited``, stops the build with every problem, ``file:row:column: message``,
    as ``casebook check`` prints them); the other hooks of the build reuse it."""
    state = build_state(app)
    if state.case is None:
        try:
            state.case = load(paths.default_data_dir())
        except CaseError as error:
            raise ExtensionError(str(error)) from None
    return state.case


def before_reading(app: Sphinx) -> None:
    """``builder-inited``: check the case, then bring Figure 1's static files up to date."""
    folder = paths.figures_folder(app.srcdir)
    written = write_static(case(app), folder)
    logger.info(
        f"[casebook] Figure 1 in {folder}: " + (", ".join(sorted(written)) + " written" if written else "up to date")
    )


def write_downloads(app: Sphinx, folder: Path) -> None:
    """The case as a REFI-QDA project and as a zip of its folder, beside the site's pages."""
    case_ = case(app)
    names = paths.downloads(about(case_.root).name)
    for file, data in ((names.qdpx, qdpx.qdpx_bytes(case_)), (names.data, release.data_zip(case_))):
        path = folder / file
        if not path.is_file() or path.read_bytes() != data:
            files.write(path, data)
            logger.info(f"[casebook] wrote {path}")


def after_building(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: the downloads, after an HTML build that succeeded."""
    if exception is None and app.builder.format == "html":
        write_downloads(app, Path(app.outdir))


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", before_reading)  # after .notebooks.hooks.start_kernels (priority 400)
    app.connect("build-finished", after_building)
