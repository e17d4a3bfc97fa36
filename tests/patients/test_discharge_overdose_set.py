"""Issue 11, items 6 and 7 on the patient side: discharge with the overdose set open, the unit's
follow-up window in the admin.

13.1-9 and 10.3-2 (naloxone with training, information on the loss of tolerance): "the risk of
dying of an overdose in the first four weeks after treatment is 16 times higher" (O 1195-1201).
A discharge (planned, unplanned or dropout) while either is not ticked needs a written reason.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients import services
from patients.models import EpisodeEvent, EpisodeStatus
from plans import services as plan_services
from tests.factories import make_episode
from tests.plans.test_plan_cast import benzodiazepine_outpatient, opioid_patient

BOTH_DONE = {"naloxone_given": True, "tolerance_info_given": True}


@pytest.fixture
def opioid_episode(unit, clinician):
    return opioid_patient(unit=unit, clinician=clinician)


def tick(episode, user, done):
    plan_services.discharge_checklist_update(episode=episode, user=user, done=done)


def transition(episode, action):
    return reverse("episode-transition", args=[episode.pk, action])


# --- The service ------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_13_1_9_discharging_an_opioid_patient_with_the_set_open_needs_a_reason(
    opioid_episode, clinician, reason
):
    with pytest.raises(ValidationError) as raised:
        services.episode_discharge(episode=opioid_episode, user=clinician, override_reason=reason)
    assert list(raised.value.message_dict) == ["override_reason"]
    assert "Nalokson nesespray" in raised.value.message_dict["override_reason"][0]
    opioid_episode.refresh_from_db()
    assert opioid_episode.status == EpisodeStatus.ACTIVE
    assert not EpisodeEvent.objects.filter(episode=opioid_episode, kind="discharged").exists()


@pytest.mark.parametrize(
    ("done", "missing"),
    [
        ({}, ["naloxone_given", "tolerance_info_given"]),
        ({"naloxone_given": True}, ["tolerance_info_given"]),
        ({"tolerance_info_given": True}, ["naloxone_given"]),
    ],
)
def test_13_1_9_the_reason_and_what_was_open_are_stored_with_the_discharge(
    opioid_episode, clinician, done, missing
):
    tick(opioid_episode, clinician, done)
    services.episode_discharge(
        episode=opioid_episode, user=clinician, override_reason=" Pasienten avslo "
    )
    event = EpisodeEvent.objects.get(episode=opioid_episode, kind="discharged")
    assert event.details["overdose_set_open"] == {"missing": missing, "reason": "Pasienten avslo"}


def test_13_1_9_with_naloxone_and_tolerance_ticked_no_reason_is_needed(opioid_episode, clinician):
    tick(opioid_episode, clinician, BOTH_DONE)
    services.episode_discharge(episode=opioid_episode, user=clinician)
    event = EpisodeEvent.objects.get(episode=opioid_episode, kind="discharged")
    assert "overdose_set_open" not in event.details


def test_13_1_9_an_injecting_patient_without_opioids_needs_it_too(unit, clinician):
    episode = benzodiazepine_outpatient(
        unit=unit,
        clinician=clinician,
        substances=[{"substance": "stimulants", "route": "injected", "injecting": True}],
        given_name="Ida",
        family_name="Injiserer",
    )
    with pytest.raises(ValidationError) as raised:
        services.episode_discharge(episode=episode, user=clinician)
    assert list(raised.value.message_dict) == ["override_reason"]


def test_13_1_9_an_unknown_intake_shows_the_set_so_it_needs_a_reason(patient, clinician):
    episode = make_episode(patient=patient, user=clinician)
    with pytest.raises(ValidationError) as raised:
        services.episode_discharge(episode=episode, user=clinician)
    assert list(raised.value.message_dict) == ["override_reason"]


def test_13_1_9_a_benzodiazepine_patient_outside_the_set_needs_no_reason(unit, clinician):
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    services.episode_discharge(episode=episode, user=clinician)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.DISCHARGED


def test_13_1_9_an_unplanned_discharge_or_dropout_needs_the_reason_too(opioid_episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.episode_interrupt(episode=opioid_episode, user=clinician, reason="Reiste")
    assert list(raised.value.message_dict) == ["override_reason"]
    opioid_episode.refresh_from_db()
    assert opioid_episode.status == EpisodeStatus.ACTIVE
    services.episode_interrupt(
        episode=opioid_episode, user=clinician, reason="Reiste", override_reason="Ikke til stede"
    )
    event = EpisodeEvent.objects.get(episode=opioid_episode, kind="interrupted")
    assert event.reason == "Reiste"
    assert event.details["overdose_set_open"]["reason"] == "Ikke til stede"


def test_13_1_9_calling_off_a_planned_episode_needs_no_reason(patient, clinician):
    """No admission, no detox: no tolerance lost in it (a local resolution)."""
    episode = make_episode(patient=patient, status=EpisodeStatus.PLANNED, user=clinician)
    services.episode_interrupt(episode=episode, user=clinician, reason="Møtte ikke")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.INTERRUPTED


# --- The discharge page -----------------------------------------------------------------------


def test_13_1_9_the_discharge_page_asks_for_the_reason_in_norwegian(
    client, clinician, opioid_episode
):
    client.force_login(clinician)
    page = client.get(transition(opioid_episode, "discharge")).content.decode()
    assert 'data-testid="open-overdose-set"' in page
    assert 'name="override_reason"' in page
    assert "De overdoseforebyggende tiltakene er ikke gjort" in page
    assert "Nalokson nesespray utlevert, med opplæring" in page
    assert "16 ganger" in page
    response = client.post(transition(opioid_episode, "discharge"), {"override_reason": ""})
    assert response.status_code == 200
    assert "override_reason" in response.context["form"].errors
    opioid_episode.refresh_from_db()
    assert opioid_episode.status == EpisodeStatus.ACTIVE


def test_13_1_9_the_discharge_page_in_english_stores_the_reason(client, clinician, opioid_episode):
    client.force_login(clinician)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(transition(opioid_episode, "discharge")).content.decode()
    assert "The overdose-prevention measures are not done" in page
    assert "Reason for letting the patient leave without these measures" in page
    response = client.post(
        transition(opioid_episode, "discharge"), {"override_reason": "Declined naloxone"}
    )
    assert response.status_code == 302
    event = EpisodeEvent.objects.get(episode=opioid_episode, kind="discharged")
    assert event.details["overdose_set_open"]["reason"] == "Declined naloxone"


def test_13_1_9_the_interrupt_page_asks_for_both_reasons(client, clinician, opioid_episode):
    client.force_login(clinician)
    url = transition(opioid_episode, "interrupt")
    response = client.post(url, {"reason": "Gikk mot råd"})
    assert response.status_code == 200
    assert "override_reason" in response.context["form"].errors
    response = client.post(url, {"reason": "Gikk mot råd", "override_reason": "Gikk før utdeling"})
    assert response.status_code == 302
    opioid_episode.refresh_from_db()
    assert opioid_episode.status == EpisodeStatus.INTERRUPTED
    event = EpisodeEvent.objects.get(episode=opioid_episode, kind="interrupted")
    assert (event.reason, event.details["overdose_set_open"]["reason"]) == (
        "Gikk mot råd",
        "Gikk før utdeling",
    )


def test_13_1_9_no_reason_field_when_the_set_is_done(client, clinician, opioid_episode):
    tick(opioid_episode, clinician, BOTH_DONE)
    client.force_login(clinician)
    page = client.get(transition(opioid_episode, "discharge")).content.decode()
    assert 'name="override_reason"' not in page
    assert client.post(transition(opioid_episode, "discharge"), {}).status_code == 302


def test_13_1_9_the_history_shows_the_open_set_and_its_reason(
    client, nurse, clinician, opioid_episode
):
    tick(opioid_episode, clinician, {"naloxone_given": True})
    services.episode_discharge(
        episode=opioid_episode, user=clinician, override_reason="Avslo informasjon"
    )
    client.force_login(nurse)
    page = client.get(reverse("episode-history", args=[opioid_episode.pk])).content.decode()
    assert 'data-testid="open-set-reason"' in page
    assert "Gikk med overdoseforebyggingen ufullstendig" in page
    assert "Informert om tap av toleranse og overdosefare" in page
    assert "Avslo informasjon" in page


# --- The unit's follow-up window in the admin (O 4627-4633) -----------------------------------


def test_o_4627_4633_an_administrator_sets_the_units_follow_up_window(client, administrator, unit):
    client.force_login(administrator)
    url = reverse("admin:patients_unit_change", args=[unit.pk])
    page = client.get(url).content.decode()
    assert 'name="followup_within_days"' in page
    assert "Lokale avklaringer" in page
    response = client.post(
        url,
        {
            "name": unit.name,
            "code": unit.code,
            "staff": [user.pk for user in unit.staff.all()],
            "opioid_scale_interval_hours": 4,
            "followup_within_days": 5,
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.followup_within_days == 5


@pytest.mark.parametrize("days", [0, 29])
def test_o_4627_4633_the_window_is_one_to_28_days(client, administrator, unit, days):
    client.force_login(administrator)
    url = reverse("admin:patients_unit_change", args=[unit.pk])
    response = client.post(
        url,
        {
            "name": unit.name,
            "code": unit.code,
            "opioid_scale_interval_hours": 4,
            "followup_within_days": days,
        },
    )
    assert response.status_code == 200
    assert "followup_within_days" in response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.followup_within_days == 3


def test_o_4627_4633_the_unit_list_shows_the_window(client, administrator, unit):
    client.force_login(administrator)
    page = client.get(reverse("admin:patients_unit_changelist")).content.decode()
    assert "field-followup_within_days" in page


def test_a_clinician_cannot_change_the_window(client, clinician, unit):
    client.force_login(clinician)
    response = client.get(reverse("admin:patients_unit_change", args=[unit.pk]))
    assert response.status_code in (302, 403)


def test_discharge_time_is_checked_before_the_overdose_set(opioid_episode, clinician):
    """A discharge before admission is refused for its time, whatever the set."""
    with pytest.raises(ValidationError) as raised:
        services.episode_discharge(
            episode=opioid_episode,
            user=clinician,
            discharged_at=opioid_episode.admitted_at - dt.timedelta(minutes=1),
        )
    assert list(raised.value.message_dict) == ["discharged_at"]
