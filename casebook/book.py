"""What the chapters' code cells call: quotes, facts and counts, as Markdown or glue.

A chapter never types a quote, a number or a date that lives in ``data/``: it asks
this module, which reads the case through :func:`casebook.load`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache

from .case import Case, default_data_dir, load

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen twenty"
).split()


def escape_markdown(text: str) -> str:
    """Make ``text`` literal in Markdown: every ASCII punctuation mark is backslash-escaped.

    CommonMark (and MyST) allow a backslash before any ASCII punctuation, so
    ``<script>``, ``*``, ``|``, ``{cite}`` or ``$`` in a quote can never become markup.
    """
    return _PUNCTUATION.sub(r"\\\1", text)


class Linked(str):
    """Text that carries a MyST cross-reference to show after it (an evidence number).

    It compares and prints as its text, so tables and tests see the data unchanged;
    only the Markdown rendering adds the link.
    """

    ref: str

    def __new__(cls, text: str, ref: str) -> Linked:
        obj = super().__new__(cls, text)
        obj.ref = ref
        return obj


def inline_markdown(item: str) -> str:
    """An item as Markdown: its text escaped, then its cross-reference if it has one."""
    text = escape_markdown(item)
    return f"{text} {item.ref}" if isinstance(item, Linked) else text


def number_word(n: int) -> str:
    """``9`` -> ``"nine"``: numbers up to twenty in words, larger ones in digits."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


class Plain(str):
    """A string whose plain-text form is itself (no quotes), for ``{glue:text}``."""

    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Markdown:
    """Markdown text that Jupyter shows (and myst-nb renders) as a cell output."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


def bullet_list(items: list[str] | tuple[str, ...]) -> Markdown:
    """Items as an escaped Markdown bullet list."""
    return Markdown("".join(f"- {inline_markdown(item)}\n" for item in items))


@cache
def _default_case(root: str) -> Case:
    return load(root)


def case() -> Case:
    """The case the book is built from (``$CASEBOOK_DATA`` or ``data/``), loaded once per kernel."""
    return _default_case(str(default_data_dir()))


def attribution(case: Case, interviewee: str) -> str:
    """``"Interviewee D, Municipality"``: how the book credits a quote."""
    people = case.interviewees.set_index("id")
    return attribution_text(interviewee, str(people.loc[interviewee, "short_organization"]))


def attribution_text(interviewee: str, organisation: str) -> str:
    """The credit line itself, for callers that already hold the interviewee's organisation."""
    return f"Interviewee {interviewee}, {organisation}"


def quote(excerpt: str, case_: Case | None = None) -> Markdown:
    """A published interview quote as a Markdown block quote with its attribution.

    The quote's text is escaped, so whatever characters it holds are shown, never run.
    """
    case_ = case_ or case()
    quotes = case_.excerpts.set_index("id")
    if excerpt not in quotes.index:
        raise KeyError(f"{case_.root / 'excerpts.csv'}: no quote with id {excerpt!r}")
    text = escape_markdown(str(quotes.loc[excerpt, "text"]))
    who = escape_markdown(attribution(case_, str(quotes.loc[excerpt, "interviewee"])))
    body = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    return Markdown(f"{body}\n>\n> {{.attribution}}\n> — {who}\n")


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
    from myst_nb import glue

    values = facts(case_)
    for key, value in values.items():
        glue(key, Plain(value), display=False)
    return values


def overview(case_: Case | None = None) -> Markdown:
    """The landing page of a book made for any case folder: the case's notice (if its
    ``datapackage.json`` has one), its description, and what the folder holds, counted."""
    from .case import about

    case_ = case_ or case()
    info = about(case_.root)
    parts = []
    if info.notice:
        parts.append(f":::{{important}}\n{escape_markdown(info.notice)}\n:::\n")
    if info.description:
        parts.append(escape_markdown(info.description) + "\n")
    counts = [
        (case_.count("actors"), "actor group", "actor groups"),
        (case_.count("interviewees"), "interviewee", "interviewees"),
        (case_.count("institutional_work"), "activity of institutional work (Table 1)",
         "activities of institutional work (Table 1)"),
        (case_.count("findings"), "finding on collaborative governance (Table 3)",
         "findings on collaborative governance (Table 3)"),
        (case_.count("excerpts"), "interview quote", "interview quotes"),
        (case_.count("relations"), "arrow of Figure 1", "arrows of Figure 1"),
        (case_.count("evidence"), "link from a claim to its evidence", "links from claims to their evidence"),
    ]
    parts.append("The case folder holds:\n")
    parts.append("".join(f"- {number_word(n)} {one if n == 1 else many}\n" for n, one, many in counts))
    return Markdown("\n".join(parts))


def console(lines: list[str] | tuple[str, ...]) -> Markdown:
    """Lines as a terminal would print them: a fenced text block, its fence longer than
    any run of backticks in the lines, so nothing in them can close it."""
    text = "\n".join(lines)
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markdown(f"{fence}text\n{text}\n{fence}\n")
