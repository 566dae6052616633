"""The release bundle: one deterministic zip, described by an RO-Crate 1.1.

``python -m casebook dist`` (or ``make dist``, ``make dist CASE=folder``) packs the built
site, the PDF, the case folder, the REFI-QDA export, the figures, the citation file and
the licences into ``dist/<case name>.zip``. Its ``ro-crate-metadata.json`` lists every file
with type, size and SHA-256, the sources the case's ``datapackage.json`` names, the
licences and the software versions used. What the bundle is called and says of itself
comes from the book (its ``_config.yml`` title) and the case (its ``datapackage.json``):
nothing here knows a case. Entries are sorted and carry a fixed timestamp and fixed
permissions, so two runs over the same files give byte-identical archives.
"""

from __future__ import annotations

import json
import mimetypes
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import files
from ..case import Case, about
from ..paths import DESCRIPTOR, TYPST_PDF
from .provenance import PACKAGES, source_date, versions

METADATA = "ro-crate-metadata.json"
LICENCES = {
    "LICENSE": ("https://spdx.org/licenses/MIT", "MIT License", "the code (casebook/, tests/, scripts/)"),
    "LICENSE-CC-BY-4.0": (
        "https://spdx.org/licenses/CC-BY-4.0",
        "Creative Commons Attribution 4.0 International",
        "the edition's text, data and figures",
    ),
}
FORMATS = {".qdpx": "application/zip", ".qdc": "application/xml", ".cff": "application/x-yaml", ".md": "text/markdown"}


@dataclass(frozen=True)
class Book:
    """What the bundle says of itself: the book's title, the case's name, description,
    keywords and sources (``datapackage.json``)."""

    title: str
    name: str
    description: str
    keywords: tuple[str, ...]
    sources: tuple[dict, ...]


def book_info(book: Path, data: Path) -> Book:
    """The title from the book's ``_config.yml`` (the case's title when the book takes its
    title from the case, as the book of any case does), the rest from the case folder."""
    import yaml  # deferred: PyYAML, which only dist needs (not a dependency of the installed package)

    path = book / "_config.yml"
    config = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None) or {}
    case = about(data)
    from_case = (config.get("sphinx") or {}).get("config", {}).get("casebook_title_from_case")
    descriptor = json.loads((data / DESCRIPTOR).read_text(encoding="utf-8"))
    sources = tuple(s for s in descriptor.get("sources", []) if isinstance(s, dict) and s.get("path"))
    title = case.title if from_case or not config.get("title") else str(config["title"])
    return Book(title, case.name, case.description, case.keywords, sources)


@dataclass(frozen=True)
class Member:
    """One file of the bundle: where it comes from and where it goes in the archive."""

    source: Path
    name: str


def _files(root: Path, under: str) -> list[Member]:
    return [Member(p, f"{under}/{p.relative_to(root).as_posix()}") for p in sorted(root.rglob("*")) if p.is_file()]


def members(
    project: Path, build: Path, data: Path, figures: Path | None, name: str, extra: Iterable[Path] = ()
) -> list[Member]:
    """Everything that goes into the bundle, sorted by its name in the archive."""
    out: list[Member] = []
    out += _files(build / "html", "site")
    pdf = build / TYPST_PDF
    if pdf.is_file():
        out.append(Member(pdf, f"{name}.pdf"))
    out += _files(data, "data")
    if figures is not None and figures.is_dir():
        out += [m for m in _files(figures, "figures") if not m.name.endswith(".html")]
    own = data.resolve() == (project / "data").resolve()  # the project's citation describes its own case only
    for file in (*(("CITATION.cff", "README.md") if own else ()), *LICENCES):
        if (project / file).is_file():
            out.append(Member(project / file, file))
    out += [Member(p, p.name) for p in extra]
    return sorted(out, key=lambda m: m.name)


def _format(name: str) -> str:
    suffix = Path(name).suffix
    return FORMATS.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


UNDATED = "2026-01-01"
"""The date a bundle of sources that git cannot date says it was published (the same on every run)."""


def _software() -> list[dict]:
    """Python and the packages of :data:`.provenance.PACKAGES` that are installed, as RO-Crate entities."""
    found = versions()
    python = str(found["Python"])
    entities = [
        {
            "@id": f"https://www.python.org/downloads/release/python-{python.replace('.', '')}/",
            "@type": "SoftwareApplication",
            "name": "Python",
            "version": python,
        }
    ]
    for name in PACKAGES:
        version = found[name]
        if version is not None:
            url = f"https://pypi.org/project/{name}/{version}/"
            entities.append({"@id": url, "@type": "SoftwareApplication", "name": name, "version": version})
    return entities


