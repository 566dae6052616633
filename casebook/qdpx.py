"""The coded case as a REFI-QDA project (``.qdpx``) and code book (``.qdc``).

REFI-QDA (QDA-XML 1.0, schemas in ``shared/refi-qda/``) is the exchange format that
ATLAS.ti, MAXQDA, NVivo, QualCoder and others read, so the case opens in
qualitative-analysis software:

- **code book**: the framework elements nested by ``framework.parent``; a parent code
  "Institutional work" over one code per type of work; a parent code "Actor groups"
  over one code per row of ``actors.csv``. Descriptions come from the data.
- **sources**: one text source per published quote, its plain text the quote verbatim
  (``sources/<guid>.txt`` in the archive, UTF-8), with one selection covering the
  whole quote that carries a coding for each row of ``codings.csv`` for that quote,
  plus one for the actor group of the person quoted.
- **cases**: one per interviewee ("Interviewee A"), linked to the sources of their quotes.
- **users**: one, the edition itself; no personal names.

Tables 1 and 3 are not exported as sources: they are the article's analysis, not its
evidence, and coding them beside the quotes would inflate every code's frequency. The
activities of Table 1 appear in the descriptions of the work-type codes instead.

Everything is deterministic: GUIDs are UUID 5 of stable keys ("code:framework:drivers"),
XML is serialised by lxml in a fixed order, the archive entries have a fixed order,
date (1980-01-01) and permissions, and are stored uncompressed so the bytes do not
depend on the zlib build. No clock is read; the optional dates are left out.
Text offsets are Unicode code points with an exclusive end, as in ``text[start:end]``.

    >>> from casebook import load, qdpx
    >>> qdpx.write_qdpx(load("data"), "_build/turin.qdpx")
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from lxml import etree

from . import __version__
from .case import Case
from .figures import WORK_COLOURS
from .schema import WORK_TYPES
from .tables import WORK_TYPE_HEADERS

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("6f1c1d2e-5a7b-5c3e-9f40-7d2b8e1a4c90")
"""Fixed namespace of every GUID the export makes; never change it, or GUIDs change."""

USER_NAME = "casebook edition"
ORIGIN = f"casebook {__version__}"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
ZIP_MODE = 0o100644  # regular file, rw-r--r--
PROJECT_ENTRY = "project.qde"
SOURCES_FOLDER = "sources"


def guid(key: str) -> str:
    """The GUID of the thing named ``key``: the same key always gives the same GUID."""
    return str(uuid.uuid5(GUID_NAMESPACE, key))


def code_key(scheme: str, code: str) -> str:
    """Key of a code: ``scheme`` as in ``codings.scheme`` ("framework", "work_type", "actor")."""
    return f"code:{scheme}:{code}"


# ---------------------------------------------------------------------------
# What goes in: plain records built from the case


@dataclass(frozen=True)
class Code:
    """One code of the code book, with the codes nested under it."""

    key: str
    name: str
    description: str
    codable: bool = True
    colour: str | None = None
    children: tuple[Code, ...] = ()

    @property
    def guid(self) -> str:
        return guid(self.key)

    def walk(self) -> Iterator[Code]:
        """This code and every code under it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


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


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("order", kind="stable")


def _framework_codes(case: Case) -> tuple[Code, ...]:
    framework = _ordered(case.framework)

    def under(parent: str | None) -> tuple[Code, ...]:
        rows = framework[framework["parent"].isna()] if parent is None else framework[framework["parent"] == parent]
        return tuple(
            Code(code_key("framework", r.id), str(r.label), str(r.description), children=under(r.id))
            for r in rows.itertuples()
        )

    return under(None)


def _work_type_codes(case: Case) -> Code:
    work = _ordered(case.institutional_work)
    children = []
    for work_type in WORK_TYPES:
        activities = "; ".join(work.loc[work["work_type"] == work_type, "activity"].astype(str))
        header = WORK_TYPE_HEADERS[work_type]
        description = f"{header}. Activities of this type in Table 1: {activities}." if activities else f"{header}."
        children.append(Code(code_key("work_type", work_type), header, description, colour=WORK_COLOURS.get(work_type)))
    return Code(
        "code:group:institutional-work",
        "Institutional work",
        f"The types of institutional work: {', '.join(WORK_TYPES)}.",
        codable=False,
        children=tuple(children),
    )


def _actor_codes(case: Case) -> Code:
    children = tuple(
        Code(code_key("actor", r.id), str(r.label), str(r.description)) for r in _ordered(case.actors).itertuples()
    )
    return Code(
        "code:group:actor-groups",
        "Actor groups",
        "The groups of actors of Table 1; a quote is coded with the group of the person quoted.",
        codable=False,
        children=children,
    )


def codes(case: Case) -> tuple[Code, ...]:
    """The code book: framework elements, then institutional work, then actor groups."""
    return (*_framework_codes(case), _work_type_codes(case), _actor_codes(case))


def sources(case: Case) -> tuple[Source, ...]:
    """One source per quote, in the order of ``excerpts.csv``, with its codes in the
    order of ``codings.csv`` and the actor group of the person quoted last."""
    codings = case.codings
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


# ---------------------------------------------------------------------------
# XML


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
    if code.description:
        _sub(element, "Description", code.description)
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


def _add_cases(parent: etree._Element, case: Case, quotes: tuple[Source, ...]) -> None:
    wrapper = _sub(parent, "Cases")
    for person in case.interviewees.itertuples():
        element = _sub(wrapper, "Case", guid=guid(f"case:{person.id}"), name=f"Interviewee {person.id}")
        _sub(element, "Description", f"{person.role}, {person.organization}")
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
        startPosition="0",
        endPosition=str(len(quote.text)),
        creatingUser=user,
    )
    for key in quote.code_keys:
        coding = _sub(selection, "Coding", guid=guid(f"coding:{quote.excerpt}:{key}"), creatingUser=user)
        _sub(coding, "CodeRef", targetGUID=guid(key))


def _project_name(case: Case) -> str:
    try:
        return f"Smart-city governance in {case.fact('city')}: the coded case"
    except KeyError:  # a forked case may not state its city
        return "The coded case"


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
        {"name": _project_name(case), "origin": ORIGIN, "creatingUserGUID": user},
        nsmap={None: PROJECT_NS},
    )
    _sub(_sub(root, "Users"), "User", guid=user, name=USER_NAME)
    _add_codes(_sub(root, "CodeBook"), case)
    _add_cases(root, case, quotes)
    wrapper = _sub(root, "Sources")
    for quote in quotes:
        _add_source(wrapper, quote, user)
    return root


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _serialise(root: etree._Element) -> bytes:
    # lxml writes its declaration with single quotes; some readers expect the usual form.
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------------------
# Files


def qdpx_bytes(case: Case) -> bytes:
    """The ``.qdpx`` archive: ``project.qde`` first, then one ``sources/<guid>.txt`` per quote."""
    entries = [(PROJECT_ENTRY, _serialise(project_xml(case)))]
    entries += [(quote.entry, quote.text.encode("utf-8")) for quote in sources(case)]
    return _zip(entries)


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3  # Unix, so the permissions below mean the same everywhere
            info.external_attr = ZIP_MODE << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def write_qdpx(case: Case, path: Path | str) -> Path:
    """Write the project archive to ``path`` (folders are created) and return the path."""
    return _write(Path(path), qdpx_bytes(case))


def write_qdc(case: Case, path: Path | str) -> Path:
    """Write the code book alone to ``path`` (a ``.qdc`` file) and return the path."""
    return _write(Path(path), _serialise(codebook_xml(case)))


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
