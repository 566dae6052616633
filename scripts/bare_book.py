#!/usr/bin/env python
"""A bare Jupyter Book 1 of the same size as this edition, to time builds against.

    python scripts/bare_book.py OUT_FOLDER        # writes the book there
    jupyter-book build OUT_FOLDER                  # what make bench times as the baseline

7 Markdown chapters and 11 notebooks (the edition's counts), each notebook importing
pandas and plotly and showing a small table, built with the same jupyter-book, with
execution forced (``execute_notebooks: force``) as the edition builds. Nothing of the
edition's package, data or extensions is used: it is what any Jupyter Book of this size
costs on the machine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MARKDOWN = 7
NOTEBOOKS = 11
LOREM = ("This chapter is prose only, about as long as a chapter of the edition. " * 12).strip()


def notebook(n: int) -> dict:
    def cell(kind: str, source: str, ident: str) -> dict:
        out = {"cell_type": kind, "id": ident, "metadata": {}, "source": source}
        if kind == "code":
            out.update(execution_count=None, outputs=[])
        return out

    return {
        "cells": [
            cell("markdown", f"# Notebook chapter {n}\n\n{LOREM}", f"md-{n}"),
            cell(
                "code",
                "import pandas as pd\nimport plotly.graph_objects as go\n\n"
                "frame = pd.DataFrame({'a': range(5), 'b': list('vwxyz')})\nframe",
                f"code-{n}",
            ),
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(
        "title: A bare book\nauthor: nobody\nonly_build_toc_files: true\n"
        "execute:\n  execute_notebooks: force\n  timeout: 120\n",
        encoding="utf-8",
    )
    chapters = [f"chapter-{i}" for i in range(1, MARKDOWN + 1)] + [f"notebook-{i}" for i in range(1, NOTEBOOKS + 1)]
    toc = "format: jb-book\nroot: intro\nchapters:\n" + "".join(f"  - file: {c}\n" for c in chapters)
    (folder / "_toc.yml").write_text(toc, encoding="utf-8")
    (folder / "intro.md").write_text(f"# A bare book\n\n{LOREM}\n", encoding="utf-8")
    for i in range(1, MARKDOWN + 1):
        (folder / f"chapter-{i}.md").write_text(
            f"# Chapter {i}\n\n{LOREM}\n\n## A section\n\n{LOREM}\n", encoding="utf-8"
        )
    for i in range(1, NOTEBOOKS + 1):
        (folder / f"notebook-{i}.ipynb").write_text(json.dumps(notebook(i), indent=1) + "\n", encoding="utf-8")
    return folder


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(f"wrote {write(Path(sys.argv[1]))}")
