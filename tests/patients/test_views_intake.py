from django.urls import reverse

from patients import services
from patients.models import EpisodeEvent, EpisodeEventKind, Intake
from patients.services import intake_amend, patient_update
from tests.patients.conftest import ALCOHOL_DT_POST, intake_post


def _url(episode):
    return reverse("intake-edit", args=[episode.pk])


def test_the_intake_page_has_every_section_with_its_guideline_reference(
    client, clinician, planned_episode
):
    client.force_login(clinician)
    page = client.get(_url(planned_episode)).content.decode()
    for heading in (
        "Rusmiddelanamnese",
        "Somatisk helse",
        "Psykisk helse",
        "Klinisk undersøkelse",
        "Laboratorieundersøkelser",
        "Screening",
    ):
        assert heading in page
    assert "7.2-3" in page
    assert page.count('data-testid="substance-') == 7


def test_saving_a_draft_stores_the_intake(client, clinician, planned_episode):
    client.force_login(clinician)
    response = client.post(_url(planned_episode), {**ALCOHOL_DT_POST, "save": ""})
    assert response.status_code == 302
    assert response.url == _url(planned_episode)
    intake = Intake.objects.get(episode=planned_episode)
    assert intake.previous_withdrawal_complications == ["delirium_tremens"]
    assert intake.substances.get().substance == "alcohol"
    assert intake.gi_bleeding is None


def test_save_and_decide_goes_to_the_proposal(client, clinician, planned_episode):
    client.force_login(clinician)
    response = client.post(_url(planned_episode), {**ALCOHOL_DT_POST, "decide": ""})
    assert response.url == reverse("episode-decision", args=[planned_episode.pk])


