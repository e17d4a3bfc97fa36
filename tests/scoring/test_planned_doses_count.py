"""Audit (issue 14): a planned dose marked given counts in the advice and the handover like a dose
registered on the result page: the mg is the plan's single amount, or what the nurse enters where
the plan gives a range (required then, for the drugs the advice counts)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.extensions import planned_doses
from plans import selectors as plan_selectors
from plans import services as plan_services
from scoring.checks import InvalidInput
from scoring.models import PlannedDoseRecord
from scoring.planned_doses import planned_dose_correct, planned_dose_record
from scoring.selectors import ciwa_advice_for, handover
from tests.scoring.factories import make_inpatient, score, set_history


@pytest.fixture
def episode(ward, clinician):
    episode = make_inpatient(unit=ward, given_name="Kari", family_name="Hansen")
    set_history(episode, user=clinician, complications=["delirium_tremens", "seizures"])
    now = timezone.now()
    for group in plan_selectors.medication_proposals(episode):
        for line in group.lines:
            drugs = line.source.get("drugs", [])
            if line.kind == "give" and {"diazepam", "valproic_acid", "thiamine"} & set(drugs):
                plan_services.medication_plan_line_accept(
                    episode=episode, proposal=line.source, user=clinician, now=now
                )
    return episode


def _due(episode, drug, now):
    doses = [d for d in planned_doses(episode, timezone.localdate(now)) if d.drugs == (drug,)]
    assert doses, f"the plan has a {drug} dose: {planned_doses(episode, timezone.localdate(now))}"
    return doses[0]


def _answer(episode, dose, nurse, now, **values):
    return planned_dose_record(
        episode=episode,
        due_date=timezone.localdate(now),
        slot=dose.slot,
        given=True,
        recorded_at=now - dt.timedelta(minutes=10),
        user=nurse,
        now=now,
        **values,
    )


def test_a_planned_diazepam_dose_given_counts_in_the_advice_and_the_handover(episode, nurse):
    now = timezone.now().replace(second=0, microsecond=0)
    # 8.4.5-1's night sedation: "e.g. 20 mg in the evening, then 10 mg every hour until asleep":
    # no single amount, so the nurse enters what was given.
    record = _answer(episode, _due(episode, "diazepam", now), nurse, now, dose_mg=Decimal(20))
    assert (record.drug_code, record.dose_mg) == ("diazepam", Decimal(20))

    latest = score(episode, user=nurse, total=20, observed_at=now - dt.timedelta(minutes=2))
    advice = ciwa_advice_for(latest, at=now)
    assert advice.cumulative_diazepam_mg == record.dose_mg
    # Ten minutes after a planned diazepam dose, the hourly dose is not yet due.
    assert "diazepam_not_yet_due" in advice.codes

    (row,) = handover(nurse, now=now)
    assert row.diazepam_mg == record.dose_mg
    assert [(dose.drug_code, dose.mg) for dose in row.planned_24h] == [("diazepam", record.dose_mg)]


def test_a_range_dose_needs_the_mg_given_and_then_counts(episode, nurse):
    now = timezone.now().replace(second=0, microsecond=0)
    loading = _due(episode, "valproic_acid", now)
    with pytest.raises(InvalidInput) as error:
        _answer(episode, loading, nurse, now)
    assert [problem["field"] for problem in error.value.errors] == ["dose_mg"]
    assert not PlannedDoseRecord.objects.exists()

    record = _answer(episode, loading, nurse, now, dose_mg=Decimal(900))
    assert (record.drug_code, record.dose_mg) == ("valproate", Decimal(900))
    low = score(episode, user=nurse, total=6, observed_at=now - dt.timedelta(minutes=2))
    # G 4071: the loading dose is "en engangsdose": not offered again once given.
    assert "valproate_offer" not in ciwa_advice_for(low, at=now).codes


def test_thiamine_given_needs_no_amount_and_silences_the_not_recorded_warning(episode, nurse):
    now = timezone.now().replace(second=0, microsecond=0)
    latest = score(episode, user=nurse, total=6, observed_at=now - dt.timedelta(minutes=30))
    assert "thiamine_not_recorded" in ciwa_advice_for(latest, at=now).codes
    record = _answer(episode, _due(episode, "thiamine", now), nurse, now)
    assert record.dose_mg is None
    codes = ciwa_advice_for(latest, at=now).codes
    assert "thiamine_not_recorded" not in codes
    assert "thiamine_given" in codes


def test_a_correction_to_not_given_takes_the_dose_out_of_the_advice(episode, nurse):
    now = timezone.now().replace(second=0, microsecond=0)
    record = _answer(episode, _due(episode, "diazepam", now), nurse, now, dose_mg=Decimal(20))
    planned_dose_correct(
        original=record,
        given=False,
        reason_not_given="patient asleep",
        recorded_at=now - dt.timedelta(minutes=10),
        reason="registered on the wrong patient",
        user=nurse,
        now=now,
    )
    latest = score(episode, user=nurse, total=20, observed_at=now - dt.timedelta(minutes=2))
    assert ciwa_advice_for(latest, at=now).cumulative_diazepam_mg == 0


def test_the_page_shows_the_mg_field_and_the_amount_given(client, episode, nurse):
    now = timezone.now().replace(second=0, microsecond=0)
    client.force_login(nurse)
    url = reverse("ward-medication", args=[episode.pk])
    assert 'name="dose_mg"' in client.get(url).content.decode()
    _answer(episode, _due(episode, "diazepam", now), nurse, now, dose_mg=Decimal(20))
    assert "Gitt</strong> 20 mg" in client.get(url).content.decode()


def test_the_loading_dose_is_due_until_given_and_the_course_three_times_a_day(episode, nurse):
    """Audit: "600–900 mg én gang" was due every day, and "300 mg × 3" was one answer a day.
    G 4071–4073: a single loading dose, then 300 mg × 3 for 3–5 days."""
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate(now)

    def due(day):
        return [d for d in planned_doses(episode, day) if d.drugs == ("valproic_acid",)]

    loading, *course = due(today)
    assert loading.slot == "line:alcohol.valproic_acid_single_dose"
    assert [d.slot for d in course] == [
        "line:alcohol.valproic_acid_maintenance",
        "line:alcohol.valproic_acid_maintenance:2",
        "line:alcohol.valproic_acid_maintenance:3",
    ]
    assert "(dose 2 of 3)" in course[1].drug or "(dose 2 av 3)" in course[1].drug

    _answer(episode, loading, nurse, now, dose_mg=Decimal(900))
    for dose in course:
        _answer(episode, dose, nurse, now)
    # Answered each on its own; the loading dose is not due again the next day.
    assert PlannedDoseRecord.objects.filter(given=True).count() == 4
    tomorrow = [d.slot for d in due(today + dt.timedelta(days=1))]
    assert "line:alcohol.valproic_acid_single_dose" not in tomorrow
    assert len(tomorrow) == 3
    # At most 5 days from the first dose (days_max), then not due.
    assert len(due(today + dt.timedelta(days=4))) == 3
    assert due(today + dt.timedelta(days=5)) == []


def test_the_handover_lists_every_planned_dose_given_counting_only_known_mg(client, episode, nurse):
    """Audit: the handover's doses of the last 24 h left out planned doses marked given without
    an amount (thiamine: the guideline gives no dose) and those with no drug code (a combination
    or a drug the ward has no code for): they were given, so they are listed with what is known,
    and an unknown amount counts in no total."""
    now = timezone.now().replace(second=0, microsecond=0)
    thiamine = _answer(episode, _due(episode, "thiamine", now), nurse, now)
    assert (thiamine.drug_code, thiamine.dose_mg) == ("thiamine", None)
    # No accepted "give" line names two drugs today, so the row is written as the service would.
    PlannedDoseRecord.objects.create(
        episode=episode,
        due_date=timezone.localdate(now),
        slot="line:test.combination",
        drug="klonidin eller lofeksidin",
        given=True,
        recorded_at=now - dt.timedelta(minutes=20),
        drug_code="",
        dose_mg=None,
        entered_by=nurse,
        entered_at=now,
    )
    score(episode, user=nurse, total=12, observed_at=now - dt.timedelta(minutes=5))

    (row,) = handover(nurse, now=now)

    assert [(dose.drug_code, dose.drug, dose.mg) for dose in row.planned_24h] == [
        ("thiamine", thiamine.drug, None),
        ("", "klonidin eller lofeksidin", None),
    ]
    assert row.diazepam_mg == 0
    client.force_login(nurse)
    text = client.get(reverse("ward-handover")).content.decode()
    assert "tiamin (vitamin B1) (planlagt dose, mengde ikke registrert)" in text
    assert "klonidin eller lofeksidin (planlagt dose, mengde ikke registrert)" in text
