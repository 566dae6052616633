"""How to cite the edition itself: its title, who made it, its version and where it is.

``{casebook-how-to-cite}`` prints one line, from the book's configuration and its
repository, so that it is never typed by hand and never stale:

- the title (``title`` of ``_config.yml``) and the makers (``author``);
- the version: the tag of the commit the book is built from, if it has one, and the date
  of that commit (``SOURCE_DATE_EPOCH`` when set), so that the PDF stays the same bytes
  on every build of a commit;
- the addresses, when ``_config.yml`` gives them: ``html_baseurl`` (where the web book is
  published) and ``html_context.casebook_repository`` (its sources). Empty: not shown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx

from ..reproducibility.provenance import git, source_epoch


class citation_placeholder(nodes.General, nodes.Element):
    """Where the line goes; filled in when the page is written (the version is the build's)."""


class HowToCite(Directive):
    def run(self) -> list[nodes.Node]:
        return [citation_placeholder()]


def tag(project: Path) -> str:
    """The tag of the commit checked out in ``project``, or "" (none, or no git)."""
    return git(project, "describe", "--tags", "--exact-match") or ""


def version(project: Path) -> str:
    """ "version v1.0 of 2 December 2026", "version of 2 December 2026", or "" (no commit, no date)."""
    seconds = source_epoch(project)
    when = dt.datetime.fromtimestamp(seconds, dt.UTC) if seconds else None
    name = tag(project)
    date = f"of {when.day} {when:%B %Y}" if when else ""
    return " ".join(x for x in ("version", name, date) if x) if (name or date) else ""


def line(app: Sphinx) -> nodes.paragraph:
    """The citation of the edition, as a paragraph."""
    config = app.config
    para = nodes.paragraph(classes=["casebook-how-to-cite"])
    para += nodes.emphasis(text=config.html_title or config.project)  # Jupyter Book sets html_title
    said = version(Path(app.srcdir))
    para += nodes.Text(f", {said}." if said else ".")
    if config.author:
        para += nodes.Text(f" {config.author}.")
    for lead, address in (
        ("Web edition: ", config.html_baseurl),
        ("Sources and data: ", (config.html_context or {}).get("casebook_repository", "")),
    ):
        if address:
            para += nodes.Text(f" {lead}")
            para += nodes.reference(address, address, refuri=address)
            para += nodes.Text(".")
    return para


def fill(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the line in place of each placeholder."""
    for placeholder in list(doctree.findall(citation_placeholder)):
        placeholder.replace_self(line(app))


def setup(app: Sphinx) -> None:
    app.add_node(citation_placeholder)
    app.add_directive("casebook-how-to-cite", HowToCite)
    app.connect("doctree-resolved", fill)
