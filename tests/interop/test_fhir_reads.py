"""Every FHIR read and search answer validates with fhir.resources, searches stay in the reader's
units, and every patient a search returns is written to the access log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from patients.models import AccessLogEntry
from tests.scoring.factories import give, make_inpatient, score


def validated(response):
    body = response.json()
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    for entry in body.get("entry", []):
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return body


def ids(bundle):
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "searchset"
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


@pytest.fixture
def here_and_elsewhere(ward, other_ward, nurse):
    moment = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=30)
    here = make_inpatient(unit=ward, given_name="Kari")
    elsewhere = make_inpatient(unit=other_ward, given_name="Ola")
    scores = {}
    for episode in (here, elsewhere):
        scores[episode.pk] = score(episode, user=nurse, total=12, observed_at=moment)
        give(episode, user=nurse, given_at=moment + dt.timedelta(minutes=5))
    return here, elsewhere, scores


def test_every_read_validates(client, nurse, here_and_elsewhere):
    here, _elsewhere, scores = here_and_elsewhere
    client.force_login(nurse)
    assessment = scores[here.pk]
    for name, pk, kind in [
        ("fhir-patient", here.patient_id, "Patient"),
        ("fhir-encounter", here.pk, "Encounter"),
        ("fhir-questionnaireresponse", assessment.pk, "QuestionnaireResponse"),
        ("fhir-observation", assessment.pk, "Observation"),
        ("fhir-questionnaire", "cows", "Questionnaire"),
    ]:
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/fhir+json")
        assert validated(response)["resourceType"] == kind


def test_every_search_validates_and_holds_only_the_readers_units(client, nurse, here_and_elsewhere):
    here, elsewhere, scores = here_and_elsewhere
    client.force_login(nurse)
    searches: dict[str, dict[str, str]] = {
        "fhir-patient-search": {},
        "fhir-encounter-search": {},
        "fhir-observation-search": {},
        "fhir-medicationadministration-search": {},
        "fhir-medicationrequest-search": {},
    }
    for name, params in searches.items():
        bundle = validated(client.get(reverse(name), params))
        assert bundle["total"] == len(ids(bundle)), name
        subjects = {
            (entry["resource"].get("subject") or entry["resource"].get("patient") or {}).get(
                "reference"
            )
            for entry in bundle.get("entry", [])
        }
        assert f"Patient/{elsewhere.patient_id}" not in subjects, name
    assert ids(validated(client.get(reverse("fhir-patient-search")))) == [str(here.patient_id)]
    assert ids(validated(client.get(reverse("fhir-observation-search")))) == [
        str(scores[here.pk].pk)
    ]
    # Asking for the other unit's patient finds nothing (a search is not a read: no 404).
    other = validated(
        client.get(
            reverse("fhir-observation-search"), {"subject": f"Patient/{elsewhere.patient_id}"}
        )
    )
    assert ids(other) == []
    questionnaires = validated(client.get(reverse("fhir-questionnaire-search")))
    assert len(ids(questionnaires)) == 8


def test_each_patient_a_search_returns_is_in_the_access_log(client, nurse, here_and_elsewhere):
    here, elsewhere, _scores = here_and_elsewhere
    client.force_login(nurse)
    before = AccessLogEntry.objects.count()
    validated(client.get(reverse("fhir-observation-search")))
    logged = AccessLogEntry.objects.order_by("pk")[before:]
    assert {entry.patient_id for entry in logged} == {here.patient_id}
    assert all(entry.user == nurse for entry in logged)
    assert all("FHIR" in entry.what for entry in logged)
    assert elsewhere.patient_id not in {entry.patient_id for entry in logged}


def test_an_administrator_gets_a_403_operation_outcome(client, administrator, here_and_elsewhere):
    here, _elsewhere, _scores = here_and_elsewhere
    client.force_login(administrator)
    response = client.get(reverse("fhir-patient", args=[here.patient_id]))
    assert response.status_code == 403
    assert validated(response)["resourceType"] == "OperationOutcome"
    assert not AccessLogEntry.objects.filter(user=administrator).exists()
