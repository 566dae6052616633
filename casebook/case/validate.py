"""A case folder checked: every problem in it, each naming file, row and column.

The folder's ``datapackage.json`` must describe the tables casebook expects; each table is
read against its schema (:mod:`.read`); then the foreign keys the schema declares, the
rules across files (:mod:`.rules`), and what a book cannot do without. Nothing here writes
to disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..paths import DESCRIPTOR
from . import rules, schema
from .read import Problem, TableRead, read_table
from .rules import TablesRead, not_an_id

__all__ = ["NEEDED", "Problem", "check"]


def _descriptor_problems(root: Path) -> Iterator[Problem]:
    """The folder's own datapackage.json must describe the tables casebook expects."""
    path = root / DESCRIPTOR
    shown = str(path)
    if not path.is_file():
        message = "file is missing; copy data/datapackage.json (or run `python -m casebook init`)"
        yield Problem(shown, None, None, message, "descriptor-missing")
        return
    try:
        own = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        yield Problem(shown, line, None, f"is not valid UTF-8 JSON: {exc}", "descriptor-invalid")
        return
    expected = {r["name"]: r for r in schema.descriptor()["resources"]}
    found = {r.get("name"): r for r in own.get("resources", []) if isinstance(r, dict)}
    for name, res in expected.items():
        if name not in found:
            yield Problem(shown, None, "resources", f"does not describe the table {name!r}", "descriptor-table-missing")
        elif found[name].get("schema") != res["schema"] or found[name].get("path") != res["path"]:
            message = f"describes {name!r} differently from casebook's schema ({schema.SHIPPED}); copy that entry"
            yield Problem(shown, None, "resources", message, "descriptor-table-differs")
    for name in found.keys() - expected.keys():
        yield Problem(shown, None, "resources", f"describes an unknown table {name!r}", "descriptor-table-unknown")


def _foreign_key_problems(case: TablesRead) -> Iterator[Problem]:
    for res in schema.all_resources():
        for fk in res.foreign_keys if res.name in case.tables else ():
            if fk.resource not in case.tables:
                continue
            known = case.ids(fk.resource, fk.reference_field)
            target = schema.resource(fk.resource).path
            for line, row in case.rows(res.name):
                value = row[fk.field]
                if value is not None and value not in known:
                    yield Problem(case.shown(res.name), line, fk.field, not_an_id(value, target, known), "foreign-key")


NEEDED = {
    "actors": "add the groups of actors whose institutional work the case describes (the rows of Table 1)",
    "interviewees": "add one row per interviewee, each by letter",
    "framework": "add the elements of the framework the case is coded with (or copy framework.csv of another case)",
    "excerpts": "add the interview quotes the book prints, verbatim",
    "institutional_work": "add the activities of Table 1: one row each, with its actor group and type of work",
    "findings": "add the findings of Table 3: one row each, under an element of the framework",
    "relations": "add the arrows of Figure 1: who acts on whom or on what, with which type of work",
    "evidence": "link each activity, finding and arrow to the quotes, documents or passages it rests on",
}
"""Tables a book cannot do without, and what to put in them while they are empty."""


def _empty_problems(case: TablesRead) -> Iterator[Problem]:
    for name, hint in NEEDED.items():
        table = case.tables.get(name)
        if table is not None and not table.rows:
            yield Problem(case.shown(name), None, None, f"has no rows yet: {hint}", "empty-table")


def check(root: Path | str) -> tuple[dict[str, TableRead], list[Problem]]:
    """Read every table of the case in ``root`` and return them with all problems found."""
    root = Path(root)
    if not root.is_dir():
        return {}, [Problem(str(root), None, None, "is not a folder", "not-a-folder")]
    problems = list(_descriptor_problems(root))
    tables: dict[str, TableRead] = {}
    for res in schema.all_resources():
        table, found = read_table(root / res.path, res, str(root / res.path))
        problems.extend(found)
        if table.rows or not found:
            tables[res.name] = table
    case = TablesRead(root, tables)
    problems.extend(_foreign_key_problems(case))
    problems.extend(rules.problems(case))
    problems.extend(_empty_problems(case))
    return tables, problems
