#!/usr/bin/env python
"""The fidelity audit: every paragraph the edition wrote, tied to the source paragraph it restates.

The record is ``audit/paragraphs.csv``, one row per paragraph of prose in the built book
(Markdown chapters and the Markdown cells of notebooks) and one per row of the data whose
text restates the article (:data:`DATA_TEXT`: passage summaries, arrow and actor
descriptions, Table 1 and 3 entries, timeline events, document and framework descriptions):

- ``page``, ``n``: the page (Sphinx docname) and the paragraph's place on it (1 = first),
  or the data file (``data/passages.csv``) and the row's id;
- ``digest``: 12 hex digits of the SHA-256 of its text (glued values as ``{glue}``, so a
  changed CSV value does not call for a new reading of a chapter; a changed sentence does,
  and so does a changed data row);
- ``restates``: what it restates, ``;``-separated: a paragraph of the source article as
  ``section:number`` (a section id of ``data/sections.csv``, paragraphs counted as
  :func:`seed_paragraphs` counts them), lines of the source file as ``L<first>[-<last>]``
  (for the tables and the cover, which are not paragraphs of a section), ``article`` for a
  summary of the whole article, or ``edition`` for a paragraph about the edition itself;
- ``note``: what a reader checked, and any correction made (errata ids).

    python scripts/audit.py check            # every paragraph recorded, every record resolving
    python scripts/audit.py show PAGE        # each paragraph of PAGE beside what it restates
    python scripts/audit.py update           # after editing prose: rows for new or changed
                                             # paragraphs, with 'restates' left empty to fill in

It reads the doctrees of the last HTML build (``make html``), the CSV files of ``data/``
and the source article in ``../shared/seed/`` (or ``--seed``). ``tests/unit/test_audit.py`` runs
the check.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import pickle
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "audit" / "paragraphs.csv"
DATA = ROOT / "data"
DATA_TEXT = {  # file -> the columns whose text restates the article, and whether they are its own words
    "passages.csv": (("summary",), False),
    "relations.csv": (("description",), False),
    "actors.csv": (("description",), False),
    "framework.csv": (("description",), False),
    "institutional_work.csv": (("activity",), True),  # Table 1, as printed
    "findings.csv": (("text", "note"), True),  # Table 3, as printed
    "timeline.csv": (("event",), False),
    "documents.csv": (("description",), False),
}
MAX_REPEAT = 0.30  # share of a data row's 8-word sequences that may repeat the source (as for a paragraph)
SEED = ROOT.parent / "shared" / "seed" / "000_457fc1adedf36b99.txt"
DOCTREES = ROOT / "_build" / ".doctrees"
COLUMNS = ("page", "n", "digest", "restates", "note")
SPECIAL = {"article", "edition"}
STOP = set(
    "a an and are as at be been by can for from has have in into is it its may of on or that the their these this"
    " those to was were which with not more most than also such other through both each they them what when where"
    " whose how why so only all any one two three being become becomes".split()
)

# --- the source article -------------------------------------------------------------

SOURCE_HEADINGS = {  # heading of the source -> section id (data/sections.csv)
    "introduction": "introduction",
    "smart city governance": "smart-city-governance",
    "the debate": "the-debate",
    "a collaborative governance approach": "collaborative-governance-approach",
    "the actors' institutional work in a collaborative framework": "institutional-work-lens",
    "research setting and method": "method",
    "collaborative governance in practice": "governance-in-practice",
    "the beginning of the smart discourse: system context and drivers": "context-and-drivers",
    "shared motivation and capacity for action": "motivation-and-capacity",
    "the institutional work of multiple actors": "institutional-work",
    "discussion": "discussion",
    "conclusions": "conclusions",
}
_QUOTE = re.compile(r'^"[^"]+["\'] ?\([^)]*Interviewee [A-Z]\)\.?\s*')


def seed_paragraphs(seed: Path = SEED) -> dict[str, str]:
    """The source article's paragraphs by ``section:number``, numbered within each section.

    Interview quotes and the "Insert … here" markers are not counted; a paragraph split by
    a page break is joined again; text that follows a quote in the same block belongs to
    the paragraph before the quote (how the extraction lays out a quote inside a paragraph).
    """
    text = seed.read_text(encoding="utf-8")
    body = text[text.index("#### INTRODUCTION") : text.index("#### REFERENCES")]
    out: dict[str, str] = {}
    section, number, last = None, 0, None
    for block in (b.strip() for b in re.split(r"\n\s*\n", body)):
        if not block:
            continue
        title = re.sub(r"[#*]", "", block).strip().lower()
        if title in SOURCE_HEADINGS:
            section, number, last = SOURCE_HEADINGS[title], 0, None
            continue
        if "insert" in title and "here" in title:
            continue
        if _QUOTE.match(block):  # a quote; any text after it continues the paragraph before
            rest = _QUOTE.sub("", block).strip()
            if rest and last:
                out[last] += " " + rest
            continue
        if last and not re.search(r"[.:?!\"”)]$", out[last]):  # split by a page break
            out[last] += " " + block
            continue
        number += 1
        last = f"{section}:{number}"
        out[last] = block
    return out


_LINES = re.compile(r"L([0-9]+)(?:-([0-9]+))?")


class Source(dict):
    """The source article's paragraphs by ``section:number`` (:func:`seed_paragraphs`), and
    any run of the lines of its file by ``L<first>[-<last>]`` (1 = the first line)."""

    def __init__(self, paragraphs: dict[str, str], lines: list[str]):
        super().__init__(paragraphs)
        self.lines = lines

    def __missing__(self, key: str) -> str:
        m = _LINES.fullmatch(key)
        if not m or not 1 <= int(m[1]) <= int(m[2] or m[1]) <= len(self.lines):
            raise KeyError(key)
        return " ".join(line.strip() for line in self.lines[int(m[1]) - 1 : int(m[2] or m[1])] if line.strip())

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True


def source_text(seed: Path = SEED) -> Source:
    """The source article as the record's locators address it."""
    return Source(seed_paragraphs(seed), seed.read_text(encoding="utf-8").splitlines())


