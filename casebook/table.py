"""A table of the book: its cells as data (``.frame``, for tests and reuse) and, displayed in a
notebook, a numbered and captioned table whose cells are handed over as text, so nothing in
the data can turn into markup (:mod:`casebook.tables` builds the book's tables with it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import content
from .content import inline

SOFT = "\u00ad"  # narrow columns break these headings where a hyphen may go, and show the hyphen

Cell = str | tuple[str, ...]
"""A cell is plain text (``str``) or a bullet list of items (``tuple``, possibly empty)."""


@dataclass(frozen=True)
class Table:
    """A table; with a caption and ``label`` it is numbered and can be cited (``{numref}`table-1```)."""

    label: str | None
    caption: str | None
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[int, ...]
    classes: tuple[str, ...] = ()  # e.g. "casebook-sortable": the HTML lets the reader sort it
    shown_header: tuple[str, ...] | None = None  # the header as printed, if not ``header`` (soft hyphens)
    row_headers: bool = False  # the first column names each row (row header cells: th scope=row, TH /Row)
    name: str | None = None  # what a screen reader calls an uncaptioned table (else the heading above it)

    @property
    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame; a cell with several items joins them with newlines."""
        return pd.DataFrame(
            [[cell if isinstance(cell, str) else "\n".join(cell) for cell in row] for row in self.rows],
            columns=list(self.header),
        )

    def block(self) -> content.Block:
        """The table as a content block (:mod:`casebook.content`)."""
        return content.table(
            [[h] for h in self.shown_header or self.header],
            [[_cell(cell) for cell in row] for row in self.rows],
            self.widths,
            label=self.label,
            caption=self.caption,
            classes=self.classes,
            row_headers=self.row_headers,
            name=self.name,
        )

    def json(self) -> str:
        """The block as canonical JSON text (what the reproducibility report checksums)."""
        return json.dumps(self.block(), sort_keys=True, ensure_ascii=False)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return content.show(self.block())._repr_mimebundle_()

    def __repr__(self) -> str:
        return f"<Table {self.label or ''}: {self.caption or ''} ({len(self.rows)} rows)>"


def _cell(cell: Cell) -> list[content.Inline] | dict[str, Any]:
    return inline(cell) if isinstance(cell, str) else content.items(inline(item) for item in cell)
