"""The release bundle: one deterministic zip, described by an RO-Crate 1.1.

``python -m casebook dist`` (or ``make dist``) packs the built site, the PDF, the data
package, the REFI-QDA export, the figures, the citation file and the licences into
``dist/<name>.zip``. Its ``ro-crate-metadata.json`` lists every file with type, size and
SHA-256, the source article by DOI, the licences and the software versions used. Entries
are sorted and carry a fixed timestamp and fixed permissions, so two runs over the same
files give byte-identical archives.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import platform
import subprocess
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

SOURCE_DOI = "https://doi.org/10.1108/IJPSM-05-2018-0126"
SOURCE_TITLE = "Smart city governance: exploring the institutional work of multiple actors towards collaboration"
TITLE = "Smart city governance in Turin: a reproducible edition"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in the archive
METADATA = "ro-crate-metadata.json"
SOFTWARE = ("jupyter-book", "sphinx", "myst-nb", "pandas", "plotly", "networkx", "kaleido", "lxml", "casebook")
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
class Member:
    """One file of the bundle: where it comes from and where it goes in the archive."""

    source: Path
    name: str


def _files(root: Path, under: str) -> list[Member]:
    return [Member(p, f"{under}/{p.relative_to(root).as_posix()}") for p in sorted(root.rglob("*")) if p.is_file()]


def members(project: Path, build: Path, extra: Iterable[Path] = ()) -> list[Member]:
    """Everything that goes into the bundle, sorted by its name in the archive."""
    out: list[Member] = []
    out += _files(build / "html", "site")
    pdf = build / "typst" / "book.pdf"
    if pdf.is_file():
        out.append(Member(pdf, "smart-city-governance-turin.pdf"))
    out += _files(project / "data", "data")
    out += [m for m in _files(project / "figures", "figures") if not m.name.endswith(".html")]
    for name in ("CITATION.cff", "README.md", *LICENCES):
        if (project / name).is_file():
            out.append(Member(project / name, name))
    out += [Member(p, p.name) for p in extra]
    return sorted(out, key=lambda m: m.name)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _format(name: str) -> str:
    suffix = Path(name).suffix
    return FORMATS.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _date(project: Path) -> str:
    """The date of the last commit (stable across runs), else a fixed date."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs"], cwd=project, capture_output=True, text=True, check=True
        ).stdout.strip()
        return out or "2026-01-01"
    except (OSError, subprocess.CalledProcessError):
        return "2026-01-01"


def _versions() -> list[dict]:
    entities = [{
        "@id": f"https://www.python.org/downloads/release/python-{platform.python_version().replace('.', '')}/",
        "@type": "SoftwareApplication", "name": "Python", "version": platform.python_version(),
    }]
    for name in SOFTWARE:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        entities.append({
            "@id": f"https://pypi.org/project/{name}/{version}/", "@type": "SoftwareApplication",
            "name": name, "version": version,
        })
    return entities


def crate(project: Path, files: list[Member]) -> dict:
    """The RO-Crate 1.1 metadata describing ``files``."""
    licences = [
        {"@id": url, "@type": "CreativeWork", "name": name, "description": f"Applies to {scope}."}
        for url, name, scope in LICENCES.values()
    ]
    software = _versions()
    file_entities = [
        {
            "@id": m.name, "@type": "File", "name": Path(m.name).name, "contentSize": str(m.source.stat().st_size),
            "encodingFormat": _format(m.name), "sha256": _sha256(m.source),
        }
        for m in files
    ]
    root = {
        "@id": "./", "@type": "Dataset", "name": TITLE, "datePublished": _date(project),
        "description": (
            "Reproducible edition of a published qualitative case study of smart-city governance in Turin: "
            "coded case data, the web book and its PDF, Figure 1 and a REFI-QDA export, generated from the data."
        ),
        "license": {"@id": LICENCES["LICENSE-CC-BY-4.0"][0]},
        "citation": {"@id": SOURCE_DOI},
        "hasPart": [{"@id": m.name} for m in files],
        "mentions": [{"@id": s["@id"]} for s in software],
        "keywords": "smart city, institutional work, collaborative governance, qualitative case study, Turin",
    }
    source = {
        "@id": SOURCE_DOI, "@type": "ScholarlyArticle", "name": SOURCE_TITLE,
        "isPartOf": {"@id": "#journal"},
        "identifier": SOURCE_DOI,
    }
    journal = {
        "@id": "#journal", "@type": "Periodical",
        "name": "International Journal of Public Sector Management",
    }
    descriptor = {"@id": METADATA, "@type": "CreativeWork", "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
                  "about": {"@id": "./"}}
    graph = [descriptor, root, *file_entities, source, journal, *licences, *software]
    return {"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": graph}


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, whatever machine writes it
    archive.writestr(info, data, compresslevel=9)


def write_data(case, out: Path | str) -> Path:
    """The case folder (every file casebook reads) as a deterministic zip, for download."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(case.checksums()):
            _add(archive, f"data/{name}", (case.root / name).read_bytes())
        if (case.root / "README.md").is_file():
            _add(archive, "data/README.md", (case.root / "README.md").read_bytes())
    return out


def write(project: Path, build: Path, out: Path, extra: Iterable[Path] = ()) -> Path:
    """Write the bundle to ``out`` (a .zip) and return its path."""
    files = members(project, build, extra)
    if not any(m.name.startswith("site/") for m in files):
        raise FileNotFoundError(f"{build / 'html'} is empty: build the book first (make book)")
    metadata_json = json.dumps(crate(project, files), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        _add(archive, METADATA, metadata_json.encode("utf-8"))
        for m in files:
            _add(archive, m.name, m.source.read_bytes())
    return out


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
            if hashlib.sha256(data).hexdigest() != entity["sha256"]:
                problems.append(f"{name}: SHA-256 differs from {METADATA}")
            if str(len(data)) != entity["contentSize"]:
                problems.append(f"{name}: size differs from {METADATA}")
        for name in sorted(names - set(listed) - {METADATA}):
            problems.append(f"{name}: in the archive but not described in {METADATA}")
    return problems
