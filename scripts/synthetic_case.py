#!/usr/bin/env python
"""Write a synthetic case N times the size of the real one, for benchmarks.

    python scripts/synthetic_case.py 100                      # -> _build/synthetic/case-100x
    python scripts/synthetic_case.py 1000 --out /tmp/big --data data

Every table of ``data/`` except ``framework.csv`` (the framework is fixed) is replicated
N times. Copy 0 is the real case unchanged, so ``1`` gives an exact copy of ``data/``;
copy k (k >= 1) carries the suffix ``-xk`` on every id (``_xk`` on fact keys, whose
pattern allows no hyphen), every reference is suffixed the same way (references to the
framework, to work types and other enumerations are left alone), ``order`` columns are
shifted by k times the table's largest order so they stay unique, and actor-group
labels get `` [xk]`` so the rows of Table 1 stay distinguishable. Every foreign key and
cross-file rule of ``casebook/case/rules.py`` still holds: ``python -m casebook check``
passes on the result.

Interviewee ids must match ``^[A-Z]{1,2}$`` (the article's letters A-I): there are only
702 such ids (A-Z, AA-ZZ), room for 78 copies of the 9 interviewees. Copy 0 keeps A-I,
copy k takes the next 9 unused ids of that sequence (J-R for copy 1, ...); from copy 78
on no new interviewees are written, and the quotes of copy k are attributed to the
interviewees of copy k mod 78 (whose actor groups are that copy's). So
``interviewees.csv`` stops growing at 702 rows; every other table grows N times.

Deterministic: the same data and N give byte-identical files. The output folder is
never inside ``data/`` and is meant to stay out of git (the default is under _build/).
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DEFAULT_OUT = ROOT / "_build" / "synthetic"

LETTERS = string.ascii_uppercase
INTERVIEWEE_IDS = list(LETTERS) + [a + b for a in LETTERS for b in LETTERS]  # what ^[A-Z]{1,2}$ allows

Row = dict[str, str]


def _read(folder: Path, name: str) -> tuple[list[str], list[Row]]:
    text = (folder / name).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def _write(folder: Path, name: str, header: list[str], rows: list[Row]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / name).write_text(out.getvalue(), encoding="utf-8")


def _sfx(k: int, sep: str = "-") -> Callable[[str], str]:
    """The renaming of copy ``k``: identity for copy 0, ``id-xk`` otherwise; empty stays empty."""
    return lambda v: v if k == 0 or v == "" else f"{v}{sep}x{k}"


def _max_order(rows: list[Row]) -> int:
    return max((int(r["order"]) for r in rows), default=0)


@dataclass
class _Copy:
    """Copy ``k`` of the case: how its ids, orders and interviewees are renamed."""

    k: int
    orders: dict[str, int]  # the largest order of each table with one
    actor_ids: set[str]
    person: Callable[[int, str], str]  # interviewee ``ident`` of copy k

    def __post_init__(self) -> None:
        self.s, self.f = _sfx(self.k), _sfx(self.k, "_")

    def order(self, row: Row, name: str) -> str:
        return str(int(row["order"]) + self.k * self.orders[name])

    def label(self, row: Row) -> str:
        return row["label"] if self.k == 0 else f"{row['label']} [x{self.k}]"

    def target(self, row: Row) -> str:
        return self.s(row["target"]) if row["target"] in self.actor_ids else row["target"]

    def code(self, row: Row) -> str:
        return self.s(row["code"]) if row["scheme"] == "actor" else row["code"]


COPIES: dict[str, Callable[[Row, _Copy], Row]] = {
    "actors": lambda r, c: {**r, "id": c.s(r["id"]), "label": c.label(r), "order": c.order(r, "actors")},
    "interviewees": lambda r, c: {**r, "id": c.person(c.k, r["id"]), "actor": c.s(r["actor"])},
    "institutional_work": lambda r, c: {
        **r,
        "id": c.s(r["id"]),
        "actor": c.s(r["actor"]),
        "relation": c.s(r["relation"]),
        "order": c.order(r, "institutional_work"),
    },
    "relations": lambda r, c: {**r, "id": c.s(r["id"]), "source": c.s(r["source"]), "target": c.target(r)},
    "findings": lambda r, c: {**r, "id": c.s(r["id"]), "order": c.order(r, "findings")},
    "excerpts": lambda r, c: {**r, "id": c.s(r["id"]), "interviewee": c.person(c.k, r["interviewee"])},
    "excerpt_uses": lambda r, c: {**r, "excerpt": c.s(r["excerpt"]), "section": c.s(r["section"])},
    "codings": lambda r, c: {**r, "excerpt": c.s(r["excerpt"]), "code": c.code(r)},
    "sections": lambda r, c: {**r, "id": c.s(r["id"]), "parent": c.s(r["parent"]), "order": c.order(r, "sections")},
    "passages": lambda r, c: {**r, "id": c.s(r["id"]), "section": c.s(r["section"])},
    "documents": lambda r, c: {**r, "id": c.s(r["id"])},
    "evidence": lambda r, c: {**r, "claim_id": c.s(r["claim_id"]), "evidence_id": c.s(r["evidence_id"])},
    "timeline": lambda r, c: {**r, "id": c.s(r["id"]), "section": c.s(r["section"])},
    "facts": lambda r, c: {**r, "key": c.f(r["key"]), "section": c.s(r["section"])},
    "interview_outline": lambda r, c: {**r, "order": c.order(r, "interview_outline")},
    "errata": lambda r, c: {**r, "id": c.s(r["id"]), "location": c.s(r["location"])},
}
"""How each table's rows are copied (framework.csv is not: the framework is fixed)."""


