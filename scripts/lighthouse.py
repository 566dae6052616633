#!/usr/bin/env python
"""How fast the built books read on a phone: Lighthouse on every page, as ``make bench`` runs it.

    python scripts/lighthouse.py                               # both books, 3 runs
    python scripts/lighthouse.py --runs 1 --book turin=_build/html
    python scripts/lighthouse.py --baseline turin=/path/old-html   # before/after, interleaved

Lighthouse 12.2.3 (pinned in ``benchmarks/lighthouse/package-lock.json``) is installed from npm
into ``_build/.lighthouse`` the first time, and run by Node on Debian's chromium
(``CHROME_PATH=/usr/bin/chromium``) with its default settings: the mobile preset, a mid-range
phone on a slow 4G connection, simulated. Never part of ``make test``.

Each book is served on 127.0.0.1 as GitHub Pages serves a site: text files gzip-compressed
when the browser accepts it, over persistent HTTP/1.1 connections (``--plain`` serves the
bytes as they are). Every page of the book (its HTML files, less the root's redirect) is
measured ``--runs`` times, runs interleaved page by page and, with ``--baseline``, the old
build's page right after the new one's, so both meet the same load on the machine; a page's
figure is the median of its runs, metric by metric.

Targets (issue 26): performance >= 90 and accessibility 100 on every page; largest contentful
paint <= 2.5 s; cumulative layout shift <= 0.05; a first visit transfers <= 400 KB on a text
page and <= 1.6 MB on a page with Figure 1; no request leaves the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import functools
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "benchmarks" / "lighthouse"  # package.json and package-lock.json: the pin
FOLDER = ROOT / "_build" / ".lighthouse"  # where npm installs it
VERSION = "12.2.3"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync --disable-quic"
)
BOOKS = {
    "turin": ROOT / "_build" / "html",
    "teaching": ROOT / "_build" / "cases" / "teaching-case" / "_build" / "html",
}
FIGURE_MARK = 'class="casebook-plotly'  # a page with Figure 1 (casebook.publish.plotly.FIGURE_CLASS)
KB = 1024

# The targets, as (metric, comparison, bound) and which pages they apply to.
TARGETS = {
    "performance": (">=", 90, "every page"),
    "accessibility": (">=", 100, "every page"),
    "lcp_ms": ("<=", 2500, "every page"),
    "cls": ("<=", 0.05, "every page"),
    "transfer_bytes": ("<=", 400 * KB, "text"),
    "figure_transfer_bytes": ("<=", 1600 * KB, "figure"),
    "external_requests": ("<=", 0, "every page"),
}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


# --- Lighthouse ---------------------------------------------------------------------------
def install(folder: Path = FOLDER) -> Path:
    """Lighthouse's command-line script, installed with ``npm ci`` from the pinned lock file."""
    cli = folder / "node_modules" / "lighthouse" / "cli" / "index.js"
    installed = folder / "node_modules" / "lighthouse" / "package.json"
    if installed.is_file() and json.loads(installed.read_text())["version"] == VERSION:
        return cli
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(PACKAGE / name, folder / name)
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=folder, env=env, check=True)
    return cli


