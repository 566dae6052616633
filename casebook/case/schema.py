"""The schema every case folder follows: a Frictionless data-package descriptor.

The canonical descriptor ships inside the package (``casebook/case/datapackage.json``) so
that any folder of CSVs, this edition's ``data/`` or a student's copy, is checked
against the same contract the tables, Figure 1 and the book are written for.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..paths import DESCRIPTOR

SHIPPED = "casebook/case/datapackage.json"
"""Where the package keeps the schema that every case folder's descriptor repeats."""


@dataclass(frozen=True)
class Field:
    """One column of a table, as the descriptor defines it."""

    name: str
    type: str
    description: str
    required: bool
    unique: bool
    enum: tuple[str, ...] | None
    pattern: str | None
    minimum: int | None


@dataclass(frozen=True)
class ForeignKey:
    """A column whose values must be ids of another table (or of the same table)."""

    field: str
    resource: str
    reference_field: str


@dataclass(frozen=True)
class Resource:
    """One CSV file of a case: its name, file name, columns and keys."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.path} has no column {name!r}")


@cache
def _parsed() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath(DESCRIPTOR).read_text(encoding="utf-8"))


def descriptor() -> dict[str, Any]:
    """The canonical descriptor as a dict of the caller's own (change it at will: the next
    caller gets the descriptor as shipped)."""
    return copy.deepcopy(_parsed())


def _field(raw: dict[str, Any]) -> Field:
    c = raw.get("constraints", {})
    return Field(
        name=raw["name"],
        type=raw.get("type", "string"),
        description=raw.get("description", ""),
        required=bool(c.get("required", False)),
        unique=bool(c.get("unique", False)),
        enum=tuple(c["enum"]) if "enum" in c else None,
        pattern=c.get("pattern"),
        minimum=c.get("minimum"),
    )


def _resource(raw: dict[str, Any]) -> Resource:
    schema = raw["schema"]
    pk = schema.get("primaryKey", ())
    pk = (pk,) if isinstance(pk, str) else tuple(pk)
    fks = []
    for fk in schema.get("foreignKeys", ()):
        ref = fk["reference"]
        fks.append(ForeignKey(fk["fields"], ref["resource"] or raw["name"], ref["fields"]))
    return Resource(
        name=raw["name"],
        path=raw["path"],
        title=raw.get("title", raw["name"]),
        description=raw.get("description", ""),
        fields=tuple(_field(f) for f in schema["fields"]),
        primary_key=pk,
        foreign_keys=tuple(fks),
    )


@cache
def all_resources() -> tuple[Resource, ...]:
    """Every table of a case, in the order of the descriptor."""
    return tuple(_resource(r) for r in _parsed()["resources"])


def resource(name: str) -> Resource:
    """The table called ``name`` (e.g. ``"actors"``)."""
    for r in all_resources():
        if r.name == name:
            return r
    raise KeyError(f"no table called {name!r}; tables: {', '.join(r.name for r in all_resources())}")


WORK_TYPES: tuple[str, ...] = resource("institutional_work").field("work_type").enum or ()
"""The three types of institutional work, in the order the book presents them."""

WORK_TYPE_LABELS: dict[str, str] = {t: f"{t.capitalize()} work" for t in WORK_TYPES}
"""How a type of work is named in tables, the code book and Figure 1: "Political work"."""

CLAIM_TABLES: dict[str, str] = {"activity": "institutional_work", "finding": "findings", "relation": "relations"}
"""The claims a book makes from a case (``evidence.claim_type``), by the table that holds them."""
