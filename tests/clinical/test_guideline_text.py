import pytest

from clinical.guideline.text import (
    Item,
    ItemsFormatError,
    highlight,
    items_to_lines,
    lines_to_items,
    normalise_text,
    plain_text,
    search_text,
)

NESTED: list[Item] = [
    {"text": "Grad av toleranseutvikling", "items": [
        {"text": "Inntak av store mengder rusmidler", "items": []},
        {"text": "Høy promille uten tilsvarende beruselse", "items": []},
    ]},
    {"text": "Tidligere komplisert avrusning", "items": []},
]  # fmt: skip


def test_items_round_trip_through_the_edit_format():
    lines = items_to_lines(NESTED)
    assert lines.splitlines() == [
        "Grad av toleranseutvikling",
        "  Inntak av store mengder rusmidler",
        "  Høy promille uten tilsvarende beruselse",
        "Tidligere komplisert avrusning",
    ]
    assert lines_to_items(lines) == NESTED


def test_edit_format_ignores_blank_lines_and_accepts_tabs():
    assert lines_to_items("A\n\n\tA1\n   \nB") == [
        {"text": "A", "items": [{"text": "A1", "items": []}]},
        {"text": "B", "items": []},
    ]


def test_a_sub_item_without_an_item_above_it_is_an_error_naming_the_line():
    with pytest.raises(ItemsFormatError) as error:
        lines_to_items("First\n      far too deep")
    assert error.value.line == 2


def test_normalise_text_collapses_line_breaks_and_runs_of_spaces():
    assert normalise_text("  Det bør\r\n gis   valproinsyre ") == "Det bør gis valproinsyre"


def test_plain_text_puts_the_lead_in_first_and_the_items_as_bullets():
    text = plain_text(lead_in="Behovet bør vurderes når:", text="Pasienten er gravid", items=NESTED)
    assert text.splitlines()[:3] == [
        "Behovet bør vurderes når:",
        "Pasienten er gravid",
        "• Grad av toleranseutvikling",
    ]
    assert "  ◦ Inntak av store mengder rusmidler" in text.splitlines()


def test_search_text_is_case_folded_and_includes_items_and_lead_in():
    text = search_text(lead_in="ØYEBLIKKELIG hjelp", text="Tekst", items=NESTED)
    assert "øyeblikkelig hjelp" in text
    assert "høy promille" in text


def test_highlight_marks_every_word_that_contains_a_term():
    pieces = highlight("Valproinsyre gis; valproinsyren virker.", ["valproinsyr"])
    assert [chunk for hit, chunk in pieces if hit] == ["Valproinsyre", "valproinsyren"]
    assert "".join(chunk for _hit, chunk in pieces) == "Valproinsyre gis; valproinsyren virker."


def test_highlight_without_terms_returns_the_text_unmarked():
    assert highlight("Tekst", []) == [(False, "Tekst")]
