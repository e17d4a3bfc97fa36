"""The shipped guideline data against the source text and the counts in docs/CLINICAL.md.

The counts below were made by hand from the source file (one "Anbefalinger" block at a time),
so a change in the extractor that changes the data makes these tests fail.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "guidelines" / "data"
SOURCE_FILE = DATA_DIR / "source" / "retningslinje-avrusning-2014.txt"

GUIDELINE: dict[str, Any] = json.loads((DATA_DIR / "guideline.json").read_text(encoding="utf-8"))
UNITS: dict[str, Any] = json.loads((DATA_DIR / "detox_units.json").read_text(encoding="utf-8"))
SOURCE = SOURCE_FILE.read_text(encoding="utf-8")
SOURCE_LINE_COUNT = len(SOURCE.splitlines())

RECOMMENDATIONS: list[dict[str, Any]] = GUIDELINE["recommendations"]
BY_REF = {rec["ref"]: rec for rec in RECOMMENDATIONS}

# Every block, in document order: (section, block, number of recommendations, heading line).
BLOCKS = [
    ("3.2.1", 1, 3, 970),
    ("3.2.2", 1, 3, 1034),
    ("3.3", 1, 3, 1092),
    ("3.4", 1, 3, 1196),
    ("4.1", 1, 3, 1358),
    ("4.2", 1, 7, 1420),
    ("5.4", 1, 5, 1833),
    ("6.1.1", 1, 2, 1974),
    ("6.1.3", 1, 2, 2197),
    ("6.1.4", 1, 1, 2250),
    ("6.1.5", 1, 3, 2349),
    ("6.2.2", 1, 2, 2513),
    ("6.2.2", 2, 3, 2639),
    ("6.2.3", 1, 3, 2724),
    ("6.3.2", 1, 1, 2866),
    ("6.4.1", 1, 2, 2959),
    ("7.1", 1, 1, 2984),
    ("7.2", 1, 4, 3155),
    ("7.3", 1, 3, 3414),
    ("8.3.2", 1, 4, 3805),
    ("8.3.3", 1, 1, 3874),
    ("8.4.1", 1, 3, 3899),
    ("8.4.3", 1, 3, 4061),
    ("8.4.4", 1, 3, 4094),
    ("8.4.5", 1, 2, 4135),
    ("8.4.6", 1, 3, 4198),
    ("8.5.1", 1, 2, 4338),
    ("9.3.1", 1, 3, 4574),
    ("9.3.2", 1, 2, 4635),
    ("9.4", 1, 2, 4684),
    ("10.3", 1, 3, 4892),
    ("10.4.1", 1, 2, 5013),
    ("10.4.2", 1, 2, 5078),
    ("10.5", 1, 3, 5204),
    ("10.7", 1, 2, 5298),
    ("11.2", 1, 2, 5428),
    ("11.5", 1, 2, 5600),
    ("12", 1, 7, 5710),
    ("13.1", 1, 10, 5914),
]

CHAPTER_COUNTS = {
    "3": 12,
    "4": 10,
    "5": 5,
    "6": 19,
    "7": 8,
    "8": 21,
    "9": 7,
    "10": 12,
    "11": 4,
    "12": 7,
    "13": 10,
}

# The recommendations docs/CLINICAL.md builds rules on, with the grade it states (None where
# it states none).
CLINICAL_REFS = {
    "3.2.1-2": None,
    "3.2.1-3": None,
    "3.2.2-1": None,
    "4.1-1": "A",
    "4.1-2": "A",
    "4.1-3": "A",
    "4.2-3": None,
    "4.2-7": None,
    "6.4.1-1": None,
    "6.4.1-2": None,
    "8.3.2-1": None,
    "8.3.2-4": "B",
    "8.3.3-1": "B",
    "8.4.1-1": "B",
    "8.4.1-2": "B",
    "8.4.3-1": "A",
    "8.4.3-2": "A",
    "8.4.3-3": "A",
    "8.4.5-1": "A",
    "8.4.5-2": "A",
    "8.4.6-2": "B",
    "8.4.6-3": None,
    "9.3.1-1": None,
    "9.3.1-3": None,
    "9.4-1": None,
    "9.4-2": None,
    "10.3-1": None,
    "10.3-2": None,
    "10.4.2-1": None,
    "10.4.2-2": None,
    "10.5-1": None,
    "10.5-3": None,
    "11.2-1": "B",
    "11.2-2": None,
    "11.5-1": None,
    "12-3": None,
    "12-5": None,
    "12-7": None,
    "13.1-9": None,
}

LEAD_IN_4_2 = "Behovet for akutt intervensjon i TSB bør vurderes når:"
REGIONS = {"Helse Nord", "Helse Midt", "Helse Vest", "Helse Sør-Øst"}
YES_NO_FIELDS = (
    "outpatient_detox",
    "accepts_alcohol",
    "accepts_illegal_drugs",
    "accepts_medication_dependence",
    "accepts_pregnant",
    "emergency_admission",
    "coercion_10_2_10_3",
    "coercion_10_4",
)

_FOOTER = re.compile(r"^\s*Nasjonal faglig retningslinje for avrusning \d+\s*$")
_NOTE = re.compile(r"^\s*Merknad \[[^\]]*\]:")
# The grade letter stands between a statement and its continuation (G 1435-1437), so
# free-standing A-D are dropped from both sides before comparing.
_FREE_GRADE = re.compile(r"(?<!\S)[ABCD](?!\S)")


def _normalise(text: str) -> str:
    return " ".join(_FREE_GRADE.sub(" ", text).split())


SOURCE_TEXT = _normalise(
    " ".join(line for line in SOURCE.splitlines() if not (_FOOTER.match(line) or _NOTE.match(line)))
)


def _all_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in items:
        found.append(item)
        found.extend(_all_items(item["items"]))
    return found


def _blocks_in_order() -> list[tuple[str, int]]:
    order: list[tuple[str, int]] = []
    for rec in RECOMMENDATIONS:
        key = (rec["section"], rec["block"])
        if key not in order:
            order.append(key)
    return order


# --------------------------------------------------------------------------- counts


def test_it_ships_115_recommendations() -> None:
    assert len(RECOMMENDATIONS) == 115


@pytest.mark.parametrize(("grade", "count"), [("A", 10), ("B", 14), ("C", 84), ("D", 6), (None, 1)])
def test_it_ships_the_published_number_of_each_grade(grade: str | None, count: int) -> None:
    assert sum(1 for rec in RECOMMENDATIONS if rec["grade"] == grade) == count


def test_it_ships_39_blocks() -> None:
    assert len(_blocks_in_order()) == 39


def test_it_ships_the_blocks_in_document_order() -> None:
    assert _blocks_in_order() == [(section, block) for section, block, _, _ in BLOCKS]


@pytest.mark.parametrize(("section", "block", "count", "heading_line"), BLOCKS)
def test_it_ships_every_recommendation_of_a_block(
    section: str, block: int, count: int, heading_line: int
) -> None:
    numbers = [
        r["number"] for r in RECOMMENDATIONS if (r["section"], r["block"]) == (section, block)
    ]
    assert numbers == list(range(1, count + 1))
    assert SOURCE.splitlines()[heading_line - 1].strip().rstrip(":") in {
        "Anbefaling",
        "Anbefalinger",
    }


def test_it_ships_the_hand_counted_recommendations_per_chapter() -> None:
    assert Counter(rec["chapter"] for rec in RECOMMENDATIONS) == CHAPTER_COUNTS


def test_it_finds_recommendations_only_in_chapters_3_to_13() -> None:
    assert {rec["chapter"] for rec in RECOMMENDATIONS} == {str(n) for n in range(3, 14)}


# --------------------------------------------------------------------------- references


def test_it_gives_every_recommendation_a_unique_ref() -> None:
    assert len(BY_REF) == len(RECOMMENDATIONS)


@pytest.mark.parametrize("rec", RECOMMENDATIONS, ids=lambda rec: rec["ref"])
def test_it_builds_the_ref_from_section_block_and_number(rec: dict[str, Any]) -> None:
    prefix = "" if rec["block"] == 1 else "B"
    assert re.fullmatch(r"\d{1,2}(\.\d{1,2}){0,2}-B?\d{1,2}", rec["ref"])
    assert rec["ref"] == f"{rec['section']}-{prefix}{rec['number']}"
    assert rec["chapter"] == rec["section"].split(".")[0]


def test_it_refers_to_sections_that_exist() -> None:
    known = {s["number"] for s in GUIDELINE["sections"]} | {
        c["number"] for c in GUIDELINE["chapters"]
    }
    assert {rec["section"] for rec in RECOMMENDATIONS} <= known


def test_it_has_a_second_block_only_in_6_2_2() -> None:
    assert {rec["section"] for rec in RECOMMENDATIONS if rec["block"] != 1} == {"6.2.2"}


def test_it_keeps_the_sleep_assessment_block_as_6_2_2_1_and_2() -> None:
    first = [
        rec["ref"] for rec in RECOMMENDATIONS if rec["section"] == "6.2.2" and rec["block"] == 1
    ]
    assert first == ["6.2.2-1", "6.2.2-2"]
    assert BY_REF["6.2.2-1"]["text"].startswith("Pasientenes søvnvansker bør kartlegges")


def test_it_refers_to_the_sleep_medication_block_as_6_2_2_b1_to_b3() -> None:
    second = [
        rec["ref"] for rec in RECOMMENDATIONS if rec["section"] == "6.2.2" and rec["block"] == 2
    ]
    assert second == ["6.2.2-B1", "6.2.2-B2", "6.2.2-B3"]
    assert "zopiklon" in BY_REF["6.2.2-B2"]["text"]
    assert "nitrazepam" in BY_REF["6.2.2-B3"]["text"]


@pytest.mark.parametrize(("ref", "grade"), CLINICAL_REFS.items())
def test_it_ships_each_recommendation_clinical_md_relies_on(ref: str, grade: str | None) -> None:
    assert ref in BY_REF
    if grade is not None:
        assert BY_REF[ref]["grade"] == grade


def test_it_attaches_the_instrument_block_to_7_3_not_to_7_3_11_sows() -> None:
    assert BY_REF["7.3-3"]["text"].startswith("CIWA-AR kan benyttes til")
    assert not any(rec["section"] == "7.3.11" for rec in RECOMMENDATIONS)


# ------------------------------------------------------------------ specific recommendations


def test_it_ships_8_4_6_3_as_the_only_ungraded_recommendation() -> None:
    assert [rec["ref"] for rec in RECOMMENDATIONS if rec["grade"] is None] == ["8.4.6-3"]


def test_it_ships_the_ciwa_dosing_table_as_the_items_of_8_4_6_3() -> None:
    items = [item["text"] for item in BY_REF["8.4.6-3"]["items"]]
    assert [text.split(":")[0].split(",")[0] for text in items] == [
        "Så lenge CIWA er under 10",
        "CIWA 10-15",
        "CIWA over 15",
    ]


def test_it_ships_8_4_3_2_as_grade_a_valproic_acid() -> None:
    rec = BY_REF["8.4.3-2"]
    assert rec["grade"] == "A"
    assert "valproinsyre" in rec["text"]


@pytest.mark.parametrize("ref", ["4.2-3", "4.2-4", "4.2-5", "4.2-6", "4.2-7"])
def test_it_keeps_the_shared_lead_in_with_4_2_items_3_to_7(ref: str) -> None:
    assert BY_REF[ref]["lead_in"] == LEAD_IN_4_2


def test_it_gives_no_other_recommendation_a_lead_in() -> None:
    with_lead_in = [rec["ref"] for rec in RECOMMENDATIONS if rec["lead_in"] is not None]
    assert with_lead_in == ["4.2-3", "4.2-4", "4.2-5", "4.2-6", "4.2-7"]


def test_it_does_not_put_the_lead_in_into_4_2_2() -> None:
    assert "Behovet" not in BY_REF["4.2-2"]["text"]


def test_it_nests_o_lines_under_the_bullet_above() -> None:
    items = BY_REF["4.2-4"]["items"]
    assert items[1]["text"] == "Mengde rusmiddel og intervall mellom inntak"
    assert [sub["text"] for sub in items[1]["items"]] == [
        "Alvorlige intoksikasjoner",
        "Inntak av rusmidler svarende til toksisk nivå",
    ]


def test_it_nests_an_o_line_that_follows_an_editorial_note() -> None:
    last = BY_REF["4.2-5"]["items"][-1]
    assert last["text"] == "Samtidig forekommende risikofaktorer"
    assert [sub["text"] for sub in last["items"]] == ["Skader eller sykdom"]


def test_it_ships_typos_as_published() -> None:
    assert "intravønøs" in BY_REF["8.4.1-2"]["text"]
    assert "Behandlingmed valproinsyre" in BY_REF["8.4.6-3"]["items"][0]["text"]


def test_it_does_not_run_on_into_the_text_after_the_last_bullet() -> None:
    assert BY_REF["6.2.2-2"]["items"][-1]["text"].endswith("i forbindelse med andre aktiviteter.")


@pytest.mark.parametrize("rec", RECOMMENDATIONS, ids=lambda rec: rec["ref"])
def test_it_names_a_valid_modal(rec: dict[str, Any]) -> None:
    assert rec["modal"] in {"skal", "bør", "kan", "må", None}


@pytest.mark.parametrize(
    ("ref", "modal"),
    [
        ("4.1-1", "skal"),
        ("3.3-3", "må"),
        ("7.3-1", "kan"),
        ("8.4.3-2", "bør"),
        ("11.2-1", "bør"),  # "Pasienter som skal avruses fra GHB bør innlegges"
        ("4.2-3", "bør"),  # from the lead-in
        ("10.7-1", None),
    ],
)
def test_it_names_the_directive_verb(ref: str, modal: str | None) -> None:
    assert BY_REF[ref]["modal"] == modal


# --------------------------------------------------------------------------- faithfulness


@pytest.mark.parametrize("rec", RECOMMENDATIONS, ids=lambda rec: rec["ref"])
def test_it_ships_the_statement_as_published(rec: dict[str, Any]) -> None:
    assert rec["text"] == " ".join(rec["text"].split())
    assert _normalise(rec["text"]) in SOURCE_TEXT


@pytest.mark.parametrize("rec", RECOMMENDATIONS, ids=lambda rec: rec["ref"])
def test_it_ships_every_item_as_published(rec: dict[str, Any]) -> None:
    for item in _all_items(rec["items"]):
        assert item["text"]
        assert _normalise(item["text"]) in SOURCE_TEXT


@pytest.mark.parametrize("rec", RECOMMENDATIONS, ids=lambda rec: rec["ref"])
def test_it_strips_the_grade_letter_from_the_statement(rec: dict[str, Any]) -> None:
    assert not re.search(r"\s[ABCD]$", rec["text"])


@pytest.mark.parametrize("rec", RECOMMENDATIONS, ids=lambda rec: rec["ref"])
def test_it_keeps_noise_out_of_the_text(rec: dict[str, Any]) -> None:
    texts = [rec["text"], *(item["text"] for item in _all_items(rec["items"]))]
    for text in texts:
        assert "Merknad" not in text
        assert "Nasjonal faglig retningslinje for avrusning" not in text
        assert "http" not in text


@pytest.mark.parametrize("rec", RECOMMENDATIONS, ids=lambda rec: rec["ref"])
def test_it_cites_a_line_span_inside_the_file(rec: dict[str, Any]) -> None:
    assert 1 <= rec["line_start"] <= rec["line_end"] <= SOURCE_LINE_COUNT


@pytest.mark.parametrize("rec", RECOMMENDATIONS, ids=lambda rec: rec["ref"])
def test_it_starts_the_span_at_the_numbered_line(rec: dict[str, Any]) -> None:
    first_line = SOURCE.splitlines()[rec["line_start"] - 1]
    assert re.match(rf"\s*{rec['number']}\.\s", first_line)


def test_it_keeps_line_spans_in_document_order_without_overlap() -> None:
    for before, after in itertools.pairwise(RECOMMENDATIONS):
        assert before["line_end"] < after["line_start"]


# ------------------------------------------------------------------ grades, modals, chapters


def test_it_defines_grades_a_to_d_in_order() -> None:
    assert [grade["grade"] for grade in GUIDELINE["grades"]] == ["A", "B", "C", "D"]


@pytest.mark.parametrize("grade", GUIDELINE["grades"], ids=lambda grade: grade["grade"])
def test_it_ships_each_grade_definition_as_published_in_2_11(grade: dict[str, Any]) -> None:
    assert " ".join(grade["definition"].split()) in " ".join(SOURCE.split())
    assert 740 <= grade["line_start"] <= grade["line_end"] <= 782


def test_it_labels_only_grade_d_since_only_d_has_a_label() -> None:
    assert [grade["title"] for grade in GUIDELINE["grades"]] == [
        None,
        None,
        None,
        "Gode råd for praksis",
    ]


def test_it_defines_skal_bor_and_kan_as_in_2_13() -> None:
    modals = {modal["word"]: modal["meaning"] for modal in GUIDELINE["modals"]}
    assert list(modals) == ["skal", "bør", "kan"]
    assert modals["bør"] == "Ordet ”bør” forbeholdes sterke anbefalinger."
    assert modals["kan"] == "Bruken av ordet ”kan” forbeholdes svake anbefalinger."
    assert modals["skal"].startswith("Når det står ”skal” i retningslinjens anbefalinger")
    assert modals["skal"].endswith("et annet faglig begrunnet opplegg.")


def test_it_ships_chapters_1_to_13() -> None:
    assert [chapter["number"] for chapter in GUIDELINE["chapters"]] == [
        str(n) for n in range(1, 14)
    ]


@pytest.mark.parametrize("chapter", GUIDELINE["chapters"], ids=lambda chapter: chapter["number"])
def test_it_cites_the_title_line_and_start_of_each_chapter(chapter: dict[str, Any]) -> None:
    title_line = SOURCE.splitlines()[chapter["title_line"] - 1]
    assert title_line.strip().startswith(f"{chapter['number']} ")
    own = [s["line_start"] for s in GUIDELINE["sections"] if s["chapter"] == chapter["number"]]
    assert chapter["line_start"] == min([chapter["title_line"], *own])


def test_it_keeps_chapter_starts_in_order() -> None:
    starts = [chapter["line_start"] for chapter in GUIDELINE["chapters"]]
    assert starts == sorted(starts)


def test_it_joins_chapter_titles_wrapped_over_two_lines() -> None:
    titles = {chapter["number"]: chapter["title"] for chapter in GUIDELINE["chapters"]}
    assert titles["9"] == "AVRUSNING FRA BENZODIAZEPINER"
    assert titles["13"] == "OPPFØLGING ETTER ALVORLIGE RUSFORGIFTNINGSTILSTANDER"


def test_it_ships_every_section_once_within_chapters_1_to_13() -> None:
    numbers = [section["number"] for section in GUIDELINE["sections"]]
    assert len(numbers) == len(set(numbers)) == 119
    assert {section["chapter"] for section in GUIDELINE["sections"]} == {
        str(n) for n in range(1, 14) if n != 12
    }


@pytest.mark.parametrize("section", GUIDELINE["sections"], ids=lambda section: section["number"])
def test_it_cites_the_heading_line_of_each_section(section: dict[str, Any]) -> None:
    line = SOURCE.splitlines()[section["line_start"] - 1]
    assert section["number"] in line
    assert section["title"] in " ".join(line.split())


def test_it_names_the_edition() -> None:
    edition = GUIDELINE["edition"]
    assert edition["publisher"] == "Helsedirektoratet"
    assert edition["code"] == "IS-2211"
    assert edition["date"] == "2014-11-11"
    assert (REPO_ROOT / edition["source_file"]) == SOURCE_FILE


# --------------------------------------------------------------------------- detox units


def test_it_ships_25_detox_units() -> None:
    assert len(UNITS["units"]) == 25


@pytest.mark.parametrize(
    ("listed_under", "count"),
    [
        ("Helse Nord", 4),
        ("Helse Midt", 2),
        ("Helse Vest", 2),
        ("Helse Øst", 6),
        ("Helse Sør", 7),
        ("Andre", 4),
    ],
)
def test_it_ships_the_units_of_each_listing(listed_under: str, count: int) -> None:
    assert sum(1 for unit in UNITS["units"] if unit["listed_under"] == listed_under) == count


@pytest.mark.parametrize("unit", UNITS["units"], ids=lambda unit: unit["slug"])
def test_it_ships_each_unit_name_as_published(unit: dict[str, Any]) -> None:
    assert unit["name"] in SOURCE_TEXT


@pytest.mark.parametrize("unit", UNITS["units"], ids=lambda unit: unit["slug"])
def test_it_places_each_unit_in_one_of_the_four_regions(unit: dict[str, Any]) -> None:
    assert unit["region"] in REGIONS


@pytest.mark.parametrize("unit", UNITS["units"], ids=lambda unit: unit["slug"])
def test_it_says_so_when_the_region_is_inferred(unit: dict[str, Any]) -> None:
    inferred = unit["listed_under"] == "Andre"
    assert inferred == ("inferred" in (unit["notes"] or ""))


@pytest.mark.parametrize("unit", UNITS["units"], ids=lambda unit: unit["slug"])
def test_it_gives_yes_no_fields_a_boolean_or_null(unit: dict[str, Any]) -> None:
    for field in YES_NO_FIELDS:
        assert unit[field] in (True, False, None)


@pytest.mark.parametrize("unit", UNITS["units"], ids=lambda unit: unit["slug"])
def test_it_cites_each_unit_inside_appendix_14_1(unit: dict[str, Any]) -> None:
    assert 6227 < unit["line_start"] < unit["line_end"] < 7759
    assert unit["name"].split()[0] in SOURCE.splitlines()[unit["line_start"] - 1]


def test_it_gives_every_unit_a_unique_slug() -> None:
    slugs = [unit["slug"] for unit in UNITS["units"]]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)


def test_it_keeps_units_in_document_order_without_overlap() -> None:
    units = UNITS["units"]
    for before, after in itertools.pairwise(units):
        assert before["line_end"] < after["line_start"]


def test_it_keeps_a_qualified_answer_in_the_notes() -> None:
    unit = next(u for u in UNITS["units"] if u["slug"] == "stiftelsen-bergensklinikkene")
    assert unit["outpatient_detox"] is False
    assert "Gir ikke tilbud om medikamentkrevende avrusning poliklinisk" in unit["notes"]


def test_it_leaves_an_answer_that_is_neither_yes_nor_no_null() -> None:
    unit = next(u for u in UNITS["units"] if u["slug"] == "seksjon-ir-illegale-rusmidler")
    assert unit["outpatient_detox"] is None
    assert "I egne poliklinikker" in unit["notes"]


def test_it_says_where_the_directory_comes_from() -> None:
    assert UNITS["source"]["section"] == "14.1"
    assert UNITS["source"]["collected"] == "2011–2012"
