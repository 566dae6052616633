"""The edition's metadata: CITATION.cff valid (cffconvert, in a venv of its own) and in step
with the book; the licence files complete and packed by make dist; the Binder/repo2docker
configuration consistent with the Debian set-up."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from casebook.reproducibility import release
from conftest import ROOT, tool_venv

CITATION = ROOT / "CITATION.cff"
# cffconvert 2.0.0 pins jsonschema<4 (and imports pkg_resources): it cannot share .venv.
CFF_PINS = ("cffconvert==2.0.0", "setuptools<81")
SPDX = {url.rsplit("/", 1)[1]: file for file, (url, _, _) in release.LICENCES.items()}
BINDER = ROOT / "binder"
NOT_ON_UBUNTU = {"chromium", "chromium-driver"}  # Ubuntu ships Chromium as a snap only


def cff() -> dict:
    return yaml.safe_load(CITATION.read_text(encoding="utf-8"))


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def packages(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


@pytest.fixture(scope="session")
def cffconvert() -> Path:
    """cffconvert in a venv of its own (_build/.tools/cff-venv), made once and reused."""
    return tool_venv("cff-venv", list(CFF_PINS)) / "bin" / "cffconvert"


def validate(cffconvert: Path, path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(cffconvert), "--validate", "-i", str(path)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


# ---------------------------------------------------------------------------
# CITATION.cff


def test_citation_cff_is_valid(cffconvert: Path) -> None:
    result = validate(cffconvert, CITATION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_cffconvert_does_reject_a_broken_citation(cffconvert: Path, tmp_path: Path) -> None:
    broken = tmp_path / "CITATION.cff"
    broken.write_text(CITATION.read_text(encoding="utf-8").replace("  - MIT\n", "  - NOT-A-LICENCE\n", 1))
    assert validate(cffconvert, broken).returncode != 0


def test_citation_title_and_version_are_the_books() -> None:
    meta = cff()
    assert meta["title"] == config()["title"] == release.book_info(ROOT, ROOT / "data").title
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert str(meta["version"]) == project["version"]


def test_citation_licences_are_the_files_of_the_repository() -> None:
    meta = cff()
    assert sorted(meta["license"]) == sorted(SPDX)
    for file in SPDX.values():
        assert (ROOT / file).is_file(), file
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] in meta["license"]  # the package's code


def test_citation_cites_the_source_article_by_doi_and_names_no_person() -> None:
    meta = cff()
    [source] = meta["references"]
    assert source["type"] == "article"
    [article] = [s for s in release.book_info(ROOT, ROOT / "data").sources if "doi.org" in s["path"]]
    assert article["path"].endswith(source["doi"])
    assert article["title"].startswith(" ".join(source["title"].split()))
    assert source["journal"] == "International Journal of Public Sector Management"
    landing = (ROOT / "chapters" / "index.md").read_text(encoding="utf-8")
    assert source["doi"] in landing and "Public Sector Management" in landing
    text = CITATION.read_text(encoding="utf-8")
    assert "given-names" not in text and "family-names" not in text
    assert all(set(author) == {"name"} for author in meta["authors"] + source["authors"])


def test_citation_keywords_include_the_articles() -> None:
    landing = (ROOT / "chapters" / "index.md").read_text(encoding="utf-8")
    found = re.search(r"\*\*Keywords\*\*\s+(.+?)\.\s*$", landing, flags=re.M | re.S)
    assert found, "the landing page lists the article's keywords"
    article = {k.strip().lower() for k in found[1].split(",")}
    assert article <= {k.lower() for k in cff()["keywords"]}


# ---------------------------------------------------------------------------
# licences


def test_licence_files_hold_the_full_texts() -> None:
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "<year>" not in mit and "WITHOUT WARRANTY OF ANY KIND" in mit
    cc = (ROOT / "LICENSE-CC-BY-4.0").read_text(encoding="utf-8")
    assert cc.startswith("Creative Commons Attribution 4.0 International")
    sections = re.findall(r"^Section (\d) –", cc, flags=re.M)
    assert sections == [str(n) for n in range(1, 9)]


def test_readme_says_which_licence_covers_what() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    licences = readme.split("## Licences", 1)[1].split("\n## ", 1)[0]
    for needle in ("LICENSE", "LICENSE-CC-BY-4.0", "MIT", "CC BY 4.0", "doi.org/10.1108/IJPSM-05-2018-0126"):
        assert needle in licences, needle


def test_release_bundle_packs_the_licences_and_the_citation(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "index.html").write_text("<html></html>")
    names = {m.name for m in release.members(ROOT, tmp_path, ROOT / "data", None, "case")}
    assert {"CITATION.cff", "LICENSE", "LICENSE-CC-BY-4.0", "README.md"} <= names


# ---------------------------------------------------------------------------
# Binder / repo2docker


def test_binder_installs_the_same_pinned_requirements() -> None:
    assert packages(BINDER / "requirements.txt") == ["-r ../requirements.txt"]
    assert (BINDER / "requirements.txt").parent.joinpath("../requirements.txt").resolve() == ROOT / "requirements.txt"


def test_binder_python_is_one_the_package_supports() -> None:
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    minimum = re.fullmatch(r">=\s*3\.(\d+)", project["requires-python"])
    assert minimum and int(runtime.split(".")[1]) >= int(minimum[1])


def test_binder_postbuild_installs_the_package_without_touching_the_pins() -> None:
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    text = post.read_text(encoding="utf-8")
    assert text.startswith("#!") and re.search(r"pip install .*--no-deps -e \.", text)


def test_binder_apt_list_is_the_debian_list_less_what_ubuntu_lacks() -> None:
    debian = packages(ROOT / "apt.txt")
    assert NOT_ON_UBUNTU <= set(debian)
    assert packages(BINDER / "apt.txt") == [p for p in debian if p not in NOT_ON_UBUNTU and p != "python3-venv"]


def test_every_apt_txt_entry_is_a_debian_package() -> None:
    names = packages(ROOT / "apt.txt")
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", n) for n in names), names
    if not shutil.which("apt-cache"):
        pytest.skip("apt-cache is not available (not a Debian machine)")
    out = subprocess.run(["apt-cache", "policy", *names], capture_output=True, text=True).stdout
    known = {line[:-1] for line in out.splitlines() if line.endswith(":") and not line.startswith(" ")}
    candidates = dict(re.findall(r"^(\S+):\n(?:\s+Installed: .*\n)?\s+Candidate: (\S+)", out, flags=re.M))
    if not known:
        pytest.skip("apt-cache knows no package yet (run apt-get update)")
    missing = [n for n in names if n not in known or candidates.get(n) == "(none)"]
    assert not missing, f"not in this machine's Debian archive: {missing}"
