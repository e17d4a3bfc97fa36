import datetime as dt
from decimal import Decimal

import pytest
from django.utils.translation import override

from patients.models import AccessLogEntry, EpisodeStatus
from scoring.checks import (
    InvalidInput,
)
from scoring.models import Assessment, MedicationAdministration, MonitoringChoice
from scoring.services import (
    DOUBLE_SUBMIT_WINDOW,
    AlreadyRecorded,
    assessment_correct,
    assessment_record,
    medication_administration_correct,
    medication_administration_record,
    monitoring_choose,
)
from tests.factories import make_episode, make_patient
from tests.scoring.factories import ADMITTED, give, items_for, make_inpatient

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def episode(ward):
    return make_inpatient(unit=ward)


def record(episode, user, **overrides):
    values = {
        "episode": episode,
        "instrument": "ciwa-ar",
        "items": items_for("ciwa-ar", 12),
        "observed_at": NOW - dt.timedelta(minutes=10),
        "breath_alcohol": None,
        "user": user,
        "now": NOW,
    }
    values.update(overrides)
    return assessment_record(**values)


def fields_of(error):
    return [problem["field"] for problem in error.value.errors]


# --- recording -----------------------------------------------------------------------------------


def test_it_stores_the_items_total_band_and_who_entered_it(episode, nurse):
    assessment = record(episode, nurse)

    assessment.refresh_from_db()
    assert assessment.items == items_for("ciwa-ar", 12)
    assert (assessment.total, assessment.band, assessment.kind) == (12, "moderate", "withdrawal")
    assert assessment.entered_by == nurse
    assert assessment.entered_at == NOW
    assert assessment.observed_at == NOW - dt.timedelta(minutes=10)


def test_observed_time_defaults_to_now_in_whole_minutes(episode, nurse):
    now = NOW.replace(second=42, microsecond=1234)
    assessment = record(episode, nurse, observed_at=None, now=now)
    assert assessment.observed_at == NOW


def test_a_score_may_be_back_dated_to_the_admission(episode, nurse):
    assessment = record(episode, nurse, observed_at=ADMITTED)
    assert assessment.observed_at == ADMITTED


def test_a_score_before_the_admission_is_refused_and_nothing_stored(episode, nurse):
    with override("en"), pytest.raises(InvalidInput) as error:
        record(episode, nurse, observed_at=ADMITTED - dt.timedelta(minutes=1))
    assert fields_of(error) == ["observed_at"]
    assert "before the episode began" in error.value.errors[0]["message"]
    assert not Assessment.objects.exists()


def test_a_score_in_the_future_is_refused(episode, nurse):
    with override("en"), pytest.raises(InvalidInput) as error:
        record(episode, nurse, observed_at=NOW + dt.timedelta(minutes=1))
    assert fields_of(error) == ["observed_at"]
    assert "future" in error.value.errors[0]["message"]
    assert not Assessment.objects.exists()


def test_a_score_after_the_discharge_is_refused(ward, nurse):
    patient = make_patient(unit=ward)
    episode = make_episode(
        patient=patient,
        status=EpisodeStatus.DISCHARGED,
        admitted_at=ADMITTED,
        discharged_at=ADMITTED + dt.timedelta(days=2),
    )
    with pytest.raises(InvalidInput) as error:
        record(episode, nurse, observed_at=ADMITTED + dt.timedelta(days=3))
    assert fields_of(error) == ["observed_at"]


def test_a_planned_episode_cannot_be_scored_yet(ward, nurse):
    episode = make_episode(patient=make_patient(unit=ward), status=EpisodeStatus.PLANNED)
    with pytest.raises(InvalidInput) as error:
        record(episode, nurse)
    assert fields_of(error) == ["observed_at"]


def test_an_invalid_item_value_is_refused_naming_the_item_and_allowed_values(episode, nurse):
    items = {**items_for("ciwa-ar", 0), "tremor": 9}
    with pytest.raises(InvalidInput) as error:
        record(episode, nurse, items=items)
    assert fields_of(error) == ["items.tremor"]
    assert error.value.errors[0]["allowed"] == [0, 1, 2, 3, 4, 5, 6, 7]
    assert "0, 1, 2, 3, 4, 5, 6, 7" in error.value.errors[0]["message"]
    assert not Assessment.objects.exists()


