"""Active citation: at each paragraph that states a claim, the evidence behind it.

A paragraph of the book that restates a passage of the article's analysis carries that
passage's label (``{#passage-<id>}``, see :mod:`.anchors`); ``evidence.csv`` says which
claims (Table 1 activities, Table 3 findings, Figure 1 arrows) rest on the passage
(:func:`casebook.evidence.citing`). With ``casebook_active_citation: true`` every such
paragraph ends with one marker per claim, "E3", computed from the data at write time:

- in the HTML, a button that opens a panel (the browser's own ``popover``: no CDN, and
  no script but a few lines that let Escape close it from inside; keyboard and screen
  reader get a button) holding the claim, the
  quotes exactly as stored, the documents, the note, how many sources it rests on, the
  other paragraphs that state it, and a link to its entry in the Evidence appendix;
- in the PDF and any other builder, a link to that entry.

The entries link back to the paragraphs (:func:`casebook.evidence.entries`). A page is
rewritten, not re-read (its notebook is not re-run), when what its markers show changes.
The build fails (a warning under ``-W``) when a claim is stated by no paragraph of the
book, when a marker's entry is missing, or when an anchored paragraph sits outside the
section ``passages.csv`` puts its passage in.
"""

from __future__ import annotations

import html
import json
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from .. import evidence
from ..case.schema import CLAIM_TABLES
from ..evidence import passage_label
from ..files import sha256
from ..robustness import robustness, sentence
from .prepare import case
from .state import build_state

logger = logging.getLogger(__name__)
PREFIX = "passage-"


def _citations(app: Sphinx) -> tuple[dict[str, list[evidence.Claim]], dict[str, evidence.Support]]:
    """Once a build: the claims each passage states (:func:`casebook.evidence.citing`) and
    each claim's sources counted (:func:`casebook.evidence.triangulation`), by label."""
    state = build_state(app)
    if state.citations is None:
        case_ = case(app)
        state.citations = (
            evidence.citing(case_),
            {s.claim.label: s for s in evidence.triangulation(case_)},
        )
    return state.citations


def _leave_one_out(app: Sphinx) -> dict[str, str]:
    """Once a build: by claim label, what the claim would not survive (casebook.robustness):
    "Rests on one interviewee: B; …", that it holds, or nothing (no quote or document)."""
    state = build_state(app)
    if state.leave_one_out is None:
        case_ = case(app)
        actors = case_.actors.set_index("id")["label"].astype(str).to_dict()
        state.leave_one_out = {evidence.claim_label(r.kind, r.id): sentence(r, actors) for r in robustness(case_)}
    return state.leave_one_out


def _store(env: BuildEnvironment) -> dict[str, dict[str, list[str]]]:
    """docname -> passage id -> the ids of the sections around its paragraph."""
    if not hasattr(env, "casebook_paragraphs"):
        env.casebook_paragraphs = {}  # type: ignore[attr-defined]
    return env.casebook_paragraphs  # type: ignore[attr-defined]


def _passage(node: nodes.Element) -> str | None:
    return next((i[len(PREFIX) :] for i in node.get("ids", []) if i.startswith(PREFIX)), None)


def _anchored(doctree: nodes.Node) -> list[tuple[str, nodes.Element]]:
    return [(p, node) for node in doctree.findall(nodes.Element) if (p := _passage(node))]


