"""Search on whichever database the tests run on (SQLite by default, PostgreSQL in CI)."""

import pytest

from guidelines.models import Recommendation
from guidelines.search import highlight_terms, parse_query


def refs(query):
    return list(Recommendation.objects.search(query).values_list("ref", flat=True))


def test_valproinsyre_finds_the_seizure_prophylaxis_recommendation(guideline):
    assert "8.4.3-2" in refs("valproinsyre")


def test_search_is_case_insensitive_also_for_norwegian_letters(guideline):
    assert refs("VALPROINSYRE") == refs("valproinsyre")
    assert refs("Øyeblikkelig") == refs("øyeblikkelig")


def test_a_word_start_finds_the_whole_word(guideline):
    assert "8.4.3-2" in refs("valpro")


def test_all_words_must_match(guideline):
    assert refs("valproinsyre engangsdose") == ["8.4.3-2"]


def test_items_and_lead_ins_are_searched(guideline):
    assert "4.2-4" in refs("intoksikasjoner")  # a sub-item of 4.2-4
    assert "4.2-3" in refs("akutt intervensjon")  # the shared lead-in


def test_a_reference_finds_the_recommendations_it_starts(guideline):
    assert refs("8.4.3") == ["8.4.3-1", "8.4.3-2", "8.4.3-3"]
    assert refs("8.4.3-2") == ["8.4.3-2"]


@pytest.mark.parametrize("query", ["", "   ", "!!!"])
def test_an_empty_query_finds_nothing(guideline, query):
    assert refs(query) == []


def test_operators_in_the_query_are_just_text(guideline):
    assert refs("valproinsyre & | ! :*") == refs("valproinsyre")


def test_highlight_terms_include_what_was_typed(guideline):
    assert "valproinsyre" in highlight_terms(Recommendation.objects.all(), "Valproinsyre")


def test_parse_query_splits_words_and_recognises_references():
    assert parse_query("  Valproinsyre   600 ").words == ("valproinsyre", "600")
    assert parse_query("6.2.2-B1").ref_like
    assert not parse_query("600").ref_like
