# ruff: noqa: F811 - the medication view's fixtures (episode, planned) are imported by name
"""A planned dose answered on the medication view is a MedicationAdministration too: given
(completed) or not given (not-done, with why), as the issue asks for every given dose."""

import pytest
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from patients.models import AccessLogEntry
from scoring.planned_doses import planned_dose_correct, planned_dose_record
from tests.scoring.factories import give, make_inpatient
from tests.scoring.test_medication_view import _slot, episode, planned  # noqa: F401 - fixtures


def validated(response):
    assert response.status_code == 200, response.content
    body = response.json()
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    for entry in body.get("entry", []):
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    return body


@pytest.fixture
def answered(episode, planned, nurse):
    now = timezone.now().replace(second=0, microsecond=0)
    day = timezone.localdate(now)
    thiamine = planned_dose_record(
        episode=episode,
        due_date=day,
        slot=_slot(planned, "thiamine"),
        given=True,
        user=nurse,
        now=now,
    )
    oxazepam = planned_dose_record(
        episode=episode,
        due_date=day,
        slot=_slot(planned, "oxazepam"),
        given=False,
        reason="Sov",
        user=nurse,
        now=now,
    )
    return thiamine, oxazepam


def test_planned_doses_given_and_not_given_are_searched_with_the_doses_registered(
    client,
    nurse,
    episode,
    answered,
):
    thiamine, oxazepam = answered
    dose = give(episode, user=nurse, given_at=timezone.now().replace(microsecond=0))
    client.force_login(nurse)
    bundle = validated(
        client.get(
            reverse("fhir-medicationadministration-search"),
            {"patient": f"Patient/{episode.patient_id}"},
        )
    )
    by_id = {entry["resource"]["id"]: entry["resource"] for entry in bundle["entry"]}
    assert set(by_id) == {str(dose.pk), f"planned-{thiamine.pk}", f"planned-{oxazepam.pk}"}
    assert bundle["total"] == 3
    assert by_id[f"planned-{thiamine.pk}"]["status"] == "completed"
    assert "tiamin" in by_id[f"planned-{thiamine.pk}"]["medicationCodeableConcept"]["text"].lower()
    assert by_id[f"planned-{oxazepam.pk}"]["status"] == "not-done"
    assert by_id[f"planned-{oxazepam.pk}"]["statusReason"] == [{"text": "Sov"}]
    assert by_id[f"planned-{oxazepam.pk}"]["context"] == {"reference": f"Encounter/{episode.pk}"}
    # Paged across both kinds without losing or repeating one.
    first = validated(client.get(reverse("fhir-medicationadministration-search"), {"_count": "2"}))
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = validated(client.get(next_url))
    ids = [e["resource"]["id"] for e in first["entry"] + second["entry"]]
    assert sorted(ids) == sorted(by_id)


def test_a_planned_dose_is_read_logged_and_scoped_and_a_correction_replaces_it(
    client,
    nurse,
    clinician,
    episode,
    answered,
    other_ward,
):
    thiamine, _oxazepam = answered
    client.force_login(nurse)
    url = reverse("fhir-medicationadministration", args=[f"planned-{thiamine.pk}"])
    body = validated(client.get(url))
    assert body["id"] == f"planned-{thiamine.pk}"
    assert AccessLogEntry.objects.filter(
        patient=episode.patient, what=f"MedicationAdministration/planned-{thiamine.pk} (FHIR)"
    ).exists()
    for bad in (
        "planned-x",
        "planned-999999",
        "x12",
        "planned-²",
        "²",
        "planned-١",
        "planned-" + "9" * 5000,
        "9" * 5000,
        "planned-",
    ):
        response = client.get(reverse("fhir-medicationadministration", args=[bad]))
        assert response.status_code == 404, bad
    now = timezone.now().replace(second=0, microsecond=0)
    corrected = planned_dose_correct(
        original=thiamine,
        given=False,
        reason_not_given="Kastet opp",
        recorded_at=now,
        reason="Feil registrert",
        user=clinician,
        now=now,
    )
    bundle = validated(client.get(reverse("fhir-medicationadministration-search")))
    ids = {entry["resource"]["id"] for entry in bundle["entry"]}
    assert f"planned-{corrected.pk}" in ids
    assert f"planned-{thiamine.pk}" not in ids
    # Read by its id, the corrected answer says it was entered in error and what corrects it.
    original = validated(client.get(url))
    assert original["status"] == "entered-in-error"
    assert {"text": f"Corrected by MedicationAdministration/planned-{corrected.pk}"} in original[
        "note"
    ]
    # Another unit's nurse sees none of it.
    elsewhere = make_inpatient(unit=other_ward)
    assert elsewhere.unit != episode.unit
    client.force_login(other_ward.staff.first())
    assert client.get(url).status_code == 404
    bundle = validated(client.get(reverse("fhir-medicationadministration-search")))
    assert bundle.get("entry", []) == []
