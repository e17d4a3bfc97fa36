"""The discharge checklist on the episode: the service and the page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients.models import EpisodeEvent
from patients.services import episode_interrupt
from plans import selectors, services
from plans.models import DischargeChecklist, DischargeItem
from tests.factories import make_episode, make_patient, make_unit
from tests.plans.test_plan_cast import FIXED_NOW, benzodiazepine_outpatient, opioid_patient

APPOINTMENT = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def unit(clinician, nurse):
    return make_unit(name="Avrusning Vest", staff=[clinician, nurse])


@pytest.fixture
def opioid_episode(unit, clinician):
    return opioid_patient(unit=unit, clinician=clinician)


@pytest.fixture
def benzodiazepine_episode(unit, clinician):
    return benzodiazepine_outpatient(unit=unit, clinician=clinician)


def update(episode, user, **changes):
    values = {"episode": episode, "user": user, "done": {}, "now": FIXED_NOW}
    return services.discharge_checklist_update(**{**values, **changes})


def test_ticking_an_item_records_who_and_when(opioid_episode, nurse):
    update(opioid_episode, nurse, done={"naloxone_given": True}, notes={"naloxone_given": "Nyxoid"})
    item = DischargeItem.objects.get(code="naloxone_given")
    assert (item.done, item.done_by, item.done_at, item.note) == (True, nurse, FIXED_NOW, "Nyxoid")


def test_time_i_handen_needs_a_time_and_a_named_contact(opioid_episode, clinician):
    with pytest.raises(ValidationError) as raised:
        update(opioid_episode, clinician, done={"appointment_made": True})
    assert set(raised.value.message_dict) == {"appointment_at", "appointment_contact"}
    assert not DischargeChecklist.objects.exists()


def test_time_i_handen_with_time_and_contact_is_stored(opioid_episode, clinician):
    checklist = update(
        opioid_episode,
        clinician,
        done={"appointment_made": True},
        appointment_at=APPOINTMENT,
        appointment_contact="Per Hansen, Rusteamet",
        appointment_place="Storgata 1",
    )
    assert checklist.appointment_contact == "Per Hansen, Rusteamet"
    assert checklist.appointment_at == APPOINTMENT


def test_undoing_an_item_needs_a_reason_and_the_history_keeps_it(opioid_episode, clinician):
    update(opioid_episode, clinician, done={"naloxone_given": True})
    with pytest.raises(ValidationError) as raised:
        update(opioid_episode, clinician, done={})
    assert "reason" in raised.value.message_dict
    update(opioid_episode, clinician, done={}, reason="Feilregistrert: ikke utlevert ennå")
    item = DischargeItem.objects.get(code="naloxone_given")
    assert not item.done
    assert item.done_by is None
    history = list(item.history.order_by("history_date"))
    assert [h.done for h in history] == [True, False]
    assert history[-1].history_change_reason == "Feilregistrert: ikke utlevert ennå"
    assert history[-1].history_user == clinician


def test_changing_a_recorded_appointment_needs_a_reason(opioid_episode, clinician):
    first = {
        "done": {"appointment_made": True},
        "appointment_at": APPOINTMENT,
        "appointment_contact": "Per Hansen",
    }
    update(opioid_episode, clinician, **first)
    later = {**first, "appointment_at": APPOINTMENT + dt.timedelta(days=1)}
    with pytest.raises(ValidationError):
        update(opioid_episode, clinician, **later)
    update(opioid_episode, clinician, reason="Flyttet etter avtale", **later)
    checklist = DischargeChecklist.objects.get()
    assert checklist.history.count() == 2


def test_an_update_writes_the_plan_event_with_the_changes(opioid_episode, clinician):
    update(opioid_episode, clinician, done={"tolerance_info_given": True})
    event = EpisodeEvent.objects.get(kind="discharge_updated")
    assert event.details["changes"]["tolerance_info_given"] == {"old": None, "new": True}


def test_opioid_use_brings_the_overdose_set_and_warns_until_it_is_done(opioid_episode):
    view = selectors.discharge_view(opioid_episode, now=FIXED_NOW)
    assert view.assessment.overdose_prevention_required
    assert "naloxone_given" in {item.code for item in view.items}
    codes = [warning["code"] for warning in view.warnings]
    assert codes == ["followup_missing", "overdose_prevention_incomplete"]


def test_injecting_without_opioids_brings_the_overdose_set(unit, clinician):
    episode = benzodiazepine_outpatient(
        unit=unit,
        clinician=clinician,
        substances=[{"substance": "stimulants", "route": "injected", "injecting": True}],
        national_id_number=None,
        given_name="Ida",
        family_name="Injiserer",
        start=False,
    )
    view = selectors.discharge_view(episode, now=FIXED_NOW)
    assert view.basis_label == "har injisert"
    assert "naloxone_given" in {item.code for item in view.items}


def test_the_overdose_set_stays_on_unplanned_discharge(opioid_episode, clinician):
    update(opioid_episode, clinician, unplanned_discharge=True)
    view = selectors.discharge_view(opioid_episode, now=FIXED_NOW)
    assert "unplanned_discharge" in [warning["code"] for warning in view.warnings]
    assert view.assessment.overdose_prevention_required


def test_an_interrupted_episode_counts_as_an_unplanned_discharge(opioid_episode, clinician):
    episode_interrupt(
        episode=opioid_episode,
        user=clinician,
        reason="Reiste fra avdelingen",
        override_reason="Gikk før nalokson kunne deles ut",
    )
    opioid_episode.refresh_from_db()
    view = selectors.discharge_view(opioid_episode, now=FIXED_NOW)
    assert view.unplanned
    assert "unplanned_discharge" in [warning["code"] for warning in view.warnings]


def test_no_intake_shows_the_set_and_says_why(unit, clinician):
    patient = make_patient(unit=unit, user=clinician)
    episode = make_episode(patient=patient, user=clinician)
    view = selectors.discharge_view(episode, now=FIXED_NOW)
    assert view.assessment.basis == "unknown"
    assert "overdose_basis_unknown" in [warning["code"] for warning in view.warnings]


def test_a_benzodiazepine_patient_without_injecting_gets_no_overdose_set(benzodiazepine_episode):
    view = selectors.discharge_view(benzodiazepine_episode, now=FIXED_NOW)
    assert not view.assessment.overdose_prevention_required
    assert [item.code for item in view.items] == ["followup_planned", "self_help_informed"]


# --- The page ---------------------------------------------------------------------------------


def test_the_page_shows_the_tolerance_figures_for_an_opioid_patient(client, nurse, opioid_episode):
    client.force_login(nurse)
    page = client.get(reverse("discharge-checklist", args=[opioid_episode.pk])).content.decode()
    assert "25-50 %" in page
    assert "5 %" in page
    assert "16 ganger" in page
    assert 'data-testid="item-naloxone_given"' in page


def test_the_page_warns_when_follow_up_is_missing(client, clinician, benzodiazepine_episode):
    client.force_login(clinician)
    url = reverse("discharge-checklist", args=[benzodiazepine_episode.pk])
    page = client.get(url).content.decode()
    assert 'data-code="followup_missing"' in page
    assert "6.4.1-1" in page
    assert "16 ganger" not in page


def test_a_nurse_can_tick_items_off(client, nurse, opioid_episode):
    client.force_login(nurse)
    url = reverse("discharge-checklist", args=[opioid_episode.pk])
    response = client.post(
        url, {"done_naloxone_given": "on", "note_naloxone_given": "Opplært", "version": "0"}
    )
    assert response.status_code == 302
    assert DischargeItem.objects.get(code="naloxone_given").done_by == nurse


def test_an_appointment_without_a_contact_is_a_400_naming_the_field(
    client, clinician, opioid_episode
):
    client.force_login(clinician)
    url = reverse("discharge-checklist", args=[opioid_episode.pk])
    response = client.post(
        url, {"done_appointment_made": "on", "appointment_at": "2026-11-27T11:00", "version": "0"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["appointment_contact"]
    assert not DischargeChecklist.objects.exists()


def test_the_appointment_time_is_read_as_oslo_time(client, clinician, opioid_episode):
    client.force_login(clinician)
    url = reverse("discharge-checklist", args=[opioid_episode.pk])
    client.post(
        url,
        {
            "done_appointment_made": "on",
            "appointment_at": "2026-11-27T11:00",
            "appointment_contact": "Per Hansen",
            "version": "0",
        },
    )
    assert DischargeChecklist.objects.get().appointment_at == APPOINTMENT


def test_an_administrator_gets_403(client, administrator, opioid_episode):
    client.force_login(administrator)
    url = reverse("discharge-checklist", args=[opioid_episode.pk])
    assert client.get(url).status_code == 403


def test_another_units_episode_is_404(client, make_user, opioid_episode):
    stranger = make_user("clinician", username="olav")
    make_unit(name="Annen enhet", staff=[stranger])
    client.force_login(stranger)
    assert client.get(reverse("discharge-checklist", args=[opioid_episode.pk])).status_code == 404
