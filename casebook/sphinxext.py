"""Sphinx extension of the edition: keeps the book in step with the case data.

Sphinx re-reads (and myst-nb re-executes) only the pages whose source changed. The
notebooks also depend on the case data and on this package, which Sphinx cannot see.
While a notebook executes, the extension has ``casebook`` log which tables it reads;
on the next build, a page is re-read when one of *its* tables changed, and every
page is re-read when the package changed. So no stale output survives a change,
and an edit to one CSV file re-runs only the pages that show it.

It also serves plotly.js from the book's own ``_static`` folder, on the pages that
embed an interactive figure and nowhere else.
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import re
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from . import bibstyle, schema
from .case import DEPENDENCY_LOG_ENV, ROWS, about, default_data_dir

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
STATIC = PACKAGE / "static"
TEMPLATES = PACKAGE / "templates"
# What the Makefile puts beside index.html for readers to take away (see its *_NAME variables).
DOWNLOADS = {
    "casebook_pdf": "smart-city-governance-turin.pdf",
    "casebook_qdpx": "smart-city-governance-turin.qdpx",
    "casebook_data": "smart-city-governance-turin-data.zip",
}
PACKAGE_KEY = "<casebook package>"
GENERATED = "casebook-generated"
"""Class of what the extension writes into a page from files (benchmarks, the report): not prose."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<missing>"


def _rows(path: Path) -> str:
    """The number of data rows of a CSV file (blank lines skipped, as the loader does)."""
    if not path.is_file():
        return "<missing>"
    with path.open(newline="", encoding="utf-8", errors="replace") as f:
        return str(max(sum(1 for row in csv.reader(f) if any(cell.strip() for cell in row)) - 1, 0))


def case_fingerprints(data_dir: Path, prefix: str = "") -> dict[str, str]:
    """By dependency key (see :func:`casebook.case.dependency_key`): the SHA-256 of each
    table of the case in ``data_dir``, and its number of rows (``name#rows``)."""
    out = {}
    for r in schema.resources_():
        out[prefix + r.name] = _sha256(data_dir / r.path)
        out[prefix + r.name + ROWS] = _rows(data_dir / r.path)
    return out


def fingerprints(data_dir: Path) -> dict[str, str]:
    """The book's case (:func:`case_fingerprints`), and one SHA-256 over the package's own files."""
    out = case_fingerprints(data_dir)
    package = hashlib.sha256()
    for path in sorted(PACKAGE.glob("*.py")) + [PACKAGE / schema.DESCRIPTOR_NAME, data_dir / schema.DESCRIPTOR_NAME]:
        package.update(path.name.encode() + _sha256(path).encode())
    out[PACKAGE_KEY] = package.hexdigest()
    return out


def _is_notebook(env: BuildEnvironment, docname: str) -> bool:
    path = Path(env.doc2path(docname))
    if path.suffix == ".ipynb":
        return True
    if path.suffix == ".md":  # a MyST text notebook declares a kernel in its front matter
        head = path.read_text(encoding="utf-8")[:2000]
        return head.startswith("---") and "kernelspec" in head.split("\n---", 1)[0]
    return False


def _log_path(app: Sphinx, docname: str) -> Path:
    return Path(app.doctreedir) / "casebook-deps" / f"{docname}.log"


def _other_cases(keys: set[str] | dict[str, str]) -> set[str]:
    """The other case folders named in dependency keys (``/path/to/case|table``)."""
    return {key.split("|", 1)[0] for key in keys if "|" in key}


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    current = fingerprints(default_data_dir())
    deps_now: dict[str, set[str]] = getattr(env, "casebook_deps", {})
    for root in _other_cases(set().union(*deps_now.values())):
        current.update(case_fingerprints(Path(root), root + "|"))
    previous: dict[str, str] = getattr(env, "casebook_fingerprints", {})
    env.casebook_fingerprints = current  # type: ignore[attr-defined]
    touched = {key for key, value in current.items() if previous.get(key) != value}
    always = [d for d in getattr(env, "casebook_report_docs", set()) if d in env.found_docs and d not in added]
    if not touched:
        return always
    deps: dict[str, set[str]] = getattr(env, "casebook_deps", {})
    notebooks = [d for d in env.found_docs if d not in added and _is_notebook(env, d)]
    if PACKAGE_KEY in touched:  # the package renders pages too (this extension, the bib style)
        return [d for d in env.found_docs if d not in added]
    return always + [d for d in notebooks if d not in deps or deps[d] & touched]


