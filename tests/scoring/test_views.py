import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import AccessLogEntry
from scoring.models import Assessment, MedicationAdministration
from scoring.selectors import latest_screening
from tests.scoring.factories import give, items_for, make_inpatient, score, set_history


def now_minute():
    return timezone.now().replace(second=0, microsecond=0)


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(code, total, observed_at=None, **extra):
    data = {key: str(value) for key, value in items_for(code, total).items()}
    data["observed_at"] = local_input(observed_at or now_minute())
    data.update(extra)
    return data


@pytest.fixture
def episode(ward):
    return make_inpatient(unit=ward, given_name="Kari", family_name="Hansen")


@pytest.fixture
def as_nurse(client, nurse):
    client.force_login(nurse)
    return client


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


# --- the ward board ------------------------------------------------------------------------------


def test_the_board_highlights_an_overdue_patient_first_in_words_not_colour_only(
    as_nurse, episode, ward, nurse
):
    score(episode, user=nurse, total=4, observed_at=now_minute() - dt.timedelta(hours=5))
    fine = make_inpatient(unit=ward, given_name="Per")
    score(fine, user=nurse, total=3, observed_at=now_minute() - dt.timedelta(minutes=5))

    page = as_nurse.get(reverse("ward-board")).content.decode()

    assert page.index("Kari Hansen") < page.index("Per ")
    assert "status-overdue" in page
    assert "Forsinket" in page


def test_the_board_refreshes_its_rows_every_30_seconds(as_nurse, episode):
    page = as_nurse.get(reverse("ward-board")).content.decode()
    assert 'hx-get="/ward/board/rows/"' in page
    assert 'hx-trigger="every 30s"' in page


def test_the_rows_partial_is_the_table_body_only(as_nurse, episode):
    partial = as_nurse.get(reverse("ward-board-rows")).content.decode()
    assert partial.lstrip().startswith("<tbody")
    assert "Kari Hansen" in partial


def test_opening_the_board_is_logged_for_each_patient_shown(as_nurse, episode, nurse):
    as_nurse.get(reverse("ward-board"))
    assert AccessLogEntry.objects.filter(user=nurse, patient=episode.patient).exists()


def test_an_administrator_may_not_open_the_board(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("ward-board")).status_code == 403


def test_an_episode_in_another_unit_is_not_found(as_nurse, other_ward):
    elsewhere = make_inpatient(unit=other_ward)
    url = reverse("assessment-create", args=[elsewhere.pk, "ciwa-ar"])
    assert as_nurse.get(url).status_code == 404
    assert as_nurse.get(reverse("episode-scores", args=[elsewhere.pk])).status_code == 404


# --- score entry ---------------------------------------------------------------------------------


def test_the_entry_page_shows_each_item_as_tiles_with_the_anchor_text(as_nurse, episode):
    page = as_nurse.get(reverse("assessment-create", args=[episode.pk, "ciwa-ar"])).content
    page = page.decode()
    assert page.count('class="score-item') == 10
    assert "Skjelving" in page
    assert "Moderat, med armene strakt fram" in page  # tremor 4, in bokmål
    assert 'id="running-total"' in page
    assert page.count('type="submit"') >= 1
    assert 'name="breath_alcohol_permille"' in page


def test_the_anchors_are_english_when_english_is_chosen(as_nurse, episode):
    english(as_nurse)
    page = as_nurse.get(reverse("assessment-create", args=[episode.pk, "ciwa-ar"])).content
    assert "Moderate, with arms extended" in page.decode()


def test_cows_has_no_breath_alcohol_field(as_nurse, episode):
    page = as_nurse.get(reverse("assessment-create", args=[episode.pk, "cows"])).content.decode()
    assert "breath_alcohol_permille" not in page
    assert "Hvilepuls" in page


def test_a_screening_code_is_not_a_withdrawal_entry_page(as_nurse, episode):
    assert as_nurse.get(reverse("assessment-create", args=[episode.pk, "audit"])).status_code == 404


