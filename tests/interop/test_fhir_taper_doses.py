"""Each dose of an accepted taper is a MedicationRequest, read and searched like the plan lines."""

import pytest
from django.urls import reverse

from patients.models import AccessLogEntry
from plans.models import TaperSchedule
from tests.factories import make_unit
from tests.interop.test_fhir import validated
from tests.plans.test_plan_cast import accept_alprazolam_taper, benzodiazepine_outpatient


@pytest.fixture
def schedule(clinician):
    unit = make_unit(name="Avrusning Vest", staff=[clinician])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    return accept_alprazolam_taper(episode, clinician)


def first_dose(schedule):
    day = schedule.computed["days"][0]
    return day, day["doses"][0]


def test_a_taper_dose_is_a_valid_medication_request_with_its_time_and_dose(
    client, clinician, schedule
):
    client.force_login(clinician)
    body = validated(client.get(reverse("fhir-medicationrequest", args=[f"{schedule.pk}-taper-1"])))
    day, dose = first_dose(schedule)
    episode = schedule.line.plan.episode
    assert body["id"] == f"{schedule.pk}-taper-1"
    assert body["intent"] == "plan"
    assert body["encounter"] == {"reference": f"Encounter/{episode.pk}"}
    assert body["basedOn"] == [{"reference": f"MedicationRequest/{schedule.line_id}"}]
    assert body["medicationCodeableConcept"]["coding"][0]["code"] == "N05BA04"  # oxazepam
    dosage = body["dosageInstruction"][0]
    assert dosage["doseAndRate"][0]["doseQuantity"]["value"] == dose["mg"]
    assert dosage["timing"]["event"][0].startswith(f"{day['date']}T{dose['time']}:00+01:00")
    assert AccessLogEntry.objects.filter(
        patient=episode.patient, what=f"MedicationRequest/{schedule.pk}-taper-1 (FHIR)"
    ).exists()


def test_the_search_pages_through_the_plan_lines_then_every_dose(client, clinician, schedule):
    client.force_login(clinician)
    episode = schedule.line.plan.episode
    doses = sum(len(day["doses"]) for day in schedule.computed["days"])
    url = reverse("fhir-medicationrequest-search")
    ids = []
    page = 1
    while True:
        found = validated(
            client.get(url, {"encounter": str(episode.pk), "_count": 100, "_page": page})
        )
        ids += [entry["resource"]["id"] for entry in found["entry"]]
        if not any(link["relation"] == "next" for link in found["link"]):
            break
        page += 1
    taper_ids = [i for i in ids if "-taper-" in i]
    assert found["total"] == len(ids)
    assert taper_ids == [f"{schedule.pk}-taper-{n}" for n in range(1, doses + 1)]
    assert ids.index(taper_ids[0]) > ids.index(str(schedule.line_id))


def test_another_units_dose_a_replaced_schedule_and_a_bad_id_are_404(
    client, clinician, schedule, other_ward
):
    nurse_elsewhere = other_ward.staff.get()
    client.force_login(nurse_elsewhere)
    assert (
        client.get(reverse("fhir-medicationrequest", args=[f"{schedule.pk}-taper-1"])).status_code
        == 404
    )
    client.force_login(clinician)
    TaperSchedule.objects.filter(pk=schedule.pk).update(replaced_at=schedule.accepted_at)
    for resource_id in (f"{schedule.pk}-taper-1", f"{schedule.pk}-taper-0", "x-taper-1"):
        response = client.get(reverse("fhir-medicationrequest", args=[resource_id]))
        assert response.status_code == 404
        assert validated(response)["resourceType"] == "OperationOutcome"


def test_a_fhir_client_reads_and_searches_the_taper_doses(live_server, clinician, schedule):
    from fhirpy import SyncFHIRClient
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=clinician)
    fhir = SyncFHIRClient(f"{live_server.url}/fhir/R4", authorization=f"Token {token.key}")
    dose = fhir.reference("MedicationRequest", f"{schedule.pk}-taper-2").to_resource()
    assert dose["dosageInstruction"][0]["sequence"] == 2
    episode = schedule.line.plan.episode
    found = fhir.resources("MedicationRequest").search(encounter=str(episode.pk)).limit(100)
    ids = [resource.id for resource in found.fetch()]
    assert f"{schedule.pk}-taper-1" in ids