def test_none_ticked_with_a_complication_is_an_error_on_that_field(
    client, clinician, planned_episode
):
    client.force_login(clinician)
    data = intake_post({"complications": ["none", "seizures"]})
    response = client.post(_url(planned_episode), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["complications"]
    assert not Intake.objects.exists()


def test_no_complications_is_stored_as_an_empty_list(client, clinician, planned_episode):
    client.force_login(clinician)
    client.post(_url(planned_episode), intake_post({"complications": ["none"]}))
    assert Intake.objects.get().previous_withdrawal_complications == []


def test_filled_substance_fields_without_in_use_are_an_error_on_that_row(
    client, clinician, planned_episode
):
    client.force_login(clinician)
    data = intake_post(rows={"opioids": {"description": "Heroin"}})
    response = client.post(_url(planned_episode), data)
    assert response.status_code == 400
    row = response.context["formset"].forms[2]
    assert row.substance == "opioids"
    assert list(row.errors) == ["in_use"]
    assert (
        "Nothing was saved" in response.content.decode()
        or "Ingenting ble lagret" in response.content.decode()
    )
    assert not Intake.objects.exists()


def test_an_out_of_range_pulse_is_an_error_on_the_pulse(client, clinician, planned_episode):
    client.force_login(clinician)
    response = client.post(_url(planned_episode), intake_post({"pulse": "400"}))
    assert list(response.context["form"].errors) == ["pulse"]


def test_a_decimal_comma_is_accepted(client, clinician, planned_episode):
    client.force_login(clinician)
    client.post(_url(planned_episode), intake_post({"breath_alcohol_permille": "0,45"}))
    assert str(Intake.objects.get().breath_alcohol_permille) == "0.45"


def test_after_the_start_the_page_asks_for_a_reason(
    client, clinician, alcohol_intake, planned_episode
):
    services.episode_start(episode=planned_episode, user=clinician)
    client.force_login(clinician)
    page = client.get(_url(planned_episode)).content.decode()
    assert 'name="change_reason"' in page
    response = client.post(_url(planned_episode), {**ALCOHOL_DT_POST, "home_support": "false"})
    assert response.status_code == 400
    assert "change_reason" in response.context["reason_form"].errors
    assert Intake.objects.get().home_support is True


def test_an_amendment_with_a_reason_is_saved_and_listed_in_the_history(
    client, clinician, alcohol_intake, planned_episode
):
    services.episode_start(episode=planned_episode, user=clinician)
    client.force_login(clinician)
    response = client.post(
        _url(planned_episode),
        {
            **ALCOHOL_DT_POST,
            "home_support": "false",
            "change_reason": "Kona reiser bort",
            "version": Intake.objects.get().version,
        },
    )
    assert response.status_code == 302
    assert Intake.objects.get().home_support is False
    history = client.get(reverse("episode-history", args=[planned_episode.pk])).content.decode()
    assert "Kona reiser bort" in history


def test_a_nurse_reads_the_intake_but_cannot_change_it(
    client, nurse, alcohol_intake, planned_episode
):
    client.force_login(nurse)
    response = client.get(_url(planned_episode))
    assert response.status_code == 200
    assert "disabled" in response.content.decode()
    assert 'name="save"' not in response.content.decode()
    assert client.post(_url(planned_episode), ALCOHOL_DT_POST).status_code == 403


def test_pregnancy_is_not_asked_of_a_male_patient_and_is_stored_as_not_pregnant(
    client, clinician, planned_episode
):
    assert planned_episode.patient.sex == "male"
    client.force_login(clinician)
    response = client.get(_url(planned_episode))
    assert "pregnant" not in response.context["form"].fields
    assert 'name="pregnant"' not in response.content.decode()
    assert 'name="last_menstruation"' not in response.content.decode()
    posted = client.post(_url(planned_episode), ALCOHOL_DT_POST)
    assert posted.status_code == 302
    planned_episode.intake.refresh_from_db()
    assert planned_episode.intake.pregnant is False


def test_pregnancy_is_asked_again_once_the_sex_is_corrected(client, clinician, planned_episode):
    patient = planned_episode.patient
    client.force_login(clinician)
    corrected = client.post(
        reverse("patient-edit", args=[patient.pk]),
        {
            "national_id": patient.national_id,
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "sex": "female",
            "reason": "Feil kjønn i folkeregisteret",
            "version": patient.version,
        },
    )
    assert corrected.status_code == 302
    patient.refresh_from_db()
    assert (patient.sex, patient.national_id) == ("female", patient.national_id)
    assert patient.history.first().history_change_reason == "Feil kjønn i folkeregisteret"
    response = client.get(_url(planned_episode))
    assert 'name="pregnant"' in response.content.decode()


def test_a_sex_correction_drops_the_assumed_not_pregnant(client, clinician, planned_episode):
    """Audit: a man's "not pregnant" was never asked; once the sex is corrected to female it is
    "not recorded" again (the form asks, the advice says so), with the reason in the history."""
    client.force_login(clinician)
    assert client.post(_url(planned_episode), ALCOHOL_DT_POST).status_code == 302
    planned_episode.intake.refresh_from_db()
    assert planned_episode.intake.pregnant is False
    patient = planned_episode.patient
    patient_update(patient=patient, user=clinician, reason="Feil kjønn", sex="female")

    planned_episode.intake.refresh_from_db()
    assert planned_episode.intake.pregnant is None
    assert "Kjønn rettet" in planned_episode.intake.history.first().history_change_reason
    assert EpisodeEvent.objects.filter(
        episode=planned_episode, kind=EpisodeEventKind.INTAKE_AMENDED
    ).exists()


def test_a_pregnancy_on_record_stays_amendable_after_a_correction_to_male(
    clinician, planned_episode
):
    """Audit: "pregnant" recorded while registered female, then the sex corrected to male: the
    intake can still be amended (before, every amendment was refused on a field the form no
    longer showed), and the answer stays until someone changes it."""
    patient = planned_episode.patient
    patient_update(patient=patient, user=clinician, reason="test", sex="female")
    intake_amend(
        episode=planned_episode,
        user=clinician,
        reason="test set-up",
        fields={"pregnant": True},
        substances=[{"substance": "alcohol"}],
    )
    patient_update(patient=patient, user=clinician, reason="Feil kjønn", sex="male")

    intake = intake_amend(
        episode=planned_episode,
        user=clinician,
        reason="leversvikt",
        fields={"liver_failure": True},
        substances=[{"substance": "alcohol"}],
    )
    assert (intake.pregnant, intake.liver_failure) == (True, True)


def test_the_ecg_reminder_shows_for_patients_over_50(client, clinician, unit):
    import datetime as dt

    from tests.factories import make_episode, make_patient

    patient = make_patient(unit=unit, user=clinician, birth_date=dt.date(1950, 1, 1))
    episode = make_episode(patient=patient, status="planned", user=clinician)
    client.force_login(clinician)
    assert client.get(_url(episode)).context["ecg_recommended"] is True