def test_saving_a_score_stores_it_and_shows_the_result(as_nurse, episode, nurse):
    response = as_nurse.post(
        reverse("assessment-create", args=[episode.pk, "ciwa-ar"]), form_data("ciwa-ar", 6)
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment-detail", args=[assessment.pk])
    assert (assessment.total, assessment.entered_by) == (6, nurse)


def test_a_missing_item_stores_nothing_and_names_the_item(as_nurse, episode):
    data = form_data("ciwa-ar", 6)
    del data["tremor"]
    response = as_nurse.post(reverse("assessment-create", args=[episode.pk, "ciwa-ar"]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert not Assessment.objects.exists()
    assert 'href="#item-tremor"' in page
    assert "2. Skjelving" in page
    assert "0, 1, 2, 3, 4, 5, 6, 7" in page
    # What was entered is kept on the form.
    assert 'name="nausea_vomiting" value="6" checked' in page


def test_a_future_time_stores_nothing_and_says_why(as_nurse, episode):
    data = form_data("ciwa-ar", 6, observed_at=now_minute() + dt.timedelta(hours=2))
    response = as_nurse.post(reverse("assessment-create", args=[episode.pk, "ciwa-ar"]), data)
    assert response.status_code == 400
    assert not Assessment.objects.exists()
    assert "fremtiden" in response.content.decode()


def test_a_double_tap_on_save_stores_the_score_once(as_nurse, episode):
    url = reverse("assessment-create", args=[episode.pk, "ciwa-ar"])
    data = form_data("ciwa-ar", 6)
    first = as_nurse.post(url, data)
    second = as_nurse.post(url, data)
    assert Assessment.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_nurse_may_not_record_for_another_unit(as_nurse, other_ward):
    elsewhere = make_inpatient(unit=other_ward)
    url = reverse("assessment-create", args=[elsewhere.pk, "ciwa-ar"])
    assert as_nurse.post(url, form_data("ciwa-ar", 6)).status_code == 404
    assert not Assessment.objects.exists()


# --- the result: band, interval, next due, advice with citations ---------------------------------


def test_the_result_shows_band_hourly_next_due_and_diazepam_advice_citing_8_4_6(
    as_nurse, episode, nurse, clinician
):
    set_history(episode, user=clinician, complications=["delirium_tremens"])
    observed = now_minute() - dt.timedelta(minutes=2)
    assessment = score(episode, user=nurse, total=17, observed_at=observed, now=timezone.now())

    page = as_nurse.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()

    assert "Moderat" in page
    assert "hver time" in page
    next_due = timezone.localtime(observed + dt.timedelta(hours=1)).strftime("%d.%m.%Y kl. %H.%M")
    assert f'data-testid="next-due"><strong>{next_due}</strong>' in page
    advice = page[page.index('data-testid="advice-diazepam_hourly"') :]
    advice = advice[: advice.index("</li>")]
    assert "Diazepam 10 mg" in advice
    assert "/guidelines/r/8.4.6-3/" in advice
    assert "8.4.6-3" in advice


def test_a_resolution_is_shown_as_such(as_nurse, episode, nurse, clinician):
    set_history(episode, user=clinician, complications=[])
    assessment = score(episode, user=nurse, total=12, observed_at=now_minute())

    page = as_nurse.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()

    line = page[page.index('data-testid="advice-no_drug_without_seizure_or_dt_history"') :]
    line = line[: line.index("</li>")]
    assert "advice-resolution" in page
    assert "resolution-note" in line


def test_cows_shows_the_units_interval_as_a_local_choice(as_nurse, episode, nurse):
    assessment = score(episode, user=nurse, code="cows", total=8, observed_at=now_minute())
    page = as_nurse.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert "hver 4. time" in page
    assert "Lokalt valg" in page


def test_a_dose_can_be_recorded_from_the_result(as_nurse, episode, nurse):
    assessment = score(episode, user=nurse, total=17, observed_at=now_minute())
    response = as_nurse.post(
        reverse("administration-create", args=[episode.pk]),
        {
            "drug": "diazepam",
            "dose_mg": "10",
            "route": "oral",
            "given_at": local_input(now_minute()),
            "assessment": assessment.pk,
            "next": reverse("assessment-detail", args=[assessment.pk]),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment-detail", args=[assessment.pk])
    dose = MedicationAdministration.objects.get()
    assert (dose.assessment, dose.entered_by) == (assessment, nurse)


def test_a_bad_dose_stores_nothing_and_names_the_field(as_nurse, episode):
    response = as_nurse.post(
        reverse("administration-create", args=[episode.pk]),
        {"drug": "other", "dose_mg": "10", "route": "oral"},
    )
    assert response.status_code == 400
    assert not MedicationAdministration.objects.exists()
    assert "Navngi legemidlet" in response.content.decode()


def test_the_dose_form_refuses_an_outside_redirect(as_nurse, episode):
    response = as_nurse.post(
        reverse("administration-create", args=[episode.pk]),
        {"drug": "thiamine", "dose_mg": "100", "route": "im", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("episode-scores", args=[episode.pk])


# --- corrections ---------------------------------------------------------------------------------


def test_a_correction_from_the_page_keeps_both_versions_visible(as_nurse, episode, nurse):
    original = score(episode, user=nurse, total=6, observed_at=now_minute())
    data = form_data("ciwa-ar", 9, observed_at=original.observed_at, reason="Skjelving feil")
    response = as_nurse.post(reverse("assessment-correct", args=[original.pk]), data)

    correction = Assessment.objects.exclude(pk=original.pk).get()
    assert response["Location"] == reverse("assessment-detail", args=[correction.pk])
    page = as_nurse.get(reverse("episode-scores", args=[episode.pk])).content.decode()
    assert "Skjelving feil" in page
    assert reverse("assessment-detail", args=[original.pk]) in page
    old = as_nurse.get(reverse("assessment-detail", args=[original.pk])).content.decode()
    assert "Denne versjonen er rettet" in old


def test_a_correction_without_a_reason_is_refused(as_nurse, episode, nurse):
    original = score(episode, user=nurse, total=6, observed_at=now_minute())
    data = form_data("ciwa-ar", 9, observed_at=original.observed_at)
    response = as_nurse.post(reverse("assessment-correct", args=[original.pk]), data)
    assert response.status_code == 400
    assert Assessment.objects.count() == 1


def test_a_dose_correction_from_the_page_keeps_the_original(as_nurse, episode, nurse):
    dose = give(episode, user=nurse, given_at=now_minute())
    response = as_nurse.post(
        reverse("administration-correct", args=[dose.pk]),
        {
            "drug": "diazepam",
            "dose_mg": "5",
            "route": "oral",
            "given_at": local_input(dose.given_at),
            "reason": "Var 5 mg",
        },
    )
    assert response.status_code == 302
    assert MedicationAdministration.objects.count() == 2
    page = as_nurse.get(reverse("episode-scores", args=[episode.pk])).content.decode()
    assert "Var 5 mg" in page


# --- the episode page: trend chart, table, doses -------------------------------------------------


def test_the_episode_page_draws_the_trend_with_thresholds_and_doses(as_nurse, episode, nurse):
    start = now_minute() - dt.timedelta(hours=3)
    for hour, total in enumerate([18, 14, 8]):
        score(episode, user=nurse, total=total, observed_at=start + dt.timedelta(hours=hour))
    give(episode, user=nurse, given_at=start + dt.timedelta(minutes=5))

    page = as_nurse.get(reverse("episode-scores", args=[episode.pk])).content.decode()

    assert '<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart"' in page
    assert 'data-threshold="10"' in page
    assert 'data-threshold="19"' in page
    assert page.count('class="dose-marker"') == 1
    assert page.count('class="score-point"') == 3


def test_the_episode_page_has_the_same_data_as_a_table(as_nurse, episode, nurse):
    observed = now_minute() - dt.timedelta(hours=1)
    score(episode, user=nurse, total=14, observed_at=observed)

    page = as_nurse.get(reverse("episode-scores", args=[episode.pk])).content.decode()

    table = page[page.index('data-testid="trend-table-ciwa-ar"') :]
    table = table[: table.index("</table>")]
    assert timezone.localtime(observed).strftime("%d.%m.%Y kl. %H.%M") in table
    assert ">14</a>" in table
    assert "Moderat" in table


def test_the_monitored_scale_can_be_changed_on_the_episode_page(as_nurse, episode):
    response = as_nurse.post(
        reverse("episode-monitoring", args=[episode.pk]), {"instrument": "sows"}
    )
    assert response.status_code == 302
    page = as_nurse.get(reverse("episode-scores", args=[episode.pk])).content.decode()
    assert "SOWS" in page


# --- screening at intake -------------------------------------------------------------------------


def test_a_clinician_fills_in_audit_and_the_treatment_level_can_read_it(client, clinician, episode):
    client.force_login(clinician)
    data = form_data("audit", 22)
    response = client.post(reverse("screening-create", args=[episode.pk, "audit"]), data)

    audit = latest_screening(episode, "audit")
    assert response.status_code == 302
    assert audit is not None
    assert (audit.total, audit.kind, audit.positive) == (22, "screening", True)
    result = client.get(response["Location"]).content.decode()
    assert "positiv" in result
    assert "NICE" in result  # the AUDIT ≥ 20 flag


def test_audit_items_skipped_under_the_administration_rule_count_as_zero(
    client, clinician, episode
):
    client.force_login(clinician)
    data = {
        "drinking_frequency": "0",
        "alcohol_related_injury": "0",
        "others_concerned": "2",
        "observed_at": local_input(now_minute()),
    }
    response = client.post(reverse("screening-create", args=[episode.pk, "audit"]), data)
    assert response.status_code == 302
    audit = latest_screening(episode, "audit")
    assert audit is not None
    assert audit.total == 2


def test_the_screening_page_offers_tweak_for_a_pregnant_patient(client, clinician, ward):
    episode = make_inpatient(unit=ward, sex="female")
    set_history(episode, user=clinician, pregnant=True)
    client.force_login(clinician)
    page = client.get(reverse("screening-index", args=[episode.pk])).content.decode()
    assert "TWEAK" in page
    assert "graviditet" in page


def test_nurses_do_not_fill_in_screening(as_nurse, episode):
    url = reverse("screening-create", args=[episode.pk, "audit"])
    assert as_nurse.get(url).status_code == 403


def test_the_latest_screening_is_the_newest_current_version(clinician, episode):
    from scoring.services import assessment_correct

    first = score(episode, user=clinician, code="cage", total=1, observed_at=now_minute())
    fixed = assessment_correct(
        original=first,
        items={**first.items, "guilty": 1},
        observed_at=first.observed_at,
        reason="missed one",
        user=clinician,
        now=timezone.now(),
    )
    assert latest_screening(episode, "cage") == fixed
    assert latest_screening(episode, "audit") is None


def test_the_episode_dose_form_links_to_the_newest_score(as_nurse, episode, nurse):
    score(episode, user=nurse, total=4, observed_at=now_minute() - dt.timedelta(hours=2))
    newest = score(episode, user=nurse, total=17, observed_at=now_minute())

    page = as_nurse.get(reverse("episode-scores", args=[episode.pk])).content.decode()

    assert f'<option value="{newest.pk}" selected>' in page
