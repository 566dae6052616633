"""A live preview for authors: the book served on http://127.0.0.1:8000, rebuilt with
``make html`` when a chapter, the data or the package change, and reloaded in the browser.

    make preview                    # the Turin edition
    make preview CASE=path/to/case  # another case folder

It is sphinx-autobuild's watcher, reload socket and page injector (all local: the reload
script is inlined into each served page, nothing is fetched from elsewhere) around the
same ``make html`` an author runs by hand, so the preview redoes only what the change needs
(casebook.publish) and shows the build's errors (a bad CSV row names file, row and column)
in the terminal while the last good book stays on screen. Files the build writes itself
(``_build/``, ``figures/``) are not watched.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from sphinx_autobuild.filter import IgnoreFilter
from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
from sphinx_autobuild.server import RebuildServer
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parents[1]
IGNORED = (
    "_build",
    "figures",
    "dist",
    ".git",
    ".venv",
    "__pycache__",
    ".ipynb_checkpoints",
    ".pytest_cache",
    ".ruff_cache",
)
IGNORED_PATTERNS = (r".*\.pyc$", r".*~$", r".*\.sw[px]$", r".*/\.#.*", r".*/#[^/]*#$")  # editors' scratch files


class Rebuild:
    """What runs on a change (in a worker process, so it must pickle): the build command."""

    def __init__(self, command: Sequence[str], url: str):
        self.command = list(command)
        self.url = url

    def __call__(self, *, changed_paths: Sequence[Path] = ()) -> None:
        if changed_paths:
            shown = ", ".join(_shown(p) for p in list(changed_paths)[:5])
            print(f"preview: changed {shown}; rebuilding", flush=True)
        result = subprocess.run(self.command, cwd=ROOT, check=False)
        if result.returncode:
            print(f"preview: the build failed (exit {result.returncode}); still serving the last good book", flush=True)
        print(f"preview: serving {self.url}", flush=True)


def _shown(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def app(html: Path, watch: Sequence[Path], rebuild: Rebuild, url_host: str) -> Starlette:
    ignore = IgnoreFilter([ROOT / name for name in IGNORED] + [html], list(IGNORED_PATTERNS))
    watcher = RebuildServer(list(watch), ignore, change_callback=rebuild)
    return Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=html, html=True), name="static"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=url_host)],
        lifespan=watcher.lifespan,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built site to serve")
    parser.add_argument("--watch", type=Path, nargs="+", required=True, help="files and folders to watch")
    parser.add_argument(
        "--build",
        default="make --no-print-directory html",
        help="the command that rebuilds the site (default: %(default)s)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-initial-build", action="store_true", help="serve what is built, build on a change")
    args = parser.parse_args(argv)
    url_host = f"{args.host}:{args.port}"
    rebuild = Rebuild(shlex.split(args.build), f"http://{url_host}/")
    watch = [path for path in args.watch if path.exists()]
    if not args.no_initial_build:
        rebuild()
    args.html.mkdir(parents=True, exist_ok=True)
    print(f"preview: watching {', '.join(_shown(p.resolve()) for p in watch)} (Ctrl+C stops)", flush=True)
    uvicorn.run(app(args.html.resolve(), watch, rebuild, url_host), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
