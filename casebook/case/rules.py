"""The rules that span files, which a Table Schema cannot state: each a small function,
registered with a code and a one-line description (as frictionless registers its checks).

The data dictionary lists them from :data:`RULES`, so the rules a reader is told are the
rules that are checked; every problem a rule finds carries the rule's code.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..paths import DESCRIPTOR
from . import schema
from .read import Problem, TableRead, Value, choices, lookalike_hint, plural, suggestion


class TablesRead:
    """The tables read from one folder, with what the rules ask of them."""

    def __init__(self, root: Path, tables: dict[str, TableRead]):
        self.root = root
        self.tables = tables
        # The tables never change once read: each id set is built once, not once per row.
        self._ids: dict[tuple[str, str], frozenset[Value]] = {}
        self._known: dict[tuple[str, ...], frozenset[Value]] = {}

    def shown(self, name: str) -> str:
        """The file of table ``name``, as messages print it."""
        return str(self.root / schema.resource(name).path)

    def ids(self, name: str, key: str = "id") -> frozenset[Value]:
        if (name, key) not in self._ids:
            table = self.tables.get(name)
            self._ids[name, key] = frozenset(table.column(key)) - {None} if table else frozenset()
        return self._ids[name, key]

    def known(self, names: tuple[str, ...]) -> frozenset[Value]:
        """The ids of several tables together (an id may name a row of any of them)."""
        if names not in self._known:
            self._known[names] = frozenset().union(*(self.ids(t) for t in names))
        return self._known[names]

    def rows(self, name: str) -> Iterator[tuple[int, dict[str, Value]]]:
        """Each row of table ``name`` with its line (none when the table could not be read)."""
        table = self.tables.get(name)
        if table:
            yield from zip(table.lines, table.rows, strict=True)

    def problem(self, name: str, line: int | None, column: str | None, message: str) -> Problem:
        return Problem(self.shown(name), line, column, message)


def not_an_id(value: Value, files: str, known: Iterable[Value]) -> str:
    """The message for a value that names no row of ``files``, with the nearest id and the ids."""
    ids = sorted(map(str, known))
    hints = suggestion(str(value), ids) + lookalike_hint(value)
    return f"{value!r} is not an id in {files}{hints}; known ids: {choices(ids)}"


def reference(
    case: TablesRead, name: str, line: int, column: str, value: Value, targets: tuple[str, ...]
) -> Iterator[Problem]:
    """``value`` must be an id of one of the tables ``targets`` (when those could be read)."""
    known = case.known(targets)
    if value is not None and value not in known and all(t in case.tables for t in targets):
        files = " or ".join(schema.resource(t).path for t in targets)
        yield case.problem(name, line, column, not_an_id(value, files, known))


# --- the registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A rule across files: its code, what it says (one line, for the data dictionary) and its check."""

    code: str
    description: str
    check: Callable[[TablesRead], Iterable[Problem]]

    def problems(self, case: TablesRead) -> Iterator[Problem]:
        for found in self.check(case):
            yield dataclasses.replace(found, code=self.code)


RULES: list[Rule] = []
"""Every rule across files, in the order they are checked and listed."""


def rule(code: str, description: str) -> Callable[[Callable[[TablesRead], Iterable[Problem]]], Callable]:
    """Register the decorated check as the rule ``code``, described by ``description``."""

    def register(check: Callable[[TablesRead], Iterable[Problem]]) -> Callable[[TablesRead], Iterable[Problem]]:
        RULES.append(Rule(code, description, check))
        return check

    return register


def problems(case: TablesRead) -> Iterator[Problem]:
    """What every rule finds in ``case``."""
    for each in RULES:
        yield from each.problems(case)


# --- the rules ------------------------------------------------------------------------------------

EVIDENCE_TABLES = {"excerpt": "excerpts", "document": "documents", "passage": "passages"}
"""The file each kind of evidence (``evidence.evidence_type``) names a row of."""
CODE_SCHEMES = {"framework": "framework", "actor": "actors"}
"""The file each code book (``codings.scheme``) takes its codes from, besides the types of work."""


@rule("arrow-target", "`relations.target` is an id in `actors.csv` or in `framework.csv`.")
def arrow_target(case: TablesRead) -> Iterator[Problem]:
    for line, row in case.rows("relations"):
        yield from reference(case, "relations", line, "target", row["target"], ("actors", "framework"))


