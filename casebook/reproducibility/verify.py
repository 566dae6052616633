"""``make verify``: re-run everything from the data and compare with what is committed.

Each chapter notebook is executed afresh (in a temporary folder, against the case data)
and its outputs are compared with the outputs committed in ``chapters/``; the tables are
also checked one by one, and Figure 1's data against ``figures/figure1.json``. Pixels are
never compared: fonts differ between machines, the data must not.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .. import tables
from ..case import Case, load
from ..content import MIME_TYPE
from ..figures import figure, json_text
from ..paths import DATA_ENV

IGNORE = "NBVAL_IGNORE_OUTPUT"  # the one marker nbval also honours


@dataclass(frozen=True)
class Check:
    """One artefact compared: its name, whether it matches, and what differs if not."""

    name: str
    ok: bool
    detail: str = ""

    def __str__(self) -> str:
        return f"{'PASS' if self.ok else 'FAIL'}  {self.name}" + (f" — {self.detail}" if self.detail else "")


def _outputs(cell: dict) -> list[dict]:
    """A code cell's outputs without volatile fields (execution counts, transient metadata)."""
    out = []
    for output in cell.get("outputs", []):
        output = copy.deepcopy(dict(output))
        output.pop("execution_count", None)
        output.pop("transient", None)
        out.append(output)
    return out


def execute_notebook(path: Path, data_dir: Path | None = None) -> nbformat.NotebookNode:
    """Run the notebook at ``path`` (against the case in ``data_dir``, if given) in a fresh kernel,
    in its own folder as the book runs it (a chapter may read files beside the book, as the
    fork chapter does), without timing metadata: two runs on the same data give the same notebook."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(path.parent)}}
    )
    if data_dir is None:
        client.execute()
    else:
        client.execute(env={**os.environ, DATA_ENV: str(data_dir)})
    return nb


def compare_notebook(committed: nbformat.NotebookNode, fresh: nbformat.NotebookNode, name: str) -> Check:
    differ = []
    for i, (old, new) in enumerate(zip(committed.cells, fresh.cells, strict=False)):  # counts compared below
        if old.cell_type != "code" or IGNORE in old.source:
            continue
        if _outputs(old) != _outputs(new):
            differ.append(str(i))
    if len(committed.cells) != len(fresh.cells):
        differ.append("cell count")
    return Check(f"notebook {name}", not differ, f"outputs differ in cell(s) {', '.join(differ)}" if differ else "")


def _committed_table(notebooks: dict[str, nbformat.NotebookNode], label: str) -> dict | None:
    """The table labelled ``label`` as a committed notebook output shows it (a content block)."""
    for nb in notebooks.values():
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                shown = output.get("data", {}).get(MIME_TYPE, {})
                for block in shown.get("blocks", []):
                    if block.get("type") == "table" and block.get("label") == label:
                        return json.loads(json.dumps(block))  # plain dicts, not notebook nodes
    return None


def compare_tables(case: Case, notebooks: dict[str, nbformat.NotebookNode]) -> list[Check]:
    checks = []
    for label, build in (
        ("table-1", tables.institutional_work),
        ("table-2", tables.interviewees),
        ("table-3", tables.governance_in_practice),
    ):
        committed = _committed_table(notebooks, label)
        name = f"{label.replace('-', ' ').capitalize()} (regenerated from data vs committed notebook output)"
        if committed is None:
            checks.append(Check(name, False, "no committed output shows this table"))
        else:
            same = committed == json.loads(json.dumps(build(case).block()))
            checks.append(Check(name, same, "" if same else "cells differ"))
    return checks


def compare_figure(case: Case, figures_dir: Path) -> Check:
    path = figures_dir / "figure1.json"
    name = "Figure 1 data (regenerated from data vs figures/figure1.json)"
    if not path.is_file():
        return Check(name, False, f"{path} is missing (make figures)")
    same = json.loads(path.read_text(encoding="utf-8")) == json.loads(json_text(figure(case)))
    return Check(name, same, "" if same else "the figure's data or layout differ")


def verify(project: Path, data_dir: Path | None = None) -> list[Check]:
    """Every check, in order: tables, figure, then each notebook re-executed."""
    data_dir = data_dir or project / "data"
    case = load(data_dir)
    paths = sorted((project / "chapters").glob("*.ipynb"))
    committed = {p.name: nbformat.read(p, as_version=4) for p in paths}
    checks = compare_tables(case, committed) + [compare_figure(case, project / "figures")]
    for path in paths:
        checks.append(compare_notebook(committed[path.name], execute_notebook(path, data_dir), path.name))
    return checks