def _start_logging(app: Sphinx, docname: str, source: list[str]) -> None:
    """Before a page is parsed (and its notebook executed), point casebook at a fresh log."""
    log = _log_path(app, docname)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    os.environ[DEPENDENCY_LOG_ENV] = str(log)


def _collect_dependencies(app: Sphinx, doctree: nodes.document) -> None:
    """After a page is read, remember which tables its code used."""
    os.environ.pop(DEPENDENCY_LOG_ENV, None)
    env = app.env
    log = _log_path(app, env.docname)
    used = set(log.read_text(encoding="utf-8").splitlines()) - {""} if log.is_file() else set()
    if not hasattr(env, "casebook_deps"):
        env.casebook_deps = {}  # type: ignore[attr-defined]
    env.casebook_deps[env.docname] = used  # type: ignore[attr-defined]
    # Another case folder read for the first time: remember its state now, so the next
    # build re-runs this page only if that folder changes after this reading.
    known = getattr(env, "casebook_fingerprints", None)
    if known is not None:
        for root in _other_cases(used) - _other_cases(known):
            known.update(case_fingerprints(Path(root), root + "|"))


def _check_passage_anchors(app: Sphinx, env: BuildEnvironment) -> None:
    """With ``casebook_passage_anchors: true``, every passage of ``passages.csv`` must mark
    the paragraph of the book that restates it (``{#passage-<id>}``), once, and every such
    anchor must name a passage: the Evidence appendix links to them."""
    if not app.config.casebook_passage_anchors:
        return
    from . import evidence
    from .validate import read_table

    root = default_data_dir()
    table, _ = read_table(root / schema.resource("passages").path, schema.resource("passages"))
    std = env.get_domain("std")
    anchors = {name: docname for name, (docname, _) in std.anonlabels.items() if name.startswith("passage-")}
    wanted = {}
    for line, row in zip(table.lines, table.rows, strict=True):
        label = evidence.passage_label(str(row["id"]))
        wanted[label] = line
        if label not in anchors:
            logger.warning(f"{table.path}:{line}:id: passage {row['id']!r} has no paragraph anchor"
                           f" {{#{label}}} in the book's chapters; put it on the paragraph that restates it",
                           type="casebook", subtype="anchor")
    for label, docname in sorted(anchors.items()):
        if label not in wanted:
            logger.warning(f"the anchor {{#{label}}} names no passage of {table.path}", location=docname,
                           type="casebook", subtype="anchor")


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "casebook_deps", {}).pop(docname, None)
    getattr(env, "casebook_report_docs", set()).discard(docname)


# What the PDF (the typst builder) shows of a notebook output, best first: the book's own
# content, images (Figure 1's SVG twin), then text; never HTML or JavaScript.
TYPST_MIME_PRIORITY = [("typst", "image/svg+xml", 10), ("typst", "image/png", 20), ("typst", "image/jpeg", 21),
                       ("typst", "text/markdown", 30), ("typst", "text/plain", 40)]


def _static(app: Sphinx, config: Any) -> None:
    config.html_static_path.append(str(STATIC))
    config.templates_path.append(str(TEMPLATES))
    # "light" until the reader picks a mode (pydata-sphinx-theme logs an error for an empty one)
    config.html_context = {"default_mode": "light", **DOWNLOADS, **config.html_context}
    config.nb_mime_priority_overrides = [*config.nb_mime_priority_overrides, *TYPST_MIME_PRIORITY]
    _case_metadata(config)


