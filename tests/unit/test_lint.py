"""Lint is part of the tests (and so of CI): ruff over the code and notebooks, and every
pre-commit hook (make lint) over the files git tracks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

BIN = Path(sys.executable).parent  # the venv running the tests has ruff and pre-commit


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=300, **kwargs
    )


def test_ruff_finds_nothing() -> None:
    result = run(str(BIN / "ruff"), "check", ".", "--output-format", "concise")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lints_the_notebooks_too(tmp_path: Path) -> None:
    """Notebooks are linted on purpose (pyproject.toml): an unused import in a cell is caught."""
    notebook = tmp_path / "bad.ipynb"
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "c1",
        "metadata": {},
        "outputs": [],
        "source": ["import os\n"],
    }
    notebook.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    result = run(str(BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"), str(notebook))
    assert result.returncode == 1 and "F401" in result.stdout


def test_pre_commit_hooks_are_local_and_need_no_network() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {hook["language"] for hook in hooks} <= {"system", "pygrep"}
    assert {"ruff", "trailing-whitespace", "end-of-file", "casebook-check"} <= {hook["id"] for hook in hooks}


def test_make_lint_runs_pre_commit_on_every_file() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "pre-commit run --all-files" in rule or "pre_commit run --all-files" in rule
    assert "lint" in makefile.split(".PHONY:", 1)[1].split("\n", 1)[0]


def test_pre_commit_passes_on_every_tracked_file() -> None:
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout: pre-commit checks the files git tracks")
    result = run(str(BIN / "pre-commit"), "run", "--all-files", "--show-diff-on-failure", "--color", "never")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