def test_every_problem_is_reported_at_once(episode, nurse):
    items = items_for("ciwa-ar", 0)
    del items["orientation"]
    with pytest.raises(InvalidInput) as error:
        record(
            episode,
            nurse,
            items=items,
            observed_at=NOW + dt.timedelta(hours=1),
            breath_alcohol="lots",
        )
    assert set(fields_of(error)) == {"items.orientation", "observed_at", "breath_alcohol_permille"}


def test_an_unknown_instrument_is_refused_listing_the_known_codes(episode, nurse):
    with pytest.raises(InvalidInput) as error:
        record(episode, nurse, instrument="ciwa-b")
    assert fields_of(error) == ["instrument"]
    assert "ciwa-ar, cows, sows" in error.value.errors[0]["message"]


def test_breath_alcohol_is_stored_with_ciwa_ar(episode, nurse):
    assessment = record(episode, nurse, breath_alcohol="0.6")
    assert assessment.breath_alcohol_permille == Decimal("0.60")


def test_breath_alcohol_is_refused_with_other_scales(episode, nurse):
    with pytest.raises(InvalidInput) as error:
        record(episode, nurse, instrument="cows", items=items_for("cows", 4), breath_alcohol="0.2")
    assert fields_of(error) == ["breath_alcohol_permille"]


@pytest.mark.parametrize("value", ["-0.1", "10", "nan", True])
def test_breath_alcohol_outside_0_to_9_99_is_refused(episode, nurse, value):
    with pytest.raises(InvalidInput) as error:
        record(episode, nurse, breath_alcohol=value)
    assert fields_of(error) == ["breath_alcohol_permille"]


def test_audit_is_scored_with_the_patients_sex(ward, clinician):
    episode = make_inpatient(unit=ward, sex="female")
    audit = record(episode, clinician, instrument="audit", items=items_for("audit", 6))
    assert (audit.kind, audit.positive, audit.sex) == ("screening", True, "female")


def test_a_double_submit_is_stored_once(episode, nurse):
    first = record(episode, nurse)
    again = record(episode, nurse, now=NOW + dt.timedelta(seconds=5))

    assert again.pk == first.pk
    assert Assessment.objects.count() == 1


def test_the_same_values_after_the_window_are_a_new_score(episode, nurse):
    first = record(episode, nurse)
    later = record(episode, nurse, now=NOW + DOUBLE_SUBMIT_WINDOW + dt.timedelta(seconds=1))
    assert later.pk != first.pk


def test_different_values_at_the_same_time_are_both_kept(episode, nurse):
    record(episode, nurse)
    record(episode, nurse, items=items_for("ciwa-ar", 13))
    assert sorted(Assessment.objects.values_list("total", flat=True)) == [12, 13]


def test_a_withdrawal_score_makes_its_scale_the_monitored_one(episode, nurse):
    record(episode, nurse, instrument="cows", items=items_for("cows", 6))
    record(episode, nurse, instrument="cows", items=items_for("cows", 7))
    record(episode, nurse, items=items_for("ciwa-ar", 3))

    assert list(
        MonitoringChoice.objects.order_by("chosen_at", "id").values_list("instrument", flat=True)
    ) == ["cows", "ciwa-ar"]


def test_recording_writes_the_access_log(episode, nurse):
    assessment = record(episode, nurse)
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.patient, entry.action) == (nurse, episode.patient, "create")
    assert str(assessment.pk) in entry.what


# --- corrections ---------------------------------------------------------------------------------


def test_a_correction_keeps_the_original_with_who_when_and_why(episode, nurse, clinician):
    original = record(episode, nurse)
    later = NOW + dt.timedelta(minutes=30)

    correction = assessment_correct(
        original=original,
        items=items_for("ciwa-ar", 16),
        observed_at=original.observed_at,
        reason="Tremor was scored on the wrong item",
        user=clinician,
        now=later,
    )

    original.refresh_from_db()
    assert (original.total, original.entered_by) == (12, nurse)
    assert original.superseded_by == correction
    assert correction.supersedes == original
    assert (correction.total, correction.band) == (16, "moderate")
    assert (correction.entered_by, correction.entered_at) == (clinician, later)
    assert correction.correction_reason == "Tremor was scored on the wrong item"
    assert list(Assessment.objects.current()) == [correction]


