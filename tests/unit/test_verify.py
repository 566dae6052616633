"""make verify: passes on the committed state, fails when data change without a rebuild."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat

import casebook
from casebook.reproducibility import verify
from conftest import DATA, ROOT, row_of, set_cell

CHAPTERS = ROOT / "chapters"


def committed() -> dict[str, nbformat.NotebookNode]:
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(CHAPTERS.glob("*.ipynb"))}


def test_committed_tables_and_figure_match_the_data():
    checks = verify.compare_tables(casebook.load(DATA), committed()) + [
        verify.compare_figure(casebook.load(DATA), ROOT / "figures")
    ]
    assert all(c.ok for c in checks), [str(c) for c in checks]


def test_a_notebook_re_executed_from_data_matches_its_committed_outputs():
    path = CHAPTERS / "appendix-1-interviewees.ipynb"
    check = verify.compare_notebook(committed()[path.name], verify.execute_notebook(path, DATA), path.name)
    assert check.ok, str(check)


def test_changing_a_data_cell_without_rebuilding_fails_verify(case_copy):
    set_cell(case_copy, "interviewees.csv", row_of(case_copy, "interviewees.csv", "id", "H"), "role", "Director")
    tables = verify.compare_tables(casebook.load(case_copy), committed())
    assert [c.ok for c in tables] == [True, False, True]
    path = CHAPTERS / "appendix-1-interviewees.ipynb"
    check = verify.compare_notebook(committed()[path.name], verify.execute_notebook(path, case_copy), path.name)
    assert not check.ok and "outputs differ" in str(check)


def test_verify_command_prints_a_verdict_per_artefact_and_fails(case_copy, tmp_path):
    """On a project of one chapter (each notebook re-executed is a second or more)."""
    project = tmp_path / "project"
    for name in ("chapters/appendix-1-interviewees.ipynb", "chapters/05-institutional-work.ipynb", "figures"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copyfile
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        copy(ROOT / name, project / name)
    set_cell(case_copy, "actors.csv", 2, "label", "The European Union")
    command = [sys.executable, "-m", "casebook", "verify", "--project", str(project), "--data", str(case_copy)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "FAIL  Table 1" in result.stdout and "FAIL  Figure 1 data" in result.stdout
    assert "PASS  Table 2" in result.stdout and "PASS  notebook appendix-1-interviewees.ipynb" in result.stdout
    assert "FAIL  notebook 05-institutional-work.ipynb" in result.stdout


def test_every_nbval_marker_is_one_nbval_recognises():
    """nbval honours a marker only when the comment is the marker alone (``# NBVAL_IGNORE_OUTPUT``);
    ``# NBVAL_IGNORE_OUTPUT: why`` is silently ignored, and the output is compared after all."""
    import nbformat
    from nbval.plugin import comment_markers

    loose = []
    for path in sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("examples/*/*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for line in cell.source.splitlines():
                comment = line.strip().lstrip("#").strip()
                if line.strip().startswith("#") and "NBVAL_" in comment and comment not in comment_markers:
                    loose.append(f"{path.relative_to(ROOT)} cell {i}: {line.strip()}")
    assert loose == []
