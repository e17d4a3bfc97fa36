"""Issue 14: scoring errors name the item as the form shows it, not by its key."""

import pytest
from django.utils import translation

from clinical.scoring import ScoringError, score
from scoring.services import _scoring_problems


@pytest.mark.parametrize(("language", "label"), [("nb", "Pupillestørrelse"), ("en", "Pupil size")])
def test_a_missing_or_invalid_item_is_named_by_its_label(language, label):
    with pytest.raises(ScoringError) as caught:
        score("cows", {"pupil_size": 3})
    with translation.override(language):
        problems = _scoring_problems(caught.value)
    pupil = [p for p in problems if p["field"] == "items.pupil_size"]
    assert pupil, problems
    assert pupil[0]["message"].startswith(label)
    assert all("pupil_size" not in p["message"] for p in problems)
