"""The ``typst`` Sphinx builder: the whole book as one PDF, typeset by Typst.

It reads the same environment as the HTML build (the same executed notebooks, the
same resolved references), assembles every page in table-of-contents order into one
doctree, writes it as Typst markup (:mod:`.typst_writer`) beside the page design
(``templates/casebook.typ``), and compiles it with the Typst compiler from PyPI:

- tagged PDF/UA-1 and PDF/A-2a, title, language and keywords set; row headers and table
  captions tagged after Typst (:mod:`.pdf_tags`);
- byte-identical on every build: the timestamp is ``SOURCE_DATE_EPOCH``, else the date
  of the last commit, and only fonts that ship with Typst or the named Debian packages
  are used (never the machine's other fonts);
- laid out as an article: the first page's title and front matter, a table of contents,
  the numbered sections (numbers read from Sphinx), then the other parts unnumbered.

    jupyter-book build . --builder custom --custom-builder typst

writes ``_build/typst/book.typ`` and ``_build/typst/book.pdf``.
"""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains.std import StandardDomain
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.nodes import inline_all_toctrees
from sphinx.util.tags import Tags

from sphinx import addnodes

from ..reproducibility.provenance import source_epoch
from . import pdf_tags
from .state import build_state
from .typst_markup import Part, part_heading, string, text
from .typst_writer import TypstWriter

if TYPE_CHECKING:
    from typst import PDFStandard

logger = logging.getLogger(__name__)

TEMPLATE = Path(__file__).parent / "templates" / "casebook.typ"
ROW_HEADERS = "row-headers.json"  # beside book.typ: the tables' row header columns, for pdf_tags.repair
PDF_STANDARDS: list[PDFStandard] = ["a-2a", "ua-1"]
# Fonts besides Typst's own (Libertinus Serif, New Computer Modern, DejaVu Sans Mono), by
# the Debian package that installs them: scripts Libertinus lacks (Arabic, Hebrew,
# Armenian, Georgian; Chinese, Japanese, Korean). Only these folders are searched.
FONT_FOLDERS = {
    "DejaVu Sans": "/usr/share/fonts/truetype/dejavu",  # fonts-dejavu-core
    "Droid Sans Fallback": "/usr/share/fonts/truetype/droid",  # fonts-droid-fallback
}


class TypstError(SphinxError):
    category = "Typst error"


