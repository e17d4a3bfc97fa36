"""Issue 12 item 8: a taper far outside the calendar (9999-12-25) is a 400 naming start_date."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import TaperSchedule
from tests.factories import make_unit
from tests.plans.test_api_tapers import VALID
from tests.plans.test_plan_cast import benzodiazepine_outpatient
from tests.plans.test_plan_views import TAPER_FORM


@pytest.mark.parametrize("start", ["9999-12-25", "0001-01-01", "+1y+1d", "-1y-1d"])
def test_the_api_refuses_a_start_outside_a_year_either_way(client, clinician, start):
    today = timezone.localdate()
    offsets = {"+1y+1d": 366, "-1y-1d": -366}
    if start in offsets:
        start = (today + dt.timedelta(days=offsets[start])).isoformat()
    client.force_login(clinician)
    client.cookies["django_language"] = "en"

    response = client.post(
        "/api/v1/tapers/", {**VALID, "start_date": start}, content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert [error["field"] for error in body["errors"]] == ["start_date"]
    assert "between a year ago and a year ahead" in body["errors"][0]["message"]


def test_the_api_accepts_a_start_a_year_ahead(client, clinician):
    start = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    client.force_login(clinician)
    response = client.post(
        "/api/v1/tapers/", {**VALID, "start_date": start}, content_type="application/json"
    )
    assert response.status_code == 200


def test_the_taper_form_refuses_9999_and_stores_nothing(client, clinician, nurse):
    unit = make_unit(name="Avrusning Vest", staff=[clinician, nurse])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    client.force_login(clinician)

    response = client.post(
        reverse("medication-plan", args=[episode.pk]), {**TAPER_FORM, "start_date": "9999-12-25"}
    )

    assert response.status_code == 400
    assert response.context["taper_form"].errors["start_date"]
    assert not TaperSchedule.objects.exists()
