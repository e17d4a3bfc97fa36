"""The plan pages: the medication plan (proposals, taper, versions, print), and care plans."""

import pytest
from django.urls import reverse

from patients.models import AccessLogEntry
from plans import services
from plans.models import CarePlan, PlanLine, TaperSchedule
from tests.factories import make_unit
from tests.plans.test_plan_cast import accept_alprazolam_taper, benzodiazepine_outpatient

# Their tapers start on 2026-12-01, which the API and form accept only within a year of today.
pytestmark = pytest.mark.usefixtures("taper_week_clock")

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


class NoQueue:
    def delay(self, care_plan_id):
        pass


@pytest.fixture
def unit(clinician, nurse):
    return make_unit(name="Avrusning Vest", staff=[clinician, nurse])


@pytest.fixture
def episode(unit, clinician):
    return benzodiazepine_outpatient(unit=unit, clinician=clinician)


@pytest.fixture
def plan_url(episode):
    return reverse("medication-plan", args=[episode.pk])


def test_the_plan_pages_have_stable_urls(episode):
    assert (
        reverse("medication-plan", args=[episode.pk]) == f"/plans/episodes/{episode.pk}/medication/"
    )
    assert reverse("discharge-checklist", args=[episode.pk]) == (
        f"/plans/episodes/{episode.pk}/discharge/"
    )
    assert reverse("care-plans", args=[episode.pk]) == f"/plans/episodes/{episode.pk}/care-plans/"


def test_the_page_shows_the_proposals_with_their_citations(client, clinician, plan_url):
    client.force_login(clinician)
    page = client.get(plan_url).content.decode()
    assert 'data-testid="line-benzodiazepine.benzodiazepine_taper"' in page
    assert "9.3.1-1" in page
    assert "Ikke bestemt" in page


def test_the_taper_form_starts_from_the_intake(client, clinician, plan_url):
    client.force_login(clinician)
    form = client.get(plan_url).context["taper_form"]
    assert form.initial["drug_0"] == "alprazolam"
    assert form.initial["setting"] == "outpatient"
    assert form.initial["taper_drug"] == "oxazepam"


