"""What the case folder's ``datapackage.json`` says, on every page of its book.

- its **notice** (for instance that the case is fictional): a banner on every HTML page and
  a line at the foot of every PDF page;
- its **keywords**: the PDF's metadata;
- its **name**: the file names of what the site offers for download — ``<name>.pdf``,
  ``<name>.qdpx``, ``<name>-data.zip`` — which the Makefile writes beside the site;
- its **title**, for a book made for any case (``casebook_title_from_case: true``).
"""

from __future__ import annotations

import html
from typing import Any

from sphinx.application import Sphinx

from ..case import about, default_data_dir


def downloads(name: str) -> dict[str, str]:
    """The download file names of a case called ``name`` (the datapackage's ``name``)."""
    return {"casebook_pdf": f"{name}.pdf", "casebook_qdpx": f"{name}.qdpx", "casebook_data": f"{name}-data.zip"}


def apply(app: Sphinx, config: Any) -> None:
    """``config-inited``: the case's notice, keywords, title and download names into the config."""
    info = about(default_data_dir())
    config.casebook_pdf_metadata = {
        "notice": info.notice,
        "keywords": list(info.keywords),
        **config.casebook_pdf_metadata,
    }
    # "light" until the reader picks a mode (pydata-sphinx-theme logs an error for an empty one)
    config.html_context = {"default_mode": "light", **downloads(info.name), **config.html_context}
    if config.casebook_title_from_case:
        config.project = config.html_title = config.casebook_pdf_title = info.title
    if info.notice:
        options = dict(config.html_theme_options or {})
        options["announcement"] = html.escape(info.notice)
        config.html_theme_options = options


def setup(app: Sphinx) -> None:
    app.add_config_value("casebook_title_from_case", False, "env")
    app.connect("config-inited", apply)
