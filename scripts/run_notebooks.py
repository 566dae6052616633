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

from casebook.reproducibility.verify import execute_notebook


def run(path: Path) -> bool:
    new = nbformat.writes(execute_notebook(path)) + "\n"
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
