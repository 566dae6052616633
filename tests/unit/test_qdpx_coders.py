"""Several coders in a REFI-QDA project (casebook.qdpx.align, .coders, import-qdpx): coders'
overlapping selections of a source become one segment when they share at least 80 % of the
shorter (identical, nested, 81 % yes; 79 % no; three coders; chains stop where a pair falls
short); the import writes one quote per segment with each coder's codes in rows of their own,
coders as c1, c2 by the order of <Users> (names only when asked), reports the overlaps it
could not align, and leaves a one-user project exactly as before."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from casebook import qdpx
from casebook.case import check
from casebook.cli import main
from casebook.qdpx.align import Span, align, share, union

# --- the alignment rule ---------------------------------------------------------------------


def spans(*triples: tuple[int, int, str]) -> list[Span]:
    return [Span(start, end, coder, f"s{i}") for i, (start, end, coder) in enumerate(triples)]


def keys(alignment) -> list[list[str]]:
    return [[s.key for s in segment] for segment in alignment.segments]


def test_identical_spans_of_two_coders_are_one_segment():
    result = align(spans((0, 50, "c1"), (0, 50, "c2")))
    assert keys(result) == [["s0", "s1"]] and result.misses == ()


def test_a_span_nested_in_another_coders_longer_span_is_shared_and_the_quote_is_the_longer():
    result = align(spans((0, 400, "c1"), (100, 150, "c2")))
    assert keys(result) == [["s0", "s1"]]
    assert union(result.segments[0]) == (0, 400)


@pytest.mark.parametrize(("common", "shared"), [(81, True), (80, True), (79, False)])
def test_the_threshold_is_80_percent_of_the_shorter_span(common, shared):
    """c1 selects 0-100; c2 selects 200 characters of which ``common`` lie in c1's span."""
    pair = spans((0, 100, "c1"), (100 - common, 300 - common, "c2"))
    assert share(*pair) == common / 100
    result = align(pair)
    assert (len(result.segments) == 1) is shared
    if not shared:
        (miss,) = result.misses
        assert (miss.overlap, miss.below) == (common, True)
        assert f"overlap by {common} characters, {common}% of the shorter: below the 80% needed" in miss.text(0.8)


def test_the_threshold_can_be_set():
    pair = spans((0, 100, "c1"), (30, 130, "c2"))  # 70 in common
    assert len(align(pair).segments) == 2
    assert len(align(pair, threshold=0.7).segments) == 1
    with pytest.raises(ValueError, match="between 0 and 1"):
        align(pair, threshold=80)


def test_three_coders_who_selected_nearly_the_same_are_one_segment_with_the_union_as_quote():
    result = align(spans((10, 110, "c1"), (12, 110, "c2"), (10, 115, "c3")))
    assert keys(result) == [["s0", "s1", "s2"]]
    assert union(result.segments[0]) == (10, 115)


def test_a_chain_stops_where_a_pair_falls_short_and_the_break_is_reported():
    """c1-c2 share 85 %, c2-c3 90 %, c1-c3 only 75 %: c2 joins c3 (the larger share), c1 stays
    alone; both of c1's overlaps are reported, one as enough but taken."""
    result = align(spans((0, 100, "c1"), (15, 115, "c2"), (25, 125, "c3")))
    assert keys(result) == [["s0"], ["s1", "s2"]]
    misses = {(m.first.key, m.second.key): m for m in result.misses}
    assert set(misses) == {("s0", "s1"), ("s0", "s2")}
    assert (misses["s0", "s1"].share, misses["s0", "s1"].below) == (0.85, False)
    assert "85% of the shorter: enough, but each went into a segment the other cannot join" in misses["s0", "s1"].text(
        0.8
    )
    assert (misses["s0", "s2"].share, misses["s0", "s2"].below) == (0.75, True)


def test_one_coders_selections_are_never_merged_and_each_coder_joins_a_segment_once():
    result = align(spans((0, 100, "c1"), (0, 100, "c1"), (0, 100, "c2")))
    assert keys(result) == [["s0", "s2"], ["s1"]]
    assert [(m.first.key, m.second.key, m.below) for m in result.misses] == [("s1", "s2", False)]


def test_spans_apart_are_segments_of_their_own_with_nothing_to_report():
    result = align(spans((0, 10, "c1"), (10, 20, "c2"), (30, 40, "c1")))
    assert keys(result) == [["s0"], ["s1"], ["s2"]] and result.misses == ()