def record_paragraphs(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: which anchored paragraphs this page holds, and in which sections."""
    if not app.config.casebook_active_citation:
        return
    found = {}
    for passage, node in _anchored(doctree):
        around = [i for parent in _ancestors(node) for i in parent.get("ids", [])]
        found[passage] = around
    _store(app.env)[app.env.docname] = found


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            yield parent
        parent = parent.parent


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _store(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for doc in docnames:
        if doc in _store(other):
            _store(env)[doc] = _store(other)[doc]


# --- what the markers show, and which pages to rewrite when it changes -------------------------


def _shown(app: Sphinx, passage: str) -> list[dict[str, Any]]:
    citing, support = _citations(app)
    return [
        {
            "claim": [c.mark, c.text, c.shown_in, c.where, c.label],
            "sources": [[s.kind, s.id, s.title, s.detail, s.caveat, s.note] for s in c.sources],
            "support": [support[c.label].basis, support[c.label].flag, support[c.label].direct_sources],
            "leave_one_out": _leave_one_out(app)[c.label],
        }
        for c in citing.get(passage, [])
    ]


def outdated_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: pages whose markers now show something else are rewritten."""
    if not app.config.casebook_active_citation:
        return []
    old: dict[str, str] = getattr(env, "casebook_marker_hashes", {})
    new = {doc: sha256(json.dumps([_shown(app, p) for p in sorted(passages)])) for doc, passages in _store(env).items()}
    env.casebook_marker_hashes = new  # type: ignore[attr-defined]
    return sorted(doc for doc, digest in new.items() if old.get(doc) != digest)


# --- the markers ---------------------------------------------------------------------------------


def add_markers(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: each anchored paragraph ends with the markers of its claims."""
    if not app.config.casebook_active_citation:
        return
    citing, _ = _citations(app)
    html_builder = app.builder.format == "html"
    for passage, node in _anchored(doctree):
        claims = citing.get(passage, [])
        if not claims:
            continue
        if html_builder:
            buttons, panels = zip(*(_html(app, docname, passage, claim) for claim in claims), strict=True)
            node += nodes.raw("", '<span class="casebook-cites">' + "".join(buttons) + "</span>", format="html")
            node.parent.insert(node.parent.index(node) + 1, nodes.raw("", "".join(panels), format="html"))
        else:
            marks = nodes.superscript(classes=["casebook-cites"])
            for i, claim in enumerate(claims):
                doc, ident = _target(app, claim.label)
                if i:
                    marks += nodes.Text(" ")
                marks += nodes.reference(
                    "", claim.mark, internal=True, refuri=app.builder.get_relative_uri(docname, doc) + "#" + ident
                )
            node += marks


def _target(app: Sphinx, label: str) -> tuple[str, str]:
    std = cast(StandardDomain, app.env.get_domain("std"))
    if label in std.labels:
        doc, ident, _ = std.labels[label]
    else:
        doc, ident = std.anonlabels[label]
    return doc, ident


def _href(app: Sphinx, docname: str, label: str) -> str:
    doc, ident = _target(app, label)
    uri = app.builder.get_relative_uri(docname, doc) if doc != docname else ""
    return html.escape(f"{uri}#{ident}")


def _t(text: str) -> str:
    """Data as HTML text: escaped, never interpreted."""
    return html.escape(str(text), quote=False)


def _html(app: Sphinx, docname: str, passage: str, claim: Any) -> tuple[str, str]:
    """The marker's button and its panel."""
    panel_id = f"cite-{passage}-{claim.mark}"
    support = _citations(app)[1][claim.label]
    button = (
        f'<button type="button" class="casebook-cite" popovertarget="{panel_id}" '
        f'aria-label="Evidence {claim.mark}">{claim.mark}</button>'
    )
    parts = [
        f'<p class="casebook-evidence-title" id="{panel_id}-title"><strong>{claim.mark}</strong> · '
        f"{_t(claim.shown_in)} · {_t(claim.where)}</p>",
        f'<p class="casebook-evidence-claim">{_t(claim.text)}</p>',
    ]
    also = []
    for source in claim.sources:
        if source.kind == "excerpt":
            parts.append(
                f'<blockquote class="casebook-evidence-quote"><p>{_t(source.detail)}</p>'
                f'<p class="attribution">{_t(source.title)}</p></blockquote>'
            )
        elif source.kind == "document":
            parts.append(f"<p><strong>Document</strong> — <em>{_t(source.title)}</em>. {_t(source.detail)}</p>")
        elif source.kind == "synthesis":
            parts.append(f"<p><strong>The authors' synthesis</strong> — {_t(source.detail)}</p>")
        elif source.id != passage:
            also.append(f'<a href="{_href(app, docname, passage_label(str(source.id)))}">{_t(source.title)}</a>')
    if also:
        parts.append("<p><strong>Also stated in</strong> " + "; ".join(also) + "</p>")
    for source in claim.sources:  # what the evidence leaves out is said where the claim is read
        if source.caveat:
            parts.append(
                f'<p class="casebook-evidence-note"><strong>{_t(source.caveat)}</strong> '
                f"({_t(source.title)}): {_t(source.note)}</p>"
            )
    flag = f" — {_t(support.flag)}" if support.flag else ""
    parts.append(
        f'<p class="casebook-evidence-support">Rests on {_t(support.basis)}: '
        f"{_count(len(support.interviewees), 'interviewee')} quoted, "
        f"{_count(len(support.documents), 'document')}{flag}.</p>"
    )
    if _leave_one_out(app)[claim.label]:
        parts.append(f'<p class="casebook-evidence-robustness">{_t(_leave_one_out(app)[claim.label])}</p>')
    parts.append(
        f'<p class="casebook-evidence-links"><a href="{_href(app, docname, claim.label)}">'
        f"Entry {claim.mark} in the Evidence appendix</a> "
        f'<button type="button" popovertarget="{panel_id}" popovertargetaction="hide">Close</button></p>'
    )
    panel = (
        f'<div class="casebook-evidence" id="{panel_id}" popover role="dialog" '
        f'aria-labelledby="{panel_id}-title">' + "".join(parts) + "</div>"
    )
    return button, panel


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- the checks ------------------------------------------------------------------------------------


def check(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: every claim stated by a paragraph of the book, every
    marker's entry present, every anchored paragraph in its passage's section."""
    if not app.config.casebook_active_citation:
        return
    case_ = case(app)
    std = cast(StandardDomain, env.get_domain("std"))
    where = {p: doc for doc, found in _store(env).items() for p in found}
    citing, _ = _citations(app)
    stated = {c.label for p, cs in citing.items() if p in where for c in cs}
    lines = {}
    for kind, table in CLAIM_TABLES.items():
        ids = case_.table(table)["id"]
        lines.update(
            {(kind, str(i)): (case_.path(table), line) for i, line in zip(ids, case_.lines(table), strict=True)}
        )
    for claim in evidence.claims(case_):
        path, line = lines[(claim.kind, claim.id)]
        if claim.label not in stated:
            logger.warning(
                f"{path}:{line}:id: {claim.mark} ({claim.shown_in}, {claim.kind} {claim.id!r}) is stated "
                "by no paragraph of the book: give it a passage in evidence.csv whose paragraph carries "
                "{#passage-<id>}",
                type="casebook",
                subtype="citation",
            )
        elif claim.label not in std.labels and claim.label not in std.anonlabels:
            for passage in (p for p, cs in citing.items() if claim in cs and p in where):
                logger.warning(
                    f"the paragraph {{#{PREFIX}{passage}}} cites {claim.mark}, but no page of the book "
                    f"has its entry ({claim.label}): the Evidence appendix is missing",
                    location=where[passage],
                    type="casebook",
                    subtype="citation",
                )
    passages = case_.passages
    sections: dict[str, set[str]] = {}
    for line, row in zip(case_.lines("passages"), passages.itertuples(), strict=True):
        passage, section = str(row.id), f"{app.config.casebook_section_label}{row.section}"
        if passage not in where or section not in std.labels:
            continue
        doc = where[passage]
        section_doc, section_id, title = std.labels[section]
        if section_doc == doc and section_id in sections.setdefault(doc, _section_ids(env, doc)):
            moved = section_id not in _store(env)[doc][passage]  # a section: the paragraph must be inside it
        else:
            moved = section_doc != doc  # a heading of generated content: the same page
        if moved:
            logger.warning(
                f"the paragraph {{#{PREFIX}{passage}}} has moved out of the section "
                f"{case_.path('passages')}:{line}:section puts it in ({title!r}, {section}): put the anchor back "
                "on the paragraph that restates the passage, or correct passages.csv",
                location=doc,
                type="casebook",
                subtype="citation",
            )


def _section_ids(env: BuildEnvironment, doc: str) -> set[str]:
    return {i for s in env.get_doctree(doc).findall(nodes.section) for i in s["ids"]}


def add_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context``: the two small scripts, each only on the pages that need it."""
    body = context.get("body", "")
    if 'class="casebook-cite"' in body:
        app.add_js_file("casebook-cite.js", priority=500, defer="defer")
    if "casebook-sortable" in body:
        app.add_js_file("casebook-sort.js", priority=500, defer="defer")


def setup(app: Sphinx) -> None:
    app.add_config_value("casebook_active_citation", False, "env")
    # the prefix of the labels of the case's sections (casebook.evidence.SECTION_LABEL)
    app.add_config_value("casebook_section_label", "sec-", "env")
    app.connect("doctree-read", record_paragraphs)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-updated", outdated_pages)
    app.connect("doctree-resolved", add_markers)
    app.connect("env-check-consistency", check)
    app.connect("html-page-context", add_scripts)
