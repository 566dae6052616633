"""Paragraph anchors: each passage of ``passages.csv`` marks the paragraph that restates it."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from .. import evidence
from .prepare import case

logger = logging.getLogger(__name__)


def check_passage_anchors(app: Sphinx, env: BuildEnvironment) -> None:
    """With ``casebook_passage_anchors: true``, every passage of ``passages.csv`` must mark
    the paragraph of the book that restates it (``{#passage-<id>}``), once, and every such
    anchor must name a passage: the Evidence appendix links to them."""
    if not app.config.casebook_passage_anchors:
        return
    case_ = case(app)
    path = case_.path("passages")
    std = env.get_domain("std")
    assert isinstance(std, StandardDomain)
    anchors = {name: docname for name, (docname, _) in std.anonlabels.items() if name.startswith("passage-")}
    wanted = {}
    for line, ident in zip(case_.lines("passages"), case_.passages["id"], strict=True):
        label = evidence.passage_label(str(ident))
        wanted[label] = line
        if label not in anchors:
            logger.warning(
                f"{path}:{line}:id: passage {str(ident)!r} has no paragraph anchor"
                f" {{#{label}}} in the book's chapters; put it on the paragraph that restates it",
                type="casebook",
                subtype="anchor",
            )
    for label, docname in sorted(anchors.items()):
        if label not in wanted:
            logger.warning(
                f"the anchor {{#{label}}} names no passage of {path}",
                location=docname,
                type="casebook",
                subtype="anchor",
            )


def setup(app: Sphinx) -> None:
    app.add_config_value("casebook_passage_anchors", False, "env")
    app.connect("env-check-consistency", check_passage_anchors)
