#!/usr/bin/env python
"""Benchmarks of the edition: how long it takes to build and test, and how the package
copes with cases far larger than the real one. Run by ``make bench`` (not by make test).

    python -m scripts.bench                 # every measurement, 3 repeats (from the project's root)
    python -m scripts.bench --repeat 1      # quick (make bench REPEAT=1)
    python -m scripts.bench --only builds,synthetic --sizes 1,10

Everything that builds runs in a copy of the project, ``_build/.bench/project`` (the
working tree less _build, .venv, dist and .git), with this virtual environment and with
PYTHONPATH and CASEBOOK_DATA pointing at the copy, so the working tree's ``_build/`` and
``data/`` are never touched. Measured, each ``--repeat`` times unless said otherwise:

- builds, as the user runs them, each repeat beside a bare Jupyter Book of the same size
  (``scripts/bare_book.py``) built clean in the same run, the yardstick of the ratios:
  ``make html`` clean (after removing the copy's _build), again with nothing changed,
  after one activity of Table 1 changed, after one topic of the interview outline
  changed (with the notebooks each re-executed), and ``make book`` after one activity
  changed; then ``make pdf`` alone after the HTML build (``--pdf-repeat``, as many as
  ``--repeat`` by default), and the teaching case's book (once);
- tests: ``pytest -m "not built and not pdf and not browser"`` in the copy, and the full
  ``pytest tests`` once against the copy's built books;
- synthetic: cases 1x, 10x, 100x, 1000x the real one (scripts/synthetic_case.py, in
  _build/.synthetic): ``python -m casebook check`` and the builders of Tables 1-3 and
  Figure 1 (in a subprocess stopped after ``--builders-timeout`` seconds), with time,
  peak memory (ru_maxrss of the subprocess) and whether Figure 1 aggregated the actors;
- weight: bytes of each built HTML page plus its local resources, as stored and as sent
  gzip-compressed (tools/page_weight.py);
- reader: Lighthouse on every page of both books, ``--repeat`` runs each (scripts/lighthouse.py).

Writes ``benchmarks/results.json`` (see :func:`measurement` for one entry; a run of some
groups keeps the others as the file had them) and prints a summary with the targets.
``casebook.reproducibility.benchmarks`` renders the file in the book.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from casebook.publish.plotly import LOADER, SCRIPT
from casebook.reproducibility.benchmarks import amount, machine_line
from casebook.reproducibility.provenance import git
from scripts import bare_book, synthetic_case
from tools import page_weight
from tools.process import ANSI, Run, executed_notebooks, pytest_counts, run
from tools.project_copy import ROOT, append_to_cell, child_env, copy_project

BENCH = ROOT / "_build" / ".bench"  # hidden: a book build in the working tree never walks the copies
COPY = BENCH / "project"
SYNTHETIC = ROOT / "_build" / ".synthetic"
RESULTS = ROOT / "benchmarks" / "results.json"
TYPST = ("--builder", "custom", "--custom-builder", "typst")  # the PDF, as make pdf builds it
PY = sys.executable  # the virtual environment's python (not resolved: that would leave the venv)
JB = str(Path(sys.executable).with_name("jupyter-book"))
STRICT = ["-W", "-n", "--keep-going"]
FAST_TESTS = "not built and not pdf and not browser"
GROUPS = ("builds", "tests", "synthetic", "weight", "reader")
GROUP_NAMES = {"synthetic": "synthetic cases", "weight": "page weight", "reader": "reading on a phone"}
SIZES = (1, 10, 100, 1000)
MB = 1024 * 1024

# Targets on a 2-core machine (the median must be below them): in seconds, or as a ratio to
# the bare Jupyter Book of the same size built in the same run.
TARGETS = {
    "html_no_change_rebuild": 2.0,
    "check_1000x": 2.0,
}
TARGET_RATIOS = {
    "html_clean_build": 1.2,
    "html_one_row_change": 0.3,
    "book_one_row_change": 0.4,
}

# One edit of the copy's data per incremental build: (file, id column, id, column, appended text).
ACTIVITY_EDIT = ("institutional_work.csv", "id", "iw01", "activity", " (edited by make bench)")
OUTLINE_EDIT = ("interview_outline.csv", "order", "1", "topic", " (edited by make bench)")

# Said in the notes when a target is missed: what the measurement itself shows.
REASONS = {
    "html_one_row_change": (
        "One activity changed re-executes {executed} notebooks ({names}): each shows the activities themselves "
        "(Table 1, Figure 1's hover text, the code book's counts, the Evidence appendix); they run on a kernel "
        "that casebook build starts, in a process of its own, before Sphinx starts. What remains is Jupyter "
        "Book's own start-up and page writing, which a no-change build of the pages would cost too; the bare "
        "book pays its clean build once, not per edit."
    ),
    "builders": ("The builders of the {size}x case were stopped after {timeout:g} s ({done}){before}."),
}


class BenchError(RuntimeError):
    """A step that later measurements depend on failed."""


def summarise(values: list[float]) -> dict[str, float | None]:
    """Median, smallest and largest of the repeats (None for no values)."""
    if not values:
        return {"median": None, "min": None, "max": None}
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def measurement(name: str, what: str, unit: str, values: list[float], group: str, **extra: Any) -> dict[str, Any]:
    """One entry of results.json: what was measured, its unit, how many repeats, the median
    and spread, the raw values, the target (if any) and whether the median meets it."""
    values = [round(v, 3) for v in values]
    entry: dict[str, Any] = {
        "what": what,
        "unit": unit,
        "group": group,
        "repeats": len(values),
        **summarise(values),
        "values": values,
    }
    target = extra.pop("target_value", TARGETS.get(name))
    if target is not None:
        entry["target"] = f"< {target:g} {unit}"
        entry["target_value"] = target
        entry["met"] = entry["median"] is not None and entry["median"] < target and not extra.get("timed_out")
    entry.update(extra)
    return entry


def make_copy(source: Path = ROOT, target: Path = COPY) -> Path:
    """A fresh :func:`copy_project` in ``target``, replaced if it exists (inside _build/.bench only)."""
    if BENCH.resolve() not in target.resolve().parents:
        raise ValueError(f"refusing to replace {target}: the copy lives under {BENCH}")
    if target.exists():
        shutil.rmtree(target)
    return copy_project(target, source)


def _n(notebooks: list[str]) -> str:
    return f"{len(notebooks)} notebook{'' if len(notebooks) == 1 else 's'}"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in counts.items() if v or k in ("passed", "failed"))


def _must(result: Run, what: str) -> Run:
    if result.returncode != 0 or result.timed_out:
        raise BenchError(f"{what} failed (exit {result.returncode}):\n{result.tail()}")
    return result


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.copy = COPY
        self.env = child_env(self.copy)
        self.measurements: dict[str, dict[str, Any]] = {}
        self.synthetic: list[dict[str, Any]] = []
        self.page_weight: dict[str, Any] = {}
        self.reader: dict[str, Any] = {}
        self.notes: list[str] = []
        self.built = False

    def say(self, text: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)

    def add(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.measurements[name] = measurement(name, *args, **kwargs)
        m = self.measurements[name]
        self.say(f"{name}: median {m['median']} {m['unit']} over {m['repeats']} run(s)")

    def jb(self, *extra: str, source: str = ".", env: dict[str, str] | None = None) -> Run:
        return run([JB, "build", source, *extra, *STRICT], self.copy, env or self.env, timeout=self.args.timeout)

    # --- builds -------------------------------------------------------------------------
    def make(self, *targets: str) -> Run:
        """``make`` in the copy, with this virtual environment: what the user runs."""
        return run(
            ["make", "--no-print-directory", f"VENV={Path(PY).parent.parent}", *targets],
            self.copy,
            self.env,
            timeout=self.args.timeout,
        )

    def builds(self) -> None:
        """What the user runs, beside a bare Jupyter Book of the same size built in the same run
        (scripts/bare_book.py), repeat by repeat: the bare book clean; then this book clean
        (make html after removing _build), with nothing changed, after one activity of Table 1
        changed, after one topic of the interview outline changed, and make book after one
        activity changed."""
        bare = bare_book.write(BENCH / "bare")
        data = self.copy / "data"
        pristine = {name: (data / name).read_bytes() for name in (ACTIVITY_EDIT[0], OUTLINE_EDIT[0])}
        times: dict[str, list[float]] = {k: [] for k in ("bare", "clean", "again", "activity", "outline", "book")}
        ran: dict[str, list[str]] = {}
        rss = 0
        for i in range(self.args.repeat):
            self.say(f"Builds, repeat {i + 1} of {self.args.repeat}: the bare Jupyter Book, then this book")
            shutil.rmtree(bare / "_build", ignore_errors=True)
            times["bare"].append(
                _must(
                    run([JB, "build", str(bare)], bare, self.env, timeout=self.args.timeout), "bare Jupyter Book build"
                ).seconds
            )
            shutil.rmtree(self.copy / "_build", ignore_errors=True)
            result = _must(self.make("html"), "make html (clean)")
            times["clean"].append(result.seconds)
            rss = max(rss, result.max_rss_kb)
            ran["clean"] = executed_notebooks(result.output, self.copy)
            result = _must(self.make("html"), "make html (nothing changed)")
            times["again"].append(result.seconds)
            for change, key, target in (
                (ACTIVITY_EDIT, "activity", "html"),
                (OUTLINE_EDIT, "outline", "html"),
                (ACTIVITY_EDIT, "book", "book"),
            ):
                append_to_cell(data, *change)  # a new suffix each time: always a real change
                result = _must(self.make(target), f"make {target} after editing {change[0]}")
                times[key].append(result.seconds)
                ran[key] = executed_notebooks(result.output, self.copy)
            for name, content in pristine.items():
                (data / name).write_bytes(content)
        bare_median = statistics.median(times["bare"])
        self.add(
            "bare_clean_build",
            "A bare Jupyter Book of the same size (7 Markdown chapters, 11 notebooks that "
            "import pandas and plotly; scripts/bare_book.py), clean: jupyter-book build, same run",
            "s",
            times["bare"],
            "builds",
            label="Bare Jupyter Book, clean build (the yardstick)",
        )

        def versus(name: str, key: str, ratio: float | None, **extra: Any) -> None:
            target = {"target_value": round(ratio * bare_median, 3), "target_ratio": ratio} if ratio else {}
            self.add(
                name,
                extra.pop("what"),
                "s",
                times[key],
                "builds",
                ratio=round(statistics.median(times[key]) / bare_median, 3),
                **target,
                **extra,
            )

        versus(
            "html_clean_build",
            "clean",
            TARGET_RATIOS["html_clean_build"],
            what="rm -rf _build && make html (in _build/.bench/project)",
            executed_notebooks=len(ran["clean"]),
            peak_rss_mb=round(rss / 1024, 1),
            label=f"make html, clean ({_n(ran['clean'])} executed)",
        )
        versus(
            "html_no_change_rebuild",
            "again",
            None,
            what="make html again, nothing changed",
            label="make html, nothing changed",
        )
        versus(
            "html_one_row_change",
            "activity",
            TARGET_RATIOS["html_one_row_change"],
            what="make html after one activity of Table 1 changed (institutional_work.csv, row iw01)",
            executed=ran["activity"],
            executed_notebooks=len(ran["activity"]),
            label=f"make html, one activity changed ({_n(ran['activity'])} re-executed)",
        )
        versus(
            "html_one_row_change_outline",
            "outline",
            None,
            what="make html after one topic of the interview outline changed (interview_outline.csv, row 1)",
            executed=ran["outline"],
            executed_notebooks=len(ran["outline"]),
            label=f"make html, one outline topic changed ({_n(ran['outline'])} re-executed)",
        )
        versus(
            "book_one_row_change",
            "book",
            TARGET_RATIOS["book_one_row_change"],
            what="make book (HTML and PDF, one reading) after one activity of Table 1 changed",
            executed_notebooks=len(ran["book"]),
            label="make book, one activity changed",
        )
        for name in ("html_clean_build", "html_one_row_change", "book_one_row_change"):
            m = self.measurements[name]
            m["target"] = f"≤ {m['target_ratio']:g}× bare ({m['target_value']:.2f} s)"
        if not self.measurements["html_one_row_change"]["met"]:
            self.notes.append(
                REASONS["html_one_row_change"].format(executed=len(ran["activity"]), names=", ".join(ran["activity"]))
            )
        self.say("The PDF alone, after the HTML build")
        _must(self.make("html"), "make html of the restored data")
        pdf = []
        for _ in range(self.args.pdf_repeat):
            shutil.rmtree(self.copy / "_build" / "typst", ignore_errors=True)
            pdf.append(_must(self.make("pdf"), "make pdf").seconds)
        self.add(
            "pdf_build",
            "make pdf after make html (removes _build/typst first): the typst builder alone",
            "s",
            pdf,
            "builds",
            label="make pdf, after make html",
        )
        self.built = True

    def teaching_case(self) -> None:
        """The teaching case's book, as make book CASE=examples/teaching-case (for the full tests)."""
        self.say("The teaching case's book (HTML and PDF, once)")
        result = self.make("book", "CASE=examples/teaching-case")
        if result.returncode != 0:
            self.notes.append("The teaching case's book failed to build; the full test suite ran without it.")
        self.add(
            "teaching_case_book",
            "make book CASE=examples/teaching-case, once",
            "s",
            [result.seconds],
            "builds",
            label="The teaching case's book, HTML and PDF",
        )

    # --- tests --------------------------------------------------------------------------
    def tests(self) -> None:
        if self.built and not self.args.no_full_tests:
            self.say("Full test suite against the copy's built books (once)")
            result = run(
                [PY, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"],
                self.copy,
                self.env,
                timeout=self.args.timeout,
            )
            counts = pytest_counts(result.output)
            self.add(
                "tests_full",
                "pytest tests (every test, the books built in the copy), once",
                "s",
                [result.seconds],
                "tests",
                **counts,
                label=f"Full test suite ({_counts(counts)})",
            )
            self._failures("full test suite", result)
        times, counts = [], {}
        for i in range(self.args.repeat):
            self.say(f"Fast test suite, repeat {i + 1} of {self.args.repeat}")
            result = run(
                [PY, "-m", "pytest", "-m", FAST_TESTS, "-q", "-p", "no:cacheprovider"],
                self.copy,
                self.env,
                timeout=self.args.timeout,
            )
            times.append(result.seconds)
            counts = pytest_counts(result.output)
            self._failures("fast test suite", result)
        self.add(
            "tests_fast",
            f'pytest -m "{FAST_TESTS}" (make test-fast)',
            "s",
            times,
            "tests",
            **counts,
            label=f"Fast test suite, make test-fast ({_counts(counts)})",
        )

    def _failures(self, what: str, result: Run) -> None:
        failed = sorted(set(re.findall(r"^(?:FAILED|ERROR) (\S+)", ANSI.sub("", result.output), re.M)))
        if failed or result.returncode not in (0, 5):
            note = f"The {what} did not pass in the copy: " + (", ".join(failed) or result.tail(5))
            if note not in self.notes:
                self.notes.append(note)

    # --- synthetic cases ----------------------------------------------------------------
    def synthetic_cases(self) -> None:
        for n in self.args.sizes:
            folder = SYNTHETIC / f"case-{n}x"
            start = time.perf_counter()
            synthetic_case.generate(n, folder, self.copy / "data")
            generated = time.perf_counter() - start
            self.say(f"Synthetic case {n}x: casebook check")
            check, check_rss, rows = [], 0, 0
            for _ in range(self.args.repeat):
                result = _must(
                    run([PY, "-m", "casebook", "check", str(folder)], self.copy, self.env, timeout=self.args.timeout),
                    f"casebook check on the {n}x case",
                )
                check.append(result.seconds)
                check_rss = max(check_rss, result.max_rss_kb)
                found = re.search(r"(\d+) tables, (\d+) rows", result.output)
                rows = int(found[2]) if found else rows
            self.say(f"Synthetic case {n}x: Tables 1-3 and Figure 1")
            builders, steps, build_rss, timed_out, info = [], {}, 0, False, {}
            for _ in range(self.args.repeat):
                result = run(
                    [PY, "-m", "scripts.bench", "--worker", str(folder)],
                    self.copy,
                    self.env,
                    timeout=self.args.builders_timeout,
                )
                build_rss = max(build_rss, result.max_rss_kb)
                lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
                info.update({k: v for line in lines for k, v in line.items() if k not in ("step", "seconds")})
                steps = {line["step"]: round(line["seconds"], 3) for line in lines if "step" in line}
                if result.timed_out or result.returncode != 0:
                    timed_out = True
                    if not result.timed_out:
                        self.notes.append(f"The builders failed on the {n}x case:\n{result.tail(5)}")
                    break
                builders.append(sum(v for k, v in steps.items() if k.startswith(("table", "figure"))))
            common = {"group": "synthetic"}
            self.add(
                f"check_{n}x",
                f"python -m casebook check on the synthetic {n}x case ({rows:,} rows)",
                "s",
                check,
                peak_rss_mb=round(check_rss / 1024, 1),
                label=f"casebook check, {n}× case",
                **common,
            )
            self.add(
                f"builders_{n}x",
                f"Tables 1-3 and Figure 1 of the synthetic {n}x case (after loading it)",
                "s",
                builders,
                timed_out=timed_out,
                steps=steps,
                peak_rss_mb=round(build_rss / 1024, 1),
                **({"at_least": self.args.builders_timeout, "attempts": len(builders) + 1} if timed_out else {}),
                label=f"Tables 1–3 and Figure 1, {n}× case",
                **common,
            )
            self.synthetic.append(
                {
                    "multiplier": n,
                    "rows": rows,
                    "generated_seconds": round(generated, 3),
                    "check_seconds": self.measurements[f"check_{n}x"]["median"],
                    "check_peak_mb": round(check_rss / 1024, 1),
                    "builders_seconds": self.measurements[f"builders_{n}x"]["median"],
                    "builders_peak_mb": round(build_rss / 1024, 1),
                    "builders_steps": steps,
                    "builders_timed_out": timed_out,
                    "builders_timeout": self.args.builders_timeout,
                    "aggregated": info.get("aggregated"),
                    "aggregated_expected": info.get("aggregated_expected"),
                    "actor_groups": info.get("actor_groups"),
                }
            )
            if timed_out:
                self.notes.append(self._builders_reason(n, steps))

    def _builders_reason(self, n: int, steps: dict[str, float]) -> str:
        names = {"table_1": "Table 1", "table_2": "Table 2", "table_3": "Table 3", "figure_1": "Figure 1"}
        done = [f"{names[k]} in {v:.2f} s" for k, v in steps.items() if k in names]
        finished = [s for s in self.synthetic if not s["builders_timed_out"] and s["multiplier"] < n]
        before = ""
        if finished:
            last = finished[-1]
            before = (
                f" (at {last['multiplier']}x: "
                + ", ".join(f"{names[k]} {v:.1f} s" for k, v in last["builders_steps"].items() if k in names)
                + ")"
            )
        return REASONS["builders"].format(
            size=n,
            timeout=self.args.builders_timeout,
            before=before,
            done="finished: " + ", ".join(done) if done else "nothing finished",
        )

    # --- page weight --------------------------------------------------------------------
    def weight(self) -> None:
        """What each page of the copy's book makes a browser fetch (tools/page_weight.py; the
        book is built first if the builds did not run): the heaviest text page beyond the shared
        theme, the Figure 1 page with the plotly.js its reader may ask for, the heaviest first
        visit as GitHub Pages sends it (gzip), and the shared theme."""
        html = self.copy / "_build" / "html"
        if not (html / "chapters" / "index.html").is_file():
            _must(self.make("html"), "make html")
        self.say("Page weight of every built page")
        pages = page_weight.pages(html)
        site = {page: page_weight.resources(page) for page in pages}
        shared, own = page_weight.weights(site)
        plotly = (html / "_static" / SCRIPT).resolve()
        loader = (html / "_static" / LOADER).resolve()
        figure = [p for p in pages if loader in site[p]]  # plotly.js comes when the reader asks
        sent = {p: page_weight.first_visit_sent(p, site[p]) for p in pages}
        kb = 1024
        self.page_weight = {
            "shared_bytes": page_weight.size(shared),
            "shared_files": len(shared),
            "plotly_bytes": plotly.stat().st_size,
            "pages": {
                p.relative_to(html).as_posix(): {
                    "html_bytes": p.stat().st_size,
                    "own_bytes": own[p],
                    "first_visit_bytes": page_weight.first_visit(p, site[p]),
                    "first_visit_sent_bytes": sent[p],
                    "figure": p in figure,
                }
                for p in pages
            },
        }
        text = [p for p in pages if p not in figure]
        heaviest = max(text, key=own.__getitem__)
        self.add(
            "page_weight_text_max",
            f"Heaviest text page beyond the shared theme "
            f"({heaviest.relative_to(html).as_posix()}; HTML and its own local resources)",
            "KB",
            [own[heaviest] / kb],
            "weight",
            target_value=page_weight.TEXT_BUDGET / kb,
            label=f"Heaviest text page ({heaviest.name}), beyond the theme",
        )
        heaviest = max(text, key=sent.__getitem__)
        self.add(
            "page_weight_first_visit_max",
            f"Heaviest first visit to a text page ({heaviest.relative_to(html).as_posix()}): its HTML "
            "and every local file it fetches, gzip-compressed as GitHub Pages sends them",
            "KB",
            [sent[heaviest] / kb],
            "weight",
            target_value=page_weight.FIRST_VISIT / kb,
            label=f"Heaviest first visit, as sent ({heaviest.name})",
        )
        for page in figure:
            self.add(
                "page_weight_figure_page",
                f"Figure 1 page beyond the shared theme ({page.relative_to(html).as_posix()}), "
                f"with plotly.js ({plotly.name}) fetched when the reader asks for the interactive view",
                "KB",
                [(own[page] + plotly.stat().st_size) / kb],
                "weight",
                target_value=page_weight.FIGURE_OWN / kb,
                label=f"Figure 1 page ({page.name}) with plotly.js, beyond the theme",
            )
            self.add(
                "page_weight_figure_first_visit",
                f"Figure 1 page on a first visit, as sent (gzip): its HTML and every local file it "
                f"fetches, the theme included, plotly.js ({plotly.name}) not (fetched on the reader's click)",
                "KB",
                [sent[page] / kb],
                "weight",
                target_value=page_weight.FIRST_VISIT / kb,
                label=f"Figure 1 page ({page.name}), first visit as sent",
            )
        self.add(
            "page_weight_shared_theme",
            f"Shared theme files, fetched once ({len(shared)} files)",
            "KB",
            [page_weight.size(shared) / kb],
            "weight",
            target_value=page_weight.SHARED_BUDGET / kb,
            label=f"Shared theme, fetched once ({len(shared)} files)",
        )

    # --- reading on a phone -------------------------------------------------------------
    def reading(self) -> None:
        """Lighthouse on every page of the copy's two books (scripts/lighthouse.py), each
        built first if the other groups did not build it."""
        from scripts import lighthouse  # deferred: only the reader group needs it

        books = {"turin": (self.copy / "_build" / "html", ())}
        books["teaching"] = (
            self.copy / "_build" / "cases" / "teaching-case" / "_build" / "html",
            ("CASE=examples/teaching-case",),
        )
        for folder, case in books.values():
            if not (folder / "index.html").is_file():
                _must(self.make("book", *case), f"make book {' '.join(case)}")
        self.say("Lighthouse on every page of both books")
        self.reader = lighthouse.measure({b: f for b, (f, _) in books.items()}, runs=self.args.repeat, say=self.say)
        if not lighthouse.all_met(self.reader):
            self.notes.append("Reading on a phone: a page misses a target (see the table).")

    # --- all ----------------------------------------------------------------------------
    def results(self, started: str, load_before: tuple[float, ...]) -> dict[str, Any]:
        notes = [
            "Median of the repeats; a target is met when the median is below it. Times are wall-clock seconds "
            "of the whole command; peak memory is the ru_maxrss the kernel reports for the measured process.",
            *self.notes,
        ]
        return {
            "schema": 1,
            "machine": machine_info(started, load_before),
            "settings": {
                "repeat": self.args.repeat,
                "pdf_repeat": self.args.pdf_repeat,
                "sizes": list(self.args.sizes),
                "builders_timeout": self.args.builders_timeout,
                "groups": list(self.args.only),
                "copy": str(self.copy.relative_to(ROOT)),
            },
            "measurements": self.measurements,
            "synthetic": self.synthetic,
            "page_weight": self.page_weight,
            "reader": self.reader,
            "notes": notes,
        }


def keep_unmeasured(results: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """A run of some groups (``--only``) leaves the others as the last run wrote them, with a
    note saying when they were measured (the reading test's part carries its own date)."""
    measured = set(results["settings"]["groups"])
    if not previous or measured >= set(GROUPS):
        return results
    kept = sorted(
        {m.get("group") for m in previous.get("measurements", {}).values()} - measured - {None}
        | ({"synthetic"} - measured if previous.get("synthetic") else set())
    )
    results["measurements"] = {
        **{k: m for k, m in previous.get("measurements", {}).items() if m.get("group") not in measured},
        **results["measurements"],
    }
    for key, group in (("synthetic", "synthetic"), ("page_weight", "weight"), ("reader", "reader")):
        if group not in measured and previous.get(key):
            results[key] = previous[key]
    if kept:
        then = previous.get("machine", {})
        commit = f" at commit {then['git_commit'][:12]}" if then.get("git_commit") else ""
        names = ", ".join(GROUP_NAMES.get(g, g) for g in kept)
        results["notes"].append(f"{names[0].upper()}{names[1:]}: measured {then.get('date', 'earlier')}{commit}.")
    return results


def machine_info(started: str, load_before: tuple[float, ...]) -> dict[str, Any]:
    commit = git(ROOT, "rev-parse", "HEAD")
    dirty = git(ROOT, "status", "--porcelain", "--untracked-files=no")
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "date": started,
        "git_commit": commit,
        "git_dirty": bool(dirty) if dirty is not None else None,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def summary(results: dict[str, Any]) -> str:
    """The printed table: every measurement, its median, spread, repeats, target, PASS/MISS."""
    rows = [("measurement", "median", "min-max", "n", "target", "")]
    for name, m in results["measurements"].items():
        unit = m["unit"]
        spread = "-" if m["min"] is None else f"{amount(m['min'], unit)}-{amount(m['max'], unit)}"
        verdict = "" if "met" not in m else ("PASS" if m["met"] else "MISS")
        median = f"over {m['at_least']:g} s (stopped)" if m.get("at_least") else amount(m["median"], unit)
        rows.append((name, median, spread, str(m["repeats"]), m.get("target", ""), verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    if results["synthetic"]:
        lines += ["", "size    rows        check     builders            peak MB  aggregated"]
        for s in results["synthetic"]:
            builders = "timed out" if s["builders_timed_out"] else amount(s["builders_seconds"], "s")
            peak = max(s["check_peak_mb"], s["builders_peak_mb"])
            aggregated = s["aggregated"] if s["aggregated"] is not None else f"{s['aggregated_expected']} (expected)"
            lines.append(
                f"{s['multiplier']:>5}x  {s['rows']:>9,}  {amount(s['check_seconds'], 's'):>8}  "
                f"{builders:>18}  {peak:>7.0f}  {aggregated}"
            )
    if results.get("reader"):
        from scripts import lighthouse  # deferred: only the reader group needs it

        lines += ["", lighthouse.table(results["reader"])]
    return "\n".join([machine_line(results), "", *lines, "", *(f"note: {n}" for n in results["notes"])])


def worker(folder: str) -> int:
    """Build Tables 1-3 and Figure 1 of the case in ``folder``, printing one JSON line per
    step as it ends (so a run stopped by the timeout still tells how far it got)."""

    def emit(**line: Any) -> None:
        print(json.dumps(line), flush=True)

    start = time.perf_counter()
    from casebook import figures, load, tables

    emit(step="import", seconds=time.perf_counter() - start)
    start = time.perf_counter()
    case = load(folder)
    emit(
        step="load",
        seconds=time.perf_counter() - start,
        actor_groups=len(case.actors),
        aggregated_expected=len(case.actors) > figures.MAX_ACTORS,
    )
    for step, build in (
        ("table_2", tables.interviewees),
        ("table_1", tables.institutional_work),
        ("table_3", tables.governance_in_practice),
    ):
        start = time.perf_counter()
        build(case).block()
        emit(step=step, seconds=time.perf_counter() - start)
    start = time.perf_counter()
    fig = figures.figure(case)
    emit(step="figure_1", seconds=time.perf_counter() - start, aggregated=bool(fig.layout.meta["aggregated"]))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=3, help="times each measurement is repeated (default 3)")
    p.add_argument("--pdf-repeat", type=int, help="times the PDF build is repeated (default: --repeat)")
    p.add_argument(
        "--only",
        type=lambda s: s.split(","),
        default=list(GROUPS),
        help=f"comma-separated groups to measure (default all: {','.join(GROUPS)})",
    )
    p.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=list(SIZES),
        help="synthetic case sizes (default 1,10,100,1000)",
    )
    p.add_argument(
        "--builders-timeout",
        type=float,
        default=120.0,
        help="seconds after which the table and figure builders of one synthetic case are stopped",
    )
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds after which any other command is stopped")
    p.add_argument("--no-full-tests", action="store_true", help="skip the full pytest run")
    p.add_argument("--out", type=Path, default=RESULTS, help="where to write the results (benchmarks/results.json)")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.pdf_repeat = args.pdf_repeat or args.repeat
    if args.worker:
        return worker(args.worker)
    if args.repeat < 1 or args.pdf_repeat < 1:
        p.error("--repeat and --pdf-repeat must be at least 1")
    if unknown := set(args.only) - set(GROUPS):
        p.error(f"unknown group(s) {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")
    if not Path(JB).is_file():
        p.error(f"{JB} not found: run with the virtual environment's python (make bench)")

    started = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    load_before = os.getloadavg()
    bench = Bench(args)
    bench.say(f"copying the project into {COPY.relative_to(ROOT)}")
    make_copy()
    try:
        if "builds" in args.only:
            bench.builds()
            if "tests" in args.only and not args.no_full_tests:
                bench.teaching_case()
        if "weight" in args.only:
            bench.weight()
        if "tests" in args.only:
            bench.tests()
        if "synthetic" in args.only:
            bench.synthetic_cases()
        if "reader" in args.only:
            bench.reading()
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else None
    results = keep_unmeasured(bench.results(started, load_before), previous)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(summary(results))
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