def test_a_preview_shows_the_calendar_and_stores_nothing(client, clinician, plan_url):
    client.force_login(clinician)
    response = client.post(plan_url, {**TAPER_FORM, "form": "taper_preview"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="taper-preview"' in page
    assert "01.12.2026 – " in page
    assert not TaperSchedule.objects.exists()


def test_accepting_the_taper_stores_it_and_shows_the_calendar(client, clinician, plan_url):
    client.force_login(clinician)
    response = client.post(plan_url, TAPER_FORM)
    assert response.status_code == 302
    taper = TaperSchedule.objects.get()
    assert taper.request["current_use"] == [{"drug": "alprazolam", "mg_per_day": 2}]
    page = client.get(plan_url).content.decode()
    assert 'data-testid="taper-calendar"' in page
    assert "60 mg" in page


def test_a_bad_taper_is_a_400_with_the_error_on_its_field(client, clinician, plan_url):
    client.force_login(clinician)
    response = client.post(plan_url, {**TAPER_FORM, "weekly_reduction_percent": "25"})
    assert response.status_code == 400
    assert response.context["taper_form"].errors["weekly_reduction_percent"]
    assert not TaperSchedule.objects.exists()


def test_an_unknown_drug_in_the_taper_is_put_on_its_row(client, clinician, plan_url):
    client.force_login(clinician)
    response = client.post(plan_url, {**TAPER_FORM, "drug_0": "", "mg_0": "2"})
    assert response.status_code == 400
    assert response.context["taper_form"].errors["drug_0"]


def test_an_own_start_dose_without_a_reason_is_refused(client, clinician, plan_url):
    client.force_login(clinician)
    response = client.post(plan_url, {**TAPER_FORM, "start_mg_per_day": "50"})
    assert response.status_code == 400
    assert response.context["taper_form"].errors["reason"]
    response = client.post(
        plan_url, {**TAPER_FORM, "start_mg_per_day": "50", "reason": "Bruker mindre nå"}
    )
    assert response.status_code == 302
    assert PlanLine.objects.get(kind="taper").status == "adjusted"


def test_a_proposal_is_accepted_adjusted_and_removed_from_the_page(client, clinician, plan_url):
    client.force_login(clinician)
    code = "benzodiazepine.benzodiazepine_taper_add_on"
    assert (
        client.post(plan_url, {"form": "line", "code": code, "action": "accept"}).status_code == 302
    )
    adjust = {"form": "line", "code": code, "action": "adjust", "dose": "300 mg x 2", "reason": ""}
    response = client.post(plan_url, adjust)
    assert response.status_code == 400
    assert response.context["line_form_code"] == code
    assert "reason" in response.context["line_form"].errors
    adjust["reason"] = "Lavere dose ved leversykdom"
    assert client.post(plan_url, adjust).status_code == 302
    remove = {"form": "line", "code": code, "action": "remove", "reason": "Ikke aktuelt likevel"}
    assert client.post(plan_url, remove).status_code == 302
    line = PlanLine.objects.get(code=code)
    assert (line.status, line.reason) == ("removed", "Ikke aktuelt likevel")
    page = client.get(plan_url).content.decode()
    assert "Ikke aktuelt likevel" in page
    assert reverse("medication-plan-version", args=[line.plan.episode_id, 2]) in page


def test_an_earlier_version_can_be_read(client, clinician, episode, plan_url):
    client.force_login(clinician)
    code = "benzodiazepine.benzodiazepine_taper_add_on"
    client.post(plan_url, {"form": "line", "code": code, "action": "accept"})
    client.post(plan_url, {"form": "line", "code": code, "action": "remove", "reason": "Nei"})
    page = client.get(reverse("medication-plan-version", args=[episode.pk, 1])).content.decode()
    assert "I planen" in page
    assert "Utelatt" not in page
    assert client.get(reverse("medication-plan-version", args=[episode.pk, 9])).status_code == 404


def test_a_proposal_that_is_not_made_is_refused(client, clinician, plan_url):
    client.force_login(clinician)
    response = client.post(
        plan_url, {"form": "line", "code": "alcohol.thiamine", "action": "accept"}
    )
    assert response.status_code == 400
    assert not PlanLine.objects.exists()


def test_the_print_view_has_the_plan_and_the_calendar(client, clinician, episode):
    accept_alprazolam_taper(episode, clinician)
    client.force_login(clinician)
    page = client.get(reverse("medication-plan-print", args=[episode.pk])).content.decode()
    assert "plan-print" in page
    assert "Nedtrappingskalender" in page
    assert 'data-action="print"' in page


def test_a_nurse_sees_todays_doses_and_cannot_change_the_plan(client, nurse, clinician, episode):
    taper = accept_alprazolam_taper(episode, clinician)
    client.force_login(nurse)
    url = reverse("medication-plan", args=[episode.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["can_change"]
    assert 'name="form" value="taper_accept"' not in response.content.decode()
    assert client.post(url, TAPER_FORM).status_code == 403
    assert TaperSchedule.objects.count() == 1
    assert 'data-testid="todays-doses"' in response.content.decode()
    assert taper.line.status == "accepted"


def test_todays_doses_include_renders_the_taper_doses(clinician, episode):
    from django.template.loader import render_to_string
    from django.utils import translation

    from plans.selectors import todays_doses

    taper = accept_alprazolam_taper(episode, clinician)
    with translation.override("nb"):
        html = render_to_string(
            "plans/_todays_doses.html",
            {"todays": todays_doses(episode, taper.start_date), "today": taper.start_date},
        )
    assert "08.00" in html  # the Norwegian time format
    assert "20 mg" in html
    assert "2 × 10 mg" in html


def test_an_administrator_gets_403_on_every_plan_page(client, administrator, episode):
    client.force_login(administrator)
    for name in ("medication-plan", "medication-plan-print", "discharge-checklist", "care-plans"):
        assert client.get(reverse(name, args=[episode.pk])).status_code == 403, name


def test_another_units_staff_get_404(client, make_user, episode):
    stranger = make_user("clinician", username="olav")
    make_unit(name="Annen enhet", staff=[stranger])
    client.force_login(stranger)
    for name in ("medication-plan", "medication-plan-print", "discharge-checklist", "care-plans"):
        assert client.get(reverse(name, args=[episode.pk])).status_code == 404, name


def test_reading_the_plan_is_in_the_access_log(client, nurse, plan_url, episode):
    client.force_login(nurse)
    client.get(plan_url)
    assert AccessLogEntry.objects.filter(
        user=nurse, patient=episode.patient, action="view", what="medication plan"
    ).exists()


# --- Care plans -------------------------------------------------------------------------------


def test_a_clinician_requests_a_care_plan_and_the_list_polls_while_pending(
    client, clinician, episode
):
    client.force_login(clinician)
    url = reverse("care-plans", args=[episode.pk])
    assert client.post(url).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="care-plan-1"' in page
    assert 'data-status="pending"' in page
    assert f'hx-get="{reverse("care-plans-list", args=[episode.pk])}"' in page
    assert 'hx-trigger="every 2s"' in page


def test_the_polled_list_stops_polling_once_ready(
    client, clinician, episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("care-plans", args=[episode.pk]))
    fragment = client.get(reverse("care-plans-list", args=[episode.pk])).content.decode()
    assert "<html" not in fragment
    assert 'data-status="ready"' in fragment
    assert "hx-trigger" not in fragment
    care_plan = CarePlan.objects.get()
    assert reverse("care-plan-download", args=[care_plan.pk]) in fragment


def test_a_failed_care_plan_shows_the_reason_and_offers_to_try_again(client, clinician, episode):
    care_plan = services.care_plan_request(episode=episode, user=clinician, task=NoQueue())
    CarePlan.objects.filter(pk=care_plan.pk).update(status="failed", error_code="render")
    client.force_login(clinician)
    page = client.get(reverse("care-plans", args=[episode.pk])).content.decode()
    assert "Dokumentet kunne ikke lages." in page
    assert "Prøv igjen" in page


def test_the_pdf_downloads_for_a_nurse_of_the_unit(
    client, clinician, nurse, episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("care-plans", args=[episode.pk]))
    care_plan = CarePlan.objects.get()
    client.force_login(nurse)
    response = client.get(reverse("care-plan-download", args=[care_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "behandlingsplan-v1.pdf" in response["Content-Disposition"]


def test_a_nurse_cannot_request_a_care_plan(client, nurse, episode):
    client.force_login(nurse)
    url = reverse("care-plans", args=[episode.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="request-care-plan"' not in page
    assert client.post(url).status_code == 403
    assert not CarePlan.objects.exists()


def test_a_pending_care_plan_does_not_download(client, clinician, episode):
    care_plan = services.care_plan_request(episode=episode, user=clinician, task=NoQueue())
    client.force_login(clinician)
    assert client.get(reverse("care-plan-download", args=[care_plan.pk])).status_code == 404


def _cells(page: str, marker: str, tag: str) -> list[str]:
    import re

    section = page[page.index(marker) :]
    section = section[: section.index("</table>")]
    return re.findall(rf'<{tag} scope="(?:row|col)">(\d\d[.:]\d\d)</{tag}>', section)


@pytest.mark.parametrize(("language", "clock"), [("nb", r"\d\d\.\d\d"), ("en", r"\d\d:\d\d")])
def test_planned_times_are_in_the_language_s_time_format(
    client, nurse, clinician, episode, settings, language, clock
):
    """Audit: the plan's times ("08:00") were shown as stored on Norwegian pages, which write
    times 08.00 everywhere else."""
    import re

    accept_alprazolam_taper(episode, clinician)
    client.force_login(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get(reverse("medication-plan", args=[episode.pk])).content.decode()

    todays = _cells(page, 'data-testid="todays-doses"', "th")
    calendar = _cells(page, 'class="taper-calendar"', "th")
    assert len(todays) == 3
    assert calendar == todays  # the calendar's columns are the day's times
    assert all(re.fullmatch(clock, time) for time in todays + calendar)