def lighthouse(cli: Path, url: str, timeout: float = 300) -> dict[str, Any]:
    """One Lighthouse run of ``url`` (mobile preset, performance and accessibility): its report."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        report = Path(tmp) / "report.json"
        cmd = [
            "node",
            str(cli),
            url,
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ]
        env = {**os.environ, "CHROME_PATH": CHROME, "TMPDIR": tmp}
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not report.is_file():
            raise RuntimeError(f"lighthouse {url} failed ({done.returncode}):\n{done.stderr[-2000:]}")
        return json.loads(report.read_text(encoding="utf-8"))


def metrics(report: dict[str, Any], origin: str) -> dict[str, Any]:
    """What the targets read from one report."""
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    outside = [r["url"] for r in requests if not r["url"].startswith((origin, "data:", "blob:"))]
    return {
        "performance": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "accessibility": round(100 * (report["categories"]["accessibility"]["score"] or 0)),
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "transfer_bytes": audits["total-byte-weight"]["numericValue"],
        "resource_bytes": sum(r.get("resourceSize") or 0 for r in requests),
        "requests": len(requests),
        "benchmark_index": report.get("environment", {}).get("benchmarkIndex", 0),  # the host CPU's speed then
        "external_requests": len(outside),
        "outside": outside,
        "warnings": report.get("runWarnings", []),
    }


# --- the site, served as GitHub Pages serves it --------------------------------------------
class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; text gzip-compressed for a browser that accepts it (``compress``)."""

    protocol_version = "HTTP/1.1"  # persistent connections
    compress = True
    cache: dict[tuple[Path, float], bytes] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and accepts and path.is_file() and kind.startswith(COMPRESSIBLE)):
            return super().do_GET()
        key = (path, path.stat().st_mtime)
        if key not in self.cache:
            self.cache[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        body = self.cache[key]
        self.send_response(200)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve(folder: Path, port: int = 0, compress: bool = True) -> Iterator[str]:
    """``folder`` on http://127.0.0.1:<port>/ for the duration of the block."""
    handler = functools.partial(type("Handler", (PagesHandler,), {"compress": compress}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def pages(folder: Path) -> dict[str, str]:
    """Every page of a built book, relative to its root, with its kind ("text" or "figure");
    Sphinx's own folders and the root's redirect are not pages of the book."""
    found = {}
    for page in sorted(folder.rglob("*.html")):
        name = page.relative_to(folder).as_posix()
        text = page.read_text(encoding="utf-8", errors="replace")
        if name.startswith("_") or "/_" in name or 'http-equiv="refresh"' in text[:3000].lower():
            continue
        found[name] = "figure" if FIGURE_MARK in text else "text"
    return found


# --- measuring ------------------------------------------------------------------------------
def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """A page's figure: the median of its runs, metric by metric."""
    numbers = [k for k, v in runs[0].items() if isinstance(v, int | float)]
    page = {k: statistics.median(r[k] for r in runs) for k in numbers}
    page["runs"] = [{k: r[k] for k in ("performance", "lcp_ms", "tbt_ms", "transfer_bytes")} for r in runs]
    page["outside"] = sorted({u for r in runs for u in r["outside"]})
    return page


def verdicts(page: dict[str, Any], kind: str) -> dict[str, bool]:
    """Which targets the page meets (its medians against the bounds)."""
    met = {}
    for target, (comparison, bound, applies) in TARGETS.items():
        if applies not in ("every page", kind):
            continue
        value = page["transfer_bytes"] if target == "figure_transfer_bytes" else page[target]
        met[target] = value >= bound if comparison == ">=" else value <= bound
    return met


def measure(
    books: dict[str, Path],
    runs: int = 3,
    baseline: dict[str, Path] | None = None,
    compress: bool = True,
    port: int = 0,
    only: list[str] | None = None,
    say=print,
) -> dict[str, Any]:
    """Every page of every book, ``runs`` times, with the baseline's same page right after.
    Each site is served on its own port, from ``port`` up (0: any free port); ``only``: the
    pages whose name matches one of these shell patterns (all by default)."""
    cli = install()
    baseline = baseline or {}
    variants = {"after": books, **({"before": baseline} if baseline else {})}
    loads: list[float] = []
    collected: dict[str, dict[str, dict[str, list]]] = {v: {} for v in variants}
    kinds: dict[str, dict[str, dict[str, str]]] = {
        v: {b: pages(f) for b, f in fs.items()} for v, fs in variants.items()
    }
    with contextlib.ExitStack() as stack:
        sites = [(v, b, f) for v, fs in variants.items() for b, f in fs.items()]
        origins: dict[str, dict[str, str]] = {v: {} for v in variants}
        for number, (variant, book, folder) in enumerate(sites):
            origins[variant][book] = stack.enter_context(serve(folder, port + number if port else 0, compress))
        for run in range(1, runs + 1):
            for book in books:
                names = sorted(set(kinds["after"][book]) | set(kinds.get("before", {}).get(book, {})))
                names = [n for n in names if not only or any(fnmatch.fnmatch(n, p) for p in only)]
                for name in names:
                    for variant in variants:
                        if book not in origins[variant] or name not in kinds[variant][book]:
                            continue
                        loads.append(os.getloadavg()[0])
                        origin = origins[variant][book]
                        result = metrics(lighthouse(cli, origin + name), origin.rstrip("/"))
                        collected[variant].setdefault(book, {}).setdefault(name, []).append(result)
                        say(
                            f"run {run}/{runs} {variant:6} {book}/{name}: performance {result['performance']}, "
                            f"LCP {result['lcp_ms'] / 1000:.2f} s, {result['transfer_bytes'] / KB:.0f} KB"
                        )
    out: dict[str, Any] = {
        "tool": f"Lighthouse {VERSION}, mobile preset (simulated slow 4G, 4x CPU slowdown), Debian chromium",
        "serving": "gzip, HTTP/1.1 keep-alive (as GitHub Pages)" if compress else "plain files, HTTP/1.1 keep-alive",
        "runs": runs,
        "load_average": {"min": min(loads), "median": statistics.median(loads), "max": max(loads)} if loads else None,
        "targets": {k: {"comparison": c, "bound": b, "pages": a} for k, (c, b, a) in TARGETS.items()},
    }
    for variant, found in collected.items():
        out[variant] = {}
        for book, by_page in found.items():
            out[variant][book] = {}
            for name, results in by_page.items():
                page = median_of(results)
                page["kind"] = kinds[variant][book][name]
                page["met"] = verdicts(page, page["kind"])
                out[variant][book][name] = page
    return out


def all_met(result: dict[str, Any], variant: str = "after") -> bool:
    return all(all(p["met"].values()) for book in result[variant].values() for p in book.values())


def table(result: dict[str, Any]) -> str:
    """Page by page: performance, LCP, CLS, transfer, requests (before -> after with a baseline)."""
    rows = [("book/page", "perf", "a11y", "LCP s", "CLS", "transfer KB", "requests", "met")]
    before = result.get("before", {})
    for book, by_page in result["after"].items():
        for name, page in by_page.items():
            old = before.get(book, {}).get(name)

            def cell(key: str, fmt: str, scale: float = 1, page=page, old=old) -> str:
                new = format(page[key] / scale, fmt)
                return f"{format(old[key] / scale, fmt)} -> {new}" if old else new

            rows.append(
                (
                    f"{book}/{name}",
                    cell("performance", ".0f"),
                    cell("accessibility", ".0f"),
                    cell("lcp_ms", ".2f", 1000),
                    cell("cls", ".3f"),
                    cell("transfer_bytes", ".0f", KB),
                    cell("requests", ".0f"),
                    "yes"
                    if all(page["met"].values())
                    else "NO: " + ", ".join(k for k, v in page["met"].items() if not v),
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


def _commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or None


def _pairs(values: list[str]) -> dict[str, Path]:
    out = {}
    for value in values:
        name, _, path = value.partition("=")
        out[name] = Path(path).resolve()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--book", action="append", default=[], help="name=folder of a built site (default: both books)")
    p.add_argument("--baseline", action="append", default=[], help="name=folder of the same book built before")
    p.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (default 3; the median counts)")
    p.add_argument("--plain", action="store_true", help="serve the files uncompressed")
    p.add_argument("--only", action="append", help="only the pages matching this shell pattern (repeatable)")
    p.add_argument("--port", type=int, default=0, help="first port of the local servers (default: any free port)")
    p.add_argument("--out", type=Path, default=ROOT / "_build" / "lighthouse.json", help="where to write the results")
    p.add_argument(
        "--results",
        type=Path,
        help="also put them into this results file of make bench (benchmarks/results.json) as its 'reader' part",
    )
    args = p.parse_args(argv)
    books = _pairs(args.book) or {name: folder for name, folder in BOOKS.items() if folder.is_dir()}
    missing = [f"{name}: {folder}" for name, folder in books.items() if not (folder / "index.html").is_file()]
    if missing or not books:
        p.error("no built book at " + ", ".join(missing or [str(f) for f in BOOKS.values()]) + " (make book)")
    started = time.time()
    result = measure(books, args.runs, _pairs(args.baseline), compress=not args.plain, port=args.port, only=args.only)
    result["seconds"] = round(time.time() - started)
    result["date"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(started))
    result["git_commit"] = _commit()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.results:
        merged = json.loads(args.results.read_text(encoding="utf-8")) if args.results.is_file() else {}
        merged["reader"] = result
        args.results.write_text(json.dumps(merged, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nload average (1 min) during the runs: {result['load_average']}; wrote {args.out}")
    return 0 if all_met(result) else 1


if __name__ == "__main__":
    sys.exit(main())