def generate(n: int, out: Path | str, source: Path | str = DATA) -> Path:
    """Write the case ``n`` times the size of ``source`` into ``out`` (created or replaced
    file by file; other files in ``out`` are left alone). Returns ``out``."""
    if n < 1:
        raise ValueError("n must be at least 1")
    source, out = Path(source), Path(out)
    if out.resolve() == source.resolve():
        raise ValueError("refusing to write the synthetic case over its source")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "datapackage.json", out / "datapackage.json")
    shutil.copyfile(source / "framework.csv", out / "framework.csv")

    t = {name: _read(source, f"{name}.csv") for name in COPIES}
    actor_ids = {r["id"] for r in t["actors"][1]}
    element_ids = {r["id"] for r in _read(source, "framework.csv")[1]}
    assert not element_ids & actor_ids, "an id names both an actor group and a framework element"
    people = t["interviewees"][1]
    own = [p["id"] for p in people]
    pool = [i for i in INTERVIEWEE_IDS if i not in own]  # ids left for the copies
    people_copies = 1 + len(pool) // len(people) if people else 1
    index = {ident: i for i, ident in enumerate(own)}

    def person(k: int, ident: str) -> str:
        """Interviewee ``ident`` of copy ``k`` (copies past the last id reuse earlier ones)."""
        k %= people_copies
        return ident if k == 0 else pool[(k - 1) * len(people) + index[ident]]

    orders = {name: _max_order(rows) for name, (header, rows) in t.items() if "order" in header}
    result: dict[str, list[Row]] = {name: [] for name in t}
    for k in range(n):
        copy = _Copy(k, orders, actor_ids, person)
        for name, (_, rows) in t.items():
            if name != "interviewees" or k < people_copies:
                result[name].extend(COPIES[name](r, copy) for r in rows)
    for name, (header, _) in t.items():
        _write(out, f"{name}.csv", header, result[name])
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="how many times the real case (1 = an exact copy of data/)")
    p.add_argument("--out", type=Path, help=f"folder to write (default: {DEFAULT_OUT.relative_to(ROOT)}/case-Nx)")
    p.add_argument("--data", type=Path, default=DATA, help="the case to replicate (default: data/)")
    args = p.parse_args(argv)
    out = generate(args.n, args.out or DEFAULT_OUT / f"case-{args.n}x", args.data)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
