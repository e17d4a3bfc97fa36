"""Issue 12, item 14: a ready care plan whose PDF is gone from the file store.

Its status says so on the page and in the API, and both downloads answer 410 with a message that
says what to do, never a 500; no export is written to the access log, since nothing was
exported.
"""

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from patients.models import AccessAction, AccessLogEntry
from plans import services
from plans.models import CarePlan
from tests.factories import make_unit
from tests.plans.test_plan_cast import FIXED_NOW, benzodiazepine_outpatient

PDF = b"%PDF-1.4\n% missing-file test\n"


class NoQueue:
    def delay(self, care_plan_id):
        pass


@pytest.fixture
def care_plan(db, clinician, nurse) -> CarePlan:
    unit = make_unit(name="Avrusning Vest", staff=[clinician, nurse])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    care_plan = services.care_plan_request(
        episode=episode, user=clinician, task=NoQueue(), now=FIXED_NOW
    )
    assert services.care_plan_claim(care_plan_id=care_plan.pk, token="t", now=FIXED_NOW)
    assert services.care_plan_store(care_plan_id=care_plan.pk, pdf=PDF, token="t", now=FIXED_NOW)
    care_plan.refresh_from_db()
    return care_plan


@pytest.fixture
def missing(care_plan: CarePlan) -> CarePlan:
    care_plan.file.storage.delete(care_plan.file.name)
    assert not care_plan.file.storage.exists(care_plan.file.name)
    return care_plan


def exports(care_plan: CarePlan) -> int:
    return AccessLogEntry.objects.filter(
        patient=care_plan.episode.patient, action=AccessAction.EXPORT
    ).count()


MESSAGE_NB = "PDF-fila for behandlingsplan versjon 1 finnes ikke lenger i fillageret"


def test_the_page_download_answers_410_with_a_message(client, clinician, missing):
    client.force_login(clinician)
    before = exports(missing)
    response = client.get(reverse("care-plan-download", kwargs={"care_plan_id": missing.pk}))
    assert response.status_code == 410
    assert MESSAGE_NB in response.content.decode()
    assert exports(missing) == before


def test_the_list_on_the_page_says_the_file_is_missing(client, clinician, missing):
    client.force_login(clinician)
    response = client.get(reverse("care-plans", kwargs={"pk": missing.episode_id}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="missing"' in page
    assert "PDF-fila mangler" in page
    assert "download-care-plan" not in page  # no link that cannot work


def test_the_api_status_says_missing_with_a_reason_and_no_pdf_url(client, clinician, missing):
    client.force_login(clinician)
    body = client.get(f"/api/v1/care-plans/{missing.pk}/").json()
    assert body["status"] == "missing"
    assert body["pdf_url"] is None
    assert MESSAGE_NB in body["error"]


def test_the_api_download_answers_410_with_a_message(client, clinician, missing):
    client.force_login(clinician)
    before = exports(missing)
    response = client.get(f"/api/v1/care-plans/{missing.pk}/pdf/")
    assert response.status_code == 410
    body = response.json()
    assert body["status"] == "missing"
    assert MESSAGE_NB in body["detail"]
    assert exports(missing) == before


@pytest.mark.parametrize("where", ["page", "api"])
def test_a_file_lost_between_the_check_and_the_open_is_still_410(
    client, clinician, missing, monkeypatch, where
):
    """The store said it was there (a race with a deletion, an eventually consistent store)."""
    monkeypatch.setattr(FileSystemStorage, "exists", lambda self, name: True)
    client.force_login(clinician)
    name = "care-plan-download" if where == "page" else "api-care-plan-pdf"
    kwargs = {"care_plan_id": missing.pk} if where == "page" else {"pk": missing.pk}
    before = exports(missing)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 410
    assert exports(missing) == before


def test_a_ready_care_plan_with_its_file_still_downloads(client, clinician, care_plan):
    client.force_login(clinician)
    before = exports(care_plan)
    response = client.get(reverse("care-plan-download", kwargs={"care_plan_id": care_plan.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    body = client.get(f"/api/v1/care-plans/{care_plan.pk}/").json()
    assert body["status"] == "ready"
    assert body["pdf_url"]
    assert exports(care_plan) == before + 1