# --- the edition --------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    page: str
    n: int | str  # a paragraph's place on its page, or a data row's id
    text: str  # as a reader sees it, glued values included
    digest: str
    ids: tuple[str, ...]


def _text(node: nodes.Node, glue: str | None) -> str:
    if isinstance(node, nodes.Text):
        return node.astext()
    if glue is not None and isinstance(node, nodes.inline) and "pasted-text" in node.get("classes", []):
        return glue
    return "".join(_text(child, glue) for child in node.children)


def _is_prose(paragraph: nodes.paragraph) -> bool:
    """A paragraph the edition wrote: not in a notebook's output, a table, a reference
    list entry, a caption or a quote from the data."""
    node = paragraph.parent
    while node is not None:
        if isinstance(node, nodes.container) and {"cell_output", "casebook-generated"} & set(node.get("classes", [])):
            return False
        if isinstance(node, nodes.table | nodes.citation | nodes.caption | nodes.block_quote | nodes.footnote):
            return False
        node = node.parent
    return True


def edition_paragraphs(doctrees: Path = DOCTREES) -> list[Paragraph]:
    """Every paragraph of prose of the built book, page by page, in reading order."""
    out = []
    for path in sorted((doctrees / "chapters").glob("*.doctree")):
        page = f"chapters/{path.stem}"
        tree = pickle.loads(path.read_bytes())
        n = 0
        for paragraph in tree.findall(nodes.paragraph):
            if not _is_prose(paragraph):
                continue
            shown = " ".join(_text(paragraph, None).split())
            if not shown:
                continue
            n += 1
            stable = " ".join(_text(paragraph, "{glue}").split())
            digest = hashlib.sha256(stable.encode("utf-8")).hexdigest()[:12]
            out.append(Paragraph(page, n, shown, digest, tuple(paragraph.get("ids", ()))))
    return out


