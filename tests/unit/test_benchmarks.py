"""make bench: its summary statistics (scripts/bench.py) and how the book shows its results
(casebook/reproducibility/benchmarks.py), from a small sample and from no results at all.
Fast: nothing is built or measured here."""

from __future__ import annotations

import json

from casebook.reproducibility import benchmarks
from scripts import bench
from tools.process import executed_notebooks, pytest_counts

SAMPLE = {
    "schema": 1,
    "machine": {
        "cpu_count": 2,
        "python": "3.11.7",
        "platform": "Linux-x86_64",
        "date": "2026-11-25T10:00:00+00:00",
        "git_commit": "0123456789abcdef0123",
        "git_dirty": False,
    },
    "settings": {"repeat": 3},
    "measurements": {
        "html_clean_build": {
            "what": "Clean HTML build: jupyter-book build",
            "label": "Clean HTML build",
            "unit": "s",
            "group": "builds",
            "repeats": 3,
            "median": 18.4,
            "min": 17.9,
            "max": 21.0,
            "values": [17.9, 18.4, 21.0],
            "target": "< 30 s",
            "target_value": 30,
            "met": True,
        },
        "html_one_row_change": {
            "what": "Rebuild after one activity changed",
            "unit": "s",
            "group": "builds",
            "repeats": 3,
            "median": 14.5,
            "min": 14.1,
            "max": 15.2,
            "values": [14.1, 14.5, 15.2],
            "target": "≤ 0.3× bare (5.00 s)",
            "target_value": 5.0,
            "target_ratio": 0.3,
            "ratio": 0.87,
            "met": False,
        },
        "pdf_build": {
            "what": "PDF build",
            "unit": "s",
            "group": "builds",
            "repeats": 1,
            "median": 40.0,
            "min": 40.0,
            "max": 40.0,
            "values": [40.0],
        },
        "check_10x": {
            "what": "check 10x",
            "unit": "s",
            "group": "synthetic",
            "repeats": 3,
            "median": 0.4,
            "min": 0.4,
            "max": 0.5,
            "values": [0.4, 0.4, 0.5],
        },
        "check_1000x": {
            "what": "check 1000x",
            "unit": "s",
            "group": "synthetic",
            "repeats": 3,
            "median": 1.6,
            "min": 1.5,
            "max": 1.7,
            "values": [1.5, 1.6, 1.7],
            "target": "< 2 s",
            "met": True,
        },
    },
    "synthetic": [
        {
            "multiplier": 10,
            "rows": 2866,
            "check_seconds": 0.4,
            "check_peak_mb": 90.0,
            "builders_seconds": 0.71,
            "builders_peak_mb": 105.2,
            "builders_timed_out": False,
            "aggregated": True,
        },
        {
            "multiplier": 1000,
            "rows": 277708,
            "check_seconds": 1.6,
            "check_peak_mb": 260.0,
            "builders_seconds": None,
            "builders_peak_mb": 300.0,
            "builders_timed_out": True,
            "builders_timeout": 120,
            "aggregated": None,
            "aggregated_expected": True,
        },
    ],
    "notes": ["Median of the repeats."],
}


def test_summary_statistics_are_median_min_and_max():
    assert bench.summarise([3.0, 1.0, 2.0]) == {"median": 2.0, "min": 1.0, "max": 3.0}
    assert bench.summarise([4.0, 1.0, 2.0, 3.0]) == {"median": 2.5, "min": 1.0, "max": 4.0}
    assert bench.summarise([7.5]) == {"median": 7.5, "min": 7.5, "max": 7.5}
    assert bench.summarise([]) == {"median": None, "min": None, "max": None}


