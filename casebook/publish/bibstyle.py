"""An author–year bibliography style for pybtex (used by sphinxcontrib-bibtex).

Entries read like the article's own reference list:

    Emerson, K., Nabatchi, T. and Balogh, S. (2012), "An integrative framework for
    collaborative governance", *Journal of Public Administration Research and Theory*,
    Vol. 22 No. 1, pp. 1–29.

sorted by author, then year, then title. Labels are short author–year forms
("Emerson et al., 2012"); the book's CSS and the PDF writer keep them out of sight, so
the list reads as a plain author–year reference list.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from importlib.metadata import distributions
from typing import Any

import pybtex.plugin
from pybtex.plugin import register_plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting.unsrt import pages
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitleSorting
from pybtex.style.template import FieldIsMissing, field, first_of, join, node, optional, tag
from sphinxcontrib.bibtex.plugin import register_plugin as register_bibtex_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

NAME = "authoryear"
REFERENCE_STYLE = "casebook-author-year"


# Letters that Unicode does not decompose into a base letter and an accent; braces go too.
_UNDECOMPOSABLE = str.maketrans({"ı": "i", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "{": None, "}": None})


def _plain(text: str) -> str:
    """Sort key of a name: diacritics and BibTeX braces dropped, so Bătăgan files under
    B-a, not after B-e, and "{European Parliament}" under E, not after Z."""
    text = text.translate(_UNDECOMPOSABLE)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


class AuthorYearSorting(AuthorYearTitleSorting):
    """Author, year, title — alphabetised the way a reader looks names up."""

    def sorting_key(self, entry):
        author, year, title = super().sorting_key(entry)
        return (_plain(author), year, _plain(title))


@node
def names_et_al(children, context, role: str, sep=", ", sep2=" and ", last_sep=" and ", other=None):
    """Names of ``role``; a BibTeX "others" becomes "et al." (so "Giffinger, R. and others"
    reads "Giffinger et al."), and with ``other`` set, three or more names shorten too."""
    persons = context["entry"].persons.get(role, [])
    real = [p for p in persons if str(p) != "others"]
    style = context["style"]
    if hasattr(style, "person"):  # an in-text (sphinxcontrib-bibtex referencing) style
        formatted = [style.person.style_plugin.format(p, style.person.abbreviate) for p in real]
    else:  # a pybtex formatting style (the reference list)
        formatted = [style.format_name(p, style.abbreviate_names) for p in real]
    if len(real) < len(persons) or (other is not None and len(real) > 2):
        return join[formatted[0], other if other is not None else " et al."].format_data(context)
    return join(sep=sep, sep2=sep2, last_sep=last_sep)[formatted].format_data(context)


@node
def page_range(children: Any, context: dict[str, Any]) -> Any:
    """Pages as the article gives them: "pp. 3–21" for a range, "p. 131" for a single page."""
    entry_pages = context["entry"].fields.get("pages", "")
    if not entry_pages:
        raise FieldIsMissing("pages", context["entry"])
    return join["pp. " if "-" in entry_pages else "p. ", pages].format_data(context)


@node
def editors_note(children: Any, context: dict[str, Any]) -> Any:
    """The editors of a chapter's book: "Clegg, S., Lawrence, T. and Nord, W. (Eds.), ", or "(Ed.)" for one."""
    editors = context["entry"].persons.get("editor", [])
    if not editors:
        raise FieldIsMissing("editor", context["entry"])
    return join[names_et_al(role="editor"), " (Eds.), " if len(editors) > 1 else " (Ed.), "].format_data(context)


@dataclass
class EtAlPersons(PersonStyle):
    """Person names for in-text citations that understand BibTeX's "and others"."""

    def names(self, role: str, full: bool):
        return names_et_al(
            role=role, sep=self.sep, sep2=self.sep2, last_sep=self.last_sep, other=None if full else self.other
        )

    def author_or_editor_or_title(self, full: bool):
        return first_of[
            optional[self.names("author", full)], optional[self.names("editor", full)], tag("em")[field("title")]
        ]


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclass
class RoundAuthorYear(AuthorYearReferenceStyle):
    """In-text citations as in the article: (Emerson et al., 2012; Ansell and Gash, 2008)."""

    bracket_parenthetical: BracketStyle = dataclass_field(default_factory=_round)
    bracket_textual: BracketStyle = dataclass_field(default_factory=_round)
    bracket_author: BracketStyle = dataclass_field(default_factory=_round)
    bracket_label: BracketStyle = dataclass_field(default_factory=_round)
    bracket_year: BracketStyle = dataclass_field(default_factory=_round)
    person: PersonStyle = dataclass_field(default_factory=lambda: EtAlPersons(last_sep=" and ", other=" et al."))


