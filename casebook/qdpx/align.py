"""Segments shared by coders: several coders' selections of one source aligned into segments.

Two coders rarely select exactly the same characters for the same idea: one takes the
sentence, the other the sentence and its trailing space, or a clause more. Agreement is
computed segment by segment (:mod:`casebook.reliability`), so an import must first decide
which selections are the *same* segment. The rule here:

- two selections of **different** coders are the same segment when they overlap by at least
  ``threshold`` (default :data:`THRESHOLD`, 80 %) of the **shorter** one. Measured on the
  shorter span, a sentence one coder selected inside the paragraph another selected counts as
  shared (nested spans overlap by 100 %), while two paragraphs that only share a sentence do not;
- a segment holds at most one selection per coder, and **every** pair of its selections
  meets the threshold (complete linkage). Overlaps are considered from the largest share
  down; so in a chain A–B–C where A and B, and B and C, overlap enough but A and C do not,
  B joins the partner it overlaps more and the third stays a segment of its own, instead of
  the chain drifting into one long segment whose ends two of its coders never marked alike;
- selections of one coder are never merged with each other (two selections by one coder
  are two segments, as in a single-coder import);
- every overlap between different coders' selections that ended in different segments is
  returned as a :class:`Miss`, with its size, for the import's report.

The quote of a segment is the **union** of its selections: from the earliest start to the
latest end. Every character any coder coded is then inside the quote their codes are
attached to, so no coder's coding is silently shortened, and the quote does not depend on
which coder happens to be listed first. Of two selections with 80 % of the shorter in common,
the union is the longer plus at most a fifth of the shorter: for selections of similar length,
little more than either; for a sentence nested in another coder's paragraph, the paragraph,
the passage that coder judged the code to need.

Pure: spans in, segments out; nothing here reads XML or writes files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 0.8
"""Default share of the shorter selection two coders' selections must have in common."""


@dataclass(frozen=True)
class Span:
    """One coder's selection of a source: characters ``start`` to ``end`` (end exclusive)."""

    start: int
    end: int
    coder: str
    key: str = ""  # what the report calls it (the selection's GUID)

    def __len__(self) -> int:
        return self.end - self.start


def overlap(a: Span, b: Span) -> int:
    """How many characters the two spans have in common."""
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def share(a: Span, b: Span) -> float:
    """The characters in common as a share of the shorter span (0 to 1)."""
    shorter = min(len(a), len(b))
    return overlap(a, b) / shorter if shorter > 0 else 0.0


@dataclass(frozen=True)
class Miss:
    """Two coders' overlapping selections left in different segments, and why."""

    first: Span
    second: Span
    overlap: int  # characters in common
    share: float  # of the shorter span
    below: bool  # True: under the threshold; False: each was aligned with a better partner

    def text(self, threshold: float) -> str:
        """The miss as the import reports it: which selections, whose, how much they overlap, why apart."""
        a, b = self.first, self.second
        why = (
            f"below the {threshold:.0%} needed"
            if self.below
            else "enough, but each went into a segment the other cannot join (it holds a selection of the"
            " same coder, or one they overlap by less)"
        )
        return (
            f"{b.coder}'s selection {b.start}-{b.end} and {a.coder}'s selection {a.key} {a.start}-{a.end} overlap"
            f" by {self.overlap} characters, {self.share:.0%} of the shorter: {why}; not aligned, so they are"
            " different segments"
        )


@dataclass(frozen=True)
class Alignment:
    """The segments (each a tuple of spans in input order) and the overlaps not aligned."""

    segments: tuple[tuple[Span, ...], ...]
    misses: tuple[Miss, ...]


def union(segment: Sequence[Span]) -> tuple[int, int]:
    """The characters a segment's quote spans: the earliest start to the latest end."""
    return min(s.start for s in segment), max(s.end for s in segment)


def align(spans: Sequence[Span], threshold: float = THRESHOLD) -> Alignment:
    """Group the spans of one source into segments (see the module's docstring for the rule).

    Segments come in the order of their first span in ``spans``; so do the spans within one."""
    if not 0 < threshold <= 1:
        raise ValueError(f"the alignment threshold is a share between 0 and 1 (e.g. 0.8), not {threshold}")
    group = list(range(len(spans)))  # the group each span belongs to, by the index of its first span
    members: dict[int, list[int]] = {i: [i] for i in range(len(spans))}
    pairs = [
        (share(a, b), overlap(a, b), i, j)
        for i, a in enumerate(spans)
        for j, b in enumerate(spans)
        if i < j and a.coder != b.coder and overlap(a, b) > 0
    ]
    pairs.sort(key=lambda p: (-p[0], -p[1], p[2], p[3]))
    for ratio, _, i, j in pairs:
        if ratio < threshold:
            break
        gi, gj = group[i], group[j]
        if gi == gj:
            continue
        left, right = members[gi], members[gj]
        if {spans[k].coder for k in left} & {spans[k].coder for k in right}:
            continue
        if any(share(spans[a], spans[b]) < threshold for a in left for b in right):
            continue
        keep, drop = min(gi, gj), max(gi, gj)
        members[keep] = sorted(left + right)
        for k in members.pop(drop):
            group[k] = keep
    segments = tuple(tuple(spans[k] for k in members[g]) for g in sorted(members))
    misses = tuple(
        Miss(spans[i], spans[j], size, ratio, ratio < threshold)
        for ratio, size, i, j in sorted(pairs, key=lambda p: (p[2], p[3]))
        if group[i] != group[j]
    )
    return Alignment(segments, misses)
