"""The package's imports point one way: leaves, then the case, then what is built from it,
then the notebook facade, reproducibility and the Sphinx extension, then the command line.
Every import statement of casebook is read (those inside functions too, which only defer a
heavy dependency and say so with a ``# deferred: why`` comment); a cycle or an upward import
fails, and Sphinx is imported under ``casebook.publish`` only.

There are no exceptions: part B of issue 22 emptied the lists part A started with."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "casebook"

LAYERS = (
    ("leaves", ("casebook.paths", "casebook.style", "casebook.files", "casebook.content", "casebook.wording")),
    ("case", ("casebook", "casebook.case")),
    (
        "analysis",
        (
            "casebook.network",
            "casebook.reliability",
            "casebook.reliability_section",
            "casebook.robustness",
            "casebook.table",
            "casebook.tables",
            "casebook.evidence",
            "casebook.figures",
            "casebook.qdpx",
        ),
    ),
    ("facade", ("casebook.book", "casebook.newcase", "casebook.reproducibility")),
    ("publish", ("casebook.publish",)),
    ("command line", ("casebook.cli", "casebook.__main__")),
)
"""Each module's layer (by its name or a package it is in, the longest match): a module may
import modules of its own layer and of the layers above it in this list, never below."""

SPHINX = ("sphinx", "docutils", "sphinxcontrib", "pybtex", "myst_nb", "myst_parser")

NOTEBOOK_SIDE = {("myst_nb", ("glue",))}
"""What a notebook's cell may import of myst-nb outside the extension: ``glue``, its kernel-side
API, which loads neither Sphinx nor docutils (:func:`test_the_notebooks_glue_loads_no_sphinx`)."""


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports: a module of casebook, or a top-level package
    line: int
    deferred: bool  # inside a function
    said: bool  # with a "# deferred: why" comment on its line or the line above
    names: tuple[str, ...] = ()  # what ``from target import ...`` takes of a package outside casebook


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not node.level:
        base = node.module or ""
    else:
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
    if not base.startswith("casebook"):
        return [base]
    found = [f"{base}.{alias.name}" for alias in node.names if _is_module(f"{base}.{alias.name}")]
    return found + ([base] if len(found) < len(node.names) else [])


def _says_deferred(lines: list[str], line: int) -> bool:
    """Whether the statement at ``line`` (1-based), or the comment lines right above it, say ``# deferred:``."""
    if "# deferred:" in lines[line - 1]:
        return True
    above = line - 2
    while above >= 0 and lines[above].strip().startswith("#"):
        if "# deferred:" in lines[above]:
            return True
        above -= 1
    return False


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _file_imports(path: Path) -> list[Import]:
    module, lines, package = (
        module_name(path),
        path.read_text(encoding="utf-8").splitlines(),
        path.name == "__init__.py",
    )
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        said = False  # a "# deferred:" comment covers the run of import statements it opens
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                said = said or _says_deferred(lines, child.lineno)
                names = tuple(alias.name for alias in child.names) if isinstance(child, ast.ImportFrom) else ()
                for target in _targets(child, module, package):
                    found.append(Import(module, target, child.lineno, in_function, said, names))
                continue
            said = False
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse("\n".join(lines)), False)
    return found


@cache
def imports() -> list[Import]:
    """Every import statement of the package (outside ``if TYPE_CHECKING:`` blocks)."""
    return [found for path in sorted(PACKAGE.rglob("*.py")) for found in _file_imports(path)]


def layer(module: str) -> int:
    matches = [
        (len(prefix), rank)
        for rank, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    assert matches, f"{module} is in no layer: add it to LAYERS"
    return max(matches)[1]


@cache
def package_edges() -> set[tuple[str, str]]:
    return {(i.module, i.target) for i in imports() if i.target.startswith("casebook") and i.target != i.module}


def test_every_module_of_the_package_has_a_layer():
    for path in sorted(PACKAGE.rglob("*.py")):
        layer(module_name(path))


def test_no_module_imports_a_layer_below_its_own():
    upward = sorted(
        f"{source} ({LAYERS[layer(source)][0]}) imports {target} ({LAYERS[layer(target)][0]})"
        for source, target in package_edges()
        if layer(target) > layer(source)
    )
    assert upward == []


def test_the_imports_of_the_package_have_no_cycle():
    graph: dict[str, set[str]] = {}
    for source, target in package_edges():
        graph.setdefault(source, set()).add(target)
    cycles, done, path = [], set(), []

    def visit(node: str) -> None:
        if node in path:
            cycles.append(" -> ".join([*path[path.index(node) :], node]))
            return
        if node in done:
            return
        path.append(node)
        for target in sorted(graph.get(node, ())):
            visit(target)
        path.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)
    assert cycles == []


def test_sphinx_is_imported_by_the_extension_only():
    outside = sorted(
        f"{i.module}:{i.line} imports {i.target}"
        for i in imports()
        if i.target.split(".")[0] in SPHINX
        and not i.module.startswith("casebook.publish")
        and (i.target, i.names) not in NOTEBOOK_SIDE
    )
    assert outside == []


def test_the_notebooks_glue_loads_no_sphinx():
    """``from myst_nb import glue`` (casebook.book.glue_facts) loads no module of Sphinx or docutils."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom myst_nb import glue\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "myst_nb" in loaded
    assert sorted({m.split(".")[0] for m in loaded} & {"sphinx", "docutils", "myst_parser"}) == []


def test_an_import_inside_a_function_says_what_it_defers():
    unsaid = sorted(f"{i.module}:{i.line} imports {i.target}" for i in imports() if i.deferred and not i.said)
    assert unsaid == []


def test_the_checks_see_what_they_check():
    """The walk finds imports inside functions and resolves relative ones."""
    found = {(i.module, i.target): i for i in imports()}
    assert ("casebook.case.model", "casebook.case.schema") in found
    assert (
        found["casebook.cli", "jupyter_book.cli.main"].deferred and found["casebook.cli", "jupyter_book.cli.main"].said
    )
    assert not found["casebook.cli", "casebook.paths"].deferred


def test_tracking_and_the_kernel_pools_know_nothing_of_sphinx_or_each_other():
    """What a build needs before Sphinx starts (casebook build forks its kernels first)."""
    notebooks = "casebook.publish.notebooks."
    alone = {"tracking": {"kernels"}, "kernels": {"tracking"}, "prefetch": set()}
    for name, others in alone.items():
        found = {i.target for i in imports() if i.module == notebooks + name}
        assert not {t for t in found if t.split(".")[0] in SPHINX}, name
        assert not found & ({notebooks + other for other in others | {"hooks"}} | {"casebook.publish.state"}), name