def crate(project: Path, members_: list[Member], book: Book) -> dict:
    """The RO-Crate 1.1 metadata describing ``members_``."""
    licences = [
        {"@id": url, "@type": "CreativeWork", "name": name, "description": f"Applies to {scope}."}
        for file, (url, name, scope) in LICENCES.items()
        if (project / file).is_file()
    ]
    software = _software()
    file_entities = [
        {
            "@id": m.name,
            "@type": "File",
            "name": Path(m.name).name,
            "contentSize": str(m.source.stat().st_size),
            "encodingFormat": _format(m.name),
            "sha256": files.sha256(m.source),
        }
        for m in members_
    ]
    sources = []
    for source in book.sources:
        article = "doi.org/" in source["path"]
        entity = {
            "@id": source["path"],
            "@type": "ScholarlyArticle" if article else "CreativeWork",
            "name": source.get("title") or source["path"],
        }
        sources.append(entity | ({"identifier": source["path"]} if article else {}))
    root: dict[str, Any] = {
        "@id": "./",
        "@type": "Dataset",
        "name": book.title,
        "datePublished": source_date(project) or UNDATED,
        "description": book.description or book.title,
        "hasPart": [{"@id": m.name} for m in members_],
        "mentions": [{"@id": s["@id"]} for s in software],
        "keywords": ", ".join(book.keywords),
    }
    if (project / "LICENSE-CC-BY-4.0").is_file():
        root["license"] = {"@id": LICENCES["LICENSE-CC-BY-4.0"][0]}
    if sources:
        root["citation"] = [{"@id": s["@id"]} for s in sources]
    descriptor = {
        "@id": METADATA,
        "@type": "CreativeWork",
        "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
        "about": {"@id": "./"},
    }
    graph = [descriptor, root, *file_entities, *sources, *licences, *software]
    return {"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": graph}


def data_zip(case: Case) -> bytes:
    """The case folder (every file casebook reads, and its README) as a deterministic zip."""
    entries = [(f"data/{name}", (case.root / name).read_bytes()) for name in sorted(case.checksums())]
    if (case.root / "README.md").is_file():
        entries.append(("data/README.md", (case.root / "README.md").read_bytes()))
    return files.deterministic_zip(entries)


def write_data(case: Case, out: Path | str) -> Path:
    """:func:`data_zip` written to ``out``, for download."""
    return files.write(out, data_zip(case))


def write(
    project: Path,
    build: Path,
    out: Path,
    extra: Iterable[Path] = (),
    data: Path | None = None,
    book: Path | None = None,
    figures: Path | None = None,
) -> Path:
    """Write the bundle of the book in ``book`` (default: ``project``) and the case in
    ``data`` (default: ``project/data``), built into ``build``, to ``out``; return its path."""
    data = data or project / "data"
    info = book_info(book or project, data)
    figures = figures if figures is not None else project / "figures"
    members_ = members(project, build, data, figures, info.name, extra)
    if not any(m.name.startswith("site/") for m in members_):
        raise FileNotFoundError(f"{build / 'html'} is empty: build the book first (make book)")
    metadata_json = json.dumps(crate(project, members_, info), indent=2, ensure_ascii=False) + "\n"
    entries = [(METADATA, metadata_json.encode("utf-8"))] + [(m.name, m.source.read_bytes()) for m in members_]
    return files.write(out, files.deterministic_zip(entries))


def verify(bundle: Path) -> list[str]:
    """Problems of a bundle: files the crate lists that are missing or differ, files it does not list."""
    problems = []
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        meta = json.loads(archive.read(METADATA))
        listed = {e["@id"]: e for e in meta["@graph"] if e.get("@type") == "File"}
        for name, entity in sorted(listed.items()):
            if name not in names:
                problems.append(f"{name}: listed in {METADATA} but missing from the archive")
                continue
            data = archive.read(name)
            if files.sha256(data) != entity["sha256"]:
                problems.append(f"{name}: SHA-256 differs from {METADATA}")
            if str(len(data)) != entity["contentSize"]:
                problems.append(f"{name}: size differs from {METADATA}")
        for name in sorted(names - set(listed) - {METADATA}):
            problems.append(f"{name}: in the archive but not described in {METADATA}")
    return problems
