"""CDS Hooks order-select: selected draft benzodiazepine/opioid orders checked by the kernel."""

import datetime as dt

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from patients.models import AccessLogEntry
from patients.services import intake_amend
from tests.interop.cds_client import ISSUER, ORDER_SELECT, SECRET, post, token
from tests.scoring.factories import make_inpatient, score

ATC = "http://www.whocc.no/atc"


@pytest.fixture
def issuers(settings, ward):
    settings.CDS_HOOKS_ISSUERS = {ISSUER: {"secret": SECRET, "units": [ward.code]}}


def draft(order_id, *, code=None, text=None, mg=None, per_day=None):
    concept = {"text": text} if text else {}
    if code:
        concept["coding"] = [{"system": ATC, "code": code}]
    order = {
        "resourceType": "MedicationRequest",
        "id": order_id,
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/1"},
        "medicationCodeableConcept": concept,
    }
    if mg is not None:
        dosage: dict[str, object] = {"doseAndRate": [{"doseQuantity": {"value": mg, "unit": "mg"}}]}
        if per_day:
            dosage["timing"] = {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}}
        order["dosageInstruction"] = [dosage]
    return order


def orders(*drafts):
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": d} for d in drafts],
    }
    Bundle.model_validate(bundle)  # what the test sends is valid FHIR itself
    return bundle


def check(client, patient_id, *drafts, selections=None, bearer=None, prefetch=None):
    context = {
        "patientId": str(patient_id),
        "selections": selections or [f"MedicationRequest/{d['id']}" for d in drafts],
        "draftOrders": orders(*drafts),
    }
    return post(
        client, ORDER_SELECT, bearer or token(ORDER_SELECT), context=context, prefetch=prefetch
    )


def by_indicator(response, indicator):
    assert response.status_code == 200, response.content
    return [c for c in response.json()["cards"] if c["indicator"] == indicator]


def intake(episode, user, substances, **fields):
    intake_amend(episode=episode, user=user, reason="test", fields=fields, substances=substances)


def test_a_sedative_order_for_a_drowsy_patient_is_critical_citing_8_3_1(
    client, issuers, ward, nurse
):
    episode = make_inpatient(unit=ward)
    moment = timezone.now() - dt.timedelta(hours=1)
    score(episode, user=nurse, total=8, observed_at=moment, drowsy=True)
    response = check(client, episode.patient_id, draft("d1", code="N05BA01", mg=10, per_day=2))
    critical = by_indicator(response, "critical")
    assert len(critical) == 1
    assert "8.3.1" in critical[0]["detail"]
    assert critical[0]["source"]["label"] == "Avrusning"
    assert critical[0]["source"]["url"].startswith("http://testserver/")


def test_an_opioid_order_for_a_pregnant_woman_is_critical_with_12_7(
    client, issuers, ward, clinician
):
    episode = make_inpatient(unit=ward, sex="female", birth_date=dt.date(1995, 5, 5))
    intake(
        episode,
        clinician,
        [{"substance": "opioids", "dependent": True}],
        pregnant=True,
        in_lar=False,
    )
    response = check(client, episode.patient_id, draft("m1", code="N07BC02", mg=30, per_day=1))
    critical = by_indicator(response, "critical")
    assert any("12-7" in c["detail"] and "10.3-1" in c["detail"] for c in critical)
    urls = [link["url"] for c in critical for link in c.get("links", [])]
    assert any(url.endswith("/guidelines/r/12-7/") for url in urls)
    assert all(c["source"]["url"].startswith("http://testserver/guidelines/r/") for c in critical)


def test_a_taper_dose_above_the_start_bound_of_the_recorded_use_is_critical(
    client, issuers, ward, clinician
):
    episode = make_inpatient(unit=ward)
    substances = [
        {
            "substance": "benzodiazepines",
            "dependent": True,
            "description": "diazepam",
            "last_week_frequency": "daily",
            "last_week_amount": "20 mg",
        }
    ]
    intake(episode, clinician, substances)
    # 20 mg diazepam -> 100 mg oxazepam at the upper end; the bound is 150 mg a day.
    fine = check(client, episode.patient_id, draft("o1", text="Sobril", mg=50, per_day=3))
    assert not any("9.3.1-2" in c["detail"] for c in by_indicator(fine, "critical"))
    above = check(client, episode.patient_id, draft("o2", text="Oksazepam", mg=55, per_day=3))
    critical = by_indicator(above, "critical")
    assert any("165" in c["detail"] and "150" in c["detail"] for c in critical)


def test_buprenorphine_above_24_mg_a_day_is_critical(client, issuers, ward):
    episode = make_inpatient(unit=ward)
    response = check(client, episode.patient_id, draft("b1", code="N07BC51", mg=16, per_day=2))
    assert any("10.5-1" in c["detail"] for c in by_indicator(response, "critical"))


def test_only_selected_known_drugs_get_cards_and_what_is_unknown_is_said(client, issuers, ward):
    episode = make_inpatient(unit=ward)
    response = check(
        client,
        episode.patient_id,
        draft("p1", text="Paracetamol", mg=1000, per_day=4),
        draft("k1", code="N03AE01", mg=0.5),
        draft("k2", code="N03AE01", mg=0.5),
        selections=["MedicationRequest/p1", "MedicationRequest/k1"],
    )
    cards = response.json()["cards"]
    assert all("MedicationRequest/k1" in c["detail"] for c in cards)
    info = by_indicator(response, "info")
    assert any("sløvhet" in c["detail"] for c in info)  # no score recorded yet (bokmål default)


