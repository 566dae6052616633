"""The benchmarks of the edition (``make bench``), as the Reproducibility page shows them.

``scripts/bench.py`` measures builds, tests and the package on synthetic cases, and
``scripts/lighthouse.py`` how fast each page of the books reads on a phone; both write into
``benchmarks/results.json``; this module only reads that file and lays it out for the
``{casebook-benchmarks}`` directive (:mod:`casebook.publish.reports`): rows of cells for its
tables (:func:`measurement_rows`, :func:`synthetic_rows`, :func:`reader_rows`), lines about
the machine and the reading test (:func:`machine_line`, :func:`reader_line`) and the notes.
A missing or unreadable file gives :data:`MISSING`, never an error, so a strict build (``-W``)
stays green before anyone has run ``make bench``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path("benchmarks") / "results.json"
"""Where ``make bench`` writes its results, relative to the project (the book's source)."""

MISSING = "No benchmarks recorded yet; run make bench."

MEASUREMENT_HEADER = ("Measurement", "Median", "Min–max", "Repeats", "Target", "Met?")
SYNTHETIC_HEADER = ("Size", "Rows", "casebook check", "Tables 1–3 and Figure 1", "Peak memory", "Aggregated?")
READER_HEADER = ("Page", "Performance", "Largest paint", "Layout shift", "First visit", "Requests", "Targets met?")
READER_TARGETS = (
    "Targets: performance at least 90 and accessibility 100 on every page, the largest contentful paint "
    "within 2.5 s, a cumulative layout shift of at most 0.05, a first visit of at most 400 KB (1.6 MB on the "
    "page with Figure 1), and no request that leaves the machine."
)


def load(path: Path | str) -> dict[str, Any] | None:
    """The results in ``path``, or None if there are none (missing, unreadable, not JSON)."""
    try:
        results = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return results if isinstance(results, dict) and isinstance(results.get("measurements"), dict) else None


def amount(value: float | None, unit: str) -> str:
    """``12.3 s``, ``0.84 s``, ``212 MB``, ``153.2 KB``; an en dash for no value."""
    if value is None:
        return "–"
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    if unit in ("MB", "KB"):
        return f"{value:.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"
    return f"{value:g} {unit}".strip()


def verdict(met: bool | None) -> str:
    return "–" if met is None else ("yes" if met else "MISS")


def measurement_rows(results: dict[str, Any]) -> list[list[str]]:
    """One row per measurement shown in the summary (the per-size synthetic ones have
    their own table, except those with a target)."""
    rows = []
    for name, m in results.get("measurements", {}).items():
        if m.get("group") == "synthetic" and not m.get("target"):
            continue
        unit = m.get("unit", "")
        spread = f"{amount(m.get('min'), unit)} – {amount(m.get('max'), unit)}" if m.get("repeats", 0) > 1 else "–"
        repeats = str(m.get("repeats", ""))
        if m.get("timed_out"):
            repeats += " (timed out)"
        median = amount(m.get("median"), unit)
        if m.get("ratio") is not None:  # measured beside the bare Jupyter Book of the same run
            median += f" ({m['ratio']:g}× bare)"
        rows.append(
            [
                str(m.get("label") or m.get("what") or name),
                median,
                spread,
                repeats,
                str(m.get("target") or "–"),
                verdict(m.get("met")),
            ]
        )
    return rows


def synthetic_rows(results: dict[str, Any]) -> list[list[str]]:
    """One row per synthetic case size: rows, check time, builders time, peak memory, aggregated?"""
    rows = []
    for s in results.get("synthetic", []):
        builders = amount(s.get("builders_seconds"), "s")
        if s.get("builders_timed_out"):
            timeout = s.get("builders_timeout")
            builders = f"over {timeout:g} s (stopped)" if isinstance(timeout, int | float) else "stopped"
        memory = max((v for v in (s.get("check_peak_mb"), s.get("builders_peak_mb")) if v is not None), default=None)
        rows.append(
            [
                f"{s.get('multiplier')}×",
                f"{s.get('rows', 0):,}",
                amount(s.get("check_seconds"), "s"),
                builders,
                amount(memory, "MB"),
                _aggregated(s),
            ]
        )
    return rows


def _aggregated(size: dict[str, Any]) -> str:
    """Whether Figure 1 grouped the actors; when the builders were stopped before the figure,
    what its number of actor groups implies (``MAX_ACTORS`` in casebook/figures/draw.py)."""
    if size.get("aggregated") is not None:
        return "yes" if size["aggregated"] else "no"
    if size.get("aggregated_expected") is not None:
        return ("yes" if size["aggregated_expected"] else "no") + " (expected; not built)"
    return "–"


def machine_line(results: dict[str, Any]) -> str:
    """When and on what the results were measured."""
    m = results.get("machine", {})
    commit = m.get("git_commit")
    parts = [
        f"Measured {m.get('date', 'at an unknown date')}",
        f"on {m.get('cpu_count', '?')} CPUs",
        f"Python {m.get('python', '?')}",
        str(m.get("platform", "")),
    ]
    if commit:
        parts.append(f"commit {commit[:12]}" + (" with uncommitted changes" if m.get("git_dirty") else ""))
    repeat = results.get("settings", {}).get("repeat")
    if repeat:
        parts.append(f"{repeat} repeat{'s' if repeat != 1 else ''} by default")
    return ", ".join(p for p in parts if p) + "."


def _change(
    page: dict[str, Any], old: dict[str, Any] | None, key: str, show: Callable[[float], str], unit: str = ""
) -> str:
    """A page's value, after the baseline's (``before → after``) when one was measured; the unit
    once, at the end, joined to its number by a no-break space: a narrow cell breaks at the arrow."""
    value = f"{show(old[key])} → {show(page[key])}" if old and key in old else show(page[key])
    return f"{value}\u00a0{unit}" if unit else value


def _number(value: float, unit: str) -> str:
    return amount(value, unit).removesuffix(f" {unit}")


def reader_rows(results: dict[str, Any]) -> list[list[str]]:
    """One row per page of each book Lighthouse measured (the medians of its runs); with a
    baseline measured in the same run, each value as "before → after"."""
    reader = results.get("reader") or {}
    before = reader.get("before") or {}
    rows = []
    labels = {"performance": "performance", "accessibility": "accessibility", "lcp_ms": "largest paint"}
    labels |= {"cls": "layout shift", "transfer_bytes": "first visit", "figure_transfer_bytes": "first visit"}
    labels |= {"external_requests": "requests outside"}
    for book, pages in (reader.get("after") or {}).items():
        for name, page in pages.items():
            old = before.get(book, {}).get(name)
            missed = [labels.get(k, k) for k, met in page.get("met", {}).items() if not met]
            rows.append(
                [
                    f"{book}: {name.removesuffix('.html')}",
                    _change(page, old, "performance", lambda v: f"{v:.0f}"),
                    _change(page, old, "lcp_ms", lambda v: _number(v / 1000, "s"), "s"),
                    _change(page, old, "cls", lambda v: f"{v:.3f}"),
                    _change(page, old, "transfer_bytes", lambda v: _number(v / 1024, "KB"), "KB"),
                    _change(page, old, "requests", lambda v: f"{v:.0f}"),
                    "yes" if not missed else "MISS: " + ", ".join(missed),
                ]
            )
    return rows


def reader_line(results: dict[str, Any]) -> str:
    """How the pages were measured, and how loaded the machine was meanwhile."""
    reader = results.get("reader") or {}
    if not reader:
        return ""
    load = reader.get("load_average") or {}
    parts = [
        f"{reader.get('tool', 'Lighthouse')}, {reader.get('runs', '?')} runs of every page, the median of each",
        f"served on 127.0.0.1 with {reader.get('serving', '?')}",
    ]
    if load:
        parts.append(f"load average during the runs {load['min']:.1f}–{load['max']:.1f} (median {load['median']:.1f})")
    if reader.get("before"):
        parts.append("the earlier build measured in the same run, page after page: before → after")
    if reader.get("date"):
        commit = f" at commit {reader['git_commit'][:12]}" if reader.get("git_commit") else ""
        parts.insert(0, f"Measured {reader['date']}{commit}")
    return "; ".join(parts) + "."


def notes(results: dict[str, Any]) -> list[str]:
    return [str(n) for n in results.get("notes", [])]
