"""The care-plan PDF made by a real Celery worker through Redis, against PostgreSQL (CI).

Skips without REDIS_URL unless REQUIRE_WORKER is set (see ``celery_worker`` in tests/conftest.py).
"""

import time

import pytest

from plans.models import CarePlan, CarePlanStatus
from tests.factories import make_unit
from tests.plans.test_plan_cast import accept_alprazolam_taper, benzodiazepine_outpatient

pytestmark = pytest.mark.worker


def wait_until_done(care_plan_id, *, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        care_plan = CarePlan.objects.get(pk=care_plan_id)
        if care_plan.status != CarePlanStatus.PENDING:
            return care_plan
        time.sleep(0.5)
    return CarePlan.objects.get(pk=care_plan_id)


def test_a_real_worker_makes_the_pdf_requested_over_the_api(
    celery_worker, shipped_guideline, client, clinician, nurse
):
    unit = make_unit(name="Avrusning Vest", staff=[clinician, nurse])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    accept_alprazolam_taper(episode, clinician)
    client.force_login(clinician)

    response = client.post(f"/api/v1/episodes/{episode.pk}/care-plans/")
    assert response.status_code == 202
    care_plan = wait_until_done(response.json()["id"])

    log = celery_worker["log"].read_text()
    assert care_plan.status == CarePlanStatus.READY, (care_plan.error_detail, log)
    # The worker process made it: its log names the task that claimed the care plan.
    assert f"Task detox.generate_care_plan[{care_plan.claimed_by}] succeeded" in log
    status = client.get(response.json()["status_url"]).json()
    assert status["status"] == "ready"
    pdf = client.get(status["pdf_url"])
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_regenerating_on_a_real_worker_keeps_the_earlier_version(
    celery_worker, shipped_guideline, client, clinician
):
    unit = make_unit(name="Avrusning Vest", staff=[clinician])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    client.force_login(clinician)
    first = client.post(f"/api/v1/episodes/{episode.pk}/care-plans/").json()["id"]
    second = client.post(f"/api/v1/episodes/{episode.pk}/care-plans/").json()["id"]
    done = [wait_until_done(first), wait_until_done(second)]
    assert [plan.status for plan in done] == [CarePlanStatus.READY, CarePlanStatus.READY]
    assert [plan.version for plan in done] == [1, 2]
    assert done[0].file.name != done[1].file.name