def test_a_bad_draft_orders_bundle_is_400(client, issuers, ward):
    episode = make_inpatient(unit=ward)
    context = {
        "patientId": str(episode.patient_id),
        "selections": ["MedicationRequest/x"],
        "draftOrders": {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": {"resourceType": "MedicationRequest", "id": "x"}}],
        },
    }
    assert post(client, ORDER_SELECT, token(ORDER_SELECT), context=context).status_code == 400


def test_jwt_and_unit_scoping_and_the_access_log(client, issuers, ward, other_ward):
    episode = make_inpatient(unit=ward)
    elsewhere = make_inpatient(unit=other_ward)
    order = draft("d1", code="N05BA01", mg=5)
    assert check(client, episode.patient_id, order, bearer="not-a-jwt").status_code == 401
    # A token for patient-view is not one for order-select (aud is the called service's URL).
    assert check(client, episode.patient_id, order, bearer=token()).status_code == 401
    assert check(client, elsewhere.patient_id, order).status_code == 403
    assert check(client, episode.patient_id, order).status_code == 200
    assert (
        AccessLogEntry.objects.filter(
            patient=episode.patient, what__startswith="CDS Hooks order-select"
        ).count()
        == 1
    )
    # The refused call is on the other patient's log as refused, never as a view.
    assert [e.action for e in AccessLogEntry.objects.filter(patient=elsewhere.patient)] == [
        "denied"
    ]


def test_a_patient_known_only_from_prefetch_is_checked_with_what_prefetch_says(client, issuers):
    prefetch = {
        "patient": {
            "resourceType": "Patient",
            "id": "ehr-5",
            "gender": "female",
            "birthDate": "1992-01-02",
        },
        "pregnancy": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [
                {
                    "resource": {
                        "resourceType": "Observation",
                        "status": "final",
                        "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]},
                        "valueCodeableConcept": {
                            "coding": [{"system": "http://snomed.info/sct", "code": "77386006"}]
                        },
                    }
                }
            ],
        },
    }
    response = check(client, "ehr-5", draft("m1", code="N07BC02", mg=30), prefetch=prefetch)
    assert any("12-7" in c["detail"] for c in by_indicator(response, "critical"))
    info = by_indicator(response, "info")
    assert any("ikke registrert her" in c["detail"] for c in info)
    assert AccessLogEntry.objects.filter(
        patient=None, what__startswith="CDS Hooks order-select, stateless"
    ).exists()


def test_a_single_buprenorphine_dose_above_the_daily_bound_is_critical_without_timing(
    client, issuers, ward, clinician
):
    episode = make_inpatient(unit=ward)
    intake(episode, clinician, [{"substance": "opioids", "dependent": True}])
    response = check(client, episode.patient_id, draft("b1", code="N07BC51", mg=32))
    critical = by_indicator(response, "critical")
    assert len(critical) == 1
    assert "32 mg" in critical[0]["summary"]
    assert "10.5-1" in critical[0]["detail"]


def contained(order_id, medication, reference="#med"):
    order = draft(order_id, mg=10, per_day=2)
    del order["medicationCodeableConcept"]
    order["contained"] = [{"resourceType": "Medication", "id": "med"} | medication]
    order["medicationReference"] = {"reference": reference}
    return order


def test_an_order_naming_a_contained_medication_is_checked_by_its_code(
    client, issuers, ward, nurse
):
    episode = make_inpatient(unit=ward)
    score(
        episode,
        user=nurse,
        total=8,
        observed_at=timezone.now() - dt.timedelta(hours=1),
        drowsy=True,
    )
    diazepam = {"code": {"coding": [{"system": ATC, "code": "N05BA01"}]}}
    response = check(client, episode.patient_id, contained("c1", diazepam))
    critical = by_indicator(response, "critical")
    assert len(critical) == 1
    assert "8.3.1" in critical[0]["detail"]
    by_name = contained("c2", {"code": {"text": "Stesolid 5 mg tablett"}})
    assert len(by_indicator(check(client, episode.patient_id, by_name), "critical")) == 1


@pytest.mark.parametrize(
    "order",
    [
        contained("u1", {"code": {"text": "Stesolid"}}, reference="Medication/123"),
        contained("u2", {"form": {"text": "tablett"}}),
    ],
)
def test_an_order_whose_medication_cannot_be_read_says_it_was_not_checked(
    client, issuers, ward, order
):
    episode = make_inpatient(unit=ward)
    warnings = by_indicator(check(client, episode.patient_id, order), "warning")
    assert len(warnings) == 1
    assert "Ikke kontrollert" in warnings[0]["summary"]
    assert "medicationReference" in warnings[0]["detail"]
    assert warnings[0]["summary"].startswith(f"MedicationRequest/{order['id']}")


def test_an_order_naming_two_drugs_says_it_was_not_checked(client, issuers, ward):
    """Audit: 'diazepam/oksazepam' without an ATC code got no card at all, as if unknown."""
    episode = make_inpatient(unit=ward)
    two = draft("two", text="Diazepam eller oksazepam ved behov", mg=10)
    warnings = by_indicator(check(client, episode.patient_id, two), "warning")
    assert len(warnings) == 1
    assert (
        warnings[0]["summary"]
        == "MedicationRequest/two: Ikke kontrollert: ordinasjonen nevner mer enn ett legemiddel."
    )
    assert "diazepam, oksazepam" in warnings[0]["detail"]
    # An ATC code says which drug it is: checked, not refused.
    coded = draft("coded", code="N05BA01", text="Diazepam eller oksazepam", mg=10)
    cards = check(client, episode.patient_id, coded).json()["cards"]
    assert not any("mer enn ett" in c["summary"] for c in cards)
    assert cards
