"""Sphinx extension of the edition: keeps the book in step with the case data.

Sphinx re-reads (and myst-nb re-executes) only the pages whose source changed. The
notebooks also depend on the case folder and on this package, which Sphinx cannot
see; this extension fingerprints both and marks every notebook outdated when either
changes, so no stale output survives a data or code change.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .case import default_data_dir

PACKAGE = Path(__file__).resolve().parent
STATIC = PACKAGE / "static"


def fingerprint(data_dir: Path) -> str:
    """SHA-256 over the case folder's files and the package's source files."""
    digest = hashlib.sha256()
    files = sorted(data_dir.glob("*.csv")) + [data_dir / "datapackage.json"]
    files += sorted(PACKAGE.glob("*.py")) + [PACKAGE / "datapackage.json"]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


def _is_notebook(env: BuildEnvironment, docname: str) -> bool:
    path = Path(env.doc2path(docname))
    if path.suffix == ".ipynb":
        return True
    if path.suffix == ".md":  # a MyST text notebook declares a kernel in its front matter
        head = path.read_text(encoding="utf-8")[:2000]
        return head.startswith("---") and "kernelspec" in head.split("\n---", 1)[0]
    return False


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    current = fingerprint(default_data_dir())
    previous = getattr(env, "casebook_fingerprint", None)
    env.casebook_fingerprint = current  # type: ignore[attr-defined]
    if previous == current:
        return []
    return [d for d in env.found_docs if d not in added and _is_notebook(env, d)]


def _static(app: Sphinx, config: Any) -> None:
    config.html_static_path.append(str(STATIC))


def _plotly_on_figure_pages(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Load plotly.js (served from the book itself, never a CDN) only where a figure needs it."""
    if "casebook-plotly" in context.get("body", ""):
        app.add_js_file("plotly.min.js", priority=200)


def _copy_plotly(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        import plotly

        source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        target = Path(app.outdir) / "_static" / "plotly.min.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-get-outdated", _outdated)
    app.connect("config-inited", _static)
    app.connect("html-page-context", _plotly_on_figure_pages)
    app.connect("build-finished", _copy_plotly)
    app.add_css_file("casebook.css")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
