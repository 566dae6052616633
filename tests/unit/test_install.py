"""casebook works as an installed package, away from this repository: ``pip install .`` into
a fresh virtual environment, then, from a folder that knows nothing of the repository,
``check``, ``init``, ``export-qdpx``, ``export-codebook``, ``import-qdpx`` and the table
builders."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, install

TEACHING = ROOT / "examples" / "teaching-case"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """A venv outside the repository with casebook installed from it (pinned dependencies)."""
    home = tmp_path_factory.mktemp("elsewhere")
    source = home / "source"  # a copy, so that building the wheel writes nothing into the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CC-BY-4.0"):
        shutil.copyfile(ROOT / name, source / name)
    shutil.copytree(ROOT / "casebook", source / "casebook", ignore=shutil.ignore_patterns("__pycache__"))
    venv = home / "venv"
    done = install(venv, "-c", str(ROOT / "requirements.txt"), str(source))
    if done.returncode != 0:
        reason = f"pip install . failed:\n{done.stderr[-3000:]}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    work = home / "work"
    work.mkdir()
    shutil.copytree(TEACHING, work / "case")
    return venv, work


def run(installed, *args: str) -> subprocess.CompletedProcess:
    venv, work = installed
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEBOOK_", "PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run([str(venv / "bin" / "python"), *args], cwd=work, env=env, capture_output=True, text=True)


def test_the_installed_package_is_the_one_running_not_the_checkout(installed):
    done = run(installed, "-c", "import casebook; print(casebook.__file__)")
    assert done.returncode == 0, done.stderr
    assert str(ROOT) not in done.stdout and "site-packages" in done.stdout


def test_check_init_export_and_import_work_outside_the_repository(installed):
    _, work = installed
    assert run(installed, "-m", "casebook", "check", "case").returncode == 0
    done = run(installed, "-m", "casebook", "init", "blank")
    assert done.returncode == 0 and (work / "blank" / "datapackage.json").is_file()
    assert run(installed, "-m", "casebook", "export-qdpx", "out/case.qdpx", "--data", "case").returncode == 0
    assert run(installed, "-m", "casebook", "export-codebook", "out/case.qdc", "--data", "case").returncode == 0
    done = run(installed, "-m", "casebook", "import-qdpx", "out/case.qdpx", "back", "--codebook", "case")
    assert done.returncode == 0, done.stderr
    assert (work / "back" / "excerpts.csv").read_text(encoding="utf-8") == (work / "case" / "excerpts.csv").read_text(
        encoding="utf-8"
    )


def test_the_table_builders_work_outside_the_repository(installed):
    code = (
        "from casebook import load, tables, evidence; c = load('case'); "
        "print(len(tables.institutional_work(c).rows), len(tables.governance_in_practice(c).rows),"
        " len(evidence.claims(c)))"
    )
    done = run(installed, "-c", code)
    assert done.returncode == 0, done.stderr
    import casebook
    from casebook import evidence, tables

    case = casebook.load(TEACHING)
    assert done.stdout.split() == [
        str(len(tables.institutional_work(case).rows)),
        str(len(tables.governance_in_practice(case).rows)),
        str(len(evidence.claims(case))),
    ]


def test_the_package_knows_no_case():
    """No name, title or DOI of the Turin case inside casebook/: it comes from a case's files."""
    found = []
    for path in sorted((ROOT / "casebook").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json", ".typ", ".html", ".css"):
            text = path.read_text(encoding="utf-8").lower()
            for needle in ("turin", "torino", "ijpsm", "10.1108", "foundation alfa", "smart-city-governance-turin"):
                if needle in text:
                    found.append(f"{path.relative_to(ROOT)}: {needle}")
    assert found == []
