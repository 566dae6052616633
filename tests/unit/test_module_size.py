"""No module of the package grows past 450 lines: past that, it does several jobs."""

from __future__ import annotations

import pytest

from conftest import ROOT

LIMIT = 450
# Part B of issue 22 (modules other helpers were editing meanwhile) empties this list.
LARGER = {
    "casebook/publish/typst_writer.py": "the PDF's writer, to be split (issue 22, part B)",
}


def lengths() -> dict[str, int]:
    return {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted((ROOT / "casebook").rglob("*.py"))
    }


def test_no_module_of_the_package_is_over_450_lines():
    assert {name: n for name, n in lengths().items() if n > LIMIT and name not in LARGER} == {}


@pytest.mark.parametrize("name", LARGER)
def test_each_larger_module_listed_still_is(name):
    assert lengths()[name] > LIMIT