class TypstBuilder(Builder):
    name = "typst"
    format = "typst"
    epilog = "The PDF is in %(outdir)s."
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg", "image/gif"]
    supported_remote_images = False

    def init(self) -> None:
        self.images: dict[str, str] = {}

    def get_outdated_docs(self) -> str:
        return "the whole book"  # one output made of every page

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return "%" + docname

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to)

    def prepare_writing(self, docnames: set[str]) -> None:
        pass

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        pass

    # -- assembling ------------------------------------------------------------

    def _mark_parts(self, tree: nodes.document) -> dict[str, Part]:
        """Put a part heading before each toctree whose caption is printed as one, and say
        how each document is laid out (heading level, numbered or not)."""
        printed = set(self.config.casebook_pdf_part_headings)
        parts: dict[str, Part] = {self.config.root_doc: Part(level=0)}

        def walk(doc: str, base: int) -> None:
            for toctree in self.env.get_doctree(doc).findall(addnodes.toctree):
                level = base + (1 if toctree.get("caption") in printed else 0)
                for child in toctree["includefiles"]:
                    if child not in parts:
                        parts[child] = Part(level=level, numbered=bool(toctree.get("numbered")))
                        walk(child, level + 1)

        walk(self.config.root_doc, 1)
        for toctree in list(tree.findall(addnodes.toctree)):
            if toctree.get("caption") in printed:
                toctree.parent.insert(toctree.parent.index(toctree), part_heading(caption=toctree["caption"]))
        return parts

    def assemble(self) -> tuple[nodes.document, dict[str, Part]]:
        root = self.config.root_doc
        tree = self.env.get_doctree(root).deepcopy()
        parts = self._mark_parts(tree)
        tree = inline_all_toctrees(self, set(), root, tree, lambda s: s, [root])
        tree["docname"] = root
        self._omit(tree)
        self.env.resolve_references(tree, root, self)
        self.post_process_images(tree)
        return tree, parts

    def _omit(self, tree: nodes.document) -> None:
        """Leave out the sections ``casebook_pdf_omit`` names by label: what belongs to the web
        page and the repository, not to print (the benchmarks of the build)."""
        std = cast(StandardDomain, self.env.get_domain("std"))
        for name in self.config.casebook_pdf_omit:
            if name not in std.labels:
                logger.warning(f"casebook_pdf_omit: no section is labelled {name!r}", type="casebook", subtype="typst")
                continue
            _, ident, _ = std.labels[name]
            for section in list(tree.findall(nodes.section)):
                if ident in section["ids"]:
                    section.parent.remove(section)

    # -- writing ---------------------------------------------------------------

    def write(self, *ignored: Any) -> None:
        self.compile(self.write_source())

    def write_source(self) -> Path:
        """``book.typ``, its template and its images in the output folder, which is returned."""
        tree, parts = self.assemble()
        names = dict(self.images)  # source path -> the unique file name Sphinx gave it
        writer = TypstWriter(self.config.root_doc, self.env.toc_secnumbers, self.env.toc_fignumbers, parts, names)
        writer.collect_labels(tree)
        source = self.typst_source(tree, writer)
        out = Path(self.outdir)
        (out / "images").mkdir(parents=True, exist_ok=True)
        for src, name in names.items():
            shutil.copyfile(Path(self.srcdir) / src, out / "images" / name)
        shutil.copyfile(TEMPLATE, out / TEMPLATE.name)
        (out / "book.typ").write_text(source, encoding="utf-8")
        (out / ROW_HEADERS).write_text(json.dumps(writer.row_headers) + "\n", encoding="utf-8")
        return out

    def _fonts(self) -> tuple[list[str], list[str]]:
        families, folders = ["Libertinus Serif"], []
        for family, folder in FONT_FOLDERS.items():
            if Path(folder).is_dir():
                families.append(family)
                folders.append(folder)
        return families, folders

    def typst_source(self, tree: nodes.document, writer: TypstWriter) -> str:
        section = next(tree.findall(nodes.section))  # the first page: title and front matter
        title = section.children[0]
        intro: list[nodes.Node] = []
        front: list[nodes.Node] = []
        book: list[nodes.Node] = []
        for child in section.children[1:]:
            if isinstance(child, nodes.compound) and "toctree-wrapper" in child["classes"] or book:
                book.append(child)
            elif isinstance(child, nodes.section) or front:
                front.append(child)
            else:
                intro.append(child)
        families, _ = self._fonts()
        config = self.config
        about = config.casebook_pdf_metadata
        shown_title = config.casebook_pdf_title or title.astext()
        options = ", ".join(
            [
                f"title: {string(shown_title)}",
                f"short-title: {string(config.casebook_pdf_short_title or config.project)}",
                f"notice: {string(about.get('notice', ''))}",
                f"lang: {string((config.language or 'en').split('_')[0])}",
                f"keywords: ({''.join(string(k) + ', ' for k in about.get('keywords', []))})",
                f"fonts: ({''.join(string(f) + ', ' for f in families)})",
            ]
        )
        writer.docname = config.root_doc
        writer.depth = 1
        heading = text(config.casebook_pdf_title) if config.casebook_pdf_title else writer.inlines(title)
        parts = [
            f'#import "{TEMPLATE.name}": *',
            f"#show: casebook-book.with({options})",
            f"#casebook-title[{heading}][{writer.body(intro)}]",
            writer.body(front),
            "#casebook-contents()",
            writer.body(book),
        ]
        return "\n\n".join(p for p in parts if p) + "\n"

    def compile(self, out: Path) -> None:
        import typst  # deferred: the Typst compiler, a native module of 80 MB, for the PDF only

        _, folders = self._fonts()
        compiler = typst.Compiler(str(out / "book.typ"), root=str(out), font_paths=folders, ignore_system_fonts=True)
        try:
            pdf, warnings = compiler.compile_with_warnings(
                format="pdf", pdf_standards=PDF_STANDARDS, timestamp=source_epoch(Path(self.srcdir))
            )
        except typst.TypstError as error:
            raise TypstError(explain(str(error))) from None
        for warning in warnings:
            logger.warning(f"Typst: {warning}", type="casebook", subtype="typst")
        if not isinstance(pdf, bytes):  # one document in, one PDF out
            raise TypstError(f"Typst wrote no PDF from {out / 'book.typ'}")
        row_headers = json.loads((out / ROW_HEADERS).read_text(encoding="utf-8"))
        (out / self.config.casebook_pdf_name).write_bytes(pdf_tags.repair(pdf, row_headers))

    def finish(self) -> None:
        pass


