"""The coded case as one read-only object: ``casebook.load(data_dir)``."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..files import sha256
from ..paths import DESCRIPTOR, default_data_dir
from . import schema
from .read import Problem, TableRead
from .validate import check

if TYPE_CHECKING:  # pandas is imported when a table is first made a frame: a build's
    import pandas as pd  # early steps (casebook build, the fingerprints) do without it

ROWS = "#rows"
"""Suffix of a read of the number of rows of a table only (see :meth:`Case.count`)."""

Reader = Callable[[Path, str], None]
"""Told ``(case folder, table name)`` — or ``name#rows`` — the first time a case hands a table out."""


class CaseError(Exception):
    """The case folder has problems; ``problems`` lists every one of them."""

    def __init__(self, root: Path, problems: list[Problem]):
        self.root = root
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{root}: {len(problems)} problem(s) in the case data:\n{lines}")


def _to_frame(table: TableRead) -> pd.DataFrame:
    import pandas as pd  # deferred: pandas, which a build's first steps (casebook build, the fingerprints) do without

    columns = list(table.resource.field_names)
    frame = pd.DataFrame.from_records(table.rows, columns=columns)
    for f in table.resource.fields:
        if f.type in ("integer", "year"):
            frame[f.name] = frame[f.name].astype("Int64")
        else:
            frame[f.name] = frame[f.name].astype("string")
    return frame