def data_paragraphs(folder: Path = DATA) -> list[Paragraph]:
    """Every row of the data whose text restates the article (:data:`DATA_TEXT`), file by
    file in row order: ``page`` is ``data/<file>``, ``n`` the row's id."""
    out = []
    for name, (columns, _) in DATA_TEXT.items():
        path = folder / name
        if not path.is_file():
            continue
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
            text = " ".join(row[c] for c in columns if row.get(c))
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
            out.append(Paragraph(f"data/{name}", row["id"], text, digest, ()))  # type: ignore[arg-type]
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def repeated_share(text: str, source: set[tuple[str, ...]], n: int = 8) -> float:
    """Share of ``text``'s ``n``-word sequences that the source also has (as the overlap tool counts)."""
    words = _words(text)
    windows = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    return len(windows & source) / len(windows) if windows else 0.0


def source_windows(seed: Path = SEED, n: int = 8) -> set[tuple[str, ...]]:
    words = _words(seed.read_text(encoding="utf-8"))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def data_problems(rows: list[Paragraph], record: list[dict[str, str]], windows: set | None, folder: Path = DATA):
    """What holds for the data rows only: a passage restates the paragraph it names
    (``passages.section:paragraph``), and a row in the edition's words does not repeat the source."""
    found = []
    by_place = {(r["page"], r["n"]): r for r in record}
    passages = {}
    if (folder / "passages.csv").is_file():
        text = (folder / "passages.csv").read_text(encoding="utf-8")
        passages = {r["id"]: f"{r['section']}:{r['paragraph']}" for r in csv.DictReader(io.StringIO(text, newline=""))}
    for p in rows:
        where = f"{RECORD.relative_to(ROOT)}: {p.page} row {p.n}"
        row = by_place.get((p.page, str(p.n)))
        if p.page == "data/passages.csv" and row and passages.get(str(p.n)) not in row["restates"].split(";"):
            found.append(
                f"{where}: restates {row['restates']!r}, not the paragraph it names ({passages.get(str(p.n))})"
            )
        verbatim = DATA_TEXT[p.page.removeprefix("data/")][1]
        if windows is not None and not verbatim and (share := repeated_share(p.text, windows)) > MAX_REPEAT:
            found.append(f"{where}: repeats {share:.0%} of its 8-word sequences from the source; say it in new words")
    return found


# --- the record ---------------------------------------------------------------------


def read_record(path: Path = RECORD) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_record(rows: list[dict[str, str]], path: Path = RECORD) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue(), encoding="utf-8")


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-zà-ÿ]+", text.lower()) if len(w) > 3 and w not in STOP}


def similarity(edition: str, source: str) -> float:
    """Share of the edition paragraph's content words that the source paragraph also uses
    (stems of six letters, so "collaborative" meets "collaboration")."""
    stem = lambda words: {w[:6] for w in words}  # noqa: E731
    mine, theirs = stem(content_words(edition)), stem(content_words(source))
    return len(mine & theirs) / len(mine) if mine else 0.0


MIN_SIMILARITY = 0.2  # a restatement shares at least this much; a mis-pointed row far less