# --- the import -----------------------------------------------------------------------------

TEXT = "We voted the budget in three weeks. Nobody asked the residents. The lab kept the sensors running."
G = "00000000-0000-4000-8000-{:012d}".format
USERS = {"ana": G(1), "ben": G(2)}
DRIVERS, TECHNICAL = G(10), G(11)


def selection(n: int, start: int, end: int, *codings: tuple[str, str]) -> str:
    body = "".join(
        f'<Coding guid="{G(100 + n * 10 + i)}" creatingUser="{USERS[user]}"><CodeRef targetGUID="{code}"/></Coding>'
        for i, (user, code) in enumerate(codings)
    )
    where = f'guid="{G(50 + n)}" startPosition="{start}" endPosition="{end}"'
    return f"<PlainTextSelection {where}>{body}</PlainTextSelection>"


def project(tmp_path: Path, selections: list[str], users: dict[str, str] = USERS) -> Path:
    listed = "".join(f'<User guid="{guid}" name="{name}"/>' for name, guid in users.items())
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="two coders" origin="a QDA tool">
 <Users>{listed}</Users>
 <CodeBook><Codes><Code guid="{DRIVERS}" name="Drivers" isCodable="true"/>
  <Code guid="{G(12)}" name="Institutional work" isCodable="false">
   <Code guid="{TECHNICAL}" name="Technical work" isCodable="true"/></Code></Codes></CodeBook>
 <Cases><Case guid="{G(20)}" name="Interviewee A"><SourceRef targetGUID="{G(30)}"/></Case></Cases>
 <Sources><TextSource guid="{G(30)}" name="interview" plainTextPath="internal://t.txt">{"".join(selections)}
 </TextSource></Sources></Project>"""
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", xml)
        z.writestr("sources/t.txt", TEXT)
    return path


def rows(folder: Path, name: str) -> list[list[str]]:
    return [line.split(",") for line in (folder / f"{name}.csv").read_text(encoding="utf-8").splitlines()]


def at(phrase: str, extra: int = 0) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase) + extra


def test_two_coders_selections_become_one_quote_with_each_coders_codes(tmp_path):
    """ana selects the first sentence; ben the same and the space after it (97 % of the shorter
    in common): one quote, their union; each coder's codes in rows of their own."""
    first = "We voted the budget in three weeks."
    path = project(
        tmp_path,
        [
            selection(1, *at(first), ("ana", DRIVERS), ("ana", TECHNICAL)),
            selection(2, *at(first, extra=1), ("ben", DRIVERS)),
            selection(3, *at("The lab kept the sensors running."), ("ben", TECHNICAL)),
        ],
    )
    report = qdpx.import_project(path, tmp_path / "case")
    folder = tmp_path / "case"
    assert (folder / "excerpts.csv").read_text(encoding="utf-8").splitlines() == [
        "id,interviewee,text",
        f"q01,A,{first} ",
        "q02,A,The lab kept the sensors running.",
    ]
    assert rows(folder, "codings") == [
        ["excerpt", "scheme", "code", "coder"],
        ["q01", "framework", "drivers", "c1"],
        ["q01", "work_type", "technical", "c1"],
        ["q01", "framework", "drivers", "c2"],
        ["q02", "work_type", "technical", "c2"],
    ]
    assert f"project.qde: User {USERS['ana']}: the user 'ana' is coder c1 in codings.csv" in report.notes
    assert any("2 coders: 1 segment(s) shared by two coders or more" in n for n in report.notes)


def test_an_overlap_too_small_to_align_is_reported_with_its_selections_coders_and_size(tmp_path):
    path = project(
        tmp_path,
        [
            selection(1, *at("Nobody asked the residents."), ("ana", DRIVERS)),
            selection(2, *at("the residents. The lab"), ("ben", DRIVERS)),
        ],
    )
    report = qdpx.import_project(path, tmp_path / "case")
    assert len(rows(tmp_path / "case", "excerpts")) == 3
    a, b = at("Nobody asked the residents."), at("the residents. The lab")
    common = a[1] - b[0]
    assert (
        f"project.qde: PlainTextSelection {G(52)}: in 'interview': c2's selection {b[0]}-{b[1]} and c1's selection"
        f" {G(51)} {a[0]}-{a[1]} overlap by {common} characters, {common / (b[1] - b[0]):.0%} of the shorter: below"
        " the 80% needed; not aligned, so they are different segments"
    ) in report.notes