@rule("arrow-to-itself", "An arrow never points back at its own source.")
def arrow_to_itself(case: TablesRead) -> Iterator[Problem]:
    for line, row in case.rows("relations"):
        if row["target"] == row["source"]:
            yield case.problem("relations", line, "target", "an arrow cannot point back at its own source")


@rule(
    "activity-off-its-arrow",
    "An activity drawn on an arrow (`institutional_work.relation`) has the arrow's source as its actor"
    " and the arrow's type of work.",
)
def activity_off_its_arrow(case: TablesRead) -> Iterator[Problem]:
    relations = {row["id"]: row for _, row in case.rows("relations")}
    for line, row in case.rows("institutional_work"):
        arrow = relations.get(row["relation"])
        if arrow is None:
            continue
        for column, arrow_column in (("actor", "source"), ("work_type", "work_type")):
            value, drawn = row[column], arrow[arrow_column]
            if value is not None and value != drawn:
                message = f"{value!r} differs from the {arrow_column} {drawn!r} of relation {arrow['id']!r}"
                yield case.problem("institutional_work", line, column, message)


@rule("code-outside-code-book", "`codings.code` comes from the code book named in `codings.scheme`.")
def code_outside_code_book(case: TablesRead) -> Iterator[Problem]:
    work_types = set(schema.WORK_TYPES)
    for line, row in case.rows("codings"):
        code, scheme = row["code"], row["scheme"]
        if scheme == "work_type" and code is not None and code not in work_types:
            message = (
                f"{code!r} is not a type of institutional work{suggestion(str(code), work_types)};"
                f" allowed: {', '.join(schema.WORK_TYPES)}"
            )
            yield case.problem("codings", line, "code", message)
        elif scheme in CODE_SCHEMES:
            yield from reference(case, "codings", line, "code", code, (CODE_SCHEMES[str(scheme)],))


@rule("unknown-claim", "`evidence.claim_id` exists in the file named by `claim_type`.")
def unknown_claim(case: TablesRead) -> Iterator[Problem]:
    for line, row in case.rows("evidence"):
        table = schema.CLAIM_TABLES.get(str(row["claim_type"]))
        if table:
            yield from reference(case, "evidence", line, "claim_id", row["claim_id"], (table,))


@rule(
    "unknown-evidence",
    "`evidence.evidence_id` exists in the file named by `evidence_type`, and is empty only for a `synthesis`.",
)
def unknown_evidence(case: TablesRead) -> Iterator[Problem]:
    for line, row in case.rows("evidence"):
        kind, ident = row["evidence_type"], row["evidence_id"]
        if kind == "synthesis" and ident is not None:
            yield case.problem("evidence", line, "evidence_id", "must be empty for a synthesis")
        elif kind in EVIDENCE_TABLES and ident is None:
            yield case.problem("evidence", line, "evidence_id", f"is empty, but {kind} evidence needs an id")
        elif kind in EVIDENCE_TABLES:
            yield from reference(case, "evidence", line, "evidence_id", ident, (EVIDENCE_TABLES[str(kind)],))


@rule("synthesis-without-note", "A `synthesis` has a note saying what it rests on.")
def synthesis_without_note(case: TablesRead) -> Iterator[Problem]:
    for line, row in case.rows("evidence"):
        if row["evidence_type"] == "synthesis" and row["note"] is None:
            message = "is empty, but a synthesis needs a note saying what it rests on"
            yield case.problem("evidence", line, "note", message)


@rule(
    "partial-without-note",
    "A row whose `support` is `partial` has a note saying which part of the claim the evidence leaves"
    " unsupported; the book shows it beside the evidence.",
)
def partial_without_note(case: TablesRead) -> Iterator[Problem]:
    for line, row in case.rows("evidence"):
        if row["support"] == "partial" and row["note"] is None:
            message = (
                "is empty, but evidence with support 'partial' needs a note saying which part of the claim"
                " it leaves unsupported"
            )
            yield case.problem("evidence", line, "note", message)


@rule("duplicate-evidence", "A claim is linked to the same piece of evidence once.")
def duplicate_evidence(case: TablesRead) -> Iterator[Problem]:
    seen: dict[tuple[Value, ...], int] = {}
    for line, row in case.rows("evidence"):
        key = (row["claim_type"], row["claim_id"], row["evidence_type"], row["evidence_id"])
        if key in seen:
            yield case.problem(
                "evidence", line, "evidence_id", f"duplicate evidence link; first given in row {seen[key]}"
            )
        seen.setdefault(key, line)