def test_a_measurement_records_its_repeats_and_whether_it_meets_its_target():
    m = bench.measurement("html_no_change_rebuild", "No-change rebuild", "s", [1.61234, 1.2, 9.0], "builds")
    assert m["repeats"] == 3 and m["values"] == [1.612, 1.2, 9.0]
    assert (m["median"], m["min"], m["max"]) == (1.612, 1.2, 9.0)
    assert m["target"] == "< 2 s" and m["met"] is True  # judged on the median, not the slowest run
    # a target relative to the bare book is passed in, as seconds of this run
    assert bench.measurement("html_one_row_change", "One row", "s", [12.0], "builds", target_value=4.2)["met"] is False
    assert "target" not in bench.measurement("pdf_build", "PDF", "s", [40.0], "builds")
    stopped = bench.measurement("check_1000x", "check", "s", [1.0], "synthetic", timed_out=True)
    assert stopped["met"] is False


def test_a_run_of_some_groups_keeps_the_others_results():
    """make bench's --only (say the page weight) replaces only what it measured: the builds,
    the synthetic cases and the reading test stay as the last full run left them, dated."""
    previous = {**SAMPLE, "reader": READER, "page_weight": {"shared_bytes": 2_500_000}}
    weight = bench.measurement("page_weight_text_max", "Heaviest text page", "KB", [80.0], "weight")
    now = {
        "settings": {"groups": ["weight"]},
        "measurements": {"page_weight_text_max": weight},
        "synthetic": [],
        "page_weight": {"shared_bytes": 140_000},
        "reader": {},
        "notes": ["Median of the repeats."],
    }
    merged = bench.keep_unmeasured(json.loads(json.dumps(now)), previous)
    assert list(merged["measurements"]) == [*SAMPLE["measurements"], "page_weight_text_max"]
    assert merged["synthetic"] == SAMPLE["synthetic"] and merged["reader"] == READER
    assert merged["page_weight"] == {"shared_bytes": 140_000}
    assert merged["notes"][-1] == "Builds, synthetic cases: measured 2026-11-25T10:00:00+00:00 at commit 0123456789ab."
    everything = {**now, "settings": {"groups": list(bench.GROUPS)}}
    assert bench.keep_unmeasured(json.loads(json.dumps(everything)), previous) == everything
    assert bench.keep_unmeasured(json.loads(json.dumps(now)), None) == now


def test_pytest_and_build_logs_are_read(tmp_path):
    assert pytest_counts("...\n4 failed, 136 passed, 5 skipped, 142 deselected in 59.96s\n") == {
        "passed": 136,
        "failed": 4,
        "skipped": 5,
        "errors": 0,
        "deselected": 142,
    }
    log = (
        f"\x1b[01mreading sources... \x1b[39;49;00m[ 11%] chapters/03-method\n"
        f"{tmp_path}/chapters/03-method.ipynb: Executed notebook in 1.18 seconds [mystnb]\n"
    )
    assert executed_notebooks(log, tmp_path) == ["chapters/03-method"]


def test_the_book_shows_a_sample_of_results(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(SAMPLE), encoding="utf-8")
    results = benchmarks.load(path)
    rows = benchmarks.measurement_rows(results)
    assert rows[0] == ["Clean HTML build", "18.4 s", "17.9 s – 21.0 s", "3", "< 30 s", "yes"]
    assert rows[1] == [
        "Rebuild after one activity changed",
        "14.5 s (0.87× bare)",
        "14.1 s – 15.2 s",
        "3",
        "≤ 0.3× bare (5.00 s)",
        "MISS",
    ]  # the ratio to the bare book measured in the same run
    assert rows[2] == ["PDF build", "40.0 s", "–", "1", "–", "–"]
    assert [r[0] for r in rows] == [
        "Clean HTML build",
        "Rebuild after one activity changed",
        "PDF build",
        "check 1000x",
    ]  # per-size rows without a target have their own table
    assert benchmarks.synthetic_rows(results) == [
        ["10×", "2,866", "0.40 s", "0.71 s", "105 MB", "yes"],
        ["1000×", "277,708", "1.60 s", "over 120 s (stopped)", "300 MB", "yes (expected; not built)"],
    ]
    line = benchmarks.machine_line(results)
    assert "2026-11-25T10:00:00+00:00" in line and "2 CPUs" in line and "Python 3.11.7" in line
    assert "commit 0123456789ab" in line and "3 repeats" in line
    assert benchmarks.notes(results)[0].startswith("Median of the repeats.")


