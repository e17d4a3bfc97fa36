"""Issue 11, items 6 and 7 on the episode: the checklist page, the selector and the care plan.

- "Time i hånden" within the unit's days after discharge (O 4627-4633; O 1195-1201).
- A discharge with the overdose-prevention set open keeps its reason (13.1-9, 10.3-2).
- Benzodiazepine main users who take opioids now and then (O 2170-2174).
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from patients.services import episode_discharge, episode_interrupt
from plans import selectors, services
from plans.care_plan import care_plan_context, care_plan_html
from plans.models import DischargeChecklist
from tests.factories import make_unit
from tests.plans.test_plan_cast import (
    BENZODIAZEPINE_ROW,
    FIXED_NOW,
    benzodiazepine_outpatient,
    opioid_patient,
)

PLANNED_DISCHARGE = FIXED_NOW + dt.timedelta(days=2)  # Thursday 26.11.2026 13:00 in Oslo
LATE = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)  # 7 days after the planned discharge
IN_TIME = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)  # 2 days after


@pytest.fixture
def unit(clinician, nurse):
    return make_unit(name="Avrusning Vest", staff=[clinician, nurse])


@pytest.fixture
def opioid_episode(unit, clinician):
    return opioid_patient(unit=unit, clinician=clinician)


def update(episode, user, **changes):
    values = {"episode": episode, "user": user, "done": {}, "now": FIXED_NOW}
    return services.discharge_checklist_update(**{**values, **changes})


def appointment(episode, user, at, **changes):
    values = {
        "done": {"appointment_made": True},
        "appointment_at": at,
        "appointment_contact": "Per Hansen, rusteamet",
        "planned_discharge_at": PLANNED_DISCHARGE,
    }
    return update(episode, user, **{**values, **changes})


def codes(view):
    return [warning["code"] for warning in view.warnings]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- "Time i hånden" (O 4627-4633) ------------------------------------------------------------


def test_o_4627_4633_the_planned_discharge_is_stored_with_the_checklist(opioid_episode, clinician):
    appointment(opioid_episode, clinician, IN_TIME)
    checklist = DischargeChecklist.objects.get()
    assert checklist.planned_discharge_at == PLANNED_DISCHARGE
    assert checklist.history.first().planned_discharge_at == PLANNED_DISCHARGE


def test_o_4627_4633_a_late_appointment_is_a_warning_counted_from_the_planned_discharge(
    opioid_episode, clinician
):
    appointment(opioid_episode, clinician, LATE)
    with translation.override("en"):
        view = selectors.discharge_view(opioid_episode, now=FIXED_NOW)
    late = next(w for w in view.warnings if w["code"] == "appointment_too_late")
    assert late["resolution"]
    assert "more than 3 days after the planned discharge (2026-11-26 13:00)" in late["text"]
    assert "16 times higher" in late["text"]


def test_o_4627_4633_an_appointment_in_time_is_no_warning(opioid_episode, clinician):
    appointment(opioid_episode, clinician, IN_TIME)
    assert "appointment_too_late" not in codes(
        selectors.discharge_view(opioid_episode, now=FIXED_NOW)
    )


def test_o_4627_4633_the_units_setting_is_used(unit, opioid_episode, clinician):
    appointment(opioid_episode, clinician, IN_TIME)
    unit.followup_within_days = 1
    unit.save()
    opioid_episode.refresh_from_db()
    view = selectors.discharge_view(opioid_episode, now=FIXED_NOW)
    assert "appointment_too_late" in codes(view)
    assert view.followup_within_days == 1


def test_o_4627_4633_the_recorded_discharge_replaces_the_planned_one(opioid_episode, clinician):
    """Planned for Thursday, the patient left on Monday: Saturday's appointment is late."""
    appointment(
        opioid_episode,
        clinician,
        IN_TIME,
        done={"appointment_made": True, "naloxone_given": True, "tolerance_info_given": True},
    )
    earlier = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    episode_discharge(episode=opioid_episode, user=clinician, discharged_at=earlier)
    opioid_episode.refresh_from_db()
    with translation.override("en"):
        view = selectors.discharge_view(opioid_episode, now=FIXED_NOW)
    late = next(w for w in view.warnings if w["code"] == "appointment_too_late")
    assert "after the discharge (2026-11-23 11:00)" in late["text"]


def test_o_4627_4633_the_checklist_page_shows_the_window_and_the_warning_in_norwegian(
    client, nurse, clinician, opioid_episode
):
    appointment(opioid_episode, clinician, LATE)
    client.force_login(nurse)
    page = client.get(reverse("discharge-checklist", args=[opioid_episode.pk])).content.decode()
    assert 'data-code="appointment_too_late"' in page
    assert "mer enn 3 dager etter planlagt utskrivning" in page
    assert 'data-testid="followup-window"' in page
    assert "senest 3 dager etter utskrivningsdagen" in page
    assert "lokal avklaring" in page
    assert 'name="planned_discharge_at"' in page