ALSO_PDF_ENV = "CASEBOOK_ALSO_PDF"
"""Set (to any value) for an HTML build that writes the PDF too, from the same reading
(``make book``): one start-up of Sphinx and one reading of the book for both outputs."""


def start_pdf(app: Sphinx, html: Any) -> None:
    """``write-started`` of an HTML build that writes the PDF too (``make book``): the Typst
    source from the environment just read, then its compilation on a thread of its own, so
    that Typst (which lets go of Python's lock) typesets while Sphinx writes the pages.

    While the Typst builder writes the source it is the application's builder (which
    ``only`` directives and the report consult); it writes into ``typst/`` beside ``html/``,
    and the PDF is the same, byte for byte, as a build with the typst builder alone."""
    if app.builder.name != "html" or not os.environ.get(ALSO_PDF_ENV):
        return
    builder = TypstBuilder(app, app.env)
    builder.tags = Tags([builder.format, builder.name, f"format_{builder.format}", f"builder_{builder.name}"])
    builder.outdir = Path(app.outdir).parent / builder.name  # type: ignore[assignment]  # a Path: Sphinx 7.4 types it as its private _StrPath
    builder.init()
    app.builder = builder
    try:
        out = builder.write_source()
    finally:
        app.builder = html
    typesetting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casebook-typst")
    build_state(app).pdf = (builder, typesetting.submit(builder.compile, out))
    typesetting.shutdown(wait=False)


def also_pdf(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: wait for the PDF :func:`start_pdf` is typesetting; the site offers it."""
    state = build_state(app)
    if state.pdf is None:
        return
    (builder, typeset), state.pdf = state.pdf, None
    typeset.result()  # waits; Typst's error, if any, is raised here
    if exception is not None:
        return
    name = app.builder.config.html_context.get("casebook_pdf")
    if name:  # the site offers it for download
        shutil.copyfile(Path(builder.outdir) / app.config.casebook_pdf_name, Path(app.outdir) / name)
    logger.info(f"[casebook] the PDF is in {builder.outdir}")


def explain(message: str) -> str:
    """Typst's error, with a note naming the missing glyph when no font can print it."""
    if "could not be displayed" in message:
        chars = {c for c in message.split("`")[1::2] if len(c.strip('"')) == 1}
        named = ", ".join(
            f"{c} (U+{ord(c.strip(chr(34))):04X} {unicodedata.name(c.strip(chr(34)), '?')})" for c in sorted(chars)
        )
        return (
            f"{message}\nNo font of the PDF can print {named}. The PDF uses Typst's fonts and those of the "
            f"Debian packages fonts-dejavu-core and fonts-droid-fallback; install a font covering this script "
            f"into one of {', '.join(FONT_FOLDERS.values())}."
        )
    return message


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(TypstBuilder)
    app.connect("write-started", start_pdf)
    app.connect("build-finished", also_pdf, priority=400)
    app.add_config_value("casebook_pdf_part_headings", [], "env", list)
    app.add_config_value("casebook_pdf_title", "", "env", str)  # default: the first page's heading
    app.add_config_value("casebook_pdf_short_title", "", "env", str)  # default: the project's title
    app.add_config_value("casebook_pdf_name", "book.pdf", "env", str)
    app.add_config_value("casebook_pdf_metadata", {}, "env", dict)
    app.add_config_value("casebook_pdf_omit", [], "env", list)  # labels of sections the PDF leaves out
    return {"parallel_read_safe": True, "parallel_write_safe": True}
