"""FHIR R4: every answer validates with fhir.resources; a QuestionnaireResponse is the ward form."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhirpy import SyncFHIRClient
from rest_framework.authtoken.models import Token

from clinical.instruments import INSTRUMENTS
from patients.models import AccessLogEntry
from scoring.models import Assessment
from scoring.selectors import ciwa_advice_for
from tests.scoring.factories import give, items_for, make_inpatient, score

FHIR = "application/fhir+json"


def validated(response):
    body = response.json()
    model = get_fhir_model_class(body["resourceType"])
    model.model_validate(body)
    if body["resourceType"] == "Bundle":
        for entry in body.get("entry", []):
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return body


@pytest.fixture
def episode(ward):
    return make_inpatient(unit=ward)


def now_minute():
    return timezone.now().replace(second=0, microsecond=0)


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


BEDSIDE = {"ciwa-ar": ["breath-alcohol", "current-delirium", "drowsy"], "cows": ["drowsy"]}
BEDSIDE["sows"] = BEDSIDE["cows"]


def bedside(drowsy=False, current_delirium=False, breath_alcohol=None, code="ciwa-ar"):
    """The bedside answers the ward form asks with a withdrawal scale, as response items."""
    answers = [{"linkId": "drowsy", "answer": [{"valueBoolean": drowsy}]}]
    if code == "ciwa-ar":
        answers.append(
            {"linkId": "current-delirium", "answer": [{"valueBoolean": current_delirium}]}
        )
        if breath_alcohol is not None:
            answers.append(
                {"linkId": "breath-alcohol", "answer": [{"valueDecimal": breath_alcohol}]}
            )
    return answers


def qr_body(episode, code, items, authored, extra=None):
    if extra is None:
        extra = bedside(code=code) if code in BEDSIDE else []
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"http://testserver/fhir/R4/Questionnaire/{code}",
        "status": "completed",
        "subject": {"reference": f"Patient/{episode.patient_id}"},
        "encounter": {"reference": f"Encounter/{episode.pk}"},
        "authored": authored.isoformat(),
        "item": [
            {"linkId": key, "answer": [{"valueCoding": {"code": str(value)}}]}
            for key, value in items.items()
        ]
        + extra,
    }


def post_qr(client, body):
    return client.post(
        reverse("fhir-questionnaireresponse-create"), json.dumps(body), content_type=FHIR
    )


def test_metadata_is_a_valid_capability_statement_naming_what_is_supported(client):
    response = client.get(reverse("fhir-metadata"))
    assert response["Content-Type"] == FHIR
    body = validated(response)
    kinds = {r["type"] for r in body["rest"][0]["resource"]}
    assert kinds == {
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "Patient",
        "Encounter",
        "MedicationAdministration",
        "MedicationRequest",
    }


SCALES = ["ciwa-ar", "cows", "sows", "audit", "dudit", "fast", "cage", "tweak"]


@pytest.mark.parametrize("code", SCALES)
def test_each_instrument_is_a_questionnaire_built_from_its_definition(client, nurse, code):
    client.force_login(nurse)
    body = validated(client.get(reverse("fhir-questionnaire", args=[code])))
    instrument = INSTRUMENTS[code]
    assert body["url"] == f"http://testserver/fhir/R4/Questionnaire/{code}"
    assert body["version"]
    keys = [i["linkId"] for i in body["item"]]
    assert keys == [*instrument.item_keys, *BEDSIDE.get(code, [])]
    first = body["item"][0]
    assert first["text"] == instrument.items[0].label_nb
    translation = first["_text"]["extension"][0]["extension"]
    assert {"url": "content", "valueString": instrument.items[0].label_en} in translation
    codes = [o["valueCoding"]["code"] for o in first["answerOption"]]
    scores = [o["extension"][0]["valueDecimal"] for o in first["answerOption"]]
    assert codes == [str(v) for v in instrument.items[0].allowed]
    assert scores == list(instrument.items[0].allowed)
    # Every anchored answer in bokmål, with its English translation.
    for item, sent in zip(instrument.items, body["item"], strict=False):
        for option, answer in zip(item.options, sent["answerOption"], strict=True):
            coding = answer["valueCoding"]
            assert coding.get("display") == option.anchor_nb
            if option.anchor_nb and option.anchor_en:
                english = coding["_display"]["extension"][0]["extension"]
                assert {"url": "content", "valueString": option.anchor_en} in english
    for item in body["item"][len(instrument.items) :]:
        # The bedside questions are not scored: no options, no ordinal value.
        assert item["type"] in {"boolean", "decimal"}
        assert "answerOption" not in item
    if code in BEDSIDE:
        drowsy = body["item"][-1]
        assert drowsy["text"] == "Pasienten er sløv eller sedert"
        assert {"url": "content", "valueString": "The patient is drowsy or sedated"} in drowsy[
            "_text"
        ]["extension"][0]["extension"]


def test_anonymous_reads_are_401_operation_outcomes(client):
    response = client.get(reverse("fhir-questionnaire", args=["ciwa-ar"]))
    assert response.status_code == 401
    assert validated(response)["resourceType"] == "OperationOutcome"


def test_the_same_ciwa_answers_by_form_and_by_fhir_store_the_same(client, nurse, ward):
    client.force_login(nurse)
    by_form, by_fhir = make_inpatient(unit=ward), make_inpatient(unit=ward)
    items = items_for("ciwa-ar", 12)
    moment = now_minute() - dt.timedelta(minutes=5)
    form = {key: str(v) for key, v in items.items()} | {"observed_at": local_input(moment)}
    form_url = reverse("assessment-create", args=[by_form.pk, "ciwa-ar"])
    assert client.post(form_url, form).status_code == 302
    response = post_qr(client, qr_body(by_fhir, "ciwa-ar", items, moment))
    assert response.status_code == 201
    validated(response)
    one = Assessment.objects.get(episode=by_form)
    two = Assessment.objects.get(episode=by_fhir)
    assert response["Location"].endswith(f"/fhir/R4/QuestionnaireResponse/{two.pk}")
    assert (one.total, one.band, one.items, one.observed_at) == (
        two.total,
        two.band,
        two.items,
        two.observed_at,
    )
    assert ciwa_advice_for(one) == ciwa_advice_for(two)
    logged = [
        list(
            AccessLogEntry.objects.filter(patient=e.patient)
            .order_by("pk")
            .values_list("user", "action")
        )
        for e in (by_form, by_fhir)
    ]
    assert logged[0]
    assert logged[0] == logged[1]


def test_a_drowsy_patient_by_form_and_by_fhir_is_stored_and_advised_the_same(client, nurse, ward):
    client.force_login(nurse)
    by_form, by_fhir = make_inpatient(unit=ward), make_inpatient(unit=ward)
    items = items_for("ciwa-ar", 18)  # 16 or more: diazepam were the patient not drowsy
    moment = now_minute() - dt.timedelta(minutes=5)
    form = {key: str(v) for key, v in items.items()} | {
        "observed_at": local_input(moment),
        "drowsy": "on",
    }
    assert (
        client.post(reverse("assessment-create", args=[by_form.pk, "ciwa-ar"]), form).status_code
        == 302
    )
    response = post_qr(client, qr_body(by_fhir, "ciwa-ar", items, moment, bedside(drowsy=True)))
    assert response.status_code == 201
    answers = {i["linkId"]: i["answer"][0] for i in validated(response)["item"]}
    assert answers["drowsy"] == {"valueBoolean": True}
    one = Assessment.objects.get(episode=by_form)
    two = Assessment.objects.get(episode=by_fhir)
    fields = ["total", "band", "items", "observed_at", "drowsy", "current_delirium"]
    fields.append("breath_alcohol_permille")
    assert [getattr(one, f) for f in fields] == [getattr(two, f) for f in fields]
    assert two.drowsy is True
    assert two.total == sum(items.values())  # the bedside answers are not scored
    advice = ciwa_advice_for(two)
    assert advice == ciwa_advice_for(one)
    assert not [line for line in advice.lines if line.kind == "dose"]  # no sedative (8.3.1)
    logged = [
        list(AccessLogEntry.objects.filter(patient=e.patient).values_list("user", "action", "what"))
        for e in (by_form, by_fhir)
    ]
    assert logged[0]
    assert [row[:2] for row in logged[0]] == [row[:2] for row in logged[1]]


@pytest.mark.parametrize(
    ("code", "left_out"),
    [("ciwa-ar", "drowsy"), ("ciwa-ar", "current-delirium"), ("cows", "drowsy")],
)
def test_a_withdrawal_response_without_a_yes_no_bedside_answer_is_422_naming_it(
    client, nurse, episode, code, left_out
):
    client.force_login(nurse)
    extra = [i for i in bedside(code=code) if i["linkId"] != left_out]
    response = post_qr(client, qr_body(episode, code, items_for(code, 6), now_minute(), extra))
    assert response.status_code == 422
    issue = validated(response)["issue"][0]
    assert issue["expression"] == [f"QuestionnaireResponse.item.where(linkId='{left_out}')"]
    assert "leses ikke som nei" in issue["diagnostics"]
    assert not Assessment.objects.exists()


def test_breath_alcohol_is_stored_read_back_and_bounded_as_in_the_form(client, nurse, episode):
    client.force_login(nurse)
    moment = now_minute()
    too_high = qr_body(
        episode, "ciwa-ar", items_for("ciwa-ar", 6), moment, bedside(breath_alcohol=12.5)
    )
    response = post_qr(client, too_high)
    assert response.status_code == 422
    expression = validated(response)["issue"][0]["expression"]
    assert expression == ["QuestionnaireResponse.item.where(linkId='breath-alcohol')"]
    body = qr_body(
        episode, "ciwa-ar", items_for("ciwa-ar", 6), moment, bedside(breath_alcohol=0.45)
    )
    response = post_qr(client, body)
    assert response.status_code == 201
    assert str(Assessment.objects.get().breath_alcohol_permille) == "0.45"
    answers = {i["linkId"]: i["answer"][0] for i in validated(response)["item"]}
    assert answers["breath-alcohol"] == {"valueDecimal": 0.45}
    assert answers["current-delirium"] == {"valueBoolean": False}


def test_the_questionnaire_version_follows_the_bedside_questions(monkeypatch):
    from interop import bedside as module
    from interop.resources import questionnaire_version

    before = questionnaire_version(INSTRUMENTS["ciwa-ar"])
    screening = questionnaire_version(INSTRUMENTS["audit"])
    monkeypatch.setattr(module, "BEDSIDE_ITEMS", module.BEDSIDE_ITEMS[1:])
    assert questionnaire_version(INSTRUMENTS["ciwa-ar"]) != before
    assert questionnaire_version(INSTRUMENTS["audit"]) == screening


def test_a_bad_answer_is_422_naming_the_item_and_nothing_is_stored(client, nurse, episode):
    client.force_login(nurse)
    items = items_for("ciwa-ar", 6) | {"tremor": 9}
    response = post_qr(client, qr_body(episode, "ciwa-ar", items, now_minute()))
    assert response.status_code == 422
    body = validated(response)
    assert any("tremor" in e for issue in body["issue"] for e in issue.get("expression", []))
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("repeated", ["tremor", "drowsy"])
def test_an_item_answered_twice_is_422_naming_it_and_nothing_is_stored(
    client, nurse, episode, repeated
):
    client.force_login(nurse)
    body = qr_body(episode, "ciwa-ar", items_for("ciwa-ar", 6), now_minute())
    first = next(item for item in body["item"] if item["linkId"] == repeated)
    other: dict[str, object] = (
        {"valueBoolean": True} if repeated == "drowsy" else {"valueCoding": {"code": "7"}}
    )
    body["item"].append({"linkId": repeated, "answer": [other]})
    response = post_qr(client, body)
    assert response.status_code == 422
    issue = validated(response)["issue"][0]
    assert issue["expression"] == [f"QuestionnaireResponse.item.where(linkId='{repeated}')"]
    assert "mer enn én gang" in issue["diagnostics"]
    assert first in body["item"]
    assert not Assessment.objects.exists()


def test_a_malformed_response_is_400(client, nurse, episode):
    client.force_login(nurse)
    body = qr_body(episode, "ciwa-ar", items_for("ciwa-ar", 6), now_minute())
    body["item"] = "not a list"
    response = post_qr(client, body)
    assert response.status_code == 400
    assert validated(response)["resourceType"] == "OperationOutcome"


def test_another_units_encounter_is_404(client, nurse, other_ward):
    client.force_login(nurse)
    elsewhere = make_inpatient(unit=other_ward)
    body = qr_body(elsewhere, "ciwa-ar", items_for("ciwa-ar", 6), now_minute())
    assert post_qr(client, body).status_code == 404
    assert client.get(reverse("fhir-patient", args=[elsewhere.patient_id])).status_code == 404
    assert client.get(reverse("fhir-encounter", args=[elsewhere.pk])).status_code == 404


def test_observation_carries_total_band_and_the_response_and_is_logged(client, nurse, episode):
    client.force_login(nurse)
    assessment = score(episode, user=nurse, total=12, observed_at=now_minute())
    body = validated(client.get(reverse("fhir-observation", args=[assessment.pk])))
    assert body["valueInteger"] == 12
    assert body["interpretation"][0]["coding"][0]["code"] == assessment.band
    assert body["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{assessment.pk}"}]
    assert AccessLogEntry.objects.filter(what=f"Observation/{assessment.pk} (FHIR)").exists()


def test_unknown_search_parameters_are_400(client, nurse):
    client.force_login(nurse)
    response = client.get(reverse("fhir-observation-search"), {"colour": "blue"})
    assert response.status_code == 400
    assert "colour" in validated(response)["issue"][0]["diagnostics"]


def test_patient_identifier_says_fodselsnummer_or_d_number(client, nurse, episode):
    client.force_login(nurse)
    body = validated(client.get(reverse("fhir-patient", args=[episode.patient_id])))
    system = {"fnr": "urn:oid:2.16.578.1.12.4.1.4.1", "dnr": "urn:oid:2.16.578.1.12.4.1.4.2"}
    assert body["identifier"][0]["system"] == system[episode.patient.national_id_kind]
    assert body["identifier"][0]["value"] == episode.patient.national_id


def test_searches_page_with_next_links(client, nurse, episode):
    client.force_login(nurse)
    start = now_minute() - dt.timedelta(hours=3)
    for n in range(3):
        score(episode, user=nurse, total=5 + n, observed_at=start + dt.timedelta(minutes=10 * n))
    first = validated(client.get(reverse("fhir-observation-search"), {"_count": "2"}))
    assert first["total"] == 3
    assert len(first["entry"]) == 2
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = validated(client.get(next_url))
    assert len(second["entry"]) == 1


FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.2"


def test_patient_identifier_search_matches_the_system(client, nurse, ward):
    from tests.clinical.test_identity import some_number
    from tests.factories import make_patient

    client.force_login(nurse)
    d_number = some_number("410180", range(100, 200))  # day 01 + 40: a D-number
    patient = make_patient(unit=ward, national_id=d_number)
    assert patient.national_id_kind == "dnr"

    def found(identifier):
        bundle = validated(client.get(reverse("fhir-patient-search"), {"identifier": identifier}))
        return [e["resource"]["id"] for e in bundle.get("entry", [])]

    assert found(f"{FNR_SYSTEM}|{d_number}") == []
    assert found(f"HNR|{d_number}") == []
    assert found(f"urn:example|{d_number}") == []
    assert found(f"{DNR_SYSTEM}|{d_number}") == [str(patient.pk)]
    assert found(d_number) == [str(patient.pk)]


def test_observation_code_search_matches_the_system(client, nurse, episode):
    client.force_login(nurse)
    score(episode, user=nurse, total=5, observed_at=now_minute())
    ours = "http://testserver/fhir/R4/CodeSystem/instrument"

    def total(code):
        return validated(client.get(reverse("fhir-observation-search"), {"code": code}))["total"]

    assert total(f"{ours}|ciwa-ar") == 1
    assert total("ciwa-ar") == 1
    assert total("http://loinc.org|ciwa-ar") == 0
    assert total("|ciwa-ar") == 0  # explicitly no system: ours always has one
    assert total(f"http://loinc.org|ciwa-ar,{ours}|ciwa-ar") == 1


def link(bundle, relation):
    return next((item["url"] for item in bundle["link"] if item["relation"] == relation), None)


def test_the_next_page_runs_the_same_query_with_every_repeated_parameter(client, nurse, episode):
    client.force_login(nurse)
    start = now_minute() - dt.timedelta(hours=3)
    for n in range(5):
        score(episode, user=nurse, total=5 + n, observed_at=start + dt.timedelta(minutes=10 * n))
    window = [
        "ge" + (start + dt.timedelta(minutes=10)).isoformat(),
        "le" + (start + dt.timedelta(minutes=30)).isoformat(),
    ]
    query = {"date": window, "_count": "2"}
    first = validated(client.get(reverse("fhir-observation-search"), query))
    assert first["total"] == 3
    assert [e["resource"]["valueInteger"] for e in first["entry"]] == [8, 7]
    for relation in ("self", "next"):
        url = link(first, relation)
        assert url.count("date=") == 2
    second = validated(client.get(link(first, "next")))
    assert second["total"] == 3
    assert [e["resource"]["valueInteger"] for e in second["entry"]] == [6]
    assert link(second, "next") is None
    again = validated(client.get(link(second, "self")))
    assert again["total"] == 3


def test_questionnaire_search_pages_like_the_others(client, nurse):
    client.force_login(nurse)
    first = validated(client.get(reverse("fhir-questionnaire-search"), {"_count": "3"}))
    assert first["total"] == len(SCALES)
    assert [e["resource"]["id"] for e in first["entry"]] == SCALES[:3]
    second = validated(client.get(link(first, "next")))
    assert [e["resource"]["id"] for e in second["entry"]] == SCALES[3:6]
    last = validated(client.get(link(second, "next")))
    assert [e["resource"]["id"] for e in last["entry"]] == SCALES[6:]
    assert link(last, "next") is None


@pytest.mark.django_db(transaction=True)
def test_a_fhir_client_reads_and_searches_the_running_server(live_server, nurse, ward):
    episode = make_inpatient(unit=ward)
    assessment = score(episode, user=nurse, total=9, observed_at=now_minute())
    token = Token.objects.create(user=nurse)
    fhir = SyncFHIRClient(f"{live_server.url}/fhir/R4", authorization=f"Token {token.key}")
    questionnaire = fhir.reference("Questionnaire", "ciwa-ar").to_resource()
    assert questionnaire["item"][0]["linkId"] == INSTRUMENTS["ciwa-ar"].items[0].key
    found = fhir.resources("Observation").search(subject=f"Patient/{episode.patient_id}").fetch()
    assert [o.id for o in found] == [str(assessment.pk)]
    get_fhir_model_class("Observation").model_validate(found[0].serialize())
    patient = fhir.reference("Patient", str(episode.patient_id)).to_resource()
    get_fhir_model_class("Patient").model_validate(patient.serialize())
    encounters = fhir.resources("Encounter").search(patient=str(episode.patient_id)).fetch_all()
    assert [e.id for e in encounters] == [str(episode.pk)]


def test_a_given_dose_is_a_medication_administration(client, nurse, episode):
    client.force_login(nurse)
    dose = give(episode, user=nurse, given_at=now_minute() - dt.timedelta(minutes=3))
    body = validated(client.get(reverse("fhir-medicationadministration", args=[dose.pk])))
    assert body["dosage"]["dose"]["value"] == float(dose.dose_mg)
    assert body["context"] == {"reference": f"Encounter/{episode.pk}"}
    found = validated(
        client.get(
            reverse("fhir-medicationadministration-search"),
            {"patient": f"Patient/{episode.patient_id}"},
        )
    )
    assert [e["resource"]["id"] for e in found["entry"]] == [str(dose.pk)]


def test_an_accepted_plan_line_is_a_medication_request_with_its_references(client, clinician):
    from plans import selectors as plan_selectors
    from plans import services as plan_services
    from tests.factories import make_unit
    from tests.plans.test_plan_cast import FIXED_NOW, benzodiazepine_outpatient

    unit = make_unit(name="Avrusning Vest", staff=[clinician])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    code = "benzodiazepine.benzodiazepine_taper_add_on"
    proposal = plan_selectors.proposal_by_code(episode, code)
    assert proposal is not None
    line = plan_services.medication_plan_line_accept(
        episode=episode,
        proposal=proposal,
        user=clinician,
        now=FIXED_NOW,
    )
    client.force_login(clinician)
    body = validated(client.get(reverse("fhir-medicationrequest", args=[line.pk])))
    assert body["encounter"] == {"reference": f"Encounter/{episode.pk}"}
    assert body["reasonCode"] == [{"text": "Guideline 9.4-2"}]
    found = validated(
        client.get(reverse("fhir-medicationrequest-search"), {"encounter": str(episode.pk)})
    )
    assert [e["resource"]["id"] for e in found["entry"]] == [str(line.pk)]


def test_an_h_number_is_no_basis_patients_local_hnr_not_the_felles_hjelpenummer_oid(
    client, nurse, ward
):
    from tests.clinical.test_identity import some_number

    episode = make_inpatient(unit=ward, national_id=some_number("174585", range(100, 200)))
    assert episode.patient.national_id_kind == "hnr"
    client.force_login(nurse)
    body = validated(client.get(reverse("fhir-patient", args=[episode.patient_id])))
    assert body["identifier"] == [
        {
            "type": {"coding": [{"system": "urn:oid:2.16.578.1.12.4.1.1.8327", "code": "HNR"}]},
            "system": "HNR",
            "value": episode.patient.national_id,
            "assigner": {"display": ward.name},
        }
    ]
    assert "2.16.578.1.12.4.1.4.3" not in json.dumps(body)