def test_a_correction_carries_the_breath_alcohol_over_unless_given(episode, nurse):
    original = record(episode, nurse, breath_alcohol="0.40")
    correction = assessment_correct(
        original=original,
        items=items_for("ciwa-ar", 14),
        observed_at=original.observed_at,
        reason="miscounted",
        user=nurse,
        now=NOW,
    )
    assert correction.breath_alcohol_permille == Decimal("0.40")


def test_a_correction_needs_a_reason(episode, nurse):
    original = record(episode, nurse)
    with pytest.raises(InvalidInput) as error:
        assessment_correct(
            original=original,
            items=items_for("ciwa-ar", 14),
            observed_at=original.observed_at,
            reason="  ",
            user=nurse,
            now=NOW,
        )
    assert fields_of(error) == ["reason"]
    assert Assessment.objects.count() == 1


def test_a_correction_that_changes_nothing_is_refused(episode, nurse):
    original = record(episode, nurse)
    with pytest.raises(InvalidInput) as error:
        assessment_correct(
            original=original,
            items=original.items,
            observed_at=original.observed_at,
            reason="no change",
            user=nurse,
            now=NOW,
        )
    assert fields_of(error) == ["items"]


def test_only_the_newest_version_can_be_corrected(episode, nurse):
    original = record(episode, nurse)
    assessment_correct(
        original=original,
        items=items_for("ciwa-ar", 14),
        observed_at=original.observed_at,
        reason="first fix",
        user=nurse,
        now=NOW,
    )
    with pytest.raises(InvalidInput) as error:
        assessment_correct(
            original=original,
            items=items_for("ciwa-ar", 15),
            observed_at=original.observed_at,
            reason="second fix of the old one",
            user=nurse,
            now=NOW,
        )
    assert fields_of(error) == ["original"]


def test_a_correction_is_validated_like_a_new_score(episode, nurse):
    original = record(episode, nurse)
    with pytest.raises(InvalidInput) as error:
        assessment_correct(
            original=original,
            items={**original.items, "orientation": 5},
            observed_at=NOW + dt.timedelta(hours=2),
            reason="typo",
            user=nurse,
            now=NOW,
        )
    assert set(fields_of(error)) == {"items.orientation", "observed_at"}


# --- medication administrations ------------------------------------------------------------------


def test_a_dose_is_recorded_linked_to_its_score(episode, nurse):
    assessment = record(episode, nurse)
    dose = give(episode, user=nurse, given_at=NOW - dt.timedelta(minutes=5), assessment=assessment)
    dose.refresh_from_db()
    assert (dose.drug, dose.dose_mg, dose.route) == ("diazepam", Decimal("10.00"), "oral")
    assert dose.assessment == assessment
    assert dose.entered_by == nurse


def test_a_double_submitted_dose_is_counted_once_and_said_plainly(episode, nurse):
    first = give(episode, user=nurse, given_at=NOW)
    with pytest.raises(AlreadyRecorded) as already:
        give(episode, user=nurse, given_at=NOW)
    assert already.value.earlier == first
    assert MedicationAdministration.objects.count() == 1
    # 12:00 UTC is 13:00 in Oslo in November; Norwegian clock with a full stop.
    with override("nb"):
        assert already.value.message == "Allerede registrert kl. 13.00."
    with override("en"):
        assert already.value.message == "Already registered 13:00."


def _give_with_key(episode, nurse, key, *, now, dose="10"):
    return medication_administration_record(
        episode=episode,
        drug="diazepam",
        dose_mg=dose,
        route="oral",
        given_at=None,
        assessment=None,
        user=nurse,
        now=now,
        submission_key=key,
    )


