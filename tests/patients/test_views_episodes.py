import datetime as dt

from django.urls import reverse

from patients.models import Episode, EpisodeStatus
from tests.factories import make_episode


def _transition(episode, action):
    return reverse("episode-transition", args=[episode.pk, action])


def test_a_clinician_plans_an_episode_with_a_responsible_clinician(client, clinician, patient):
    client.force_login(clinician)
    response = client.post(
        reverse("episode-create", args=[patient.pk]),
        {"unit": patient.unit.pk, "responsible_clinician": clinician.pk},
    )
    episode = Episode.objects.get()
    assert response.url == reverse("episode-detail", args=[episode.pk])
    assert (episode.status, episode.responsible_clinician) == ("planned", clinician)


def test_a_nurse_cannot_plan_an_episode(client, nurse, patient):
    client.force_login(nurse)
    assert client.get(reverse("episode-create", args=[patient.pk])).status_code == 403


def test_the_episode_page_offers_the_actions_its_status_allows(client, clinician, planned_episode):
    client.force_login(clinician)
    page = client.get(reverse("episode-detail", args=[planned_episode.pk])).content.decode()
    assert _transition(planned_episode, "start") in page
    assert _transition(planned_episode, "interrupt") in page
    assert _transition(planned_episode, "discharge") not in page


def test_a_nurse_sees_the_episode_without_actions(client, nurse, planned_episode):
    client.force_login(nurse)
    response = client.get(reverse("episode-detail", args=[planned_episode.pk]))
    assert response.status_code == 200
    assert _transition(planned_episode, "start") not in response.content.decode()
    assert client.post(_transition(planned_episode, "start")).status_code == 403


def test_starting_asks_for_confirmation_first(client, clinician, planned_episode):
    client.force_login(clinician)
    response = client.get(_transition(planned_episode, "start"))
    assert response.status_code == 200
    planned_episode.refresh_from_db()
    assert planned_episode.status == "planned"


def test_confirming_the_start_starts_the_episode(client, clinician, planned_episode):
    client.force_login(clinician)
    response = client.post(_transition(planned_episode, "start"), {"at": "2025-03-10T10:30"})
    assert response.status_code == 302
    planned_episode.refresh_from_db()
    assert planned_episode.status == "active"
    # 10:30 in Oslo (CET) is 09:30 UTC.
    assert planned_episode.admitted_at == dt.datetime(2025, 3, 10, 9, 30, tzinfo=dt.UTC)


def test_an_interruption_without_a_reason_is_shown_on_the_reason_field(
    client, clinician, planned_episode
):
    client.force_login(clinician)
    response = client.post(_transition(planned_episode, "interrupt"), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    planned_episode.refresh_from_db()
    assert planned_episode.status == "planned"


def test_a_refused_transition_is_explained(client, clinician, patient):
    make_episode(patient=patient, user=clinician)
    second = make_episode(patient=patient, status=EpisodeStatus.PLANNED, user=clinician)
    client.force_login(clinician)
    response = client.post(_transition(second, "start"), {})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    second.refresh_from_db()
    assert second.status == "planned"


def test_an_unknown_action_is_not_found(client, clinician, planned_episode):
    client.force_login(clinician)
    assert client.get(_transition(planned_episode, "delete")).status_code == 404


def test_another_units_episode_pages_are_not_found(client, clinician, other_episode):
    client.force_login(clinician)
    for name in ("episode-detail", "intake-edit", "episode-decision", "episode-history"):
        assert client.get(reverse(name, args=[other_episode.pk])).status_code == 404
    assert client.post(_transition(other_episode, "discharge")).status_code == 404


def test_the_episode_list_shows_open_episodes_of_the_unit(
    client, nurse, patient, planned_episode, other_episode
):
    client.force_login(nurse)
    page = client.get(reverse("episode-list")).content.decode()
    assert reverse("episode-detail", args=[planned_episode.pk]) in page
    assert reverse("episode-detail", args=[other_episode.pk]) not in page


def test_the_episode_list_filters_by_status(client, nurse, planned_episode):
    client.force_login(nurse)
    page = client.get(reverse("episode-list"), {"status": "discharged"}).content.decode()
    assert reverse("episode-detail", args=[planned_episode.pk]) not in page
