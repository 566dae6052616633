"""No module of the package grows past 450 lines: past that, it does several jobs."""

from __future__ import annotations

from conftest import ROOT

LIMIT = 450


def lengths() -> dict[str, int]:
    return {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted((ROOT / "casebook").rglob("*.py"))
    }


def test_no_module_of_the_package_is_over_450_lines():
    assert {name: n for name, n in lengths().items() if n > LIMIT} == {}


def test_the_check_sees_every_module():
    """The walk reaches modules in sub-packages (Figure 1's layout, the notebooks' execution)."""
    found = lengths()
    assert "casebook/figures/layout.py" in found and "casebook/publish/notebooks/kernels.py" in found
    assert all(n > 0 for n in found.values())
