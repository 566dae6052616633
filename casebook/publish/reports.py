"""What the build writes into pages from files: the reproducibility report and the benchmarks.

``{casebook-reproducibility}`` reports this build: when and with what it was made, the
checksums of the data and of what was generated from them, the notebooks executed, the
last nbval result. In print (any builder but HTML) it keeps what a reader of the article
needs, what was run on which data with full checksums, and nothing that changes from run
to run (times, the last test run), so the PDF stays the same bytes. ``{casebook-benchmarks}`` shows what
``make bench`` measured (``benchmarks/results.json``).
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx

from ..paths import figures_folder
from ..reproducibility import benchmarks, report
from .prepare import case as build_case

GENERATED = "casebook-generated"
"""Class of what this module writes into a page from files: not prose (the audit skips it)."""


class report_placeholder(nodes.General, nodes.Element):
    """Where the reproducibility report goes; filled in once every page has been read."""


class ReproducibilityReport(Directive):
    """``{casebook-reproducibility}``: the report of this build (see :mod:`casebook.reproducibility.report`)."""

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        if not hasattr(env, "casebook_report_docs"):
            env.casebook_report_docs = set()
        env.casebook_report_docs.add(env.docname)
        return [report_placeholder()]


class Benchmarks(Directive):
    """``{casebook-benchmarks}``: what ``make bench`` measured (``benchmarks/results.json``
    beside the book's sources, see :mod:`casebook.reproducibility.benchmarks`), or a line saying that
    nothing has been measured yet."""

    def run(self) -> list[nodes.Node]:
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
                _subheading("Synthetic cases"),
                nodes.paragraph(
                    text="The real case replicated N times (scripts/synthetic_case.py): the time of "
                    "python -m casebook check, of building Tables 1–3 and Figure 1, the larger "
                    "peak memory of the two, and whether Figure 1 aggregated the actor groups."
                ),
                _table(list(benchmarks.SYNTHETIC_HEADER), synthetic, [10, 14, 16, 26, 16, 18]),
            ]
        reader = benchmarks.reader_rows(results)
        if reader:
            out += [
                _subheading("Reading on a phone"),
                nodes.paragraph(text=benchmarks.reader_line(results) + " " + benchmarks.READER_TARGETS),
                _table(list(benchmarks.READER_HEADER), reader, [30, 12, 12, 11, 14, 9, 12], ("casebook-compact",)),
            ]
        if benchmarks.notes(results):
            out += [
                _subheading("Notes"),
                nodes.bullet_list(
                    "", *[nodes.list_item("", nodes.paragraph(text=note)) for note in benchmarks.notes(results)]
                ),
            ]
        return [nodes.container("", *out, classes=[GENERATED])]


def _subheading(title: str) -> nodes.rubric:
    """A heading under the section's (an h3 on the web, where it would be a bold paragraph)."""
    node = nodes.rubric(text=title)
    node["heading-level"] = node["level"] = 3
    return node


def _cell(value: str | nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    entry += value if isinstance(value, nodes.Node) else nodes.paragraph(text=value)
    return entry


def _table(
    header: list[str], rows: list[list[str | nodes.Node]], widths: list[int], classes: tuple[str, ...] = ()
) -> nodes.table:
    table = nodes.table(classes=["casebook-report", *classes])
    group = nodes.tgroup(cols=len(header))
    table += group
    for i, width in enumerate(widths):
        group += nodes.colspec(colwidth=width, **({"stub": 1} if i == 0 else {}))  # the first column names the row
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


def fill_report(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the report, once every page has been read (it reports on all of them)."""
    placeholders = list(doctree.findall(report_placeholder))
    if not placeholders:
        return
    web = app.builder.format == "html"

    def digest(value: str) -> nodes.Node:  # in full: a checksum cut short checks nothing
        return nodes.literal(text=value)

    case = build_case(app)
    project = Path(app.srcdir)
    figures = figures_folder(project)
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
        nbval_text = (
            f"Last nbval run ({nbval.when}): {nbval.tests} notebook cells re-executed and compared with "
            f"the committed outputs, {verdict}, in {nbval.seconds:.1f} s."
        )
    data_files = report.data_checksums(case)
    folder = Path(os.path.relpath(case.root, project)).as_posix()
    lines = (
        (f"Built at {report.build_time()} with the {app.builder.name} builder.", f"Case data: {folder}/", nbval_text)
        if web
        else (
            f"Built with the {app.builder.name} builder from the sources as of {report.source_time(project)}.",
            f"Case data: the folder {folder}/ of the repository, {len(data_files)} files, each with its "
            "SHA-256 checksum below.",
        )
    )
    artefacts = report.artefacts(case, figures)
    content = [
        _section(
            "This build",
            nodes.bullet_list("", *[nodes.list_item("", nodes.paragraph(text=line)) for line in lines]),
        ),
        _section("Software", _table(["Package", "Version"], [list(v) for v in report.versions()], [30, 70])),
        _section("Data", _table(["File", "SHA-256"], [[n, digest(s)] for n, s in data_files], [30, 70])),
        _section(
            "Generated from the data",
            _table(
                ["Artefact", "What", "SHA-256"],
                [[a.name, a.what, digest(a.sha256)] for a in artefacts],
                [22, 28, 50],
            )
            if web  # in print the checksum needs the width of a column of its own
            else _table(
                ["Artefact", "SHA-256"], [[f"{a.name} ({a.what})", digest(a.sha256)] for a in artefacts], [30, 70]
            ),
        ),
        _section(
            "Notebooks executed",
            _table(["Page", "Method", "Seconds", "Succeeded", "Executed at (UTC)"], ran, [34, 12, 10, 12, 32])
            if web
            else _table(["Page", "Method", "Succeeded"], ran, [50, 25, 25]),
        ),
    ]
    for placeholder in placeholders:
        placeholder.replace_self(content)


def setup(app: Sphinx) -> None:
    app.add_node(report_placeholder)
    app.add_directive("casebook-reproducibility", ReproducibilityReport)
    app.add_directive("casebook-benchmarks", Benchmarks)
    app.connect("doctree-resolved", fill_report)
