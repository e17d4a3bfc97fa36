"""The advice for a stored CIWA-Ar score is built from the episode's own records.

``clinical.advice`` is tested on its own (test_advice.py); these check that the stored history,
doses and earlier scores reach it: cumulative diazepam in the escalation, the switch to olanzapine
after 50 mg, the olanzapine maximum, doses entered in error, the intake's history.
"""

import datetime as dt

import pytest

from scoring.selectors import ciwa_advice_for
from scoring.services import medication_administration_correct
from tests.scoring.factories import give, make_inpatient, score, set_history

T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def episode(ward, clinician):
    episode = make_inpatient(unit=ward)
    set_history(episode, user=clinician, complications=["seizures"])
    return episode


def hourly(episode, nurse, totals, *, drug="diazepam", start=T0):
    """A score every hour from ``start``, each followed five minutes later by 10 mg of ``drug``.

    Returns the next hour.
    """
    for hour, total in enumerate(totals):
        at = start + dt.timedelta(hours=hour)
        score(episode, user=nurse, total=total, observed_at=at)
        give(episode, user=nurse, drug=drug, given_at=at + dt.timedelta(minutes=5))
    return start + dt.timedelta(hours=len(totals))


def test_the_diazepam_given_in_the_escalation_is_counted(episode, nurse):
    next_hour = hourly(episode, nurse, [18, 17, 17])
    latest = score(episode, user=nurse, total=17, observed_at=next_hour)

    advice = ciwa_advice_for(latest)

    assert advice.cumulative_diazepam_mg == 30
    assert "diazepam_hourly" in advice.codes


def test_after_50_mg_without_response_the_advice_is_olanzapine(episode, nurse):
    next_hour = hourly(episode, nurse, [18, 17, 17, 18, 17])
    latest = score(episode, user=nurse, total=17, observed_at=next_hour)

    advice = ciwa_advice_for(latest)

    assert advice.cumulative_diazepam_mg == 50
    assert "olanzapine" in advice.codes
    assert "diazepam_hourly" not in advice.codes


def test_olanzapine_beyond_30_mg_is_refused(episode, nurse):
    next_hour = hourly(episode, nurse, [18, 17, 17, 18, 17])
    next_hour = hourly(episode, nurse, [17, 17, 17], drug="olanzapine", start=next_hour)
    latest = score(episode, user=nurse, total=17, observed_at=next_hour)

    advice = ciwa_advice_for(latest)

    assert advice.olanzapine_given_mg == 30
    assert "olanzapine_max_reached" in advice.codes
    assert "olanzapine" not in advice.codes


def test_a_score_below_10_ends_the_escalation(episode, nurse):
    next_hour = hourly(episode, nurse, [18, 17, 8])
    latest = score(episode, user=nurse, total=16, observed_at=next_hour)

    assert ciwa_advice_for(latest).cumulative_diazepam_mg == 10  # only the dose after the 8


def test_a_dose_entered_in_error_does_not_count(episode, nurse):
    first = score(episode, user=nurse, total=18, observed_at=T0)
    dose = give(episode, user=nurse, given_at=T0 + dt.timedelta(minutes=5), assessment=first)
    medication_administration_correct(
        original=dose,
        drug=dose.drug,
        dose_mg=dose.dose_mg,
        route=dose.route,
        given_at=dose.given_at,
        reason="Registrert på feil pasient",
        entered_in_error=True,
        user=nurse,
        now=T0 + dt.timedelta(minutes=10),
    )
    latest = score(episode, user=nurse, total=17, observed_at=T0 + dt.timedelta(hours=1))

    assert ciwa_advice_for(latest).cumulative_diazepam_mg == 0


def test_doses_after_the_observation_do_not_change_its_advice(episode, nurse):
    assessment = score(episode, user=nurse, total=17, observed_at=T0)
    give(episode, user=nurse, given_at=T0 + dt.timedelta(minutes=5), assessment=assessment)

    assert ciwa_advice_for(assessment).cumulative_diazepam_mg == 0


def test_the_intake_history_decides_the_10_to_15_tier(ward, nurse, clinician):
    with_history = make_inpatient(unit=ward)
    set_history(with_history, user=clinician, complications=["delirium_tremens"])
    without = make_inpatient(unit=ward)
    set_history(without, user=clinician, complications=[])
    unknown = make_inpatient(unit=ward)

    def codes(episode):
        return ciwa_advice_for(score(episode, user=nurse, total=12, observed_at=T0)).codes

    assert "diazepam_qid" in codes(with_history)
    assert "no_drug_without_seizure_or_dt_history" in codes(without)
    assert "seizure_or_dt_history_unknown" in codes(unknown)


def test_thiamine_recorded_as_a_dose_counts_as_given(episode, nurse):
    give(episode, user=nurse, drug="thiamine", dose_mg="100", route="im", given_at=T0)
    assessment = score(episode, user=nurse, total=5, observed_at=T0 + dt.timedelta(hours=1))

    advice = ciwa_advice_for(assessment)

    assert "thiamine_given" in advice.codes
    assert "thiamine_not_recorded" not in advice.codes


def test_breath_alcohol_and_drowsiness_reach_the_warnings(episode, nurse):
    from decimal import Decimal

    assessment = score(
        episode, user=nurse, total=12, observed_at=T0, breath_alcohol=Decimal("0.8"), drowsy=True
    )

    codes = ciwa_advice_for(assessment).codes

    assert "no_antihistamine_over_half_permille" in codes
    assert "drowsy_hold_sedatives" in codes
