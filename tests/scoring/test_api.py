import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from scoring.models import Assessment, MedicationAdministration
from tests.scoring.factories import give, items_for, make_inpatient, score


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_nurse(api, nurse):
    api.force_authenticate(nurse)
    return api


@pytest.fixture
def episode(ward):
    return make_inpatient(unit=ward)


def now_minute():
    return timezone.now().replace(second=0, microsecond=0)


def errors(response):
    return {e["field"]: e for e in response.json()["errors"]}


def score_url(code):
    return reverse("api-scale-score", args=[code])


# --- scales --------------------------------------------------------------------------------------


def test_anonymous_calls_get_401(api):
    assert api.get(reverse("api-scale-list")).status_code == 401


def test_the_scales_list_has_the_eight_instruments(as_nurse):
    body = as_nurse.get(reverse("api-scale-list")).json()
    codes = [scale["code"] for scale in body["results"]]
    assert codes == ["ciwa-ar", "cows", "sows", "audit", "dudit", "fast", "cage", "tweak"]
    assert body["count"] == 8


def test_a_scale_definition_has_items_allowed_values_anchors_and_bands(as_nurse):
    body = as_nurse.get(reverse("api-scale-detail", args=["cows"])).json()
    pulse = body["items"][0]
    assert pulse["key"] == "resting_pulse_rate"
    assert pulse["allowed"] == [0, 1, 2, 4]
    assert pulse["options"][3] == {"value": 4, "anchor_nb": "Over 120", "anchor_en": "Over 120"}
    assert [band["code"] for band in body["bands"]] == [
        "none",
        "mild",
        "moderate",
        "moderately_severe",
        "severe",
    ]
    assert body["max_total"] == 48
    assert body["sources"]


def test_an_unknown_scale_is_404_naming_the_known_codes(as_nurse):
    response = as_nurse.get(reverse("api-scale-detail", args=["ciwa-b"]))
    assert response.status_code == 404
    assert "ciwa-ar" in response.json()["detail"]


# --- stateless scoring ---------------------------------------------------------------------------


def test_scoring_ciwa_ar_gives_total_band_interval_tier_and_advice_with_refs(as_nurse):
    response = as_nurse.post(
        score_url("ciwa-ar"),
        {"items": items_for("ciwa-ar", 17), "prior_delirium_tremens": True},
        format="json",
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["instrument"], body["total"], body["max_total"]) == ("ciwa-ar", 17, 67)
    assert body["band"]["code"] == "moderate"
    assert body["monitoring_interval_hours"] == 1
    assert body["treatment_tier"] == "diazepam_hourly"
    assert body["positive"] is None
    diazepam = next(line for line in body["advice"] if line["code"] == "diazepam_hourly")
    assert diazepam["refs"] == ["8.4.6-3"]
    assert "Diazepam 10 mg" in diazepam["text"]
    assert diazepam["citations"][0]["ref"] == "8.4.6-3"


def test_scoring_a_screen_says_whether_it_is_positive(as_nurse):
    body = as_nurse.post(
        score_url("audit"), {"items": items_for("audit", 9), "sex": "male"}, format="json"
    ).json()
    assert (body["total"], body["positive"], body["monitoring_interval_hours"]) == (9, True, None)
    assert body["band"]["code"] == "zone_II"


def test_cows_gives_the_local_interval(as_nurse):
    body = as_nurse.post(
        score_url("cows"),
        {"items": items_for("cows", 14), "local_interval_hours": 3},
        format="json",
    ).json()
    assert (body["monitoring_interval_hours"], body["monitoring_interval_local_choice"]) == (
        3,
        True,
    )
    assert any(line["resolution"] for line in body["advice"])


def test_an_out_of_range_value_is_400_naming_the_item_and_allowed_values(as_nurse):
    items = {**items_for("ciwa-ar", 0), "tremor": 8}
    response = as_nurse.post(score_url("ciwa-ar"), {"items": items}, format="json")
    assert response.status_code == 400
    tremor = errors(response)["items.tremor"]
    assert tremor["allowed"] == [0, 1, 2, 3, 4, 5, 6, 7]
    assert "0, 1, 2, 3, 4, 5, 6, 7" in tremor["message"]