def problems(paragraphs: list[Paragraph], record: list[dict[str, str]], seed: dict[str, str] | None) -> list[str]:
    """Everything wrong between the book, the record and the source: unrecorded or changed
    paragraphs, rows that match nothing, locators that resolve to no source paragraph, and
    restatements that share too little with what they restate."""
    found = []
    by_place = {(r["page"], r["n"]): r for r in record}
    for p in paragraphs:
        row = by_place.get((p.page, str(p.n)))
        kind = "row" if p.page.startswith("data/") else "paragraph"
        where = f"{RECORD.relative_to(ROOT)}: {p.page} {kind} {p.n} ({p.text[:60]}…)"
        if row is None:
            found.append(f"{where}: not audited; run scripts/audit.py update, then fill in 'restates'")
            continue
        if row["digest"] != p.digest:
            found.append(
                f"{where}: changed since it was audited (digest {p.digest}, recorded {row['digest']});"
                " read it against the source again (scripts/audit.py show) and update the row"
            )
        locators = [x.strip() for x in row["restates"].split(";") if x.strip()]
        if not locators:
            found.append(f"{where}: 'restates' is empty")
        if seed is None:
            continue
        for locator in locators:
            if locator not in SPECIAL and locator not in seed:
                found.append(f"{where}: restates {locator!r}, which is no paragraph of the source")
        sources = " ".join(seed[x] for x in locators if x in seed)
        if sources and not SPECIAL & set(locators) and similarity(p.text, sources) < MIN_SIMILARITY:
            found.append(
                f"{where}: shares only {similarity(p.text, sources):.0%} of its content words with"
                f" {row['restates']}; is the locator right?"
            )
    places = {(p.page, str(p.n)) for p in paragraphs}
    for row in record:
        if (row["page"], row["n"]) not in places:
            found.append(f"{RECORD.relative_to(ROOT)}: {row['page']} {row['n']}: no such paragraph or row any more")
    return found


def update(paragraphs: list[Paragraph], record: list[dict[str, str]]) -> list[dict[str, str]]:
    """The record with a row per paragraph: unchanged rows kept, others with 'restates'
    to fill in (the old locator is kept, marked with '?', when a paragraph only changed)."""
    by_place = {(r["page"], r["n"]): r for r in record}
    rows = []
    for p in paragraphs:
        old = by_place.get((p.page, str(p.n)))
        if old and old["digest"] == p.digest:
            rows.append(old)
        else:
            guess = (old["restates"] + "?") if old and old["restates"] else ""
            rows.append(
                {
                    "page": p.page,
                    "n": str(p.n),
                    "digest": p.digest,
                    "restates": guess,
                    "note": old["note"] if old else "",
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["check", "show", "update"])
    parser.add_argument("page", nargs="?", help="for show: a page (e.g. chapters/03-method)")
    parser.add_argument("--seed", type=Path, default=SEED)
    args = parser.parse_args(argv)
    paragraphs = edition_paragraphs()
    if not paragraphs:
        print(f"no built book in {DOCTREES}: run make html first", file=sys.stderr)
        return 2
    rows = data_paragraphs()
    paragraphs += rows
    record = read_record()
    seed = source_text(args.seed) if args.seed.is_file() else None
    if args.command == "update":
        write_record(update(paragraphs, record))
        print(f"wrote {RECORD.relative_to(ROOT)}: {len(paragraphs) - len(rows)} paragraphs, {len(rows)} data rows")
        return 0
    if args.command == "show":
        rows = {(r["page"], r["n"]): r for r in record}
        for p in paragraphs:
            if args.page and p.page != args.page:
                continue
            row = rows.get((p.page, str(p.n)), {})
            kind = "row" if p.page.startswith("data/") else "paragraph"
            print(f"=== {p.page} {kind} {p.n} restates {row.get('restates') or '?'}\n{p.text}")
            for locator in (row.get("restates") or "").split(";"):
                if seed and locator.strip() in seed:
                    print(f"--- source {locator.strip()}\n{seed[locator.strip()]}")
            print()
        return 0
    if seed is None:
        print(f"the source article is not at {args.seed}: only the record is checked", file=sys.stderr)
    found = problems(paragraphs, record, seed)
    found += data_problems(rows, record, source_windows(args.seed) if seed is not None else None)
    for line in found:
        print(line)
    print(f"{len(paragraphs) - len(rows)} paragraphs and {len(rows)} data rows, {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
