"""The sidebar's "Re-run this book": the notebook behind the page, and Binder when the book
has a public repository (``html_context.casebook_repository`` in _config.yml)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sphinx.application import Sphinx

from .notebooks.hooks import is_notebook

TEMPLATES = Path(__file__).parent / "templates"


def binder_url(repository: str, path: str | None = None) -> str:
    """The mybinder.org address that builds ``repository`` with repo2docker and opens ``path``."""
    repository = repository.strip().rstrip("/")
    github = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?", repository)
    if github:
        base = f"https://mybinder.org/v2/gh/{github[1]}/{github[2]}/HEAD"
    else:
        base = f"https://mybinder.org/v2/git/{quote(repository, safe='')}/HEAD"
    return base + (f"?labpath={quote(path)}" if path else "")


def rerun_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """For the sidebar's "Re-run this book" (casebook-rerun.html): the notebook behind the
    page, if any, and a Binder link only when ``html_context.casebook_repository`` is set."""
    env = app.env
    notebook = None
    if pagename in env.found_docs and is_notebook(env, pagename):
        notebook = Path(env.doc2path(pagename, base=False)).as_posix()
    repository = str(context.get("casebook_repository") or "").strip()
    context["casebook_notebook"] = notebook
    context["casebook_repository"] = repository
    context["casebook_binder_url"] = binder_url(repository, notebook) if repository else ""


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", rerun_context)