def test_align_on_the_command_line_changes_the_threshold(tmp_path, capsys):
    path = project(
        tmp_path,
        [
            selection(1, *at("Nobody asked the residents."), ("ana", DRIVERS)),
            selection(2, *at("the residents. The lab"), ("ben", DRIVERS)),
        ],
    )
    assert main(["import-qdpx", str(path), str(tmp_path / "loose"), "--align", "0.5"]) == 0
    assert len(rows(tmp_path / "loose", "excerpts")) == 2
    with pytest.raises(SystemExit):
        main(["import-qdpx", str(path), str(tmp_path / "bad"), "--align", "80"])
    assert "'80' is no share between 0 and 1" in capsys.readouterr().err


def test_coders_are_named_only_when_asked_and_the_case_then_says_so(tmp_path):
    path = project(tmp_path, [selection(1, *at("Nobody asked the residents."), ("ana", DRIVERS), ("ben", DRIVERS))])
    qdpx.import_project(path, tmp_path / "named", named_coders=True)
    folder = tmp_path / "named"
    assert [row[3] for row in rows(folder, "codings")[1:]] == ["ana", "ben"]
    assert json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["named_coders"] is True
    assert not [p for p in check(folder)[1] if p.file.endswith("codings.csv")]


def test_ids_follow_the_order_of_users_whoever_coded_first(tmp_path):
    users = {"zoe": G(3), **USERS}  # zoe is listed first but coded nothing
    path = project(
        tmp_path, [selection(1, *at("Nobody asked the residents."), ("ben", DRIVERS), ("ana", DRIVERS))], users
    )
    qdpx.import_project(path, tmp_path / "case")
    assert [row[3] for row in rows(tmp_path / "case", "codings")[1:]] == ["c2", "c3"]  # ana, then ben


def test_a_project_coded_by_one_user_writes_no_coder_exactly_as_before(tmp_path):
    """Two users listed, one coded: no coder column filled, every selection its own quote
    (overlapping selections of one coder are not merged)."""
    path = project(
        tmp_path,
        [
            selection(1, *at("Nobody asked the residents."), ("ana", DRIVERS)),
            selection(2, *at("Nobody asked the residents.", extra=1), ("ana", TECHNICAL)),
        ],
    )
    report = qdpx.import_project(path, tmp_path / "case")
    assert rows(tmp_path / "case", "codings") == [
        ["excerpt", "scheme", "code", "coder"],
        ["q01", "framework", "drivers", ""],
        ["q02", "work_type", "technical", ""],
    ]
    assert not any("coder" in n for n in report.notes)
    assert "named_coders" not in json.loads((tmp_path / "case" / "datapackage.json").read_text(encoding="utf-8"))


def test_the_user_of_a_selection_codes_its_codings_that_name_none(tmp_path):
    """MAXQDA-style: the selection carries creatingUser, its codings do not; a coding that names
    no user at all, in a project of several coders, is left out and reported."""
    first, second = at("Nobody asked the residents."), at("The lab kept the sensors running.")
    path = project(
        tmp_path,
        [
            f'<PlainTextSelection guid="{G(51)}" startPosition="{first[0]}" endPosition="{first[1]}"'
            f' creatingUser="{USERS["ben"]}"><Coding guid="{G(61)}"><CodeRef targetGUID="{DRIVERS}"/></Coding>'
            "</PlainTextSelection>",
            selection(2, *first, ("ana", DRIVERS)),
            f'<PlainTextSelection guid="{G(53)}" startPosition="{second[0]}" endPosition="{second[1]}">'
            f'<Coding guid="{G(63)}"><CodeRef targetGUID="{TECHNICAL}"/></Coding></PlainTextSelection>',
        ],
    )
    report = qdpx.import_project(path, tmp_path / "case")
    assert rows(tmp_path / "case", "codings")[1:] == [
        ["q01", "framework", "drivers", "c1"],
        ["q01", "framework", "drivers", "c2"],
    ]
    assert report.left_out == [
        f"project.qde: PlainTextSelection {G(53)}: in 'interview': 1 coding(s) name no creatingUser, in a project"
        " of several coders; left out (whose coding it is decides the agreement)"
    ]
