#!/usr/bin/env python
"""Re-execute notebooks in place so their committed outputs are the ones a fresh run gives.

    python scripts/run_notebooks.py                 # every chapters/*.ipynb
    python scripts/run_notebooks.py chapters/05-institutional-work.ipynb

Uses nbclient without timing metadata, so two runs on the same data give byte-identical
files (what nbval checks). Run from the project root with the virtual environment.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    new = nbformat.writes(nb) + "\n"
    changed = path.read_text(encoding="utf-8") != new
    if changed:
        path.write_text(new, encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(Path("chapters").glob("*.ipynb"))
    for path in paths:
        print(f"{'updated' if run(path) else 'unchanged'}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
