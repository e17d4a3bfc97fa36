"""The care-plan API: 202 with a status URL, the status, the PDF; who may do what."""

import pytest
from django.urls import reverse

from plans.models import CarePlan, CarePlanError, CarePlanStatus
from tests.factories import make_unit
from tests.plans.test_plan_cast import accept_alprazolam_taper, benzodiazepine_outpatient


@pytest.fixture
def unit(clinician, nurse):
    return make_unit(name="Avrusning Vest", staff=[clinician, nurse])


@pytest.fixture
def episode(unit, clinician):
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    accept_alprazolam_taper(episode, clinician)
    return episode


@pytest.fixture
def stranger(make_user):
    user = make_user("clinician", username="olav")
    make_unit(name="Annen enhet", staff=[user])
    return user


def create_url(episode):
    return f"/api/v1/episodes/{episode.pk}/care-plans/"


def make_ready(client, episode, capture):
    with capture(execute=True):
        response = client.post(create_url(episode))
    return CarePlan.objects.get(pk=response.json()["id"])


def test_the_urls_are_the_stable_ones(episode):
    assert reverse("api-episode-care-plans", args=[episode.pk]) == create_url(episode)
    assert reverse("api-care-plan-detail", args=[7]) == "/api/v1/care-plans/7/"
    assert reverse("api-care-plan-pdf", args=[7]) == "/api/v1/care-plans/7/pdf/"


def test_a_request_answers_202_with_the_id_and_the_status_url(client, clinician, episode):
    client.force_login(clinician)
    response = client.post(create_url(episode))
    assert response.status_code == 202
    body = response.json()
    care_plan = CarePlan.objects.get()
    assert body == {
        "id": care_plan.pk,
        "version": 1,
        "status": "pending",
        "status_url": f"http://testserver/api/v1/care-plans/{care_plan.pk}/",
    }
    assert response["Location"] == body["status_url"]


def test_the_status_is_pending_until_the_worker_has_made_it(client, clinician, episode):
    client.force_login(clinician)
    care_plan_id = client.post(create_url(episode)).json()["id"]
    body = client.get(f"/api/v1/care-plans/{care_plan_id}/").json()
    assert body["status"] == "pending"
    assert body["pdf_url"] is None
    assert body["error"] is None


def test_the_pdf_is_409_while_pending(client, clinician, episode):
    client.force_login(clinician)
    care_plan_id = client.post(create_url(episode)).json()["id"]
    response = client.get(f"/api/v1/care-plans/{care_plan_id}/pdf/")
    assert response.status_code == 409
    assert response.json()["status"] == "pending"


def test_once_ready_the_status_links_the_pdf_and_the_pdf_downloads(
    client, clinician, episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    care_plan = make_ready(client, episode, django_capture_on_commit_callbacks)
    body = client.get(f"/api/v1/care-plans/{care_plan.pk}/").json()
    assert body["status"] == "ready"
    assert body["pdf_url"] == f"http://testserver/api/v1/care-plans/{care_plan.pk}/pdf/"
    assert body["guideline_edition"].startswith("IS-2211")
    assert body["requested_by"] == "Lise Lege"
    response = client.get(f"/api/v1/care-plans/{care_plan.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_client_asking_for_a_pdf_gets_it(
    client, clinician, episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    care_plan = make_ready(client, episode, django_capture_on_commit_callbacks)
    response = client.get(f"/api/v1/care-plans/{care_plan.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_failed_care_plan_says_why(client, clinician, episode):
    client.force_login(clinician)
    care_plan_id = client.post(create_url(episode)).json()["id"]
    CarePlan.objects.filter(pk=care_plan_id).update(
        status=CarePlanStatus.FAILED, error_code=CarePlanError.QUEUE_UNREACHABLE
    )
    body = client.get(f"/api/v1/care-plans/{care_plan_id}/").json()
    assert body["status"] == "failed"
    assert body["error"] == "Jobbkøen kunne ikke nås."
    assert body["error_code"] == "queue_unreachable"


def test_the_episode_lists_its_care_plans_newest_first(
    client, clinician, episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    make_ready(client, episode, django_capture_on_commit_callbacks)
    make_ready(client, episode, django_capture_on_commit_callbacks)
    body = client.get(create_url(episode)).json()
    assert [item["version"] for item in body["results"]] == [2, 1]


def test_a_nurse_reads_and_downloads_but_does_not_request(
    client, clinician, nurse, episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    care_plan = make_ready(client, episode, django_capture_on_commit_callbacks)
    client.force_login(nurse)
    assert client.post(create_url(episode)).status_code == 403
    assert client.get(f"/api/v1/care-plans/{care_plan.pk}/").status_code == 200
    assert client.get(f"/api/v1/care-plans/{care_plan.pk}/pdf/").status_code == 200


def test_an_administrator_gets_403_everywhere(
    client, clinician, administrator, episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    care_plan = make_ready(client, episode, django_capture_on_commit_callbacks)
    client.force_login(administrator)
    assert client.post(create_url(episode)).status_code == 403
    assert client.get(f"/api/v1/care-plans/{care_plan.pk}/").status_code == 403
    assert client.get(f"/api/v1/care-plans/{care_plan.pk}/pdf/").status_code == 403


def test_another_units_clinician_gets_404(
    client, clinician, stranger, episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    care_plan = make_ready(client, episode, django_capture_on_commit_callbacks)
    client.force_login(stranger)
    assert client.post(create_url(episode)).status_code == 404
    assert client.get(f"/api/v1/care-plans/{care_plan.pk}/").status_code == 404
    assert client.get(f"/api/v1/care-plans/{care_plan.pk}/pdf/").status_code == 404
    assert CarePlan.objects.count() == 1


def test_anonymous_calls_get_401(client, episode):
    assert client.post(create_url(episode)).status_code == 401
    assert client.get("/api/v1/care-plans/1/").status_code == 401


def test_a_token_client_can_request_a_care_plan(clinician, episode):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clinician).key}")
    assert api.post(create_url(episode)).status_code == 202


def test_every_read_and_download_is_in_the_access_log(
    client, clinician, episode, django_capture_on_commit_callbacks
):
    from patients.models import AccessLogEntry

    client.force_login(clinician)
    care_plan = make_ready(client, episode, django_capture_on_commit_callbacks)
    client.get(f"/api/v1/care-plans/{care_plan.pk}/pdf/")
    entries = AccessLogEntry.objects.filter(patient=episode.patient, user=clinician)
    assert entries.filter(action="export", what="care plan requested").exists()
    assert entries.filter(action="export", what="care plan PDF").exists()


def test_the_schema_documents_the_care_plan_api(client, clinician):
    client.force_login(clinician)
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert "202" in paths["/api/v1/episodes/{id}/care-plans/"]["post"]["responses"]
    pdf = paths["/api/v1/care-plans/{id}/pdf/"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"]
    assert "409" in pdf
