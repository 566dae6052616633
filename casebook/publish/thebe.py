"""No sphinx-thebe: Jupyter Book always loads it, and its hooks put a CDN address in every page."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def drop(app: Sphinx) -> None:
    """Jupyter Book always loads sphinx-thebe, whose hooks write a CDN address (unpkg) into
    every page; the edition works offline and has no live kernels, so unhook it."""
    for event, listeners in app.events.listeners.items():
        app.events.listeners[event] = [
            listener for listener in listeners if not listener.handler.__module__.startswith("sphinx_thebe")
        ]
    app.connect("config-inited", _drop_css)


def _drop_css(app: Sphinx, config: Any) -> None:
    """Its setup also links sphinx-thebe.css, which its (dropped) hook would have copied:
    without this, a clean build links a file that is not there (a 404 on every page)."""
    app.registry.css_files = [
        (name, attrs) for name, attrs in app.registry.css_files if not str(name).startswith("sphinx-thebe")
    ]


def setup(app: Sphinx) -> None:
    drop(app)