def _case_metadata(config: Any) -> None:
    """What the case folder's datapackage.json says, on every page: its notice (a banner
    in HTML, a line at the foot of every PDF page), its keywords (the PDF's metadata) and,
    for a book made for any case (``casebook_title_from_case: true``), its title."""
    info = about(default_data_dir())
    config.casebook_pdf_metadata = {"notice": info.notice, "keywords": list(info.keywords),
                                    **config.casebook_pdf_metadata}
    if config.casebook_title_from_case:
        config.project = config.html_title = config.casebook_pdf_title = info.title
    if info.notice:
        options = dict(config.html_theme_options or {})
        options["announcement"] = html.escape(info.notice)
        config.html_theme_options = options


def _page_fixes(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Per-page touches: plotly.js (served from the book itself, never a CDN) only where a
    figure needs it; and no ARIA list role on the reference list, whose entries are
    doc-biblioentry elements, not list items (axe-core flags the pair as critical)."""
    body = context.get("body", "")
    if "casebook-plotly" in body:
        app.add_js_file("plotly.min.js", priority=200)
    if 'role="list" class="citation-list"' in body:
        context["body"] = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')


DESCRIPTION_CHARS = 200  # what search engines and link previews show of a description


def _first_paragraph(doctree: nodes.Node, root: bool) -> str:
    """The page's first paragraph of prose, or on the landing page the first paragraph of
    its summary section: not a caption, a quote, a table cell or a line of emphasis alone."""
    skip = (nodes.block_quote, nodes.Admonition, nodes.table, nodes.figure, nodes.caption, nodes.footnote,
            nodes.citation, nodes.sidebar, nodes.topic, nodes.field_list, nodes.option_list)
    scope: nodes.Node = doctree
    if root:
        for section in doctree.findall(nodes.section):
            if "summary" in section[0].astext().lower():
                scope = section
                break
    for paragraph in scope.findall(nodes.paragraph):
        if any(isinstance(a, skip) for a in _ancestors(paragraph)):
            continue
        children = [c for c in paragraph.children if c.astext().strip()]
        if len(children) == 1 and isinstance(children[0], (nodes.emphasis, nodes.strong)):
            continue  # "*A reproducible edition*", a bold label, a note in italics
        text = " ".join(paragraph.astext().split())
        if text:
            return text
    return ""


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def trim(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with an ellipsis)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.–— ")
    return cut + "…"


def _page_metadata(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """A meta description and Open Graph tags on every page: title, description, type, site
    name, and og:url only when the book has a base URL (``html.baseurl`` in _config.yml)."""
    from sphinx.util.nodes import clean_astext

    config = app.config
    root = pagename == config.root_doc
    site = config.html_title or config.project or ""  # Jupyter Book's title: sets html_title
    heading = doctree.next_node(nodes.title) if doctree else None
    # Pages without a doctree (search, index) have only the template's title, as HTML.
    template_title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or ""))
    title = clean_astext(heading) if heading else template_title or site
    description = trim(_first_paragraph(doctree, root)) if doctree else ""
    if not description:
        description = trim(f"{site}: {title}" if title != site else site)
    tags = {
        "og:title": title, "og:description": description, "og:type": "website" if root else "article",
        "og:site_name": site,
    }
    if context.get("pageurl"):  # Sphinx sets it when html_baseurl is configured
        tags["og:url"] = context["pageurl"]
    lines = [f'<meta name="description" content="{html.escape(description)}" />']
    lines += [f'<meta property="{key}" content="{html.escape(value)}" />' for key, value in tags.items()]
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"


def binder_url(repository: str, path: str | None = None) -> str:
    """The mybinder.org address that builds ``repository`` with repo2docker and opens ``path``."""
    from urllib.parse import quote

    repository = repository.strip().rstrip("/")
    github = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?", repository)
    if github:
        base = f"https://mybinder.org/v2/gh/{github[1]}/{github[2]}/HEAD"
    else:
        base = f"https://mybinder.org/v2/git/{quote(repository, safe='')}/HEAD"
    return base + (f"?labpath={quote(path)}" if path else "")


def _rerun_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """For the sidebar's "Re-run this book" (casebook-rerun.html): the notebook behind the
    page, if any, and a Binder link only when ``html_context.casebook_repository`` is set."""
    env = app.env
    notebook = None
    if pagename in env.found_docs and _is_notebook(env, pagename):
        notebook = Path(env.doc2path(pagename, base=False)).as_posix()
    repository = str(context.get("casebook_repository") or "").strip()
    context["casebook_notebook"] = notebook
    context["casebook_repository"] = repository
    context["casebook_binder_url"] = binder_url(repository, notebook) if repository else ""


def _copy_plotly(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        import plotly

        source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        target = Path(app.outdir) / "_static" / "plotly.min.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)


def _drop_thebe(app: Sphinx) -> None:
    """Jupyter Book always loads sphinx-thebe, whose hooks write a CDN address (unpkg) into
    every page; the edition works offline and has no live kernels, so unhook it."""
    for event, listeners in app.events.listeners.items():
        app.events.listeners[event] = [
            listener for listener in listeners if not listener.handler.__module__.startswith("sphinx_thebe")
        ]
    app.connect("config-inited", _drop_thebe_css)


def _drop_thebe_css(app: Sphinx, config: Any) -> None:
    """Its setup also links sphinx-thebe.css, which its (dropped) hook would have copied:
    without this, a clean build links a file that is not there (a 404 on every page)."""
    app.registry.css_files = [(name, attrs) for name, attrs in app.registry.css_files
                              if not str(name).startswith("sphinx-thebe")]


class report_placeholder(nodes.General, nodes.Element):
    """Where the reproducibility report goes; filled in once every page has been read."""


class ReproducibilityReport(Directive):
    """``{casebook-reproducibility}``: the report of this build (see :mod:`casebook.report`)."""

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        if not hasattr(env, "casebook_report_docs"):
            env.casebook_report_docs = set()
        env.casebook_report_docs.add(env.docname)
        return [report_placeholder()]


class Benchmarks(Directive):
    """``{casebook-benchmarks}``: what ``make bench`` measured (``benchmarks/results.json``
    beside the book's sources, see :mod:`casebook.benchmarks`), or a line saying that
    nothing has been measured yet."""

    def run(self) -> list[nodes.Node]:
        from . import benchmarks

        env = self.state.document.settings.env
        path = Path(env.srcdir) / benchmarks.RESULTS
        if path.is_file():
            env.note_dependency(str(path))
        results = benchmarks.load(path)
        if results is None:
            return [nodes.container("", nodes.paragraph(text=benchmarks.MISSING), classes=[GENERATED])]
        out: list[nodes.Node] = [
            nodes.paragraph(text=benchmarks.machine_line(results)),
            _table(list(benchmarks.MEASUREMENT_HEADER), benchmarks.measurement_rows(results), [34, 13, 20, 10, 13, 10]),
        ]
        synthetic = benchmarks.synthetic_rows(results)
        if synthetic:
            out += [
                nodes.rubric(text="Synthetic cases"),
                nodes.paragraph(text="The real case replicated N times (scripts/synthetic_case.py): the time of "
                                     "python -m casebook check, of building Tables 1–3 and Figure 1, the larger "
                                     "peak memory of the two, and whether Figure 1 aggregated the actor groups."),
                _table(list(benchmarks.SYNTHETIC_HEADER), synthetic, [10, 14, 16, 26, 16, 18]),
            ]
        if benchmarks.notes(results):
            out += [nodes.rubric(text="Notes"), nodes.bullet_list("", *[
                nodes.list_item("", nodes.paragraph(text=note)) for note in benchmarks.notes(results)
            ])]
        return [nodes.container("", *out, classes=[GENERATED])]


def _cell(value: str | nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    entry += value if isinstance(value, nodes.Node) else nodes.paragraph(text=value)
    return entry


def _table(header: list[str], rows: list[list[str | nodes.Node]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["casebook-report"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head, body = nodes.thead(), nodes.tbody()
    group += head
    group += body
    row = nodes.row()
    for title in header:
        row += _cell(title)
    head += row
    for values in rows:
        row = nodes.row()
        for value in values:
            row += _cell(value)
        body += row
    return table


def _section(title: str, *content: nodes.Node) -> nodes.section:
    ident = "report-" + title.lower().replace(" ", "-").replace("(", "").replace(")", "")
    section = nodes.section(ids=[ident], names=[ident])
    section += nodes.title(text=title)
    for node in content:
        section += node
    return section


def _fill_report(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(report_placeholder))
    if not placeholders:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    from . import report
    from .case import load

    web = app.builder.format == "html"

    def digest(value: str) -> nodes.Node:  # full in HTML, the first 16 hex digits in print
        return nodes.literal(text=value if web else value[:16] + "…")

    case = load(default_data_dir())
    project = Path(app.srcdir)
    ran = []
    for doc in sorted(app.env.found_docs):
        data = NbMetadataCollector.get_exec_data(app.env, doc)
        if data:
            when = report.dt.datetime.fromtimestamp(data["mtime"], report.dt.UTC).replace(microsecond=0).isoformat()
            seconds = "–" if data.get("runtime") is None else f"{data['runtime']:.1f}"
            row = [doc, data.get("method", ""), seconds, "yes" if data.get("succeeded") else "NO", when]
            ran.append(row if web else row[:2] + row[3:4])  # print: nothing that changes from run to run
    nbval = report.nbval_result(Path(app.outdir).parent / "nbval.xml")
    if nbval is None:
        nbval_text = "No nbval result in this build folder yet (make test runs nbval before it builds the book)."
    else:
        verdict = "all passed" if nbval.passed else f"{nbval.failures + nbval.errors} FAILED"
        nbval_text = (f"Last nbval run ({nbval.when}): {nbval.tests} notebook cells re-executed and compared with "
                      f"the committed outputs, {verdict}, in {nbval.seconds:.1f} s.")
    content = [
        _section("This build", nodes.bullet_list("", *[
            nodes.list_item("", nodes.paragraph(text=line)) for line in (
                (f"Built at {report.build_time()} with the {app.builder.name} builder." if web else
                 f"Built with the {app.builder.name} builder from the sources as of {report.source_time(project)};"
                 " how long each notebook took is on the web version of this page."),
                f"Case data: {Path(os.path.relpath(case.root, project)).as_posix()}/",
                nbval_text,
            )
        ])),
        _section("Software", _table(["Package", "Version"], [list(v) for v in report.versions()], [30, 70])),
        _section("Data", _table(["File", "SHA-256"], [[n, digest(s)] for n, s in report.data_checksums(case)],
                                [30, 70])),
        _section("Generated from the data", _table(
            ["Artefact", "What", "SHA-256"],
            [[a.name, a.what, digest(a.sha256)] for a in report.artefacts(case, project / "figures")], [22, 28, 50])),
        _section("Notebooks executed", _table(["Page", "Method", "Seconds", "Succeeded", "Executed at (UTC)"], ran,
                                               [34, 12, 10, 12, 32]) if web else
                 _table(["Page", "Method", "Succeeded"], ran, [50, 25, 25])),
    ]
    for placeholder in placeholders:
        placeholder.replace_self(content)


def setup(app: Sphinx) -> dict[str, Any]:
    _drop_thebe(app)
    app.setup_extension("casebook.publish.typst_builder")
    bibstyle.register()  # the author-year reference list (bibtex_default_style: authoryear)
    app.add_config_value("casebook_title_from_case", False, "env")
    app.add_config_value("casebook_passage_anchors", False, "env")
    app.connect("env-check-consistency", _check_passage_anchors)
    app.add_node(report_placeholder)
    app.add_directive("casebook-reproducibility", ReproducibilityReport)
    app.add_directive("casebook-benchmarks", Benchmarks)
    app.connect("doctree-resolved", _fill_report)
    app.connect("env-get-outdated", _outdated)
    app.connect("source-read", _start_logging)
    app.connect("doctree-read", _collect_dependencies)
    app.connect("env-purge-doc", _purge)
    app.connect("config-inited", _static)
    app.connect("html-page-context", _page_fixes)
    app.connect("html-page-context", _page_metadata)
    app.connect("html-page-context", _rerun_context)
    app.connect("build-finished", _copy_plotly)
    app.add_css_file("casebook.css")
    # Reading relies on one process (the dependency log travels through the environment).
    return {"version": "2", "parallel_read_safe": False, "parallel_write_safe": True, "env_version": 2}
