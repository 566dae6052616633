"""Page weight budget of the built site.

For each page: the bytes of its HTML plus every local file it makes the browser fetch
(stylesheets, scripts, preloads, images, and what the stylesheets pull in with url(...)).
The theme's files, fetched by every page and cached after the first, are counted once,
apart; each page's own weight is its HTML plus what it loads beyond them. A text page
stays under 200 KB of its own; the Figure 1 page under plotly.js plus 100 KB and under
1.5 MB of its own, which plotly.js's basic partial bundle (1.2 MB) allows where the full
one (4.8 MB) did not. (The theme's share, 2.5 MB fetched once, is mostly its
fontawesome.js; make bench reports a first visit in all.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.publish.plotly import SCRIPT
from conftest import HTML
from tools.page_weight import FIGURE_EXTRA, FIGURE_OWN, KB, TEXT_BUDGET, pages, resources, size, weights

pytestmark = pytest.mark.built


@pytest.fixture(scope="module")
def site() -> dict[Path, set[Path]]:
    if not (HTML / "chapters" / "index.html").exists():
        pytest.skip(f"{HTML} is not built (make book)")
    return {page: resources(page) for page in pages(HTML)}


def report(site: dict[Path, set[Path]]) -> str:
    shared, own = weights(site)
    lines = [f"shared theme: {len(shared)} files, {size(shared) / KB:.0f} KB (fetched once, then cached)"]
    for page, bytes_ in sorted(own.items(), key=lambda item: -item[1]):
        lines.append(
            f"{page.relative_to(HTML).as_posix():45} {bytes_ / KB:7.1f} KB (HTML {page.stat().st_size / KB:.1f} KB)"
        )
    return "\n".join(lines)


def test_every_local_resource_a_page_names_exists(site) -> None:
    missing = {p.relative_to(HTML).as_posix(): [str(r) for r in found if not r.is_file()] for p, found in site.items()}
    assert not {page: files for page, files in missing.items() if files}


def test_text_pages_stay_under_200_kb_beyond_the_theme(site) -> None:
    print("\n" + report(site))  # shown with pytest -s: the measured weights
    _, own = weights(site)
    plotly = (HTML / "_static" / SCRIPT).resolve()
    heavy = {
        p.relative_to(HTML).as_posix(): f"{b / KB:.0f} KB"
        for p, b in own.items()
        if plotly not in site[p] and b >= TEXT_BUDGET
    }
    assert not heavy, f"text pages over {TEXT_BUDGET // KB} KB of their own:\n{report(site)}"


def figure_pages(site: dict[Path, set[Path]]) -> list[Path]:
    plotly = (HTML / "_static" / SCRIPT).resolve()
    return [p for p, found in site.items() if plotly in found]


def test_figure_page_stays_under_plotly_plus_100_kb(site) -> None:
    pages = figure_pages(site)
    assert [p.relative_to(HTML).as_posix() for p in pages] == ["chapters/06-discussion.html"]
    _, own = weights(site)
    budget = (HTML / "_static" / SCRIPT).stat().st_size + FIGURE_EXTRA
    assert own[pages[0]] < budget, f"Figure 1 page: {own[pages[0]]} B >= {budget} B\n{report(site)}"


def test_figure_page_stays_under_1_5_mb_beyond_the_theme(site) -> None:
    page = figure_pages(site)[0]
    _, own = weights(site)
    assert own[page] <= FIGURE_OWN, f"Figure 1 page: {own[page] / KB:.0f} KB of its own\n{report(site)}"


def test_the_theme_is_shared_not_repeated(site) -> None:
    """The theme's stylesheets and scripts are the same files on every page (cached once)."""
    shared, _ = weights(site)
    assert any(p.name.endswith(".css") for p in shared) and any(p.suffix == ".js" for p in shared)