@dataclass(frozen=True)
class Case:
    """A validated case: one pandas DataFrame per CSV file of the folder.

    Each table is returned as a new shallow copy (pandas copy-on-write), so changing
    what you get never changes the case, and nothing is ever written back to disk.
    ``on_read``, when given, is told the first time each table is handed out (the book
    uses it to know which tables a notebook depends on); the case itself writes nothing.
    """

    root: Path
    _frames: Mapping[str, pd.DataFrame]
    _lines: Mapping[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)
    on_read: Reader | None = field(default=None, repr=False, compare=False)
    _used: set[str] = field(default_factory=set, repr=False, compare=False)

    def _note(self, key: str) -> None:
        if key not in self._used:
            self._used.add(key)
            if self.on_read is not None:
                self.on_read(self.root, key)

    def _frame(self, name: str) -> pd.DataFrame:
        try:
            frame = self._frames[name]
        except KeyError:
            raise KeyError(f"no table called {name!r}; tables: {', '.join(self._frames)}") from None
        self._note(name)
        return frame

    def count(self, name: str) -> int:
        """The number of rows of table ``name``. A notebook that only counts a table
        depends on its length, not its contents: editing a cell does not re-run it."""
        if name not in self._frames:
            self._frame(name)  # raises the helpful KeyError
        self._note(name + ROWS)
        return len(self._frames[name])

    @property
    def used(self) -> frozenset[str]:
        """Names of the tables handed out so far, and ``name#rows`` for those only counted
        (what a notebook depends on)."""
        return frozenset(self._used)

    def path(self, name: str) -> Path:
        """The file table ``name`` was read from."""
        return self.root / schema.resource(name).path

    def lines(self, name: str) -> tuple[int, ...]:
        """For each row of table ``name``, in order, the line of its file it was read from (the
        header is line 1): where a message about that row points (``file:line:column``)."""
        self._frame(name)
        return self._lines[name]

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` (a resource of ``casebook/datapackage.json``)."""
        return self._frame(name).copy(deep=False)

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of all tables, in the order of the schema."""
        return tuple(self._frames)

    @property
    def actors(self) -> pd.DataFrame:
        """Actor groups (rows of Table 1, actor nodes of Figure 1)."""
        return self.table("actors")

    @property
    def interviewees(self) -> pd.DataFrame:
        """Interviewees, each by letter (Table 2)."""
        return self.table("interviewees")

    @property
    def framework(self) -> pd.DataFrame:
        """Elements of the collaborative governance framework and their nesting."""
        return self.table("framework")

    @property
    def institutional_work(self) -> pd.DataFrame:
        """Activities of Table 1 by actor group and type of work."""
        return self.table("institutional_work")

    @property
    def relations(self) -> pd.DataFrame:
        """Arrows of Figure 1."""
        return self.table("relations")

    @property
    def findings(self) -> pd.DataFrame:
        """Bullets of Table 3 by framework element."""
        return self.table("findings")

    @property
    def excerpts(self) -> pd.DataFrame:
        """Published interview quotes, verbatim."""
        return self.table("excerpts")

    @property
    def excerpt_uses(self) -> pd.DataFrame:
        """Where the article prints each quote."""
        return self.table("excerpt_uses")

    @property
    def codings(self) -> pd.DataFrame:
        """Codes applied to quotes."""
        return self.table("codings")

    @property
    def sections(self) -> pd.DataFrame:
        """Sections of the source article."""
        return self.table("sections")

    @property
    def passages(self) -> pd.DataFrame:
        """Paragraphs of the article's analysis that claims rest on."""
        return self.table("passages")

    @property
    def documents(self) -> pd.DataFrame:
        """Documents the article names as evidence."""
        return self.table("documents")

    @property
    def evidence(self) -> pd.DataFrame:
        """Links from claims (activities, findings, arrows) to evidence."""
        return self.table("evidence")

    @property
    def timeline(self) -> pd.DataFrame:
        """Dated events the article states."""
        return self.table("timeline")

    @property
    def facts(self) -> pd.DataFrame:
        """Study-level facts (interview window, duration, sampling, counts)."""
        return self.table("facts")

    @property
    def interview_outline(self) -> pd.DataFrame:
        """Topics of the interview outline (Appendix 2)."""
        return self.table("interview_outline")

    @property
    def errata(self) -> pd.DataFrame:
        """Corrections of the source's inconsistencies."""
        return self.table("errata")

    def fact(self, key: str) -> str | int | dt.date:
        """The value of one study fact, read as its declared type.

        ``month`` facts come back as the first day of that month.
        """
        facts = self._frame("facts")
        match = facts[facts["key"] == key]
        if match.empty:
            raise KeyError(f"{self.root / 'facts.csv'}: no fact called {key!r}; facts: {', '.join(facts['key'])}")
        row = match.iloc[0]
        value = str(row["value"])
        if row["type"] == "integer":
            return int(value)
        if row["type"] == "month":
            year, month = value.split("-")
            return dt.date(int(year), int(month), 1)
        return value

    def fact_text(self, key: str) -> str:
        """A fact as a reader sees it: qualifier included, months spelled out."""
        import pandas as pd  # deferred: pandas (as in _to_frame)

        value = self.fact(key)
        if isinstance(value, dt.date):
            value = f"{calendar.month_name[value.month]} {value.year}"
        facts = self._frame("facts")
        qualifier = facts.loc[facts["key"] == key, "qualifier"].iloc[0]
        if pd.isna(qualifier) or qualifier == "average":
            return str(value)
        return f"{qualifier} {value}"

    def checksums(self) -> dict[str, str]:
        """SHA-256 of every file of the case folder that casebook reads."""
        names = [DESCRIPTOR] + [r.path for r in schema.all_resources()]
        return {n: sha256(self.root / n) for n in names}


@dataclass(frozen=True)
class About:
    """What a case folder's ``datapackage.json`` says about the case as a whole."""

    name: str
    title: str
    description: str
    notice: str
    """A warning every page of a book about this case must carry (for instance that the
    case is fictional); empty for none."""
    keywords: tuple[str, ...] = ()


def about(root: Path | str | None = None) -> About:
    """The name, title, description and notice of the case in ``root`` (default:
    :func:`default_data_dir`), from its ``datapackage.json``; empty strings where absent."""
    root = Path(root) if root is not None else default_data_dir()
    try:
        descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        descriptor = {}
    if not isinstance(descriptor, dict):
        descriptor = {}
    text = {k: str(descriptor.get(k) or "").strip() for k in ("name", "title", "description", "notice")}
    keywords = descriptor.get("keywords")
    if not isinstance(keywords, list):
        keywords = []
    return About(
        name=text["name"] or root.resolve().name,
        title=text["title"] or f"The case in {root.name}",
        description=text["description"],
        notice=text["notice"],
        keywords=tuple(str(k).strip() for k in keywords if str(k).strip()),
    )


def load(root: Path | str | None = None, on_read: Reader | None = None) -> Case:
    """Read, validate and return the case in ``root`` (default: :func:`default_data_dir`).

    Raises :class:`CaseError` listing every problem (file, row, column, what is wrong)
    when the folder is not a valid case. Never writes to the folder. ``on_read``: see
    :class:`Case`.
    """
    root = Path(root) if root is not None else default_data_dir()
    tables, problems = check(root)
    if problems:
        raise CaseError(root, problems)
    frames = {name: _to_frame(table) for name, table in tables.items()}
    lines = {name: tuple(table.lines) for name, table in tables.items()}
    return Case(root=root, _frames=MappingProxyType(frames), _lines=MappingProxyType(lines), on_read=on_read)
