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

    t = {
        name: _read(source, f"{name}.csv")
        for name in (
            "actors",
            "interviewees",
            "institutional_work",
            "relations",
            "findings",
            "excerpts",
            "excerpt_uses",
            "codings",
            "sections",
            "passages",
            "documents",
            "evidence",
            "timeline",
            "facts",
            "interview_outline",
            "errata",
        )
    }
    actor_ids = {r["id"] for r in t["actors"][1]}
    element_ids = {r["id"] for r in _read(source, "framework.csv")[1]}
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
        s, f = _sfx(k), _sfx(k, "_")

        def shift(row: Row, name: str, k: int = k) -> str:
            return str(int(row["order"]) + k * orders[name])

        for r in t["actors"][1]:
            label = r["label"] if k == 0 else f"{r['label']} [x{k}]"
            result["actors"].append({**r, "id": s(r["id"]), "label": label, "order": shift(r, "actors")})
        if k < people_copies:
            for r in people:
                result["interviewees"].append({**r, "id": person(k, r["id"]), "actor": s(r["actor"])})
        for r in t["institutional_work"][1]:
            result["institutional_work"].append(
                {
                    **r,
                    "id": s(r["id"]),
                    "actor": s(r["actor"]),
                    "relation": s(r["relation"]),
                    "order": shift(r, "institutional_work"),
                }
            )
        for r in t["relations"][1]:
            target = s(r["target"]) if r["target"] in actor_ids else r["target"]
            result["relations"].append({**r, "id": s(r["id"]), "source": s(r["source"]), "target": target})
        for r in t["findings"][1]:
            result["findings"].append({**r, "id": s(r["id"]), "order": shift(r, "findings")})
        for r in t["excerpts"][1]:
            result["excerpts"].append({**r, "id": s(r["id"]), "interviewee": person(k, r["interviewee"])})
        for r in t["excerpt_uses"][1]:
            result["excerpt_uses"].append({**r, "excerpt": s(r["excerpt"]), "section": s(r["section"])})
        for r in t["codings"][1]:
            code = s(r["code"]) if r["scheme"] == "actor" else r["code"]
            result["codings"].append({**r, "excerpt": s(r["excerpt"]), "code": code})
        for r in t["sections"][1]:
            result["sections"].append({**r, "id": s(r["id"]), "parent": s(r["parent"]), "order": shift(r, "sections")})
        for r in t["passages"][1]:
            result["passages"].append({**r, "id": s(r["id"]), "section": s(r["section"])})
        for r in t["documents"][1]:
            result["documents"].append({**r, "id": s(r["id"])})
        for r in t["evidence"][1]:
            result["evidence"].append({**r, "claim_id": s(r["claim_id"]), "evidence_id": s(r["evidence_id"])})
        for r in t["timeline"][1]:
            result["timeline"].append({**r, "id": s(r["id"]), "section": s(r["section"])})
        for r in t["facts"][1]:
            result["facts"].append({**r, "key": f(r["key"]), "section": s(r["section"])})
        for r in t["interview_outline"][1]:
            result["interview_outline"].append({**r, "order": shift(r, "interview_outline")})
        for r in t["errata"][1]:
            result["errata"].append({**r, "id": s(r["id"]), "location": s(r["location"])})
    assert not element_ids & actor_ids, "an id names both an actor group and a framework element"
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
