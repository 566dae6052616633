"""Would a second coder have coded the case the same way? Agreement between coders, per code.

``codings.csv`` names the coder of each row (``coder``) when two or more coders coded the
case. Every code a coder applies is a yes-or-no decision about one segment (a row of
``excerpts.csv``): was this code present? Two coders agree on a segment and a code when
both applied it or both did not. A coder *saw* a segment when they coded anything in the
same interview (a coder works through whole transcripts: a code they did not apply there
is a "no", not a gap), and the segments compared are those, coded by at least one coder,
in interviews every coder coded. Codes no coder applied to those segments are left out:
their agreement would be perfect and uninformative.

Per code, and overall (every compared segment and code, pooled): the number of segments,
percent agreement, Cohen's κ (two coders; :func:`cohen_kappa`) and Krippendorff's α
(nominal; computed by the ``krippendorff`` package) with a 95 % bootstrap interval
(segments resampled with replacement, seeded: the same numbers on every run).
Nothing here writes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np

from .case import Case
from .case.schema import WORK_TYPE_LABELS, WORK_TYPES

SAMPLES = 1000
"""Bootstrap resamples behind each interval."""
SEED = 20240
"""Seed of the bootstrap: the intervals are the same on every run."""
SCHEMES = ("framework", "work_type", "actor")
"""The code books, in the order the book presents them."""


@dataclass(frozen=True)
class Agreement:
    """How far the coders agree on one code (or, with ``code`` None, on all codes pooled)."""

    scheme: str | None
    code: str | None
    label: str
    segments: int  # segments compared
    decisions: int  # yes-or-no decisions each coder made: segments, or segments x codes overall
    agreed: int  # decisions on which every coder gave the same answer
    applied: tuple[int, ...]  # how many times each coder applied the code (coder order)
    kappa: float | None  # Cohen's kappa; None with more than two coders or when undefined
    alpha: float | None  # Krippendorff's alpha (nominal); None when undefined
    interval: tuple[float, float] | None  # 95 % bootstrap interval of alpha

    @property
    def percent(self) -> float:
        """Percent agreement: the share of decisions on which the coders agree, times 100."""
        return 100 * self.agreed / self.decisions if self.decisions else float("nan")


@dataclass(frozen=True)
class Disagreement:
    """A segment and a code on which the coders differ: who applied it, who did not."""

    segment: str
    interviewee: str
    scheme: str
    code: str
    label: str
    applied_by: tuple[str, ...]
    not_by: tuple[str, ...]


@dataclass(frozen=True)
class Reliability:
    """The agreement of the coders of a case, per code and overall."""

    coders: tuple[str, ...]  # the coders named in codings.csv, in order of first appearance
    segments: tuple[str, ...]  # the segments compared
    left_out: tuple[str, ...]  # segments coded in an interview that not every coder coded
    codes: tuple[Agreement, ...]
    overall: Agreement | None
    disagreements: tuple[Disagreement, ...]

    @property
    def computable(self) -> bool:
        """False for a case with one coder (or none named): agreement cannot be computed."""
        return len(self.coders) >= 2 and bool(self.segments)


def coders(case: Case) -> tuple[str, ...]:
    """The coders named in ``codings.csv``, in the order they first appear (empty: none named)."""
    named = case.codings["coder"].dropna()
    return tuple(dict.fromkeys(str(c) for c in named))


def cohen_kappa(first: Sequence[object], second: Sequence[object]) -> float | None:
    """Cohen's κ of two coders' answers about the same units (any nominal values):
    (observed agreement − agreement expected from each coder's own proportions) divided by
    (1 − expected agreement). None when the expected agreement is 1 (both coders gave one
    and the same answer throughout), where κ is undefined."""
    if len(first) != len(second):
        raise ValueError("the two coders must answer about the same units")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    values = set(first) | set(second)
    expected = sum((list(first).count(v) / n) * (list(second).count(v) / n) for v in values)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def nominal_alpha(matrix: np.ndarray) -> float | None:
    """Krippendorff's α (nominal) of a coders x units matrix of 0/1 answers, by the
    ``krippendorff`` package; None where it is undefined (no variation at all)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = float(krippendorff.alpha(reliability_data=matrix, value_domain=[0, 1], level_of_measurement="nominal"))
    return None if np.isnan(value) else value


def bootstrap_interval(
    matrix: np.ndarray, groups: int, samples: int = SAMPLES, seed: int = SEED
) -> tuple[float, float] | None:
    """95 % percentile interval of α over ``samples`` resamples of the segments, drawn with
    replacement: ``matrix`` is coders x (segments x codes), ``groups`` codes per segment
    (1 for one code), so a resampled segment brings all its decisions along. Resamples in
    which α is undefined (everyone gave one answer throughout) are skipped."""
    rng = np.random.default_rng(seed)
    coders_, width = matrix.shape
    segments = width // groups
    blocks = matrix.reshape(coders_, segments, groups)
    values = []
    for _ in range(samples):
        picked = blocks[:, rng.integers(0, segments, segments), :].reshape(coders_, width)
        value = nominal_alpha(picked)
        if value is not None:
            values.append(value)
    if not values:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def _labels(case: Case) -> dict[tuple[str, str], str]:
    labels = {("framework", str(r.id)): str(r.label) for r in case.framework.itertuples()}
    labels.update({("work_type", t): WORK_TYPE_LABELS[t] for t in WORK_TYPES})
    labels.update({("actor", str(r.id)): str(r.label) for r in case.actors.itertuples()})
    return labels


def _code_order(case: Case) -> dict[tuple[str, str], int]:
    """Codes in the order of the code book: framework elements, types of work, actor groups."""
    order: list[tuple[str, str]] = []
    order += [("framework", str(i)) for i in case.framework.sort_values("order", kind="stable")["id"]]
    order += [("work_type", t) for t in WORK_TYPES]
    order += [("actor", str(i)) for i in case.actors.sort_values("order", kind="stable")["id"]]
    return {key: i for i, key in enumerate(order)}


def _agreement(
    matrix: np.ndarray, groups: int, scheme: str | None, code: str | None, label: str, samples: int, seed: int
) -> Agreement:
    agreed = int((matrix == matrix[0]).all(axis=0).sum())
    kappa = cohen_kappa(list(matrix[0]), list(matrix[1])) if len(matrix) == 2 else None
    alpha = nominal_alpha(matrix)
    return Agreement(
        scheme,
        code,
        label,
        matrix.shape[1] // groups,
        matrix.shape[1],
        agreed,
        tuple(int(row.sum()) for row in matrix),
        kappa,
        alpha,
        bootstrap_interval(matrix, groups, samples, seed) if alpha is not None else None,
    )


def reliability(case: Case, samples: int = SAMPLES, seed: int = SEED) -> Reliability:
    """The coders' agreement on the case's codings (see the module's docstring for the rules)."""
    names = coders(case)
    if len(names) < 2:
        return Reliability(names, (), (), (), None, ())
    speaker = case.excerpts.set_index("id")["interviewee"].astype(str).to_dict()
    codings = case.codings.dropna(subset=["coder"])
    rows = [(str(r.excerpt), str(r.scheme), str(r.code), str(r.coder)) for r in codings.itertuples()]
    read = {c: {speaker[e] for e, _, _, who in rows if who == c} for c in names}
    shared = set.intersection(*read.values())
    coded = list(dict.fromkeys(e for e, _, _, _ in rows))  # in the order of codings.csv
    order = {e: i for i, e in enumerate(case.excerpts["id"].astype(str))}
    segments = tuple(sorted((e for e in coded if speaker[e] in shared), key=order.__getitem__))
    left_out = tuple(sorted((e for e in coded if speaker[e] not in shared), key=order.__getitem__))
    compared = set(segments)
    applied = {(e, s, k, c) for e, s, k, c in rows if e in compared}
    rank = _code_order(case)
    codes = sorted({(s, k) for _, s, k, _ in applied}, key=lambda key: rank.get(key, len(rank)))
    labels = _labels(case)

    def answers(scheme: str, code: str) -> np.ndarray:
        return np.array([[float((e, scheme, code, c) in applied) for e in segments] for c in names])

    per_code, disagreements = [], []
    for scheme, code in codes:
        matrix = answers(scheme, code)
        per_code.append(_agreement(matrix, 1, scheme, code, labels[scheme, code], samples, seed))
        for i, segment in enumerate(segments):
            yes = tuple(c for j, c in enumerate(names) if matrix[j, i])
            if 0 < len(yes) < len(names):
                no = tuple(c for c in names if c not in yes)
                label = labels[scheme, code]
                disagreements.append(Disagreement(segment, speaker[segment], scheme, code, label, yes, no))
    overall = None
    if codes:  # segment by segment, every code of the segment side by side: resampled together
        pooled = np.stack([answers(s, k) for s, k in codes], axis=2).reshape(len(names), -1)
        overall = _agreement(pooled, len(codes), None, None, "All codes", samples, seed)
    disagreements.sort(key=lambda d: (order[d.segment], rank.get((d.scheme, d.code), len(rank))))
    return Reliability(names, segments, left_out, tuple(per_code), overall, tuple(disagreements))


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def interval_text(interval: tuple[float, float] | None) -> str:
    """An interval as printed: "0.533 to 0.883" ("–" when there is none)."""
    return "–" if interval is None else f"{interval[0]:.3f} to {interval[1]:.3f}"


def lines(result: Reliability, where: str) -> list[str]:
    """The report ``python -m casebook reliability`` prints, line by line."""
    if len(result.coders) < 2:
        named = f"codings.csv names one coder, {result.coders[0]}" if result.coders else "codings.csv names no coder"
        return [f"{where}: one coder: agreement cannot be computed ({named})."]
    if not result.segments:
        return [f"{where}: {len(result.coders)} coders, but no interview was coded by all of them: nothing to compare."]
    out = [
        f"{where}: {len(result.coders)} coders ({', '.join(result.coders)}); {len(result.segments)} segments compared"
        " (coded by at least one coder, in interviews every coder coded)."
    ]
    if result.left_out:
        out.append(f"Not compared (their interview was not coded by every coder): {', '.join(result.left_out)}.")
    width = max(len(a.label) for a in (*result.codes, result.overall) if a)
    applied = "  ".join(f"{c:>5}" for c in result.coders)
    out += ["", f"{'code':<{width}}  segments  {applied}  agreement  kappa   alpha   alpha 95% interval"]
    for a in (*result.codes, result.overall):
        if a is None:
            continue
        counts = "  ".join(f"{n:>5}" for n in a.applied)
        out.append(
            f"{a.label:<{width}}  {a.segments:>8}  {counts}  {a.percent:>7.1f} %  {_number(a.kappa):>6}  "
            f"{_number(a.alpha):>6}  {interval_text(a.interval)}"
        )
    out.append(f"(columns {', '.join(result.coders)}: how many segments each coder applied the code to)")
    out += ["", f"Disagreements ({len(result.disagreements)}):" if result.disagreements else "No disagreements."]
    for d in result.disagreements:
        out.append(
            f"  {d.segment} ({d.interviewee})  {d.label}: applied by {', '.join(d.applied_by)}, "
            f"not by {', '.join(d.not_by)}"
        )
    return out