def test_a_value_that_skips_the_allowed_set_is_refused(as_nurse):
    items = {**items_for("cows", 0), "resting_pulse_rate": 3}
    response = as_nurse.post(score_url("cows"), {"items": items}, format="json")
    assert errors(response)["items.resting_pulse_rate"]["allowed"] == [0, 1, 2, 4]


@pytest.mark.parametrize("value", ["3", 2.5, None, True, -1])
def test_a_value_that_is_not_an_allowed_integer_is_refused(as_nurse, value):
    items = {**items_for("ciwa-ar", 0), "headache": value}
    response = as_nurse.post(score_url("ciwa-ar"), {"items": items}, format="json")
    assert response.status_code == 400
    assert list(errors(response)) == ["items.headache"]


def test_missing_and_unknown_items_are_each_named(as_nurse):
    items = items_for("ciwa-ar", 0)
    del items["orientation"]
    items["mood"] = 2
    response = as_nurse.post(score_url("ciwa-ar"), {"items": items}, format="json")
    assert set(errors(response)) == {"items.orientation", "items.mood"}


def test_items_must_be_given_as_an_object(as_nurse):
    response = as_nurse.post(score_url("ciwa-ar"), {"items": [1, 2]}, format="json")
    assert response.status_code == 400
    assert list(errors(response)) == ["items"]
    response = as_nurse.post(score_url("ciwa-ar"), {}, format="json")
    assert list(errors(response)) == ["items"]


def test_audit_without_sex_is_refused_naming_the_allowed_values(as_nurse):
    response = as_nurse.post(score_url("audit"), {"items": items_for("audit", 9)}, format="json")
    assert errors(response)["sex"]["allowed"] == ["male", "female"]


def test_a_wrong_sex_names_the_allowed_values(as_nurse):
    response = as_nurse.post(
        score_url("audit"), {"items": items_for("audit", 9), "sex": "x"}, format="json"
    )
    assert errors(response)["sex"]["allowed"] == ["male", "female"]
    assert "male, female" in errors(response)["sex"]["message"]


def test_messages_are_english_when_asked_for(as_nurse):
    as_nurse.cookies["django_language"] = "en"
    items = {**items_for("ciwa-ar", 0), "tremor": 8}
    response = as_nurse.post(score_url("ciwa-ar"), {"items": items}, format="json")
    assert errors(response)["items.tremor"]["message"] == (
        "tremor: 8 is not an allowed value; allowed values are 0, 1, 2, 3, 4, 5, 6, 7."
    )


# --- stored assessments --------------------------------------------------------------------------


def assessments_url(episode):
    return reverse("api-episode-assessments", args=[episode.pk])


def test_a_score_is_stored_through_the_api(as_nurse, episode, nurse):
    observed = now_minute() - dt.timedelta(minutes=5)
    response = as_nurse.post(
        assessments_url(episode),
        {
            "instrument": "ciwa-ar",
            "items": items_for("ciwa-ar", 12),
            "observed_at": observed.isoformat(),
            "breath_alcohol_permille": "0.3",
        },
        format="json",
    )
    body = response.json()
    assert response.status_code == 201
    assert (body["total"], body["band"], body["breath_alcohol_permille"]) == (
        12,
        "moderate",
        "0.30",
    )
    assert body["entered_by"] == nurse.username
    assert body["is_current"] is True
    assert Assessment.objects.get().observed_at == observed