def test_o_4627_4633_the_checklist_page_in_english(client, nurse, clinician, opioid_episode):
    appointment(opioid_episode, clinician, LATE)
    client.force_login(nurse)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("discharge-checklist", args=[opioid_episode.pk])).content.decode()
    assert "more than 3 days after the planned discharge" in page
    assert "no later than 3 days after the day of discharge" in page


def test_o_4627_4633_the_page_stores_the_planned_discharge_as_oslo_time(
    client, clinician, opioid_episode
):
    client.force_login(clinician)
    url = reverse("discharge-checklist", args=[opioid_episode.pk])
    response = client.post(url, {"planned_discharge_at": "2026-11-26T13:00", "version": "0"})
    assert response.status_code == 302
    assert DischargeChecklist.objects.get().planned_discharge_at == PLANNED_DISCHARGE


def test_o_4627_4633_the_late_appointment_is_in_the_care_plan(opioid_episode, clinician):
    appointment(opioid_episode, clinician, LATE)
    with translation.override("nb"):
        html = text(care_plan_html(care_plan_context(opioid_episode, now=FIXED_NOW)))
    assert "mer enn 3 dager etter planlagt utskrivning" in html
    assert "senest 3 dager etter utskrivningsdagen" in html
    assert "Planlagt utskrivning: 26.11.2026 kl. 13.00" in html


# --- Discharge with the set open (13.1-9, 10.3-2) ---------------------------------------------


def test_13_1_9_the_open_set_reason_is_on_the_checklist_page_and_in_the_care_plan(
    client, nurse, clinician, opioid_episode
):
    episode_discharge(
        episode=opioid_episode,
        user=clinician,
        override_reason="Pasienten avslo nalokson",
    )
    opioid_episode.refresh_from_db()
    view = selectors.discharge_view(opioid_episode, now=FIXED_NOW)
    assert view.open_set_discharge is not None
    assert view.open_set_discharge.missing == ("naloxone_given", "tolerance_info_given")
    client.force_login(nurse)
    page = client.get(reverse("discharge-checklist", args=[opioid_episode.pk])).content.decode()
    assert 'data-testid="open-set-discharge"' in page
    assert "Pasienten avslo nalokson" in page
    with translation.override("nb"):
        html = text(care_plan_html(care_plan_context(opioid_episode, now=FIXED_NOW)))
    assert "Utskrevet med overdoseforebyggingen ufullstendig" in html
    assert "Pasienten avslo nalokson" in html
    assert "Nalokson nesespray utlevert, med opplæring" in html


def test_13_1_9_an_interruption_with_the_set_open_is_in_the_care_plan(opioid_episode, clinician):
    episode_interrupt(
        episode=opioid_episode,
        user=clinician,
        reason="Reiste fra avdelingen",
        override_reason="Gikk før utdeling",
    )
    opioid_episode.refresh_from_db()
    with translation.override("nb"):
        html = text(care_plan_html(care_plan_context(opioid_episode, now=FIXED_NOW)))
    assert "Avbrutt med overdoseforebyggingen ufullstendig" in html
    assert "Gikk før utdeling" in html


def test_13_1_9_a_discharge_with_the_set_done_prints_no_open_set_line(opioid_episode, clinician):
    update(opioid_episode, clinician, done={"naloxone_given": True, "tolerance_info_given": True})
    episode_discharge(episode=opioid_episode, user=clinician)
    opioid_episode.refresh_from_db()
    assert selectors.discharge_view(opioid_episode, now=FIXED_NOW).open_set_discharge is None


# --- Occasional opioid use (O 2170-2174) ------------------------------------------------------

OCCASIONAL_OPIOIDS = {
    "substance": "opioids",
    "description": "oksykodon av og til",
    "dependent": False,
    "last_month_frequency": "less",
    "route": "oral",
    "injecting": False,
}


def test_o_2170_2174_a_benzodiazepine_user_taking_opioids_now_and_then_gets_the_set(
    unit, clinician
):
    episode = benzodiazepine_outpatient(
        unit=unit, clinician=clinician, substances=[BENZODIAZEPINE_ROW, OCCASIONAL_OPIOIDS]
    )
    view = selectors.discharge_view(episode, now=FIXED_NOW)
    assert view.assessment.overdose_prevention_required
    assert "occasional_opioid_use" in codes(view)
    assert selectors.overdose_set_open(episode) == ("naloxone_given", "tolerance_info_given")


def test_o_2170_2174_a_benzodiazepine_user_without_opioids_gets_no_such_warning(unit, clinician):
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    view = selectors.discharge_view(episode, now=FIXED_NOW)
    assert "occasional_opioid_use" not in codes(view)
    assert selectors.overdose_set_open(episode) == ()
