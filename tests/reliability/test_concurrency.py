"""Requests for the same patient at the same moment, through the pages, on PostgreSQL: nothing a
user saved is lost, a double click stores a score once, and never a server error.

Each request runs in a thread of its own with its own database connection, released together,
as two web workers would serve two tablets. (The services' own races are in
tests/scoring/test_concurrency.py.)
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from detox.models import CarePlan, CarePlanStatus
from detox.tasks import generate_care_plan
from patients.models import EpisodeEvent, EpisodeStatus, Intake
from scoring.models import Assessment
from tests.factories import make_episode, make_patient, make_unit
from tests.patients.conftest import ALCOHOL_DT_POST
from tests.reliability.support import postgres_only, race
from tests.scoring.factories import items_for, make_inpatient

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def same_browser(client, times):
    """``times`` clients sharing ``client``'s session: the requests of one tablet."""
    clients = [Client() for _ in range(times)]
    for other in clients:
        other.cookies.update(client.cookies)
    return clients


def post(client, url, data=None):
    return lambda: client.post(url, data or {}).status_code


@pytest.fixture
def olav(make_user):
    return make_user("clinician", username="olav", first_name="Olav", last_name="Lege")


@pytest.fixture
def nina(make_user):
    return make_user("nurse", username="nina", first_name="Nina", last_name="Sykepleier")


def test_two_clinicians_saving_the_same_intake_draft_at_once_both_keep_their_save(clinician, olav):
    unit = make_unit(staff=[clinician, olav])
    episode = make_episode(
        patient=make_patient(unit=unit, user=clinician), status=EpisodeStatus.PLANNED
    )
    url = reverse("intake-edit", args=[episode.pk])
    lise_saves = {**ALCOHOL_DT_POST, "alcohol_units_per_day": "10", "save": ""}
    olav_saves = {**ALCOHOL_DT_POST, "alcohol_units_per_day": "20", "save": ""}

    statuses = race(
        post(logged_in(clinician), url, lise_saves), post(logged_in(olav), url, olav_saves)
    )

    assert statuses == [302, 302]
    intake = Intake.objects.get(episode=episode)
    history = list(intake.history.order_by("history_date"))
    # Both saves are kept, each with who saved it; the intake is the one saved last.
    assert {(h.history_user.username, str(h.alcohol_units_per_day)) for h in history} == {
        ("lise", "10.0"),
        ("olav", "20.0"),
    }
    assert intake.alcohol_units_per_day == history[-1].alcohol_units_per_day
    events = EpisodeEvent.objects.filter(episode=episode, kind="intake_saved")
    assert sorted(event.by.username for event in events) == ["lise", "olav"]


def test_two_nurses_scoring_the_same_patient_at_once_both_keep_their_scores(nurse, nina):
    episode = make_inpatient(unit=make_unit(staff=[nurse, nina]))
    url = reverse("assessment-create", args=[episode.pk, "ciwa-ar"])
    observed = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def score(total):
        return {
            **{k: str(v) for k, v in items_for("ciwa-ar", total).items()},
            "observed_at": observed,
        }

    statuses = race(post(logged_in(nurse), url, score(12)), post(logged_in(nina), url, score(17)))

    assert statuses == [302, 302]
    assert sorted(Assessment.objects.values_list("total", "entered_by__username")) == [
        (12, "siri"),
        (17, "nina"),
    ]


def test_a_double_tap_on_save_at_once_stores_the_score_once(nurse):
    episode = make_inpatient(unit=make_unit(staff=[nurse]))
    url = reverse("assessment-create", args=[episode.pk, "ciwa-ar"])
    data = {k: str(v) for k, v in items_for("ciwa-ar", 12).items()}
    data["observed_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    taps = same_browser(logged_in(nurse), 3)

    locations = race(*[lambda client=client: client.post(url, data)["Location"] for client in taps])

    assert Assessment.objects.count() == 1
    assert len(set(locations)) == 1


class RecordingTask:
    def __init__(self):
        self.sent = []

    def delay(self, care_plan_id):
        self.sent.append(care_plan_id)


def test_a_double_click_on_make_a_care_plan_makes_two_valid_versions(
    shipped_guideline, clinician, care_plan_episode, monkeypatch
):
    # Decided: each request is a version of its own, numbered one after the other under the
    # episode's row lock; nothing is merged, so nothing a clinician asked for is lost.
    task = RecordingTask()
    monkeypatch.setattr("detox.plan_views.generate_care_plan", task)
    url = reverse("care-plans", args=[care_plan_episode.pk])

    statuses = race(*[post(client, url) for client in same_browser(logged_in(clinician), 2)])

    assert statuses == [302, 302]
    care_plans = list(CarePlan.objects.filter(episode=care_plan_episode).order_by("version"))
    assert [care_plan.version for care_plan in care_plans] == [1, 2]
    assert sorted(task.sent) == sorted(care_plan.pk for care_plan in care_plans)
    for care_plan in care_plans:
        generate_care_plan.apply(args=(care_plan.pk,))
        care_plan.refresh_from_db()
        assert care_plan.status == CarePlanStatus.READY
        with care_plan.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    assert care_plans[0].file.name != care_plans[1].file.name
