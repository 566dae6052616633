"""The coded case as a REFI-QDA project (``.qdpx``) and code book (``.qdc``).

REFI-QDA (QDA-XML 1.0) is the exchange format that ATLAS.ti, MAXQDA, NVivo, QualCoder
and others read, so the case opens in qualitative-analysis software:

- **code book**: the case's framework elements, types of work and actor groups, laid out
  as :mod:`.codebook` describes;
- **sources**: one text source per published quote, its plain text the quote verbatim
  (``sources/<guid>.txt`` in the archive, UTF-8), with one selection (named by the
  quote's id) covering the whole quote that carries a coding for each row of
  ``codings.csv`` for that quote, plus one for the actor group of the person quoted;
- **cases**: one per interviewee ("Interviewee A"), linked to the sources of their
  quotes, with the variables Role, Organization, Short organization and Actor group;
- **users**: one, the edition itself; no personal names.

Tables 1 and 3 are not exported as sources: they are the analysis, not its evidence,
and coding them beside the quotes would inflate every code's frequency. The activities
of Table 1 appear in the descriptions of the work-type codes instead.

Everything is deterministic: GUIDs are UUID 5 of stable keys, XML is serialised by lxml
in a fixed order, the archive entries have a fixed order, date and permissions, and are
stored uncompressed. No clock is read; the optional dates are left out. Text offsets are
Unicode code points with an exclusive end, as in ``text[start:end]``.

    >>> from casebook import load, qdpx
    >>> qdpx.write_qdpx(load("data"), "_build/case.qdpx")
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from lxml import etree

from .. import __version__, files
from ..case import Case, about
from .codebook import Code, code_key, codes, guid

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
USER_NAME = "casebook edition"
ORIGIN = f"casebook {__version__}"
PROJECT_ENTRY = "project.qde"
SOURCES_FOLDER = "sources"
VARIABLES = (
    ("role", "Role"),
    ("organization", "Organization"),
    ("short_organization", "Short organization"),
    ("actor", "Actor group"),
)
"""Columns of ``interviewees.csv`` written as REFI case variables, with the variable's name."""


@dataclass(frozen=True)
class Source:
    """One quote as a text source: its text and the codes applied to all of it."""

    excerpt: str
    interviewee: str
    text: str
    code_keys: tuple[str, ...]

    @property
    def guid(self) -> str:
        return guid(f"source:{self.excerpt}")

    @property
    def entry(self) -> str:
        """Name of its text file inside the archive."""
        return f"{SOURCES_FOLDER}/{self.guid}.txt"

    @property
    def path(self) -> str:
        """How ``project.qde`` refers to that file (REFI-QDA §8.4)."""
        return f"internal://{self.guid}.txt"


def sources(case: Case) -> tuple[Source, ...]:
    """One source per quote, in the order of ``excerpts.csv``, with its codes in the
    order of ``codings.csv`` and the actor group of the person quoted last."""
    codings = case.codings.drop_duplicates(["excerpt", "scheme", "code"])  # one coding per code, whoever coded
    groups = case.interviewees.set_index("id")["actor"]
    result = []
    for quote in case.excerpts.itertuples():
        mine = codings[codings["excerpt"] == quote.id]
        keys = [code_key(str(c.scheme), str(c.code)) for c in mine.itertuples()]
        group = groups[quote.interviewee]
        if not pd.isna(group) and code_key("actor", group) not in keys:
            keys.append(code_key("actor", group))
        result.append(Source(str(quote.id), str(quote.interviewee), str(quote.text), tuple(keys)))
    return tuple(result)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A child element in the parent's namespace; lxml escapes text and attributes."""
    namespace = etree.QName(parent).namespace
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", attributes)
    element.text = text
    return element


def _add_code(parent: etree._Element, code: Code) -> None:
    attributes = {"guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"}
    if code.colour:
        attributes["color"] = code.colour
    element = _sub(parent, "Code", **attributes)
    if code.full_description:
        _sub(element, "Description", code.full_description)
    for child in code.children:
        _add_code(element, child)


def _add_codes(parent: etree._Element, case: Case) -> None:
    wrapper = _sub(parent, "Codes")
    for code in codes(case):
        _add_code(wrapper, code)


