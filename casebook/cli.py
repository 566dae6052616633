"""Command line: ``python -m casebook check [DATA_DIR]`` and friends."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
from pathlib import Path

from . import paths
from .case import Case, CaseError, about, check, default_data_dir, load
from .case.dictionary import markdown
from .newcase import FolderNotEmpty, create
from .publish.notebooks.prefetch import start_ahead

# Each command imports what it needs when it runs (deferred): ``casebook check`` runs in every
# commit's hooks, and ``casebook build`` must fork its kernels before Sphinx loads.


def _case(args: argparse.Namespace) -> Case:
    """The case named by ``--data`` (default: $CASEBOOK_DATA or data/); CaseError if invalid."""
    return load(Path(args.data) if args.data else None)


def _check(args: argparse.Namespace) -> int:
    root = Path(args.data_dir) if args.data_dir else default_data_dir()
    tables, problems = check(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{root}: {len(problems)} problem(s) found", file=sys.stderr)
        return 1
    rows = sum(len(t.rows) for t in tables.values())
    print(f"{root}: {len(tables)} tables, {rows} rows, no problems")
    return 0


def _name(args: argparse.Namespace) -> int:
    name = about(Path(args.case) if args.case else default_data_dir()).name
    print(
        paths.bundle(name)
        if args.file == "bundle"
        else getattr(paths.downloads(name), args.file)
        if args.file
        else name
    )
    return 0


def _dictionary(args: argparse.Namespace) -> int:
    info = about(Path(args.case) if args.case else default_data_dir())
    sys.stdout.write(markdown(info.title, info.description))
    return 0


def _init(args: argparse.Namespace) -> int:
    try:
        written = create(Path(args.folder), Path(args.source) if args.source else None)
    except (FolderNotEmpty, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files into {args.folder}")
    print(f"next: edit the CSV files (README.md explains every column), then: python -m casebook check {args.folder}")
    return 0


def _figures(args: argparse.Namespace) -> int:
    from .figures import write_static  # deferred: plotly

    written = write_static(_case(args), args.out, force=args.force)
    for path in written.values():
        print(f"wrote {path}")
    if not written:
        print(f"{args.out}: Figure 1 is up to date")
    return 0


def _dist(args: argparse.Namespace) -> int:
    from .reproducibility import release  # deferred: PyYAML and lxml

    project = Path(args.project).resolve()
    extra = [Path(p) for p in args.add]
    figures = args.figures or os.environ.get(paths.FIGURES_ENV)
    try:
        out = release.write(
            project,
            Path(args.build),
            Path(args.out),
            extra,
            data=Path(args.data) if args.data else default_data_dir(),
            book=Path(args.book) if args.book else project,
            figures=Path(figures) if figures else None,
        )
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    problems = release.verify(out)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    return 1 if problems else 0


def _export(args: argparse.Namespace) -> int:
    from . import qdpx  # deferred: lxml and pandas
    from .reproducibility import release

    case = _case(args)
    write = {
        "export-qdpx": qdpx.write_qdpx,
        "export-codebook": qdpx.write_qdc,
        "export-qdc": qdpx.write_qdc,
        "export-data": release.write_data,
    }
    print(f"wrote {write[args.command](case, args.out)}")
    return 0


def _share(text: str) -> float:
    """A share between 0 (exclusive) and 1, as --align takes it."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is no share between 0 and 1 (0.8 is 80 %)")
    return value


def _import(args: argparse.Namespace) -> int:
    from .qdpx import FolderInUse, NotAProject, import_project  # deferred: lxml and pandas
    from .qdpx.importer import summary

    folder = Path(args.case_dir)
    try:
        report = import_project(
            Path(args.project),
            folder,
            codebook=args.codebook,
            force=args.force,
            offsets=args.offsets,
            protected=default_data_dir(),
            align=args.align,
            named_coders=args.named_coders,
        )
    except (NotAProject, FolderInUse) as error:
        print(error, file=sys.stderr)
        return 1
    for line in summary(report):
        print(line)
    print(f"wrote {len(report.written)} files into {folder}")
    _, problems = check(folder)
    if problems:
        print(
            f"\n{len(problems)} thing(s) remain to fill in before the book can be built (python -m casebook check"
            f" {folder}):"
        )
        for problem in problems:
            print(f"  {problem}")
    return 0