def test_a_bad_stored_score_is_400_and_nothing_is_stored(as_nurse, episode):
    response = as_nurse.post(
        assessments_url(episode),
        {
            "instrument": "ciwa-ar",
            "items": {**items_for("ciwa-ar", 0), "orientation": 7},
            "observed_at": (timezone.now() + dt.timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(errors(response)) == {"items.orientation", "observed_at"}
    assert errors(response)["items.orientation"]["allowed"] == [0, 1, 2, 3, 4]
    assert not Assessment.objects.exists()


def test_an_unknown_instrument_names_the_allowed_codes(as_nurse, episode):
    response = as_nurse.post(
        assessments_url(episode), {"instrument": "ows", "items": {}}, format="json"
    )
    problem = errors(response)["instrument"]
    assert "ciwa-ar" in problem["allowed"]
    assert "ciwa-ar, cows, sows" in problem["message"]


def test_a_resent_score_is_stored_once(as_nurse, episode):
    payload = {
        "instrument": "ciwa-ar",
        "items": items_for("ciwa-ar", 12),
        "observed_at": now_minute().isoformat(),
    }
    first = as_nurse.post(assessments_url(episode), payload, format="json").json()
    again = as_nurse.post(assessments_url(episode), payload, format="json").json()
    assert first["id"] == again["id"]
    assert Assessment.objects.count() == 1


def test_the_list_is_paginated_and_newest_first(as_nurse, episode, nurse):
    base = now_minute() - dt.timedelta(hours=5)
    for hour in range(3):
        score(episode, user=nurse, total=hour, observed_at=base + dt.timedelta(hours=hour))
    body = as_nurse.get(assessments_url(episode)).json()
    assert body["count"] == 3
    assert [row["total"] for row in body["results"]] == [2, 1, 0]


def test_the_list_takes_the_same_number_of_queries_for_3_and_30_scores(
    as_nurse, episode, nurse, ward, django_assert_num_queries
):
    def fill(target, count):
        base = now_minute() - dt.timedelta(hours=count)
        for n in range(count):
            score(target, user=nurse, total=n % 20, observed_at=base + dt.timedelta(hours=n))

    small = make_inpatient(unit=ward)
    fill(small, 3)
    fill(episode, 30)
    as_nurse.get(assessments_url(small))
    with CaptureQueriesContext(connection) as few:
        as_nurse.get(assessments_url(small))
    with django_assert_num_queries(len(few)):
        body = as_nurse.get(assessments_url(episode)).json()
    assert len(body["results"]) == 30


def test_screening_through_the_api_needs_the_clinician(as_nurse, api, clinician, episode):
    payload = {"instrument": "cage", "items": items_for("cage", 2)}
    assert as_nurse.post(assessments_url(episode), payload, format="json").status_code == 403
    api.force_authenticate(clinician)
    assert api.post(assessments_url(episode), payload, format="json").status_code == 201


def test_an_episode_of_another_unit_is_404(as_nurse, other_ward):
    elsewhere = make_inpatient(unit=other_ward)
    assert as_nurse.get(assessments_url(elsewhere)).status_code == 404
    response = as_nurse.post(
        assessments_url(elsewhere),
        {"instrument": "ciwa-ar", "items": items_for("ciwa-ar", 1)},
        format="json",
    )
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_an_administrator_gets_403(api, administrator, episode):
    api.force_authenticate(administrator)
    assert api.get(assessments_url(episode)).status_code == 403


def test_a_correction_keeps_the_original_and_both_are_listed(as_nurse, episode, nurse):
    original = score(episode, user=nurse, total=12, observed_at=now_minute())
    response = as_nurse.post(
        reverse("api-assessment-corrections", args=[original.pk]),
        {"items": items_for("ciwa-ar", 15), "reason": "Feil på skjelving"},
        format="json",
    )
    body = response.json()
    assert response.status_code == 201
    assert (body["total"], body["supersedes"], body["correction_reason"]) == (
        15,
        original.pk,
        "Feil på skjelving",
    )
    listed = as_nurse.get(assessments_url(episode)).json()["results"]
    by_id = {row["id"]: row for row in listed}
    assert by_id[original.pk]["superseded_by"] == body["id"]
    assert by_id[original.pk]["is_current"] is False
    assert by_id[original.pk]["total"] == 12
    current = as_nurse.get(assessments_url(episode), {"current": "true"}).json()["results"]
    assert [row["id"] for row in current] == [body["id"]]


def test_a_correction_needs_a_reason(as_nurse, episode, nurse):
    original = score(episode, user=nurse, total=12, observed_at=now_minute())
    response = as_nurse.post(
        reverse("api-assessment-corrections", args=[original.pk]),
        {"items": items_for("ciwa-ar", 15)},
        format="json",
    )
    assert response.status_code == 400
    assert list(errors(response)) == ["reason"]
    assert Assessment.objects.count() == 1


def test_a_second_correction_of_the_same_version_is_refused(as_nurse, episode, nurse):
    original = score(episode, user=nurse, total=12, observed_at=now_minute())
    url = reverse("api-assessment-corrections", args=[original.pk])
    as_nurse.post(url, {"items": items_for("ciwa-ar", 15), "reason": "a"}, format="json")
    response = as_nurse.post(url, {"items": items_for("ciwa-ar", 16), "reason": "b"}, format="json")
    assert response.status_code == 400
    assert list(errors(response)) == ["original"]


# --- medications ---------------------------------------------------------------------------------


def medications_url(episode):
    return reverse("api-episode-medications", args=[episode.pk])


def test_a_dose_is_recorded_and_listed(as_nurse, episode, nurse):
    assessment = score(episode, user=nurse, total=17, observed_at=now_minute())
    response = as_nurse.post(
        medications_url(episode),
        {"drug": "diazepam", "dose_mg": "10", "route": "oral", "assessment": assessment.pk},
        format="json",
    )
    assert response.status_code == 201
    listed = as_nurse.get(medications_url(episode)).json()
    assert listed["count"] == 1
    assert listed["results"][0]["assessment"] == assessment.pk
    assert listed["results"][0]["dose_mg"] == "10.00"


def test_a_bad_route_names_the_allowed_values(as_nurse, episode):
    response = as_nurse.post(
        medications_url(episode),
        {"drug": "diazepam", "dose_mg": "10", "route": "rectal"},
        format="json",
    )
    assert response.status_code == 400
    route = errors(response)["route"]
    assert route["allowed"] == ["oral", "im", "iv"]
    assert "oral, im, iv" in route["message"]
    assert not MedicationAdministration.objects.exists()


def test_a_dose_linked_to_another_episodes_score_is_refused(as_nurse, ward, episode, nurse):
    elsewhere = score(make_inpatient(unit=ward), user=nurse, total=3, observed_at=now_minute())
    response = as_nurse.post(
        medications_url(episode),
        {"drug": "diazepam", "dose_mg": "10", "route": "oral", "assessment": elsewhere.pk},
        format="json",
    )
    assert list(errors(response)) == ["assessment"]


def test_a_dose_correction_keeps_the_original(as_nurse, episode, nurse):
    dose = give(episode, user=nurse, given_at=now_minute())
    response = as_nurse.post(
        reverse("api-medication-corrections", args=[dose.pk]),
        {
            "drug": "diazepam",
            "dose_mg": "10",
            "route": "oral",
            "given_at": dose.given_at.isoformat(),
            "reason": "Feil pasient",
            "entered_in_error": True,
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["entered_in_error"] is True
    assert MedicationAdministration.objects.count() == 2
    assert not MedicationAdministration.objects.given().exists()


def test_a_stored_score_of_another_unit_is_404(as_nurse, other_ward, make_user):
    elsewhere = make_inpatient(unit=other_ward)
    stored = score(elsewhere, user=make_user("nurse"), total=3)
    assert as_nurse.get(reverse("api-assessment-detail", args=[stored.pk])).status_code == 404


# --- schema --------------------------------------------------------------------------------------


def test_the_schema_documents_the_scoring_endpoints(client, nurse):
    client.force_login(nurse)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/scales/{code}/score/" in paths
    assert "/api/v1/episodes/{episode_id}/assessments/" in paths
    assert "/api/v1/assessments/{assessment_id}/corrections/" in paths
    assert "/api/v1/episodes/{episode_id}/medications/" in paths
    score_post = paths["/api/v1/scales/{code}/score/"]["post"]
    assert "400" in score_post["responses"]


def test_the_browsable_api_renders_the_lists(client, nurse, episode):
    client.force_login(nurse)
    for url in (reverse("api-scale-list"), reverse("api-episode-assessments", args=[episode.pk])):
        assert client.get(url, HTTP_ACCEPT="text/html").status_code == 200
