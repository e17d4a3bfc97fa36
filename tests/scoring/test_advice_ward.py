"""The ward's result page uses the same advice engines, fed from the stored records (issue 11).

History, Wernicke, head injury, pregnancy, LAR and earlier benzodiazepine use come from the
intake; the age from the birth date; drowsiness and delirium tremens now from the score.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Sex
from scoring.models import Assessment, Drug
from scoring.selectors import ciwa_advice_for, opioid_advice_for
from scoring.services import assessment_correct
from tests.scoring.factories import give, items_for, make_inpatient, score, set_history

T0 = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)  # the day after admission


@pytest.fixture
def episode(ward):
    return make_inpatient(unit=ward, birth_date=dt.date(1980, 5, 1))


@pytest.fixture
def as_nurse(client, nurse):
    client.force_login(nurse)
    return client


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def page_of(client, assessment):
    response = client.get(reverse("assessment-detail", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def line_html(page, code):
    start = page.index(f'data-testid="advice-{code}"')
    return page[start : page.index("</li>", start)]


def test_reported_case_on_the_ward_page_hourly_diazepam_not_olanzapine_g_4223_4231(
    as_nurse, episode, nurse, clinician
):
    """G 4223–4231: 30 h at CIWA 11–14 on 10 mg × 4 (earlier seizures), then a first 17."""
    set_history(episode, user=clinician, complications=["seizures"])
    for hour in range(30):
        at = T0 + dt.timedelta(hours=hour)
        score(episode, user=nurse, total=11 + hour % 4, observed_at=at)
        if hour % 6 == 0:
            give(episode, user=nurse, given_at=at + dt.timedelta(minutes=5))
            give(episode, user=nurse, given_at=at + dt.timedelta(minutes=190))
    latest = score(episode, user=nurse, total=17, observed_at=T0 + dt.timedelta(hours=30))

    advice = ciwa_advice_for(latest)
    assert advice.cumulative_diazepam_mg == 100
    assert advice.hourly_diazepam_mg == 0
    assert "olanzapine" not in advice.codes

    # The page recomputes the advice at now: days after the score, no dose is advised on it.
    page = page_of(as_nurse, latest)
    assert 'data-testid="advice-diazepam_hourly"' not in page
    assert "Skår CIWA-Ar på nytt før neste dose" in line_html(page, "ciwa_score_overdue")
    assert 'data-testid="advice-olanzapine"' not in page
    # As it stood when it was observed (the page of the score at its own time):
    lines = {line.code: line for line in advice.lines}
    assert lines["diazepam_hourly"].mg == 10
    assert "diazepam_before_hourly_not_counted" in lines


def test_delirium_tremens_is_entered_on_the_form_and_gets_the_dt_protocol_g_4147_4151(
    as_nurse, episode
):
    """8.4.5-2 (G 4147–4151): a doctor, diazepam every 5–10 min or olanzapine; not the table."""
    data = {key: str(value) for key, value in items_for("ciwa-ar", 22).items()}
    data["observed_at"] = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")
    data["current_delirium"] = "on"
    response = as_nurse.post(reverse("assessment-create", args=[episode.pk, "ciwa-ar"]), data)
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.current_delirium is True

    page = page_of(as_nurse, assessment)
    assert "lege må være til stede eller tilkalles nå" in line_html(
        page, "delirium_tremens_physician"
    )
    assert "Tilkall lege" in line_html(page, "delirium_tremens_physician")
    assert "hvert 5.–10. minutt" in line_html(page, "delirium_tremens_diazepam")
    assert "/guidelines/r/8.4.5-2/" in line_html(page, "delirium_tremens_diazepam")
    assert 'data-testid="advice-diazepam_hourly"' not in page
    assert 'data-testid="current-delirium"' in page
    english(as_nurse)
    page = page_of(as_nurse, assessment)
    assert "for example 10 mg every 5–10 minutes" in page


def test_the_entry_form_asks_about_delirium_only_for_ciwa_and_drowsiness_for_every_scale(
    as_nurse, episode
):
    ciwa = as_nurse.get(reverse("assessment-create", args=[episode.pk, "ciwa-ar"])).content
    cows = as_nurse.get(reverse("assessment-create", args=[episode.pk, "cows"])).content
    assert b'name="current_delirium"' in ciwa
    assert b'name="current_delirium"' not in cows
    assert b'name="drowsy"' in ciwa
    assert b'name="drowsy"' in cows


def test_a_correction_carries_delirium_over_unless_changed(episode, nurse):
    original = score(episode, user=nurse, total=20, observed_at=T0, current_delirium=True)
    corrected = assessment_correct(
        original=original,
        items=items_for("ciwa-ar", 21),
        observed_at=T0,
        reason="typo",
        user=nurse,
        now=T0 + dt.timedelta(minutes=5),
    )
    assert corrected.current_delirium is True
    again = assessment_correct(
        original=corrected,
        items=items_for("ciwa-ar", 21),
        observed_at=T0,
        reason="no delirium after all",
        current_delirium=False,
        user=nurse,
        now=T0 + dt.timedelta(minutes=6),
    )
    assert again.current_delirium is False


def test_a_drowsy_patients_page_shows_no_dose_and_prefills_none_g_3771_3773(
    as_nurse, episode, nurse, clinician
):
    """G 3771–3773: hold and call the doctor; the dose form proposes nothing."""
    set_history(episode, user=clinician, complications=["delirium_tremens"])
    assessment = score(episode, user=nurse, total=20, observed_at=T0, drowsy=True)
    page = page_of(as_nurse, assessment)
    assert "advice-dose" not in page
    assert "Vent, og tilkall lege" in line_html(page, "drowsy_hold_sedatives")
    assert 'value="10"' not in page  # no dose prefilled


def test_intake_facts_and_age_reach_the_ciwa_advice_g_3994_3998_g_3905(ward, nurse, clinician):
    """G 3994–3998 (elderly from 65, head injury, benzodiazepines) and 8.4.1-2 (Wernicke)."""
    episode = make_inpatient(unit=ward, birth_date=dt.date(1955, 6, 1))
    set_history(
        episode,
        user=clinician,
        complications=[],
        substances=("alcohol", "benzodiazepines"),
        head_injury=True,
        wernicke_suspected=True,
    )
    assessment = score(episode, user=nurse, total=17, observed_at=T0)
    advice = ciwa_advice_for(assessment)
    assert advice.line("sedative_caution_elderly").params["age"] == 71
    assert {
        "sedative_caution_head_injury",
        "sedative_caution_benzodiazepine_use",
        "wernicke_thiamine_iv_admit",
        "diazepam_hourly",
    } <= set(advice.codes)


def test_age_is_counted_at_the_observation_in_oslo_g_3994_3998(ward, nurse):
    """65 on the day of the score, Norwegian date: elderly (boundary)."""
    episode = make_inpatient(unit=ward, birth_date=dt.date(1961, 11, 21))
    on_birthday = score(episode, user=nurse, total=17, observed_at=T0)
    assert "sedative_caution_elderly" in ciwa_advice_for(on_birthday).codes
    other = make_inpatient(unit=ward, birth_date=dt.date(1961, 11, 22))
    day_before = score(other, user=nurse, total=17, observed_at=T0)
    assert "sedative_caution_elderly" not in ciwa_advice_for(day_before).codes


def test_cows_result_page_gives_the_opioid_advice_with_citations_nb_and_en_g_5206(
    as_nurse, ward, nurse, clinician
):
    """10.5-1 (G 5206–5208) on the ward page, cited like CIWA-Ar, in bokmål and English."""
    episode = make_inpatient(unit=ward)
    set_history(episode, user=clinician, substances=("opioids",), in_lar=False)
    assessment = score(episode, user=nurse, code="cows", total=14, observed_at=T0)
    page = page_of(as_nurse, assessment)
    line = line_html(page, "buprenorphine_naloxone_first_choice")
    assert "Buprenorfin med nalokson er førstevalget" in line
    assert "/guidelines/r/10.5-1/" in line
    assert "Ingen buprenorfin er registrert ennå" in page
    english(as_nurse)
    page = page_of(as_nurse, assessment)
    assert "Buprenorphine with naloxone is the first choice" in page


def test_a_pregnant_woman_in_lar_is_not_tapered_on_the_ward_page_g_5702_5706(
    as_nurse, ward, nurse, clinician
):
    episode = make_inpatient(unit=ward, sex=Sex.FEMALE)
    set_history(episode, user=clinician, substances=("opioids",), pregnant=True, in_lar=True)
    assessment = score(episode, user=nurse, code="sows", total=20, observed_at=T0)
    advice = opioid_advice_for(assessment)
    assert advice.protocol == "lar"
    assert "pregnant_in_lar_stays" in advice.codes
    page = page_of(as_nurse, assessment)
    assert "hun forblir i LAR under svangerskapet" in page
    assert "advice-dose" not in page


def test_a_pregnant_woman_not_in_lar_is_stabilised_g_5753(ward, nurse, clinician):
    """12-7 (G 5753–5755)."""
    episode = make_inpatient(unit=ward, sex=Sex.FEMALE)
    set_history(episode, user=clinician, substances=("opioids",), pregnant=True, in_lar=False)
    assessment = score(episode, user=nurse, code="cows", total=14, observed_at=T0)
    assert opioid_advice_for(assessment).protocol == "pregnant_stabilise"


def test_a_man_is_not_asked_about_pregnancy(ward, nurse):
    episode = make_inpatient(unit=ward, sex=Sex.MALE)
    assessment = score(episode, user=nurse, code="cows", total=14, observed_at=T0)
    assert "pregnancy_not_recorded" not in opioid_advice_for(assessment).codes


def test_a_drowsy_cows_patient_gets_no_medication_line_g_3771_3773(ward, nurse):
    episode = make_inpatient(unit=ward)
    assessment = score(episode, user=nurse, code="cows", total=20, observed_at=T0, drowsy=True)
    advice = opioid_advice_for(assessment)
    assert advice.protocol == "hold"
    assert [line for line in advice.lines if line.kind == "dose"] == []


def test_the_dose_list_offers_buprenorphine_with_naloxone_and_clonidine(as_nurse, ward, nurse):
    """10.5-1: the doses the COWS/SOWS advice names can be recorded."""
    assert {"buprenorphine", "buprenorphine_naloxone", "clonidine"} <= set(Drug.values)
    episode = make_inpatient(unit=ward)
    assessment = score(episode, user=nurse, code="cows", total=14, observed_at=T0)
    page = page_of(as_nurse, assessment)
    for code in ("buprenorphine", "buprenorphine_naloxone", "clonidine"):
        assert f'value="{code}"' in page
    given = give(episode, user=nurse, drug="buprenorphine_naloxone", dose_mg="8", given_at=T0)
    assert given.drug == "buprenorphine_naloxone"


def test_the_page_of_an_older_score_proposes_no_dose(as_nurse, episode, nurse):
    """Audit: an older score's advice is as it stood, not what to give now, so its page fills in
    no dose (an olanzapine proposal there would pass 30 mg in one click after later doses)."""
    now = timezone.now().replace(second=0, microsecond=0)
    older = score(episode, user=nurse, total=20, observed_at=now - dt.timedelta(minutes=30))
    current = score(episode, user=nurse, total=20, observed_at=now - dt.timedelta(minutes=5))

    assert (
        as_nurse.get(reverse("assessment-detail", args=[older.pk]))
        .context["dose_form"]
        .initial.get("dose_mg")
        is None
    )
    assert (
        as_nurse.get(reverse("assessment-detail", args=[current.pk]))
        .context["dose_form"]
        .initial.get("dose_mg")
        == 10
    )


def test_a_positive_pregnancy_test_counts_as_pregnant_whatever_the_sex_on_record(
    ward, nurse, clinician
):
    """Audit: a positive test was stored beside "not pregnant" and read by no engine."""
    episode = make_inpatient(unit=ward, sex="male")
    set_history(episode, user=clinician, complications=["seizures"], pregnancy_test="positive")
    advice = ciwa_advice_for(score(episode, user=nurse, total=5, observed_at=T0))
    assert "valproate_offer" not in advice.codes
    assert "valproate_not_in_pregnancy" in advice.codes