class AuthorYearLabels(BaseLabelStyle):
    """Labels such as "Ansell and Gash, 2008" or "Emerson et al., 2012"."""

    def format_labels(self, sorted_entries: Any):
        for entry in sorted_entries:
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            surnames = [
                " ".join(p.prelast_names + p.last_names).replace("{", "").replace("}", "")
                for p in people
                if str(p) != "others"
            ]
            etal = len(people) > 2 or any(str(p) == "others" for p in people)
            if not surnames:
                who = entry.fields.get("title", entry.key)
            elif etal:
                who = f"{surnames[0]} et al."
            elif len(surnames) == 2:
                who = f"{surnames[0]} and {surnames[1]}"
            else:
                who = surnames[0]
            yield f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearStyle(UnsrtStyle):
    """Reference list in the article's own author–year form."""

    default_sorting_style = "casebook-author-year-title"
    default_label_style = "casebook-authoryear"
    default_name_style = "lastfirst"

    # sphinxcontrib-bibtex formats every entry twice a build, once for the list and once for
    # the citations' tooltips, with two instances of this same style: the second time the
    # entry is taken from here. Keyed by the entry object itself (kept alive with its result)
    # and by the style's options (those of pybtex's Style: names, labels, sorting, abbreviation).
    _formatted: dict[tuple[Any, ...], tuple[Any, Any]] = {}

    def _options(self) -> tuple[Any, ...]:
        return tuple(
            sorted(
                (name, value if isinstance(value, bool | int | str | None) else type(value).__qualname__)
                for name, value in vars(self).items()
            )
        )

    def format_entry(self, label, entry, bib_data=None):
        key = (label, id(entry), self._options())
        known = self._formatted.get(key)
        if known is not None and known[0] is entry and bib_data is None:
            return known[1]
        formatted = super().format_entry(label, entry, bib_data=bib_data)
        if bib_data is None:
            self._formatted[key] = (entry, formatted)
        return formatted

    def format_names(self, role: str, as_sentence: bool = True):
        return names_et_al(role=role)

    def _head(self, role: str = "author"):
        return join[self.format_names(role), " (", field("year"), ")"]

    def _title(self):
        return join["“", field("title"), "”"]

    def _volume(self):
        return optional[join[", Vol. ", field("volume"), optional[" No. ", field("number")]]]

    def _pages(self):
        return optional[join[", ", page_range]]

    def _doi(self):
        return optional[join[", doi:", field("doi", raw=True)]]

    def get_article_template(self, e):
        return toplevel[
            join[
                self._head(),
                ", ",
                self._title(),
                ", ",
                tag("em")[field("journal")],
                self._volume(),
                self._pages(),
                self._doi(),
                ".",
            ]
        ]

    def get_book_template(self, e):
        return toplevel[
            join[
                self._head(),
                ", ",
                tag("em")[field("title")],
                optional[join[", ", field("publisher")]],
                optional[join[", ", field("address")]],
                ".",
            ]
        ]

    def get_incollection_template(self, e):
        return toplevel[
            join[
                self._head(),
                ", ",
                self._title(),
                ", in ",
                optional[editors_note],
                tag("em")[field("booktitle")],
                optional[join[", ", field("publisher")]],
                optional[join[", ", field("address")]],
                self._pages(),
                ".",
            ]
        ]

    def get_inproceedings_template(self, e):
        return toplevel[
            join[
                self._head(),
                ", ",
                self._title(),
                ", in ",
                tag("em")[field("booktitle")],
                optional[join[", ", field("publisher")]],
                self._pages(),
                self._doi(),
                ".",
            ]
        ]

    def get_techreport_template(self, e):
        return toplevel[
            join[
                self._head(),
                ", ",
                self._title(),
                optional[join[", ", field("type")]],
                optional[join[", ", field("institution")]],
                optional[join[", ", field("note")]],
                ".",
            ]
        ]

    def get_misc_template(self, e):
        return toplevel[join[self._head(), ", ", tag("em")[field("title")], "."]]


_registered = False


def _entry_points_read_once() -> None:
    """pybtex looks up a plugin (a style, a backend) by scanning every installed package's
    entry points, and sphinxcontrib-bibtex asks once per citation it resolves: about a second
    of each build of this book (two in the PDF, which resolves them all). Here the packages'
    entry points are read once, and pybtex's lookups answered from that reading: the same
    entry points, in the same order, as importlib.metadata would give them."""
    index: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for dist in distributions():
        for ep in dist.entry_points:
            if ep.group.startswith("pybtex."):
                index[(ep.group, ep.name)].append(ep)

    def entry_points(*, group: str, name: str | None = None) -> list[Any]:
        if name is not None:
            return list(index.get((group, name), []))
        return [ep for (g, _), eps in index.items() if g == group for ep in eps]

    pybtex.plugin.entry_points = entry_points


def register() -> None:
    """Make the style and its labels known to pybtex (idempotent)."""
    global _registered
    if not _registered:
        _entry_points_read_once()
        register_plugin("pybtex.style.labels", "casebook-authoryear", AuthorYearLabels)
        register_plugin("pybtex.style.sorting", "casebook-author-year-title", AuthorYearSorting)
        register_bibtex_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE, RoundAuthorYear)
        register_plugin("pybtex.style.formatting", NAME, AuthorYearStyle)
        _registered = True


__all__ = [
    "NAME",
    "REFERENCE_STYLE",
    "AuthorYearLabels",
    "AuthorYearSorting",
    "AuthorYearStyle",
    "RoundAuthorYear",
    "register",
]
