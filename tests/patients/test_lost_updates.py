"""Issue 12, lost updates: the intake and the patient correction carry the version the editor
started from; a save over a newer version is refused with what changed, field by field, and
nothing is written. (The race of two saves released together is in
tests/reliability/test_concurrency.py, on PostgreSQL.)"""

import pytest
from django.test import Client
from django.urls import reverse

from patients import services
from patients.concurrency import FieldChange, StaleEditError
from patients.models import EpisodeEvent, Intake
from tests.patients.conftest import ALCOHOL_DT_FIELDS, ALCOHOL_DT_POST, ALCOHOL_ROW

pytestmark = pytest.mark.django_db


def _client(user, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def _intake_url(episode):
    return reverse("intake-edit", args=[episode.pk])


def _started_version(client, url):
    """The version the page hands the editor (the hidden field)."""
    return client.get(url).context["form"]["version"].value()


# --- Intake page ------------------------------------------------------------------------------


def test_a_stale_intake_save_is_refused_with_what_changed_and_the_editors_input_kept(
    clinician, other_clinician, unit, alcohol_intake, planned_episode
):
    unit.staff.add(other_clinician)
    lise, per = _client(clinician), _client(other_clinician)
    url = _intake_url(planned_episode)
    lise_version, per_version = _started_version(lise, url), _started_version(per, url)
    assert lise_version == per_version == 1

    saved = lise.post(url, {**ALCOHOL_DT_POST, "allergies": "Penicillin", "version": lise_version})
    assert saved.status_code == 302
    refused = per.post(
        url, {**ALCOHOL_DT_POST, "home_support": "false", "version": per_version, "save": ""}
    )

    assert refused.status_code == 400
    page = refused.content.decode()
    # Field by field, with the label the form shows, what Per started from and what is saved.
    assert "Allergier: du startet fra «(tomt)»; nå lagret: «Penicillin»." in page
    assert "Lise" in page  # who saved
    # Nothing of Per's is written; Lise's allergies are kept.
    intake = Intake.objects.get()
    assert (intake.allergies, intake.home_support, intake.version) == ("Penicillin", True, 2)
    assert intake.history.count() == 2
    # Per's own input stays in the form, now based on the saved version: saving again applies it.
    form = refused.context["form"]
    assert form["home_support"].value() is False
    assert form["version"].value() == "2"
    again = per.post(url, {**ALCOHOL_DT_POST, "home_support": "false", "version": "2"})
    assert again.status_code == 302
    assert Intake.objects.get().home_support is False


def test_the_refusal_is_in_english_for_an_english_user(
    clinician, other_clinician, unit, alcohol_intake, planned_episode
):
    unit.staff.add(other_clinician)
    url = _intake_url(planned_episode)
    _client(clinician).post(url, {**ALCOHOL_DT_POST, "allergies": "Penicillin", "version": 1})
    refused = _client(other_clinician, "en").post(url, {**ALCOHOL_DT_POST, "version": 1})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "while you were editing it. Nothing of yours is saved" in page
    assert "Allergies: you started from “(empty)”; now saved: “Penicillin”." in page


def test_a_change_in_a_substance_row_counts_as_a_change(
    clinician, other_clinician, unit, alcohol_intake, planned_episode
):
    unit.staff.add(other_clinician)
    url = _intake_url(planned_episode)
    changed_row = {**ALCOHOL_DT_POST, "substances-0-continuous_use_days": "60", "version": 1}
    assert _client(clinician, "en").post(url, changed_row).status_code == 302
    refused = _client(other_clinician, "en").post(url, {**ALCOHOL_DT_POST, "version": 1})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "alcohol – Days of continuous use: you started from “30”; now saved: “60”." in page
    assert Intake.objects.get().substances.get().continuous_use_days == 60


def test_a_post_without_a_version_is_a_400_naming_the_field_and_writes_nothing(
    clinician, alcohol_intake, planned_episode
):
    client = _client(clinician, "en")
    data = {k: v for k, v in ALCOHOL_DT_POST.items() if k != "version"}
    response = client.post(_intake_url(planned_episode), {**data, "allergies": "Penicillin"})
    assert response.status_code == 400
    assert "version" in response.context["form"].errors
    assert "(field “version”)" in response.content.decode()
    assert Intake.objects.get().allergies == ""
    assert Intake.objects.get().version == 1


def test_a_stale_first_save_of_the_intake_is_refused(clinician, planned_episode):
    """Both opened the empty intake (version 0); the second save of a new intake is refused."""
    client = _client(clinician)
    url = _intake_url(planned_episode)
    assert _started_version(client, url) == 0
    assert client.post(url, {**ALCOHOL_DT_POST, "allergies": "Nøtter"}).status_code == 302
    assert client.post(url, {**ALCOHOL_DT_POST, "allergies": ""}).status_code == 400
    assert Intake.objects.get().allergies == "Nøtter"


# --- Patient correction page ------------------------------------------------------------------


def _correction(patient, version, **changes):
    return {
        "national_id": patient.national_id,
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "reason": "Retting",
        "version": version,
        **changes,
    }


def test_a_stale_patient_correction_is_refused_with_what_changed(
    clinician, other_clinician, unit, patient
):
    unit.staff.add(other_clinician)
    url = reverse("patient-edit", args=[patient.pk])
    lise, per = _client(clinician), _client(other_clinician, "en")
    version = _started_version(per, url)
    assert lise.post(url, _correction(patient, version, given_name="Karianne")).status_code == 302
    refused = per.post(url, _correction(patient, version, family_name="Hansen"))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Given name: you started from “Kari”; now saved: “Karianne”." in page
    patient.refresh_from_db()
    assert (patient.given_name, patient.family_name, patient.version) == (
        "Karianne",
        "Nordmann",
        version + 1,
    )
    assert refused.context["form"]["family_name"].value() == "Hansen"


def test_a_patient_correction_without_a_version_is_a_400(clinician, patient):
    response = _client(clinician).post(
        reverse("patient-edit", args=[patient.pk]),
        {k: v for k, v in _correction(patient, 1, given_name="X").items() if k != "version"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["version"]
    patient.refresh_from_db()
    assert patient.given_name == "Kari"


def test_the_api_shows_the_patients_version(clinician, patient):
    client = _client(clinician)
    assert client.get(f"/api/v1/patients/{patient.pk}/").json()["version"] == 1
    services.patient_update(patient=patient, user=clinician, reason="Retting", given_name="Kari")
    assert client.get(f"/api/v1/patients/{patient.pk}/").json()["version"] == 2


# --- Services ---------------------------------------------------------------------------------


def test_patient_update_from_an_old_version_raises_with_the_changes(
    clinician, other_clinician, patient
):
    services.patient_update(
        patient=patient, user=other_clinician, reason="Feil", given_name="Karianne", base_version=1
    )
    with pytest.raises(StaleEditError) as caught:
        services.patient_update(
            patient=patient, user=clinician, reason="Feil", family_name="Hansen", base_version=1
        )
    assert caught.value.changes == [FieldChange("given_name", "Kari", "Karianne")]
    assert caught.value.saved_by == other_clinician
    assert caught.value.version == 2
    patient.refresh_from_db()
    assert patient.family_name == "Nordmann"


def test_intake_amend_from_an_old_version_writes_nothing(
    clinician, other_clinician, alcohol_intake, planned_episode
):
    services.episode_start(episode=planned_episode, user=clinician)
    fields = {**ALCOHOL_DT_FIELDS, "allergies": "Penicillin"}
    services.intake_amend(
        episode=planned_episode,
        user=other_clinician,
        reason="Ny opplysning",
        fields=fields,
        substances=[{**ALCOHOL_ROW, "continuous_use_days": 60}],
        base_version=1,
    )
    events = EpisodeEvent.objects.count()
    with pytest.raises(StaleEditError) as caught:
        services.intake_amend(
            episode=planned_episode,
            user=clinician,
            reason="Min endring",
            fields={**ALCOHOL_DT_FIELDS, "home_support": False},
            substances=[ALCOHOL_ROW],
            base_version=1,
        )
    assert {c.field: (c.started, c.saved) for c in caught.value.changes} == {
        "allergies": ("", "Penicillin"),
        "substances.alcohol.continuous_use_days": (30, 60),
    }
    intake = Intake.objects.get()
    assert (intake.home_support, intake.version, intake.history.count()) == (True, 2, 2)
    assert EpisodeEvent.objects.count() == events
