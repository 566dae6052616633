"""Time the two imports on large inputs: a REFI-QDA project with N coded selections and a table of
N coded segments, each imported as the command line does (read, map, write, then ``check`` the
folder written). Not run by ``make test``; the issue asks for 50,000 selections in well under 30 s.

    .venv/bin/python -m scripts.bench_import [--selections 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from casebook.case import check
from casebook.qdpx import import_project
from casebook.qdpx.segments import import_segments

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "examples" / "teaching-case"
CODES = ["Drivers", "Political work", "Shared motivation", "Cultural work", "interesting"]
SENTENCE = "Sentence {i}: we met the water board — “our river”, said Zoë, and nobody disagreed. "


def project(path: Path, n: int, sources: int = 10) -> Path:
    """A project of ``sources`` transcripts with ``n`` coded selections in all, each one sentence."""
    codes = "".join(
        f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="{c}" isCodable="true"/>' for i, c in enumerate(CODES)
    )
    per = n // sources
    parts, texts = [], {}
    for s in range(sources):
        text, selections = "", []
        for i in range(per):
            start = len(text)
            text += SENTENCE.format(i=i)
            code = f"00000000-0000-4000-8000-{i % len(CODES):012d}"
            selections.append(
                f'<PlainTextSelection guid="00000000-0000-4001-{s:04d}-{i:012d}" startPosition="{start}"'
                f' endPosition="{len(text)}"><Coding guid="00000000-0000-4002-{s:04d}-{i:012d}">'
                f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
            )
        texts[f"t{s}.txt"] = text
        parts.append(
            f'<TextSource guid="00000000-0000-4003-0000-{s:012d}" name="Interview {s + 1}"'
            f' plainTextPath="internal://t{s}.txt">{"".join(selections)}</TextSource>'
        )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="big" origin="bench">'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{''.join(parts)}</Sources></Project>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for name, text in texts.items():
            z.writestr(f"sources/{name}", text)
    return path


def segments(path: Path, n: int, documents: int = 10) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "document", "tag", "content"])
        for i in range(n):
            writer.writerow([i, f"Interview {i % documents + 1}", CODES[i % len(CODES)], SENTENCE.format(i=i)])
    return path


def timed(run, repeat: int) -> list[float]:
    values = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            folder = run(Path(tmp) / "case")
            check(folder)
            values.append(time.perf_counter() - start)
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--selections", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        qdpx = project(Path(tmp) / "big.qdpx", args.selections)
        table = segments(Path(tmp) / "big.csv", args.selections)

        def from_project(folder: Path) -> Path:
            import_project(qdpx, folder, codebook=TEACHING)
            return folder

        def from_table(folder: Path) -> Path:
            import_segments(table, folder, codebook=TEACHING)
            return folder

        for what, run in (("import-qdpx", from_project), ("import-segments", from_table)):
            values = timed(run, args.repeat)
            shown = ", ".join(f"{v:.2f}" for v in values)
            median = statistics.median(values)
            print(f"{what} of {args.selections:,} selections, then check: median {median:.2f} s ({shown})")


if __name__ == "__main__":
    main()
