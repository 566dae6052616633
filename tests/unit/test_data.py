"""The coded case: valid as shipped, faithful to the article, and every bad input rejected
with a message that names file, row and column."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import casebook
from casebook.case import schema
from casebook.case.dictionary import markdown
from conftest import DATA, ROOT, row_of, set_cell


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in casebook.check(folder)[1]]


def only_problem(folder: Path) -> str:
    found = problems_of(folder)
    assert len(found) == 1, found
    return found[0]


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# --- the shipped data --------------------------------------------------------------


def test_shipped_case_has_no_problems():
    assert problems_of(DATA) == []


def test_frictionless_also_finds_the_data_package_valid():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_data_descriptor_uses_the_package_schema():
    own = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert own["resources"] == schema.descriptor()["resources"]


def test_data_dictionary_is_generated_from_the_schema():
    info = casebook.case.about(DATA)
    assert (DATA / "README.md").read_text(encoding="utf-8") == markdown(info.title, info.description), (
        "data/README.md is stale: run `python -m casebook dictionary > data/README.md`"
    )


def test_case_matches_the_article_counts():
    case = casebook.load(DATA)
    assert list(case.interviewees["id"]) == list("ABCDEFGHI")
    assert len(case.actors) == 4  # rows of Table 1
    assert len(case.institutional_work) == 11  # bullets of Table 1
    assert len(case.findings) == 15  # bullets of Table 3
    assert len(case.excerpts) == 12 and len(case.excerpt_uses) == 13  # one quote used twice
    assert len(case.interview_outline) == 9
    assert set(case.institutional_work["work_type"]) == {"political", "technical", "cultural"}


def test_quote_used_twice_is_stored_once():
    case = casebook.load(DATA)
    uses = case.excerpt_uses.groupby("excerpt")["section"].apply(set)
    assert uses["q07"] == {"motivation-and-capacity", "institutional-work"}
    assert case.excerpts["text"].is_unique


def test_quotes_are_verbatim_in_the_source_article(tmp_path):
    seed = ROOT.parent / "shared" / "seed" / "000_457fc1adedf36b99.txt"
    if not seed.exists():
        pytest.skip("the source article (../shared/seed) is not beside the project")
    text = " ".join(seed.read_text(encoding="utf-8").split())
    for quote in casebook.load(DATA).excerpts["text"]:
        assert quote in text, quote


def test_study_facts_read_as_their_types():
    case = casebook.load(DATA)
    assert case.fact("interview_mean_minutes") == 70
    assert case.fact_text("master_plan_people") == "more than 300"
    assert case.fact_text("interview_first_month") == "March 2017"


# --- the loader is read-only ---------------------------------------------------------


def test_tables_handed_out_cannot_change_the_case():
    case = casebook.load(DATA)
    actors = case.actors
    actors.loc[0, "label"] = "changed"
    assert case.actors.loc[0, "label"] != "changed"


def test_loading_valid_and_invalid_data_never_writes_the_folder(case_copy):
    before = digest(DATA)
    casebook.load(DATA)
    assert digest(DATA) == before
    set_cell(case_copy, "actors.csv", 2, "level", "galactic")
    broken = digest(case_copy)
    with pytest.raises(casebook.CaseError):
        casebook.load(case_copy)
    assert digest(case_copy) == broken


# --- bad input: each names file, row and column ----------------------------------------


def test_missing_file_is_named(case_copy):
    (case_copy / "findings.csv").unlink()
    message = problems_of(case_copy)[0]
    assert message.startswith(f"{case_copy / 'findings.csv'}:-:-: file is missing")


def test_renamed_column_names_file_row_and_column(case_copy):
    path = case_copy / "actors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("label,level", "lable,level", 1), encoding="utf-8")
    found = problems_of(case_copy)
    assert f"{path}:1:lable: unknown column (did you mean 'label'?)" in found[0]
    assert any(p.startswith(f"{path}:1:label: column is missing") for p in found)


def test_empty_required_cell_is_reported(case_copy):
    set_cell(case_copy, "findings.csv", 3, "text", "")
    assert only_problem(case_copy) == f"{case_copy / 'findings.csv'}:3:text: is empty, but a value is required"


def test_unknown_work_type_names_file_row_and_column(case_copy):
    set_cell(case_copy, "institutional_work.csv", 4, "work_type", "politcal")
    found = problems_of(case_copy)
    assert found[0].startswith(f"{case_copy / 'institutional_work.csv'}:4:work_type: 'politcal' is not allowed")
    assert "did you mean 'political'?" in found[0] and "political, technical, cultural" in found[0]


def test_unknown_framework_element_in_a_finding(case_copy):
    set_cell(case_copy, "findings.csv", 2, "element", "system-contxt")
    message = only_problem(case_copy)
    assert message.startswith(f"{case_copy / 'findings.csv'}:2:element: 'system-contxt' is not an id in framework.csv")


def test_activity_whose_actor_does_not_exist(case_copy):
    set_cell(case_copy, "institutional_work.csv", 2, "actor", "mayor")
    found = problems_of(case_copy)
    assert any(
        p.startswith(f"{case_copy / 'institutional_work.csv'}:2:actor: 'mayor' is not an id in actors.csv")
        for p in found
    )


def test_quote_whose_interviewee_does_not_exist(case_copy):
    set_cell(case_copy, "excerpts.csv", 2, "interviewee", "Z")
    message = only_problem(case_copy)
    assert message.startswith(f"{case_copy / 'excerpts.csv'}:2:interviewee: 'Z' is not an id in interviewees.csv")


def test_duplicate_id_points_at_both_rows(case_copy):
    set_cell(case_copy, "findings.csv", 4, "id", "f01")
    found = problems_of(case_copy)
    assert f"{case_copy / 'findings.csv'}:4:id: duplicate id 'f01'; first used in row 2" in found


def test_cyrillic_lookalike_letter_in_an_id(case_copy):
    set_cell(case_copy, "interviewees.csv", 3, "id", "\u0412")  # Cyrillic VE looks like B
    found = problems_of(case_copy)
    assert found[0].startswith(f"{case_copy / 'interviewees.csv'}:3:id: contains the Cyrillic letter 'В' (U+0412)")
    assert "looks like Latin 'B'" in found[0]


def test_greek_lookalike_letter_inside_latin_text(case_copy):
    set_cell(case_copy, "actors.csv", 3, "label", "L\u03bfcal government – politicians")  # Greek omicron
    message = only_problem(case_copy)
    assert message.startswith(f"{case_copy / 'actors.csv'}:3:label: contains a word that mixes scripts: 'Lοcal'")
    assert "Greek 'ο' (U+03BF, which looks like Latin 'o')" in message


def test_cyrillic_letter_inside_a_latin_word_of_a_quote_names_file_row_and_column(case_copy):
    row = row_of(case_copy, "excerpts.csv", "id", "q11")
    set_cell(case_copy, "excerpts.csv", row, "text", "There is a lot of rh\u0435toric")  # Cyrillic ie
    message = only_problem(case_copy)
    where = f"{case_copy / 'excerpts.csv'}:{row}:text"
    assert message.startswith(f"{where}: contains a word that mixes scripts: 'rhеtoric'")


def test_greek_word_in_an_english_quote_is_welcome(case_copy):
    set_cell(case_copy, "excerpts.csv", 2, "text", "We looked to the Δήμος of Athens, and to its τεχνολογία too")
    assert problems_of(case_copy) == []


def test_text_in_another_script_is_not_a_homoglyph(case_copy):
    set_cell(case_copy, "excerpts.csv", 2, "text", "Мы смотрим на Европу")
    # Han, Hiragana and Katakana share words in Japanese
    set_cell(case_copy, "excerpts.csv", 3, "text", "スマートシティの意味は何ですか")
    set_cell(case_copy, "excerpts.csv", 4, "text", "نمی\u200cخواهم")  # Persian needs its zero-width non-joiner
    assert problems_of(case_copy) == []


@pytest.mark.parametrize("column", ["id", "label"])
def test_right_to_left_override_in_an_id_or_label_names_file_row_and_column(case_copy, column):
    row = row_of(case_copy, "actors.csv", "id", "managers")
    set_cell(case_copy, "actors.csv", row, column, "managers\u202e" if column == "id" else "Local\u202egovernment")
    found = problems_of(case_copy)
    assert found[0].startswith(
        f"{case_copy / 'actors.csv'}:{row}:{column}: contains an invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)"
    )


@pytest.mark.parametrize("char", ["\u2066", "\u061c", "\u200b", "\ufeff"])
def test_every_format_character_is_refused_in_a_label(case_copy, char):
    set_cell(case_copy, "interviewees.csv", 2, "role", f"Manager{char} - Smart City Unit")
    assert f"2:role: contains an invisible character U+{ord(char):04X}" in only_problem(case_copy)


def test_bidi_override_in_a_quote_is_refused_but_direction_marks_pass(case_copy):
    set_cell(case_copy, "excerpts.csv", 2, "text", "an \u202eoverride")
    assert "2:text: contains an invisible character U+202E" in only_problem(case_copy)
    set_cell(case_copy, "excerpts.csv", 2, "text", "شهر هوشمند\u200f (smart city)")  # right-to-left mark
    assert problems_of(case_copy) == []


def test_stray_whitespace_is_reported_not_stripped(case_copy):
    set_cell(case_copy, "actors.csv", 2, "label", "European Commission and central government ")
    message = only_problem(case_copy)
    assert message == f"{case_copy / 'actors.csv'}:2:label: has spaces or line breaks at the start or end; remove them"


def test_invisible_character_is_reported(case_copy):
    set_cell(case_copy, "findings.csv", 2, "note", "policy/legal\u200bframework")
    assert "2:note: contains an invisible character U+200B" in only_problem(case_copy)


def test_file_that_is_not_utf8_names_row_and_column(case_copy):
    path = case_copy / "timeline.csv"
    line = row_of(case_copy, "timeline.csv", "id", "covenant-signed")
    text = path.read_text(encoding="utf-8").replace("Covenant of Mayors", "Covenant of Mayors é")
    path.write_bytes(text.encode("latin-1"))
    message = only_problem(case_copy)
    assert message.startswith(f"{path}:{line}:event: is not UTF-8 text (byte 0xe9")


def test_empty_file_is_reported(case_copy):
    (case_copy / "codings.csv").write_text("", encoding="utf-8")
    message = problems_of(case_copy)[0]
    assert message.startswith(f"{case_copy / 'codings.csv'}:1:-: file is empty; it needs at least the header row")


def test_row_with_too_many_cells(case_copy):
    path = case_copy / "interview_outline.csv"
    path.write_text(path.read_text(encoding="utf-8") + "10,Extra topic,stray\n", encoding="utf-8")
    assert only_problem(case_copy) == f"{path}:11:-: row has 3 cells but the header has 2 columns"


def test_quote_with_markup_is_accepted_and_kept_verbatim(case_copy):
    text = "<script>alert('x')</script> *bold* | pipe {cite}`x` $1"
    set_cell(case_copy, "excerpts.csv", 2, "text", text)
    case = casebook.load(case_copy)
    assert case.excerpts.loc[0, "text"] == text


def test_relation_pointing_nowhere(case_copy):
    set_cell(case_copy, "relations.csv", 2, "target", "citizens")
    message = only_problem(case_copy)
    assert message.startswith(
        f"{case_copy / 'relations.csv'}:2:target: 'citizens' is not an id in actors.csv or framework.csv"
    )


def test_activity_on_an_arrow_of_another_work_type(case_copy):
    set_cell(case_copy, "institutional_work.csv", 2, "relation", "eu-cultural")
    message = only_problem(case_copy)
    assert message.startswith(
        f"{case_copy / 'institutional_work.csv'}:2:work_type: 'political' differs from the work_type"
    )


def test_finding_without_evidence_is_an_error(case_copy):
    path = case_copy / "evidence.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("finding,f05,")), encoding="utf-8")
    message = only_problem(case_copy)
    assert message.startswith(f"{case_copy / 'findings.csv'}:6:id: finding 'f05' has no evidence")


def test_synthesis_needs_a_note(case_copy):
    line = next(
        n
        for n, text in enumerate((case_copy / "evidence.csv").read_text().splitlines(), start=1)
        if ",synthesis," in text
    )
    set_cell(case_copy, "evidence.csv", line, "note", "")
    assert only_problem(case_copy).startswith(f"{case_copy / 'evidence.csv'}:{line}:note: is empty, but a synthesis")


def test_partial_support_needs_a_note_naming_file_row_and_column(case_copy):
    """Evidence that bears out only part of its claim must say which part: the note is what the
    reader of the claim's entry and of its marker's panel is told."""
    line = row_of(case_copy, "evidence.csv", "support", "partial")
    set_cell(case_copy, "evidence.csv", line, "note", "")
    message = only_problem(case_copy)
    expected = f"{case_copy / 'evidence.csv'}:{line}:note: is empty, but evidence with support 'partial'"
    assert message.startswith(expected)
    set_cell(case_copy, "evidence.csv", line, "support", "full")
    assert problems_of(case_copy) == []  # full support needs no note


def test_support_is_full_or_partial(case_copy):
    set_cell(case_copy, "evidence.csv", 2, "support", "mostly")
    assert only_problem(case_copy).startswith(f"{case_copy / 'evidence.csv'}:2:support:")


def test_unknown_code_in_codings(case_copy):
    set_cell(case_copy, "codings.csv", 2, "code", "trust")
    assert only_problem(case_copy).startswith(
        f"{case_copy / 'codings.csv'}:2:code: 'trust' is not an id in framework.csv"
    )


def test_fact_value_that_does_not_match_its_type(case_copy):
    line = row_of(case_copy, "facts.csv", "key", "interview_mean_minutes")
    set_cell(case_copy, "facts.csv", line, "value", "about 70")
    assert only_problem(case_copy).startswith(
        f"{case_copy / 'facts.csv'}:{line}:value: 'about 70' is not a whole number"
    )


def test_descriptor_that_drifts_from_the_schema(case_copy):
    path = case_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][2]["constraints"]["enum"].append("planetary")
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert only_problem(case_copy).startswith(f"{path}:-:resources: describes 'actors' differently")


def test_every_problem_is_listed_not_just_the_first(case_copy):
    set_cell(case_copy, "actors.csv", 2, "level", "galactic")
    set_cell(case_copy, "findings.csv", 3, "order", "three")
    with pytest.raises(casebook.CaseError) as error:
        casebook.load(case_copy)
    assert len(error.value.problems) == 2
    assert "actors.csv:2:level" in str(error.value) and "findings.csv:3:order" in str(error.value)


# --- the command line ------------------------------------------------------------------


def run_check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casebook", "check", str(folder)], capture_output=True, text=True, cwd=ROOT
    )


def test_check_command_passes_on_the_shipped_case():
    result = run_check(DATA)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_check_command_fails_and_prints_file_row_column(case_copy):
    set_cell(case_copy, "actors.csv", 3, "sector", "pubic")
    result = run_check(case_copy)
    assert result.returncode == 1
    assert f"{case_copy / 'actors.csv'}:3:sector: 'pubic' is not allowed (did you mean 'public'?)" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_command_on_a_folder_that_does_not_exist(tmp_path):
    result = run_check(tmp_path / "nowhere")
    assert result.returncode == 1 and "is not a folder" in result.stdout


# --- each problem names the rule it breaks -------------------------------------------------


def codes_of(folder: Path) -> list[str]:
    return [p.code for p in casebook.check(folder)[1]]


def test_each_problem_carries_the_code_of_the_rule_it_breaks(case_copy):
    """Tools and tests can match a problem by its code, whatever its wording."""
    set_cell(case_copy, "actors.csv", 2, "level", "galactic")
    set_cell(case_copy, "excerpts.csv", 2, "interviewee", "Z")
    set_cell(case_copy, "relations.csv", 2, "target", "citizens")
    line = row_of(case_copy, "facts.csv", "key", "interview_mean_minutes")
    set_cell(case_copy, "facts.csv", line, "value", "about 70")
    assert codes_of(case_copy) == ["enum", "foreign-key", "arrow-target", "fact-value-type"]
    (case_copy / "findings.csv").unlink()
    assert "missing-file" in codes_of(case_copy)


def test_the_data_dictionary_lists_every_rule_that_is_checked():
    from casebook.case.rules import RULES

    text = " ".join(markdown("A case").split())
    assert len({r.code for r in RULES}) == len(RULES) >= 10
    for each in RULES:
        assert "\n" not in each.description and f"- {each.description}" in text


def test_the_schema_descriptor_is_the_callers_own(tmp_path):
    """init and import-qdpx name their new case in the descriptor they are given: the next
    caller in the same process still gets the descriptor as shipped."""
    from casebook import newcase

    shipped = schema.descriptor()
    mine = schema.descriptor()
    mine["name"] = "another-case"
    mine["resources"].clear()
    newcase.create(tmp_path / "new-case")
    assert schema.descriptor() == shipped and shipped.get("name") != "another-case" and shipped["resources"]


def test_the_case_keeps_the_line_each_row_was_read_from(case_copy):
    """So that a check after loading points at file:line:column without reading the file again."""
    path = case_copy / "passages.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\n", "\n\n", 2), encoding="utf-8")  # blank lines
    case = casebook.load(case_copy)
    ids = list(case.passages["id"])
    starts = {line.split(",", 1)[0]: n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)}
    assert case.path("passages") == path
    assert list(case.lines("passages")) == [starts[i] for i in ids]
    assert case.lines("passages")[0] == 3  # after the header and a blank line


def test_the_makefile_names_files_as_the_package_does_for_a_case_without_a_name(case_copy, capsys):
    from casebook.cli import main

    descriptor = json.loads((case_copy / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["name"]
    (case_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for option, expected in ((), "case"), (("--file", "qdpx"), "case.qdpx"), (("--file", "pdf"), "case.pdf"):
        assert main(["name", str(case_copy), *option]) == 0
        assert capsys.readouterr().out == f"{expected}\n"  # the folder's name, as the pages link them
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-m casebook name $(CASE) --file pdf" in makefile and "json.load" not in makefile