def test_without_results_the_book_says_to_run_make_bench(tmp_path):
    assert benchmarks.load(tmp_path / "missing.json") is None
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert benchmarks.load(tmp_path / "broken.json") is None
    assert benchmarks.MISSING == "No benchmarks recorded yet; run make bench."


def test_the_directive_renders_results_and_their_absence(tmp_path):
    """The {casebook-benchmarks} directive, run by docutils outside Sphinx."""
    from types import SimpleNamespace

    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser, directives
    from docutils.utils import new_document

    from casebook.publish.reports import Benchmarks

    directives.register_directive("casebook-benchmarks", Benchmarks)

    def render(source) -> str:
        settings = get_default_settings(Parser)
        settings.env = SimpleNamespace(srcdir=str(source), note_dependency=lambda path: None)
        settings.report_level = 5
        document = new_document("reproducibility", settings)
        Parser().parse(".. casebook-benchmarks::\n", document)
        return document.astext()

    assert render(tmp_path).strip() == benchmarks.MISSING
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "results.json").write_text(json.dumps(SAMPLE), encoding="utf-8")
    text = render(tmp_path)
    assert "Clean HTML build" in text and "MISS" in text and "1000×" in text and "Synthetic cases" in text
    assert "Reading on a phone" not in text
    (tmp_path / "benchmarks" / "results.json").write_text(json.dumps({**SAMPLE, "reader": READER}), encoding="utf-8")
    text = render(tmp_path)
    assert "Reading on a phone" in text and "turin: chapters/evidence" in text and "6.38 → 1.54\u00a0s" in text


READER = {
    "tool": "Lighthouse 12.2.3, mobile preset",
    "serving": "gzip, HTTP/1.1 keep-alive (as GitHub Pages)",
    "runs": 3,
    "load_average": {"min": 0.4, "median": 0.8, "max": 1.2},
    "after": {
        "turin": {
            "chapters/evidence.html": {
                "performance": 97,
                "accessibility": 100,
                "lcp_ms": 1540.2,
                "cls": 0.001,
                "transfer_bytes": 80_900,
                "requests": 11,
                "met": {"performance": True, "lcp_ms": True, "transfer_bytes": True},
            },
            "chapters/06-discussion.html": {
                "performance": 88,
                "accessibility": 100,
                "lcp_ms": 2610.0,
                "cls": 0.0,
                "transfer_bytes": 95_000,
                "requests": 12,
                "met": {"performance": False, "lcp_ms": False, "figure_transfer_bytes": True},
            },
        }
    },
    "before": {
        "turin": {
            "chapters/evidence.html": {
                "performance": 50,
                "lcp_ms": 6380,
                "cls": 0,
                "transfer_bytes": 883_700,
                "requests": 28,
            }
        }
    },
}


def test_the_book_shows_how_each_page_reads_on_a_phone(tmp_path):
    results = {**SAMPLE, "reader": READER}
    rows = benchmarks.reader_rows(results)
    assert rows == [
        [
            "turin: chapters/evidence",
            "50 → 97",
            "6.38 → 1.54\u00a0s",
            "0.000 → 0.001",
            "863 → 79.0\u00a0KB",
            "28 → 11",
            "yes",
        ],
        [
            "turin: chapters/06-discussion",
            "88",
            "2.61\u00a0s",
            "0.000",
            "92.8\u00a0KB",
            "12",
            "MISS: performance, largest paint",
        ],
    ]
    line = benchmarks.reader_line(results)
    assert "3 runs of every page" in line and "gzip" in line and "load average during the runs 0.4–1.2" in line
    assert "before → after" in line
    assert "performance at least 90" in benchmarks.READER_TARGETS
    assert benchmarks.reader_rows(SAMPLE) == []
