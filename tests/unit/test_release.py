"""The release bundle is deterministic and its RO-Crate describes every file exactly."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from casebook.reproducibility import release
from conftest import ROOT


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A small stand-in for _build: a two-page site and a PDF."""
    b = tmp_path / "build"
    (b / "html" / "chapters").mkdir(parents=True)
    (b / "html" / "index.html").write_text("<html><body>home</body></html>")
    (b / "html" / "chapters" / "a.html").write_text("<html><body>a</body></html>")
    (b / "typst").mkdir()
    (b / "typst" / "book.pdf").write_bytes(b"%PDF-1.4 stand-in")
    return b


def rewrite(bundle: Path, out: Path, change: dict[str, bytes | None]) -> Path:
    """Copy ``bundle`` with some members replaced (bytes) or dropped (None)."""
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = change.get(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info, data)
    return out


def test_two_bundles_of_the_same_files_are_byte_identical(build, tmp_path):
    a = release.write(ROOT, build, tmp_path / "a.zip")
    b = release.write(ROOT, build, tmp_path / "b.zip")
    assert a.read_bytes() == b.read_bytes()


def test_crate_lists_every_file_with_its_checksum_as_rocrate_reads_it(build, tmp_path):
    rocrate = pytest.importorskip("rocrate.rocrate")
    bundle = release.write(ROOT, build, tmp_path / "a.zip")
    assert release.verify(bundle) == []
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(bundle).extractall(unpacked)
    crate = rocrate.ROCrate(unpacked)
    files = {e.id: e for e in crate.get_entities() if "File" in e.type}
    on_disk = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()} - {release.METADATA}
    assert set(files) == on_disk
    for name in ("site/index.html", "smart-city-governance-turin.pdf", "data/actors.csv", "data/datapackage.json"):
        assert name in files
    import hashlib

    for name, entity in files.items():
        assert entity["sha256"] == hashlib.sha256((unpacked / name).read_bytes()).hexdigest()


def test_crate_cites_the_sources_the_case_names_by_doi_and_names_no_person(build, tmp_path):
    bundle = release.write(ROOT, build, tmp_path / "a.zip")
    meta = json.loads(zipfile.ZipFile(bundle).read(release.METADATA))
    graph = {e["@id"]: e for e in meta["@graph"]}
    doi = "https://doi.org/10.1108/IJPSM-05-2018-0126"  # data/datapackage.json's first source
    assert {"@id": doi} in graph["./"]["citation"]
    assert graph[doi]["@type"] == "ScholarlyArticle"
    assert graph["./"]["name"] == "Smart city governance in Turin: a reproducible edition"
    assert not any(e.get("@type") == "Person" or "author" in e for e in meta["@graph"])
    assert any(e.get("name") == "pandas" and e.get("version") for e in meta["@graph"])


def test_a_changed_byte_is_caught(build, tmp_path):
    bundle = release.write(ROOT, build, tmp_path / "a.zip")
    broken = rewrite(bundle, tmp_path / "b.zip", {"data/actors.csv": b"id,label\nx,y\n"})
    assert any(p.startswith("data/actors.csv: SHA-256 differs") for p in release.verify(broken))


def test_a_missing_file_is_caught(build, tmp_path):
    bundle = release.write(ROOT, build, tmp_path / "a.zip")
    broken = rewrite(bundle, tmp_path / "b.zip", {"site/index.html": None})
    assert "site/index.html: listed in ro-crate-metadata.json but missing from the archive" in release.verify(broken)


def test_an_undescribed_file_is_caught(build, tmp_path):
    bundle = release.write(ROOT, build, tmp_path / "a.zip")
    with zipfile.ZipFile(bundle, "a") as archive:
        archive.writestr("stowaway.txt", "hello")
    assert "stowaway.txt: in the archive but not described in ro-crate-metadata.json" in release.verify(bundle)


def test_no_bundle_without_a_built_site(tmp_path):
    with pytest.raises(FileNotFoundError, match="build the book first"):
        release.write(ROOT, tmp_path / "nothing", tmp_path / "a.zip")