CODER_ID = re.compile(r"[a-z]{1,6}[0-9]{1,3}")
"""A coder as a published case names them: a short id, letters then a number (c1, c2, coder3).
A word without a number (ana, Smith) is taken for a person's name."""
NAMED_CODERS = "named_coders"
"""The property of a case's datapackage.json that allows coders' names (``true``)."""


def names_coders(root: Path) -> bool:
    """Whether the case at ``root`` says its coders may be named (``"named_coders": true``)."""
    try:
        descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(descriptor, dict) and descriptor.get(NAMED_CODERS) is True


@rule(
    "coder",
    "`codings.coder` is filled in every row or in none. A coder is a short id, letters then a number"
    " (`c1`, `c2`, `coder3`); a word without a number (`ana`) is taken for a person's name and refused,"
    f' unless the case\'s `datapackage.json` says `"{NAMED_CODERS}": true`. Two coders who apply the same code'
    " to the same quote give two rows; the book's tables count a code on a quote once, whoever applied it,"
    " and `python -m casebook reliability` and the coding page compare the coders.",
)
def coder(case: TablesRead) -> Iterator[Problem]:
    rows = list(case.rows("codings"))
    named = [(line, row["coder"]) for line, row in rows if row["coder"] is not None]
    if named and len(named) < len(rows):
        coders = ", ".join(dict.fromkeys(str(c) for _, c in named))
        for line, row in rows:
            if row["coder"] is None:
                message = (
                    f"is empty, but other rows name their coder ({coders}): name the coder of every row, or of none"
                )
                yield case.problem("codings", line, "coder", message)
    if not names_coders(case.root):
        first: dict[str, list[int]] = {}
        for line, who in named:
            if not CODER_ID.fullmatch(str(who)):
                first.setdefault(str(who), []).append(line)
        for who, lines in first.items():
            more = f" (and {plural(len(lines) - 1, 'more row')})" if len(lines) > 1 else ""
            message = (
                f"{who!r} looks like a person's name{more}: a coder is a short id, letters then a number (c1, c2);"
                f' a case names its coders only if its datapackage.json says "{NAMED_CODERS}": true'
            )
            yield case.problem("codings", lines[0], "coder", message)
    seen: dict[tuple[Value, ...], int] = {}
    for line, row in rows:
        if row["coder"] is None:
            key = (row["excerpt"], row["scheme"], row["code"])
            if key in seen:
                message = f"duplicate excerpt/scheme/code {key!r}; first used in row {seen[key]}"
                yield case.problem("codings", line, "code", message)
            seen.setdefault(key, line)


@rule("claim-without-evidence", "Every activity, finding and arrow has at least one row in `evidence.csv`.")
def claim_without_evidence(case: TablesRead) -> Iterator[Problem]:
    if "evidence" not in case.tables:
        return
    linked = {(row["claim_type"], row["claim_id"]) for _, row in case.rows("evidence")}
    for claim_type, table in schema.CLAIM_TABLES.items():
        for line, row in case.rows(table):
            if (claim_type, row["id"]) not in linked:
                message = (
                    f"{claim_type} {row['id']!r} has no evidence; add a row to evidence.csv"
                    " (use evidence_type 'synthesis' with a note if it is the authors' own synthesis)"
                )
                yield case.problem(table, line, "id", message)


@rule("fact-value-type", "A fact's `value` reads as its `type` (a whole number, or a month written `YYYY-MM`).")
def fact_value_type(case: TablesRead) -> Iterator[Problem]:
    for line, row in case.rows("facts"):
        value, kind = str(row["value"]), row["type"]
        if kind == "integer" and not re.fullmatch(r"-?[0-9]+", value):
            yield case.problem("facts", line, "value", f"{value!r} is not a whole number, as the type column says")
        if kind == "month" and not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", value):
            message = f"{value!r} is not a month written YYYY-MM, as the type column says"
            yield case.problem("facts", line, "value", message)


@rule("parent-loop", "`framework.parent` and `sections.parent` never loop.")
def parent_loop(case: TablesRead) -> Iterator[Problem]:
    for name in ("framework", "sections"):
        parent = {row["id"]: row["parent"] for _, row in case.rows(name)}
        for line, row in case.rows(name):
            seen, node = {row["id"]}, row["parent"]
            while node is not None and node in parent:
                if node in seen:
                    message = f"{row['id']!r} ends up inside itself; the parent chain loops"
                    yield case.problem(name, line, "parent", message)
                    break
                seen.add(node)
                node = parent[node]