def test_the_same_form_sent_again_later_is_refused_whatever_time_it_carries(episode, nurse):
    _give_with_key(episode, nurse, "form-1", now=NOW)
    later = NOW + DOUBLE_SUBMIT_WINDOW * 5
    with pytest.raises(AlreadyRecorded):
        _give_with_key(episode, nurse, "form-1", now=later)
    assert MedicationAdministration.objects.count() == 1
    # A fresh form (a new key) with a new dose later is a new dose.
    _give_with_key(episode, nurse, "form-2", now=later, dose="5")
    assert MedicationAdministration.objects.count() == 2


def test_a_dose_with_a_bad_drug_route_and_amount_names_each_field(episode, nurse):
    with pytest.raises(InvalidInput) as error:
        medication_administration_record(
            episode=episode,
            drug="heroin",
            dose_mg="-5",
            route="rectal",
            given_at=NOW,
            assessment=None,
            user=nurse,
            now=NOW,
        )
    assert fields_of(error) == ["drug", "route", "dose_mg"]
    assert "diazepam, olanzapine" in error.value.errors[0]["message"]
    assert "oral, im, iv" in error.value.errors[1]["message"]


def test_another_drug_must_be_named(episode, nurse):
    with pytest.raises(InvalidInput) as error:
        medication_administration_record(
            episode=episode,
            drug="other",
            dose_mg="5",
            route="oral",
            given_at=NOW,
            assessment=None,
            user=nurse,
            now=NOW,
        )
    assert fields_of(error) == ["drug_other"]


def test_a_dose_cannot_be_linked_to_another_episodes_score(ward, episode, nurse):
    elsewhere = record(make_inpatient(unit=ward), nurse)
    with pytest.raises(InvalidInput) as error:
        give(episode, user=nurse, given_at=NOW, assessment=elsewhere)
    assert fields_of(error) == ["assessment"]


def test_a_dose_in_the_future_is_refused(episode, nurse):
    with pytest.raises(InvalidInput) as error:
        medication_administration_record(
            episode=episode,
            drug="diazepam",
            dose_mg="10",
            route="oral",
            given_at=NOW + dt.timedelta(minutes=1),
            assessment=None,
            user=nurse,
            now=NOW,
        )
    assert fields_of(error) == ["given_at"]


def test_a_dose_corrected_as_entered_in_error_no_longer_counts(episode, nurse):
    dose = give(episode, user=nurse, given_at=NOW)
    medication_administration_correct(
        original=dose,
        drug=dose.drug,
        dose_mg=dose.dose_mg,
        route=dose.route,
        given_at=dose.given_at,
        reason="Wrong patient",
        entered_in_error=True,
        user=nurse,
        now=NOW,
    )
    assert MedicationAdministration.objects.count() == 2
    assert not MedicationAdministration.objects.given().exists()


def test_a_dose_correction_keeps_the_original(episode, nurse):
    dose = give(episode, user=nurse, given_at=NOW)
    fixed = medication_administration_correct(
        original=dose,
        drug="diazepam",
        dose_mg="5",
        route="oral",
        given_at=dose.given_at,
        reason="It was 5 mg",
        user=nurse,
        now=NOW,
    )
    dose.refresh_from_db()
    assert dose.dose_mg == Decimal("10.00")
    assert list(MedicationAdministration.objects.given()) == [fixed]


# --- monitoring choice ---------------------------------------------------------------------------


def test_the_monitored_scale_can_be_chosen(episode, nurse):
    choice = monitoring_choose(episode=episode, instrument="sows", user=nurse, now=NOW)
    assert (choice.instrument, choice.chosen_by) == ("sows", nurse)


def test_a_screening_instrument_is_not_a_monitoring_scale(episode, nurse):
    with pytest.raises(InvalidInput) as error:
        monitoring_choose(episode=episode, instrument="audit", user=nurse, now=NOW)
    assert fields_of(error) == ["instrument"]
    assert "ciwa-ar, cows, sows" in error.value.errors[0]["message"]


def test_a_stored_score_cannot_be_changed_in_place(episode, nurse):
    assessment = record(episode, nurse)
    assessment.total = 30
    with pytest.raises(ValueError, match="immutable"):
        assessment.save()
    assessment.refresh_from_db()
    assert assessment.total == 12
