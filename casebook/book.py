"""What the chapters' code cells call: quotes, facts and counts, as content or glue.

A chapter never types a quote, a number or a date that lives in ``data/``: it asks
this module, which reads the case through :func:`casebook.load`.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from . import content
from .case import Case, about, default_data_dir, load
from .content import Content, inline
from .paths import DEPENDENCY_LOG_ENV
from .wording import attribution_text, number_word


class Plain(str):
    """A string whose plain-text form is itself (no quotes), for ``{glue:text}``."""

    def __repr__(self) -> str:
        return str(self)


def bullet_list(items: list[str] | tuple[str, ...]) -> Content:
    """Items as a bullet list (linked items end with their link)."""
    return content.show(content.bullets(inline(item) for item in items))


def dependency_key(root: Path, name: str) -> str:
    """How the record names table ``name`` (or ``name#rows``) of the case in ``root``: the
    bare name for the book's own case (:func:`casebook.default_data_dir`), else prefixed by
    the other case folder's absolute path and ``|`` (the fork chapter reads the teaching
    case, whose changes must re-run it, not the pages about the book's own case)."""
    root = root.resolve()
    return name if root == default_data_dir().resolve() else f"{root}|{name}"


def _record(root: Path, name: str) -> None:
    """Append what a notebook read to the build's record (the hook :func:`case` gives)."""
    log = os.environ.get(DEPENDENCY_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(dependency_key(root, name) + "\n")


_CASES: list[Case] = []  # every case cached in this kernel (for forget_reads)


@cache
def _cached_case(root: str) -> Case:
    case_ = load(root, on_read=_record)
    _CASES.append(case_)
    return case_


def case(root: Path | str | None = None) -> Case:
    """The case the book is built from (``$CASEBOOK_DATA`` or ``data/``), or the one in
    ``root``, loaded once per kernel; what the notebook reads of it is recorded for the build."""
    return _cached_case(str(Path(root).resolve() if root is not None else default_data_dir()))


def forget_reads() -> None:
    """Start a new record: the cached cases report every table again the next time it is
    read (the build runs several notebooks in one kernel, one after the other)."""
    for case_ in _CASES:
        case_._used.clear()


def depends_on_all(case_: Case) -> Case:
    """Record every table of ``case_`` as read (for output that depends on the whole
    folder, such as what ``casebook check`` says of it); returns the case."""
    for name in case_.tables:
        case_.table(name)
    return case_


def attribution(case: Case, interviewee: str) -> str:
    """``"Interviewee D, Municipality"``: how the book credits a quote."""
    people = case.interviewees.set_index("id")
    return attribution_text(interviewee, str(people.loc[interviewee, "short_organization"]))


def quote(excerpt: str, case_: Case | None = None) -> Content:
    """A published interview quote as a block quote with its attribution, exactly as stored."""
    case_ = case_ or case()
    quotes = case_.excerpts.set_index("id")
    if excerpt not in quotes.index:
        raise KeyError(f"{case_.root / 'excerpts.csv'}: no quote with id {excerpt!r}")
    who = attribution(case_, str(quotes.loc[excerpt, "interviewee"]))
    return content.show(content.quote(str(quotes.loc[excerpt, "text"]), who))


def facts(case_: Case | None = None) -> dict[str, str]:
    """Every value the prose may paste, by glue key, as text.

    Each fact of ``facts.csv`` (``interview_mean_minutes`` -> ``"70"``), plus counts
    (``n_interviewees`` and ``n_interviewees_word``), the interview window in words
    (``interview_window``) and the year of each timeline event (``year_<event id>``).
    """
    case_ = case_ or case()
    out: dict[str, str] = {}
    for key in case_.facts["key"]:
        out[key] = case_.fact_text(str(key))
    counts = {
        "interviewees": case_.count("interviewees"),
        "actors": case_.count("actors"),
        "activities": case_.count("institutional_work"),
        "findings": case_.count("findings"),
        "excerpts": case_.count("excerpts"),
        "relations": case_.count("relations"),
    }
    for name, n in counts.items():
        out[f"n_{name}"] = str(n)
        out[f"n_{name}_word"] = number_word(n)
    keys = set(case_.facts["key"])
    if {"interview_first_month", "interview_last_month"} <= keys:
        first, last = case_.fact("interview_first_month"), case_.fact("interview_last_month")
        first_text = case_.fact_text("interview_first_month")
        if first.year == last.year:  # type: ignore[union-attr]
            first_text = first_text.rsplit(" ", 1)[0]
        out["interview_window"] = f"{first_text} to {case_.fact_text('interview_last_month')}"
    for row in case_.timeline.itertuples():
        out[f"year_{row.id}".replace("-", "_")] = str(row.year)
    return out


def glue_facts(case_: Case | None = None) -> dict[str, str]:
    """Glue every value of :func:`facts` (hidden) so Markdown cells can paste it.

    In a Markdown cell of the same notebook: ``{glue:text}`n_interviewees_word```.
    """
    from myst_nb import glue  # deferred: myst-nb and IPython's display, needed only to glue

    values = facts(case_)
    for key, value in values.items():
        glue(key, Plain(value), display=False)
    return values


def overview(case_: Case | None = None) -> Content:
    """The landing page of a book made for any case folder: the case's notice (if its
    ``datapackage.json`` has one), its description, and what the folder holds, counted."""
    case_ = case_ or case()
    info = about(case_.root)
    blocks = []
    if info.notice:
        blocks.append(content.admonition("important", content.paragraph(info.notice)))
    if info.description:
        blocks.append(content.paragraph(info.description))
    counts = [
        (case_.count("actors"), "actor group", "actor groups"),
        (case_.count("interviewees"), "interviewee", "interviewees"),
        (
            case_.count("institutional_work"),
            "activity of institutional work (Table 1)",
            "activities of institutional work (Table 1)",
        ),
        (
            case_.count("findings"),
            "finding on collaborative governance (Table 3)",
            "findings on collaborative governance (Table 3)",
        ),
        (case_.count("excerpts"), "interview quote", "interview quotes"),
        (case_.count("relations"), "arrow of Figure 1", "arrows of Figure 1"),
        (case_.count("evidence"), "link from a claim to its evidence", "links from claims to their evidence"),
    ]
    blocks.append(content.paragraph("The case folder holds:"))
    blocks.append(content.bullets([f"{number_word(n)} {one if n == 1 else many}"] for n, one, many in counts))
    return content.show(*blocks)


def console(lines: list[str] | tuple[str, ...]) -> Content:
    """Lines as a terminal prints them, shown verbatim."""
    return content.show(content.code_block("\n".join(lines)))
