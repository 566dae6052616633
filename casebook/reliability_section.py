"""The coding page's "Reliability of the coding" section, in words and tables, from the
agreement of the coders (:mod:`casebook.reliability` computes it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import content
from .case import Case
from .table import SOFT, Table
from .wording import listed, number_word, plural

if TYPE_CHECKING:  # the computation (and krippendorff) is imported when the section is shown
    from .reliability import Reliability


def _decimal(value: float | None) -> str:
    """0.717, −0.222 (a true minus sign), or "–" where the measure is undefined."""
    return "–" if value is None else f"{value:.3f}".replace("-", "\u2212")


def coding_reliability(case: Case) -> content.Content:
    """The "Reliability of the coding" section: whether agreement can be computed and, if it
    can (two coders or more in ``codings.csv``), a reading in plain words, the table per code
    and overall (:mod:`casebook.reliability`), and the segments on which the coders differ."""
    from . import reliability as agreement  # deferred: krippendorff and numpy, for this section only

    result = agreement.reliability(case)
    if not result.computable:
        named = f"names one coder, {result.coders[0]}" if result.coders else "names no coder"
        return content.show(
            content.paragraph(
                content.strong("One coder: agreement cannot be computed."),
                " The case's ",
                content.code("codings.csv"),
                f" {named}: it holds a single coding of the quotes. Agreement needs a second coder who coded the"
                " same interviews, each of their codes in a row of its own with the coder's id.",
            )
        )
    return content.show(*_reading(result), _agreement_table(result).block(), *_disagreements(case, result))


def _reading(result: Reliability) -> list[content.Block]:
    from .reliability import SAMPLES  # deferred: as in coding_reliability

    overall, codes = result.overall, result.codes
    assert overall is not None, "a computable agreement has an overall one"
    n = len(result.segments)
    coders_ = listed(result.coders)
    left = (
        f" ({plural(len(result.left_out), 'segment')} coded in interviews that not every coder coded are left out)"
        if result.left_out
        else ""
    )
    kappa = f"Cohen's κ is {_decimal(overall.kappa)} and " if overall.kappa is not None else ""
    interval = f" (95\u00a0% interval {_interval(overall.interval)})" if overall.interval else ""
    first = (
        f"{number_word(len(result.coders)).capitalize()} coders, {coders_}, coded the same {plural(n, 'segment')}"
        f"{left}. Over the {plural(len(codes), 'code')} they applied there, they gave the same answer in"
        f" {overall.agreed} of {overall.decisions} yes-or-no decisions ({overall.percent:.1f}\u00a0%); {kappa}"
        f"Krippendorff's α is {_decimal(overall.alpha)}{interval}. Percent agreement counts a segment on which"
        " neither coder applied a code as agreement; κ and α discount the agreement chance alone would give, so a"
        " code applied rarely can show high agreement and a low α."
    )
    bands: dict[str, list[str]] = {"reliable": [], "tentative": [], "low": [], "none": []}
    for a in codes:
        reached = (
            "none" if a.alpha is None else "reliable" if a.alpha >= 0.8 else "tentative" if a.alpha >= 0.667 else "low"
        )
        bands[reached].append(a.label)

    def band(name: str, singular: str, plural: str) -> str:
        found = bands[name]
        count = "none" if not found else str(len(found))
        listed = f" ({', '.join(found)})" if found else ""
        return f"{count} {singular if len(found) <= 1 else plural}{listed}"

    parts = [
        f"{len(bands['reliable'])} of {plural(len(codes), 'code')} "
        + ("reaches" if len(bands["reliable"]) == 1 else "reach")
        + " 0.800"
        + (f" ({', '.join(bands['reliable'])})" if bands["reliable"] else ""),
        band("tentative", "lies between 0.667 and 0.800", "lie between 0.667 and 0.800"),
        band("low", "stays below 0.667", "stay below 0.667"),
    ]
    if bands["none"]:  # every coder applied the code to every segment: nothing varies, α is 0/0
        parts.append(
            f"for {len(bands['none'])} α cannot be computed, since every coder applied it to every segment"
            f" ({', '.join(bands['none'])})"
        )
    second = (
        "Krippendorff (Content Analysis, 2nd edition, 2004, p. 241) advises relying only on codes whose α is at"
        " least 0.800, and drawing only tentative conclusions from those between 0.667 and 0.800. Here "
        + "; ".join(parts)
        + "."
    )
    third = (
        f"Each interval comes from {SAMPLES:,} resamples of the {plural(n, 'segment')} compared, drawn with"
        " replacement from a fixed seed, so every build gives the same numbers. With few segments the intervals are"
        " wide; where the coders never disagreed on a code, no resample can disagree either, and its interval"
        " shrinks to a point: that shows too little data, not certainty."
    )
    return [content.paragraph(first), content.paragraph(second), content.paragraph(third)]


def _interval(interval: tuple[float, float] | None) -> str:
    return "–" if interval is None else f"{_decimal(interval[0])} to {_decimal(interval[1])}"


def _agreement_table(result: Reliability) -> Table:
    """Per code and for all codes: segments, how often each coder applied it, percent
    agreement, κ, and α with its interval."""
    assert result.overall is not None, "a computable agreement has an overall one"
    rows = []
    for a in (*result.codes, result.overall):
        interval = f" ({_interval(a.interval)})" if a.interval else ""
        rows.append(
            (
                a.label,
                str(a.segments),
                *(str(n) for n in a.applied),
                f"{a.percent:.1f}",
                _decimal(a.kappa),
                _decimal(a.alpha) + interval,
            )
        )
    applied = tuple(f"Applied by {c}" for c in result.coders)
    header = (
        "Code",
        "Segments",
        *applied,
        "Agreement (%)",
        "Cohen's κ",
        "Krippendorff's α (95\u00a0% interval)",
    )
    alpha = f"Krippen{SOFT}dorff's α (95\u00a0% interval)"
    shown = ("Code", f"Seg{SOFT}ments", *applied, f"Agree{SOFT}ment (%)", "Cohen's κ", alpha)
    widths = (24, 10, *(9 for _ in result.coders), 12, 10, 25)
    return Table("reliability", None, header, tuple(rows), widths, (), shown)


def _disagreements(case: Case, result: Reliability) -> list[content.Block]:
    """The segments on which the coders differ, with the quote, and the codes only some applied."""
    if not result.disagreements:
        return [content.paragraph("The coders applied the same codes to every segment compared.")]
    quotes = case.excerpts.set_index("id")["text"].astype(str).to_dict()
    by_segment: dict[str, list] = {}
    for d in result.disagreements:
        by_segment.setdefault(d.segment, []).append(d)
    two = len(result.coders) == 2
    rows = []
    for segment, found in by_segment.items():
        if two:
            only = [tuple(d.label for d in found if d.applied_by == (c,)) or "–" for c in result.coders]
        else:
            only = [tuple(f"{d.label} (by {', '.join(d.applied_by)})" for d in found)]
        rows.append((segment, found[0].interviewee, quotes[segment], *only))
    columns = [f"Only {c}" for c in result.coders] if two else ["Applied by some coders only"]
    header = ("Segment", "Interviewee", "Quote", *columns)
    widths = (9, 11, 44, *((36 // len(columns),) * len(columns)))
    count = f"{plural(len(result.disagreements), 'disagreement')} on {plural(len(rows), 'segment')}"
    return [
        content.paragraph(content.strong("Where the coders differ"), f": {count}, with the codes only one applied."),
        Table("reliability-disagreements", None, header, tuple(rows), widths).block(),
    ]
