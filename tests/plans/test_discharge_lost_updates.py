"""Issue 12, lost updates: the discharge checklist carries the version the editor started from; a
save over a newer version is refused with what changed and nothing is written. (The race of two
saves released together is in tests/reliability/test_concurrency.py, on PostgreSQL.)"""

import pytest
from django.test import Client
from django.urls import reverse

from patients.concurrency import StaleEditError
from patients.models import EpisodeEvent
from plans import services
from plans.models import DischargeChecklist, DischargeItem
from tests.factories import make_unit
from tests.plans.test_plan_cast import opioid_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(clinician, nurse):
    return opioid_patient(unit=make_unit(staff=[clinician, nurse]), clinician=clinician)


def _client(user, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def test_a_stale_checklist_save_is_refused_with_what_changed(clinician, nurse, episode):
    url = reverse("discharge-checklist", args=[episode.pk])
    nina, lise = _client(nurse), _client(clinician, "en")
    assert lise.get(url).context["form"]["version"].value() == 0
    ticked = {"done_naloxone_given": "on", "note_naloxone_given": "Opplært", "version": "0"}
    assert nina.post(url, ticked).status_code == 302

    refused = lise.post(url, {"notes": "Reiser hjem med buss", "version": "0"})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert (
        "Naloxone nasal spray handed out, with training: you started from “no”; now saved: “yes”."
        in page
    )
    assert "Note: you started from “(empty)”; now saved: “Opplært”." in page
    # Nothing of Lise's is written; Nina's tick is kept; Lise's note stays in the form.
    checklist = DischargeChecklist.objects.get()
    assert (checklist.notes, checklist.version) == ("", 1)
    assert DischargeItem.objects.get(code="naloxone_given").done
    assert refused.context["form"]["notes"].value() == "Reiser hjem med buss"
    assert refused.context["form"]["version"].value() == "1"


def test_the_refusal_is_in_norwegian_by_default(clinician, nurse, episode):
    url = reverse("discharge-checklist", args=[episode.pk])
    _client(nurse).post(url, {"notes": "Buss", "version": "0"})
    refused = _client(clinician).post(url, {"notes": "Taxi", "version": "0"})
    assert refused.status_code == 400
    assert (
        "Andre merknader: du startet fra «(tomt)»; nå lagret: «Buss»." in refused.content.decode()
    )
    assert DischargeChecklist.objects.get().notes == "Buss"


def test_a_checklist_post_without_a_version_is_a_400_naming_it(clinician, episode):
    url = reverse("discharge-checklist", args=[episode.pk])
    response = _client(clinician, "en").post(url, {"notes": "Taxi"})
    assert response.status_code == 400
    assert "version" in response.context["form"].errors
    assert "(field “version”)" in response.content.decode()
    assert not DischargeChecklist.objects.exists()


def test_the_service_refuses_an_old_version_and_writes_nothing(clinician, nurse, episode):
    services.discharge_checklist_update(
        episode=episode, user=nurse, done={"naloxone_given": True}, base_version=0
    )
    services.discharge_checklist_update(
        episode=episode,
        user=nurse,
        done={"naloxone_given": True},
        general_notes="Buss",
        base_version=1,
    )
    events = EpisodeEvent.objects.count()
    with pytest.raises(StaleEditError) as caught:
        services.discharge_checklist_update(
            episode=episode, user=clinician, done={}, general_notes="Taxi", base_version=1
        )
    assert {c.field: (c.started, c.saved) for c in caught.value.changes} == {"notes": ("", "Buss")}
    assert caught.value.saved_by == nurse
    checklist = DischargeChecklist.objects.get()
    assert (checklist.notes, checklist.version) == ("Buss", 2)
    assert EpisodeEvent.objects.count() == events
