"""Issue 11 through the taper API, the plan service, the plan page and the care plan: pregnant
opioid-dependent women (12-7), start-dose bounds, slow tapers, the intake's dose, tablets per
strength and per dispensing interval, patient instructions."""

import pytest
from django.urls import reverse

from plans import selectors, services
from plans.care_plan import care_plan_context, care_plan_html
from plans.models import PlanLineStatus, TaperSchedule
from tests.factories import make_unit
from tests.plans.test_plan_cast import (
    FIXED_NOW,
    accept_alprazolam_taper,
    benzodiazepine_outpatient,
)

# Their tapers start on 2026-12-01, which the API and form accept only within a year of today.
pytestmark = pytest.mark.usefixtures("taper_week_clock")

URL = "/api/v1/tapers/"
REASON = "Hun har takket nei til LAR etter grundig samtale; nedtrapping avtalt med fødeavdelingen."
BUPRENORPHINE = {
    "regimen": "buprenorphine",
    "setting": "inpatient",
    "start_date": "2026-12-01",
    "doses_per_day": 1,
    "start_mg_per_day": 16,
    "days": 10,
    "opioid_dependent": True,
    "pregnant": True,
}
BENZODIAZEPINE = {
    "regimen": "benzodiazepine",
    "current_use": [{"drug": "alprazolam", "mg_per_day": 2}],
    "setting": "outpatient",
    "start_date": "2026-12-01",
    "doses_per_day": 3,
}
TAPER_FORM = {
    "form": "taper_accept",
    "regimen": "benzodiazepine",
    "taper_drug": "oxazepam",
    "setting": "outpatient",
    "start_date": "2026-12-01",
    "weekly_reduction_percent": "10",
    "doses_per_day": "3",
    "drug_0": "alprazolam",
    "mg_0": "2",
}
BUPRENORPHINE_FORM = {
    "form": "taper_accept",
    "regimen": "buprenorphine",
    "taper_drug": "buprenorphine",
    "setting": "inpatient",
    "start_date": "2026-12-01",
    "doses_per_day": "1",
    "start_mg_per_day": "16",
    "days": "10",
    "opioid_dependent": "true",
    "pregnant": "true",
}


@pytest.fixture
def api(client, clinician):
    client.force_login(clinician)
    return client


def post(api, body):
    return api.post(URL, body, content_type="application/json")


@pytest.fixture
def unit(clinician, nurse):
    return make_unit(name="Avrusning Vest", staff=[clinician, nurse])


@pytest.fixture
def episode(unit, clinician):
    return benzodiazepine_outpatient(unit=unit, clinician=clinician)


@pytest.fixture
def plan_url(episode):
    return reverse("medication-plan", args=[episode.pk])


# --- API -------------------------------------------------------------------------------------


def test_api_refuses_a_pregnant_womans_opioid_taper_naming_12_7_g5753(api):
    """12-7 (G 5753-5755), 10.3-1 (G 4893-4906): 400 naming the recommendation."""
    response = post(api, BUPRENORPHINE)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "pregnant"
    assert error["refs"] == ["12-7", "10.3-1"]
    assert "override_reason" in error["message"]


def test_api_builds_it_with_an_override_reason_and_returns_the_reason_g5753(api):
    """12-7 (G 5753-5755): an override reason lets the taper through and travels with it."""
    response = post(api, {**BUPRENORPHINE, "override_reason": REASON})
    assert response.status_code == 200
    body = response.json()
    assert body["override_reason"] == REASON
    codes = [warning["code"] for warning in body["warnings"]]
    assert "pregnant_opioid_taper_overridden" in codes
    assert any(citation["ref"] == "12-7" for citation in body["citations"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BENZODIAZEPINE, "start_mg_per_day": 305}, "start_mg_per_day"),
        ({**BUPRENORPHINE, "pregnant": False, "start_mg_per_day": 32}, "start_mg_per_day"),
    ],
)
def test_api_refuses_a_start_dose_above_the_bound_unless_a_reason_is_given(api, body, field):
    """Item 5 (local bounds: 1.5 x the upper conversion, 24 mg buprenorphine; 9.3.1-2, 10.5-1)."""
    refused = post(api, body)
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == [field]
    allowed = post(api, {**body, "override_reason": REASON})
    assert allowed.status_code == 200
    warning = next(
        w for w in allowed.json()["warnings"] if w["code"] == "start_above_bound_overridden"
    )
    assert warning["resolution"] is True
    assert REASON in warning["text"]


