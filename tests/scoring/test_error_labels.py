"""Issue 14: scoring errors name the item as the form shows it, not by its key."""

import datetime as dt

import pytest
from django.utils import translation

from clinical.instruments import INSTRUMENTS
from clinical.scoring import ScoringError, score
from scoring.checks import InvalidInput
from scoring.services import _scoring_problems, assessment_record
from tests.scoring.factories import items_for, make_inpatient


@pytest.mark.parametrize(("language", "label"), [("nb", "Pupillestørrelse"), ("en", "Pupil size")])
def test_a_missing_or_invalid_item_is_named_by_its_label(language, label):
    with pytest.raises(ScoringError) as caught:
        score("cows", {"pupil_size": 3})
    with translation.override(language):
        problems = _scoring_problems(caught.value, INSTRUMENTS["cows"])
    pupil = [p for p in problems if p["field"] == "items.pupil_size"]
    assert pupil, problems
    assert pupil[0]["message"].startswith(label)
    assert all("pupil_size" not in p["message"] for p in problems)


@pytest.mark.parametrize(
    ("language", "label", "other"),
    [("nb", "Jeg har lyst til å gjespe", "Gjesping"), ("en", "I feel like yawning", "Yawning")],
)
def test_a_key_shared_between_forms_is_named_as_the_scored_form_names_it(
    ward, nurse, language, label, other
):
    """Audit: ``yawning`` is in COWS and SOWS; a SOWS error named it by COWS' label, the first
    instrument that has the key."""
    episode = make_inpatient(unit=ward)
    items = {**items_for("sows", 0), "yawning": 9}
    at = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    with translation.override(language), pytest.raises(InvalidInput) as caught:
        assessment_record(
            episode=episode,
            instrument="sows",
            items=items,
            observed_at=at,
            breath_alcohol=None,
            user=nurse,
            now=at,
        )
    (yawning,) = [p for p in caught.value.errors if p["field"] == "items.yawning"]
    assert yawning["message"].startswith(f"{label}: 9")
    assert other not in yawning["message"]