def codebook_xml(case: Case) -> etree._Element:
    """The code book alone, as the root ``CodeBook`` of a ``.qdc`` file."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN}, nsmap={None: CODEBOOK_NS})
    _add_codes(root, case)
    return root


def _add_variables(parent: etree._Element) -> None:
    wrapper = _sub(parent, "Variables")
    for column, name in VARIABLES:
        _sub(wrapper, "Variable", guid=guid(f"variable:{column}"), name=name, typeOfVariable="Text")


def _add_cases(parent: etree._Element, case: Case, quotes: tuple[Source, ...]) -> None:
    wrapper = _sub(parent, "Cases")
    labels = case.actors.set_index("id")["label"]
    for person in case.interviewees.itertuples():
        element = _sub(wrapper, "Case", guid=guid(f"case:{person.id}"), name=f"Interviewee {person.id}")
        _sub(element, "Description", f"{person.role}, {person.organization}")
        for column, _ in VARIABLES:
            value = getattr(person, column)
            if pd.isna(value):
                continue
            shown = str(labels[value]) if column == "actor" else str(value)
            variable = _sub(element, "VariableValue")
            _sub(variable, "VariableRef", targetGUID=guid(f"variable:{column}"))
            _sub(variable, "TextValue", shown)
        for quote in quotes:
            if quote.interviewee == person.id:
                _sub(element, "SourceRef", targetGUID=quote.guid)


def _add_source(parent: etree._Element, quote: Source, user: str) -> None:
    element = _sub(
        parent,
        "TextSource",
        guid=quote.guid,
        name=f"{quote.excerpt} (Interviewee {quote.interviewee})",
        plainTextPath=quote.path,
        creatingUser=user,
    )
    _sub(element, "Description", f"Quote of Interviewee {quote.interviewee}, verbatim as published.")
    # Offsets count code points (str indices), end exclusive: the selection is the whole text.
    selection = _sub(
        element,
        "PlainTextSelection",
        guid=guid(f"selection:{quote.excerpt}"),
        name=quote.excerpt,
        startPosition="0",
        endPosition=str(len(quote.text)),
        creatingUser=user,
    )
    for key in quote.code_keys:
        coding = _sub(selection, "Coding", guid=guid(f"coding:{quote.excerpt}:{key}"), creatingUser=user)
        _sub(coding, "CodeRef", targetGUID=guid(key))


def project_xml(case: Case) -> etree._Element:
    """The whole project, as the root ``Project`` of ``project.qde``."""
    user = guid("user:edition")
    quotes = sources(case)
    known = {code.key for top in codes(case) for code in top.walk()}
    for quote in quotes:
        for key in quote.code_keys:
            if key not in known:  # the loader checks codes; this guards against a drift here
                raise ValueError(f"quote {quote.excerpt}: no code {key!r} in the code book")
    root = etree.Element(
        f"{{{PROJECT_NS}}}Project",
        {"name": about(case.root).title, "origin": ORIGIN, "creatingUserGUID": user},
        nsmap={None: PROJECT_NS},
    )
    _sub(_sub(root, "Users"), "User", guid=user, name=USER_NAME)
    _add_codes(_sub(root, "CodeBook"), case)
    _add_variables(root)
    _add_cases(root, case, quotes)
    wrapper = _sub(root, "Sources")
    for quote in quotes:
        _add_source(wrapper, quote, user)
    return root


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def serialise(root: etree._Element) -> bytes:
    # lxml writes its declaration with single quotes; some readers expect the usual form.
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def qdpx_bytes(case: Case) -> bytes:
    """The ``.qdpx`` archive: ``project.qde`` first, then one ``sources/<guid>.txt`` per quote."""
    entries = [(PROJECT_ENTRY, serialise(project_xml(case)))]
    entries += [(quote.entry, quote.text.encode("utf-8")) for quote in sources(case)]
    return files.deterministic_zip(entries, compress=False)


def write_qdpx(case: Case, path: Path | str) -> Path:
    """Write the project archive to ``path`` (folders are created) and return the path."""
    return files.write(path, qdpx_bytes(case))


def write_qdc(case: Case, path: Path | str) -> Path:
    """Write the code book alone to ``path`` (a ``.qdc`` file) and return the path."""
    return files.write(path, serialise(codebook_xml(case)))