def test_api_slow_taper_at_5_percent_for_30_mg_diazepam_g4515(api):
    """G 4515-4517 and 12-6: 5 % a week lasts about 20 weeks and says it is a slower choice."""
    body = {
        **BENZODIAZEPINE,
        "current_use": [{"drug": "diazepam", "mg_per_day": 30}],
        "weekly_reduction_percent": 5,
    }
    response = post(api, body)
    assert response.status_code == 200
    plan = response.json()
    assert plan["duration_days"] == 140
    assert plan["tablets_total"]
    assert plan["dispensing"][0]["days"] == 7
    slower = next(w for w in plan["warnings"] if w["code"] == "slower_than_usual_reduction")
    assert slower["resolution"] is True


def test_api_asks_to_confirm_the_alprazolam_conversion_point(api):
    """9.4-1, Helsedirektoratet table: alprazolam 0.25-0.5 mg per 5 mg diazepam."""
    assert post(api, BENZODIAZEPINE).json()["conversion_needs_confirmation"] is True
    confirmed = post(api, {**BENZODIAZEPINE, "conversion_confirmed": True}).json()
    assert confirmed["conversion_needs_confirmation"] is False


def test_the_schema_documents_the_new_taper_fields(api):
    """12-7 (G 5753-5755) override, G 4515-4517 tablets and intervals: documented in OpenAPI."""
    schema = api.get("/api/schema/", {"format": "json"}).json()
    request = schema["components"]["schemas"]["TaperRequestRequest"]["properties"]
    for name in ("override_reason", "dispensing_interval_days", "conversion_confirmed"):
        assert name in request
    response = schema["components"]["schemas"]["TaperResponse"]["properties"]
    for name in ("tablets_total", "dispensing", "override_reason"):
        assert name in response


# --- Service -----------------------------------------------------------------------------------


def test_an_override_reason_is_stored_with_the_plan_and_is_the_lines_reason_g5753(
    episode, clinician
):
    """12-7 (G 5753-5755): the reason is kept in the stored request and on the plan line."""
    taper = services.taper_schedule_accept(
        episode=episode,
        request_data={**BUPRENORPHINE, "override_reason": REASON},
        user=clinician,
        now=FIXED_NOW,
    )
    assert taper.request["override_reason"] == REASON
    assert taper.line.reason == REASON
    assert taper.line.status == PlanLineStatus.ADJUSTED
    [view] = selectors.current_tapers(episode)
    assert view.override_reason == REASON


