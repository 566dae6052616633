"""How a book speaks of its case's analysis and of who wrote it, in the case's own terms.

A case says what its analysis is and who wrote it in its ``datapackage.json``
(``"analysis": "article"`` or "thesis chapter" or "report"; ``"authors": "one"`` or
``"several"``). A book says "paragraph 2 of the article" or "the authors' synthesis" only
when its case says it has an article and several authors; a case that says nothing is
spoken of as a study, and its synthesis as nobody's in particular. The data dictionary
(:mod:`.dictionary`) is rewritten the same way (:meth:`Wording.rewrite`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import About, Case, about

NEUTRAL = "study"
"""What a case's analysis is called when its datapackage.json does not say."""


@dataclass(frozen=True)
class Wording:
    """The phrases of a book that depend on what its case's analysis is and who wrote it."""

    analysis: str = NEUTRAL
    authors: str = ""  # "one", "several", or "" (not said)

    @classmethod
    def of(cls, info: About) -> Wording:
        return cls(info.analysis or NEUTRAL, info.authors)

    def paragraph(self, section: str, number: object) -> str:
        """Where a passage is: "Discussion, paragraph 2 of the article"."""
        return f"{section}, paragraph {number} of the {self.analysis}"

    @property
    def synthesis(self) -> str:
        """A claim resting on no single source: "the authors' synthesis", "the author's synthesis"
        or "the synthesis"."""
        return {"several": "the authors' synthesis", "one": "the author's synthesis"}.get(self.authors, "the synthesis")

    @property
    def synthesis_title(self) -> str:
        return self.synthesis[0].upper() + self.synthesis[1:]

    @property
    def analysis_alone(self) -> str:
        """What a claim with no quote or document rests on: "the article's analysis alone"."""
        return f"the {self.analysis}'s analysis alone"

    def rewrite(self, text: str) -> str:
        """A description of casebook's schema, written for a published article by several
        authors (the case it was made for), in this case's terms."""
        if (self.analysis, self.authors) == ("article", "several"):
            return text
        own = {"several": "the authors' own synthesis", "one": "the author's own synthesis"}.get(
            self.authors, "a synthesis"
        )
        for said, meant in (
            (
                " published in the article, verbatim (English translation as published)",
                f" the {self.analysis} prints, verbatim",
            ),
            ("exactly as published", f"exactly as the {self.analysis} prints it"),
            ("a published quote", "a quote"),
            ("Table 3 (Appendix 3)", "Table 3"),
            ("the source article", f"the {self.analysis}"),
            ("the authors' own synthesis", own),
            ("this edition's words", "the case's own words"),
        ):
            text = text.replace(said, meant)
        return re.sub(r"\bthe article\b", f"the {self.analysis}", text)


UNSAID = Wording()
"""The wording of a case that says nothing of its analysis or authors."""


def wording(case: Case) -> Wording:
    """The wording of the book of ``case``, from its ``datapackage.json``."""
    return Wording.of(about(case.root))