def _build(args: argparse.Namespace) -> int:
    """``jupyter-book build`` (the options after SOURCE passed on as given), with the kernels
    of the notebooks the change makes stale started first (casebook.publish.notebooks.prefetch)."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--path-output")
    output = options.parse_known_args(args.jupyter_book)[0].path_output or args.source
    start_ahead(paths.doctrees(output))
    from jupyter_book.cli.main import main as jupyter_book  # deferred: Sphinx, loaded after the fork

    try:
        jupyter_book(["build", args.source, *args.jupyter_book], prog_name="jupyter-book")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    _exit_now(code)
    return code  # (not reached)


def _exit_now(code: int) -> None:
    """Exit without freeing the build's objects one by one, which takes Python about a second
    after a book is built; everything an exit does for the program itself is still done: the
    exit handlers (the kernels are waited for there), logging's and the streams' flushes."""
    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _verify(args: argparse.Namespace) -> int:
    from .reproducibility.verify import verify  # deferred: nbformat, nbclient, plotly

    checks = verify(Path(args.project).resolve(), Path(args.data).resolve() if args.data else None)
    for result in checks:
        print(result)
    failed = sum(not c.ok for c in checks)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


def _reliability(args: argparse.Namespace) -> int:
    """Agreement between the coders of a case (casebook.reliability); writes nothing."""
    from .reliability import lines, reliability  # deferred: krippendorff and numpy

    root = Path(args.case) if args.case else default_data_dir()
    print("\n".join(lines(reliability(load(root)), str(root))))
    return 0


def _robustness(args: argparse.Namespace) -> int:
    """Which claims rest on one interviewee, organisation or actor group (casebook.robustness)."""
    from .robustness import DIMENSIONS, UnknownSource, lines  # deferred: pandas

    root = Path(args.case) if args.case else default_data_dir()
    dimension = value = None
    if args.drop:
        dimension, _, value = args.drop.partition("=")
        if dimension not in DIMENSIONS or not value:
            print(f"--drop takes {'=…, '.join(DIMENSIONS)}=…, e.g. --drop interviewee=B", file=sys.stderr)
            return 2
    try:
        print("\n".join(lines(load(root), str(root), dimension, value)))
    except UnknownSource as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m casebook", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="validate a case folder; print every problem as file:row:column: message")
    c.add_argument("data_dir", nargs="?", help="case folder (default: $CASEBOOK_DATA or data/)")
    c.set_defaults(run=_check)
    b = sub.add_parser(
        "build",
        help="jupyter-book build SOURCE [OPTIONS], the stale notebooks' kernels started first",
        description="Run 'jupyter-book build SOURCE' with the options given (any of jupyter-book's),"
        " first starting kernels for the notebooks that the change since the last build makes stale"
        " (what make html, make pdf and make book run).",
    )
    b.add_argument("source", help="the book's folder")
    b.add_argument("jupyter_book", nargs=argparse.REMAINDER, help="any other jupyter-book build options")
    b.set_defaults(run=_build)
    i = sub.add_parser("init", help="start a new case folder: blank (headers only) or a copy of another case")
    i.add_argument("folder", help="the folder to create (must not hold files yet)")
    i.add_argument("--from", dest="source", help="copy this case folder instead (e.g. examples/teaching-case)")
    i.set_defaults(run=_init)
    n = sub.add_parser(
        "name",
        help="print the case's name (its datapackage.json; else its folder's), or the name of one of its files",
        description="What the Makefile asks: the name that names a case's downloads and release bundle.",
    )
    n.add_argument("case", nargs="?", help="case folder (default: $CASEBOOK_DATA or data/)")
    n.add_argument("--file", choices=["pdf", "qdpx", "data", "bundle"], help="the name of this file instead")
    n.set_defaults(run=_name)
    d = sub.add_parser("dictionary", help="print the data dictionary (data/README.md) made from the schema")
    d.add_argument("--case", help="title it for this case folder (default: the book's own case)")
    d.set_defaults(run=_dictionary)
    f = sub.add_parser("figures", help="write Figure 1 as SVG, PNG, PDF and JSON (plotly spec)")
    f.add_argument("--data", help="case folder (default: $CASEBOOK_DATA or data/)")
    f.add_argument("--out", default="figures", help="output folder (default: figures)")
    f.add_argument("--force", action="store_true", help="redraw even when the folder already shows this figure")
    f.set_defaults(run=_figures)
    v = sub.add_parser("verify", help="re-execute every notebook and compare tables, figure data and outputs")
    v.add_argument("--project", default=".", help="project root (default: .)")
    v.add_argument("--data", help="case folder (default: data/ of the project)")
    v.set_defaults(run=_verify)
    r = sub.add_parser("dist", help="write the release bundle (zip with RO-Crate metadata)")
    r.add_argument("--project", default=".", help="project root (default: .)")
    r.add_argument("--build", default="_build", help="build folder holding html/ and typst/ (default: _build)")
    r.add_argument("--book", help="the book's folder, with its _config.yml (default: the project root)")
    r.add_argument("--data", help="case folder (default: $CASEBOOK_DATA or data/)")
    r.add_argument("--figures", help="the figures folder (default: $CASEBOOK_FIGURES or figures/)")
    r.add_argument("--out", default="dist/case.zip", help="archive to write")
    r.add_argument("--add", action="append", default=[], help="another file to include (repeatable)")
    r.set_defaults(run=_dist)
    q = sub.add_parser("export-qdpx", help="write the case as a REFI-QDA project for qualitative-analysis software")
    q.add_argument("out", metavar="OUT.qdpx", help="archive to write (folders are created)")
    q.add_argument("--data", help="case folder (default: $CASEBOOK_DATA or data/)")
    q.set_defaults(run=_export)
    for name, help_ in (
        (
            "export-codebook",
            "write the case's code book as a REFI-QDA code book (.qdc) to code against in QDA software",
        ),
        ("export-qdc", "the same as export-codebook"),
    ):
        b = sub.add_parser(name, help=help_)
        b.add_argument("out", metavar="OUT.qdc", help="file to write (folders are created)")
        b.add_argument("--data", help="case folder (default: $CASEBOOK_DATA or data/)")
        b.set_defaults(run=_export)
    m = sub.add_parser("import-qdpx", help="make a new case folder from a REFI-QDA project (.qdpx) of QDA software")
    m.add_argument("project", metavar="PROJECT.qdpx", help="the project as a QDA tool exports it")
    m.add_argument("case_dir", metavar="CASE_DIR", help="the case folder to write (new or empty)")
    m.add_argument(
        "--codebook",
        help="map codes onto this case folder's code book or this .qdc file (default:"
        " the project's own code book, read by casebook's convention)",
    )
    m.add_argument("--force", action="store_true", help="replace the case files of a folder that holds some")
    m.add_argument(
        "--offsets",
        choices=["auto", "codepoints", "utf16"],
        default="auto",
        help="how the project counts text positions: code points as REFI-QDA says, or UTF-16 units as"
        " NVivo does (auto: by the project's origin)",
    )
    m.add_argument(
        "--align",
        type=_share,
        default=0.8,
        metavar="SHARE",
        help="two coders' selections are one segment when they have at least this share of the shorter in common"
        " (default 0.8: 80%%)",
    )
    m.add_argument(
        "--named-coders",
        action="store_true",
        help="name coders by their user names in the project, not c1, c2 (the case's datapackage.json then says"
        ' "named_coders": true)',
    )
    m.set_defaults(run=_import)
    e = sub.add_parser("export-data", help="write the case folder (CSV files and datapackage.json) as a zip")
    e.add_argument("out", metavar="OUT.zip", help="archive to write (folders are created)")
    e.add_argument("--data", help="case folder (default: $CASEBOOK_DATA or data/)")
    e.set_defaults(run=_export)
    a = sub.add_parser(
        "reliability",
        help="agreement between the coders of a case, per code: percent agreement, Cohen's kappa, Krippendorff's"
        " alpha with a 95%% bootstrap interval, and the disagreements (writes nothing)",
    )
    a.add_argument("case", nargs="?", help="case folder (default: $CASEBOOK_DATA or data/)")
    a.set_defaults(run=_reliability)
    o = sub.add_parser(
        "robustness",
        help="the claims that rest on one interviewee, organisation or actor group; with --drop, the claims that"
        " would lose every quote and document without it",
    )
    o.add_argument("case", nargs="?", help="case folder (default: $CASEBOOK_DATA or data/)")
    o.add_argument(
        "--drop",
        metavar="KIND=VALUE",
        help="set one source aside: interviewee=B, organisation=Municipality or actor=managers (an id or a label)",
    )
    o.set_defaults(run=_robustness)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CaseError as error:  # invalid data: the list of problems, never a traceback
        print(error, file=sys.stderr)
        return 1