def test_a_pregnant_womans_opioid_taper_without_a_reason_stores_nothing_g5753(episode, clinician):
    """12-7 (G 5753-5755)."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.taper_schedule_accept(
            episode=episode, request_data=BUPRENORPHINE, user=clinician, now=FIXED_NOW
        )
    assert "pregnant" in caught.value.message_dict
    assert not TaperSchedule.objects.exists()


# --- Page --------------------------------------------------------------------------------------


def test_the_taper_form_is_prefilled_with_the_intakes_dose(client, clinician, plan_url):
    """9.3.1-2 (G 4580-4581): "2 mg alprazolam daglig" in the intake fills the form."""
    client.force_login(clinician)
    form = client.get(plan_url).context["taper_form"]
    assert form.initial["drug_0"] == "alprazolam"
    assert form.initial["mg_0"] == 2


def test_the_page_warns_when_the_taper_dose_differs_from_the_intake(client, clinician, plan_url):
    """9.3.1-2 (G 4580-4581): the intake says 2 mg alprazolam a day."""
    client.force_login(clinician)
    response = client.post(plan_url, {**TAPER_FORM, "form": "taper_preview", "mg_0": "3"})
    assert response.status_code == 200
    codes = [w["code"] for w in response.context["preview"].plan["warnings"]]
    assert "differs_from_intake" in codes
    same = client.post(plan_url, {**TAPER_FORM, "form": "taper_preview"})
    assert "differs_from_intake" not in [
        w["code"] for w in same.context["preview"].plan["warnings"]
    ]


def test_the_page_asks_for_the_reason_for_a_pregnant_womans_opioid_taper_g5753(
    client, clinician, plan_url
):
    """12-7 (G 5753-5755): the page's form refuses without a reason and keeps one given."""
    client.force_login(clinician)
    refused = client.post(plan_url, BUPRENORPHINE_FORM)
    assert refused.status_code == 400
    assert refused.context["taper_form"].errors["pregnant"]
    assert refused.context["taper_form"].errors["override_reason"]
    assert 'name="override_reason"' in refused.content.decode()
    accepted = client.post(plan_url, {**BUPRENORPHINE_FORM, "override_reason": REASON})
    assert accepted.status_code == 302
    assert TaperSchedule.objects.get().request["override_reason"] == REASON
    page = client.get(plan_url).content.decode()
    assert 'data-testid="taper-override"' in page


def test_the_page_asks_for_the_reason_for_a_start_dose_above_the_bound(client, clinician, plan_url):
    """Item 5: alprazolam 2 mg gives at most 300 mg oxazepam without a reason (local bound)."""
    client.force_login(clinician)
    refused = client.post(plan_url, {**TAPER_FORM, "start_mg_per_day": "305", "reason": "x"})
    assert refused.status_code == 400
    assert refused.context["taper_form"].errors["start_mg_per_day"]
    assert refused.context["taper_form"].errors["override_reason"]
    accepted = client.post(
        plan_url,
        {**TAPER_FORM, "start_mg_per_day": "305", "reason": "x", "override_reason": REASON},
    )
    assert accepted.status_code == 302
    assert TaperSchedule.objects.get().request["override_reason"] == REASON


def test_the_page_shows_tablets_per_interval_and_patient_instructions(client, clinician, plan_url):
    """9.3.1-3 (G 4586): what prescription, pharmacy and patient need; 9.4-1 conversion point."""
    client.force_login(clinician)
    response = client.post(
        plan_url, {**TAPER_FORM, "form": "taper_preview", "dispensing_interval_days": "14"}
    )
    page = response.content.decode()
    assert 'data-testid="taper-tablets"' in page
    assert 'data-testid="patient-instructions"' in page
    assert 'data-testid="confirm-conversion"' in page
    confirmed = client.post(
        plan_url, {**TAPER_FORM, "form": "taper_preview", "conversion_confirmed": "on"}
    )
    assert 'data-testid="confirm-conversion"' not in confirmed.content.decode()


# --- Care plan ---------------------------------------------------------------------------------


def test_the_care_plan_prints_the_override_reason_tablets_and_instructions(episode, clinician):
    """12-7 (G 5753-5755): the reason is printed; the tablets and the patient's instructions
    are what the prescription, the pharmacy and the patient need."""
    services.taper_schedule_accept(
        episode=episode,
        request_data={**BUPRENORPHINE, "override_reason": REASON},
        user=clinician,
        now=FIXED_NOW,
    )
    html = care_plan_html(care_plan_context(episode, now=FIXED_NOW))
    assert REASON in html
    assert "taper-tablets" in html
    [view] = selectors.current_tapers(episode)
    for line in view.tablets_total:
        assert line in html
    assert "patient-instructions" in html


def test_the_care_plan_gives_the_benzodiazepine_taper_instructions_in_bokmal(episode, clinician):
    """9.3.1-1 (G 4576): the patient's plain instructions, dated, in bokmål."""
    accept_alprazolam_taper(episode, clinician)
    html = care_plan_html(care_plan_context(episode, now=FIXED_NOW))
    assert "01.12.2026" in html
    assert "tirsdag 1. desember" not in html
    assert "oksazepam 10 mg" in html.lower()
